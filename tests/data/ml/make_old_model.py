"""A KMeans model file as rankwise wrote them before session 4 (every number a float64
attribute), for the test that such files still load. Run: /usr/bin/python3 make_old_model.py"""
import pathlib

import h5py
import numpy as np

here = pathlib.Path(__file__).parent
with h5py.File(here / "kmeans_float_attrs.h5", "w") as f:
    f.attrs["rankwise_model"] = np.bytes_("KMeans")
    f.attrs["init"] = np.bytes_("k-means||")
    for name, value in {"n_clusters": 2, "init_max_iter": 5, "oversampling_factor": 2, "max_iter": 300, "tol": 1e-4,
                        "n_init": 1, "random_state": 7, "inertia_": 4.0, "n_iter_": 3}.items():
        f.attrs[name] = np.float64(value)
    f["cluster_centers_"] = np.array([[0.0, 0.0], [10.0, 10.0]])
print("wrote kmeans_float_attrs.h5")
