#!/usr/bin/python3
"""Writes auto_chunks.json: Dask's normalize_chunks("auto", shape, dtype) for the shapes the
array tests check (tests/mpi/array/test_array.cpp). Run: /usr/bin/python3 make_auto_chunks.py"""
import json
import pathlib

from dask.array.core import normalize_chunks

cases = []
for shape, dtype in [((10_000_000, 10), "float64"), ((100_000, 100_000), "float64"), ((1000, 20_000_000), "float64"),
                     ((50_000_000,), "float64"), ((3000, 4000, 5000), "float64"), ((7,), "float64"),
                     ((1000, 10), "float32"), ((40_000_000, 3), "int32"), ((0, 5), "float64")]:
    chunks = normalize_chunks("auto", shape, dtype=dtype)
    cases.append({"shape": list(shape), "dtype": dtype, "chunks": [list(c) for c in chunks]})
out = pathlib.Path(__file__).with_name("auto_chunks.json")
out.write_text(json.dumps(cases, separators=(",", ":")))
print(f"wrote {out}")
