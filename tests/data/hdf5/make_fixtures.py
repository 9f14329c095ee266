#!/usr/bin/python3
"""Writes the HDF5 fixtures of tests/mpi/io/test_hdf5.cpp with h5py (serial HDF5, as users'
files are): one small dataset per layout and element type, and expected.json with numpy's
sums. Run: /usr/bin/python3 tests/data/hdf5/make_fixtures.py"""
import json
import pathlib

import h5py
import numpy as np

here = pathlib.Path(__file__).parent
values = (np.arange(101 * 3).reshape(101, 3) % 17 - 8) / 4.0  # exact in binary: sums are exact
expected = {}
with h5py.File(here / "layouts.h5", "w") as f:
    f.create_dataset("contiguous_f64", data=values)
    f.create_dataset("group/chunked_f32", data=values.astype(np.float32), chunks=(16, 3))
    f.create_dataset("gzip_i32", data=(values * 4).astype(np.int32), chunks=(10, 3), compression="gzip", shuffle=True)
    f.create_dataset("bigendian_i64", data=(values * 4).astype(">i8"), chunks=(25, 3), compression="gzip")
    f.create_dataset("cube", data=np.zeros((4, 3, 2)))
    f.create_dataset("names", data=np.array([b"a", b"b"]))
    # Chunks never written, fill time "never": HDF5 leaves a reader's buffer as it was there.
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((10, 3))
    dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)
    space = h5py.h5s.create_simple((40, 3))
    sparse = h5py.Dataset(h5py.h5d.create(f.id, b"sparse_fill_never", h5py.h5t.IEEE_F64LE, space, dcpl=dcpl))
    sparse[0:10] = 1.0
    sparse[30:40] = 2.0
    # The same with h5py's defaults (unwritten chunks read as the fill value, 0).
    partial = f.create_dataset("sparse_default", shape=(40, 3), chunks=(10, 3), dtype="f8")
    partial[0:10] = 1.0
    partial[30:40] = 2.0
    # Every layout with every element type rankwise reads (integers: the values times 4).
    for layout, options in [("contiguous", {}), ("chunked", {"chunks": (16, 3)}),
                            ("gzip", {"chunks": (10, 3), "compression": "gzip", "compression_opts": 6})]:
        for dtype in ("f4", "f8", "i4", "i8"):
            data = values if dtype[0] == "f" else values * 4
            f.create_dataset(f"matrix/{layout}_{dtype}", data=data.astype(dtype), **options)
            expected[f"matrix/{layout}_{dtype}"] = {"sum": float(data.sum()), "sum0": data.sum(axis=0).tolist(),
                                                     "first_row": data[0].tolist(), "last_row": data[-1].tolist()}
for name, data in [("contiguous_f64", values), ("group/chunked_f32", values), ("gzip_i32", values * 4),
                   ("bigendian_i64", values * 4)]:
    expected[name] = {"sum": float(data.sum()), "sum0": data.sum(axis=0).tolist(), "first_row": data[0].tolist(),
                      "last_row": data[-1].tolist()}
(here / "expected.json").write_text(json.dumps(expected))
print("wrote layouts.h5 and expected.json")
