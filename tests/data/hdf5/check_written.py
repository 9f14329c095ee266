#!/usr/bin/python3
"""Checks a file written by rankwise's to_hdf5 with h5py:
check_written.py FILE DATASET SUM ROWS COLS [ATTR=VALUE ...] [layout=contiguous|chunked:ROWS:gzip:LEVEL]"""
import sys

import h5py

path, name, total, rows, cols = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
with h5py.File(path, "r") as f:
    d = f[name]
    assert d.shape == (rows, cols), d.shape
    assert abs(d[...].sum() - total) < 1e-9 * max(1.0, abs(total)), (d[...].sum(), total)
    for kv in sys.argv[6:]:
        k, v = kv.split("=", 1)
        if k == "layout":  # the storage layout, as h5py reports it
            if v == "contiguous":
                assert d.chunks is None and d.compression is None, (d.chunks, d.compression)
            else:
                _, chunk_rows, _, level = v.split(":")
                assert d.chunks == (int(chunk_rows), cols), d.chunks
                expected = ("gzip", int(level)) if int(level) else (None, None)
                assert (d.compression, d.compression_opts) == expected, (d.compression, d.compression_opts)
            continue
        got = d.attrs[k]
        got = got.decode() if isinstance(got, bytes) else str(got)
        assert got == v, (k, got, v)
print("ok")
