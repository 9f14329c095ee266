"""Model files written by h5py the way other tools write them, for the tests that rankwise
reads them: a StandardScaler whose feature_names_in_ are fixed-length byte strings (numpy 'S',
h5py's default for bytes), and a damaged one whose vectors differ in length.
Run: /usr/bin/python3 make_foreign_models.py"""
import pathlib

import h5py
import numpy as np

here = pathlib.Path(__file__).parent
for name, names, scale in [("scaler_fixed_names.h5", [b"id", b"x"], [2.0, 4.0]),
                           ("scaler_damaged.h5", [b"id", b"x", b"n"], [2.0, 4.0])]:
    with h5py.File(here / name, "w") as f:
        f.attrs["rankwise_model"] = np.bytes_("StandardScaler")
        f.attrs["with_mean"] = np.int64(1)
        f.attrs["with_std"] = np.int64(1)
        f.attrs["n_samples_seen_"] = np.int64(10)
        f["mean_"] = np.array([1.0, 3.0])
        f["var_"] = np.array(scale) ** 2
        f["scale_"] = np.array(scale)
        f["feature_names_in_"] = np.array(names, dtype="S")
    print("wrote", name)
