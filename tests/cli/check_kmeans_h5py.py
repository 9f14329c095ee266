"""Reads a `rankwise kmeans` result and predictions with h5py and checks them against numpy:
every label is the nearest center of its row, and the predictions equal the labels.
    check_kmeans_h5py.py DATA.h5 DATASET RESULT.h5 PREDICTIONS.h5"""
import sys

import h5py
import numpy as np

data, dataset, result, predictions = sys.argv[1:5]
X = h5py.File(data)[dataset][...].astype(float)
with h5py.File(result) as f:
    assert f.attrs["rankwise_model"] == b"KMeans", f.attrs["rankwise_model"]
    centers, labels = f["cluster_centers_"][...], f["labels"][...]
    inertia = float(f.attrs["inertia_"])
    # Whole-number parameters are integers, as scikit-learn's are.
    for name in ("n_clusters", "max_iter", "n_iter_", "random_state"):
        assert np.issubdtype(np.asarray(f.attrs[name]).dtype, np.integer), (name, f.attrs[name])
d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
assert (labels == d2.argmin(axis=1)).all(), "a label is not the nearest center"
assert abs(d2.min(axis=1).sum() - inertia) <= 1e-9 * inertia, (d2.min(axis=1).sum(), inertia)
pred = h5py.File(predictions)["labels"][...]
assert (pred == labels).all(), "predict disagrees with the fitted labels"
print(f"ok: {len(X)} rows, {len(centers)} centers, inertia {inertia:.6g}")
