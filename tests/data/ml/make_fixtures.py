"""References for tests/mpi/ml/test_ml.cpp, computed once with scikit-learn (Debian's
python3-sklearn). Run: /usr/bin/python3 make_fixtures.py  (writes expected.json here)."""
import json

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, mean_absolute_error, mean_squared_error,
                             r2_score, silhouette_score)
from sklearn.preprocessing import MinMaxScaler, StandardScaler


def L(a):
    return np.asarray(a).tolist()


out = {}
X, y = make_blobs(n_samples=300, n_features=2, centers=3, random_state=0)
km = KMeans(n_clusters=3, n_init=10, random_state=0, tol=0).fit(X)  # tol=0: the exact fixed point
out["blobs"] = {"X": L(X), "y": L(y), "centers": L(km.cluster_centers_), "inertia": km.inertia_,
                "silhouette": silhouette_score(X, km.labels_), "labels": L(km.labels_)}

X, y = make_regression(n_samples=200, n_features=5, noise=3.0, bias=2.5, random_state=1)
lr = LinearRegression().fit(X, y)
rd = Ridge(alpha=1.0).fit(X, y)
pred = lr.predict(X)
out["regression"] = {"X": L(X), "y": L(y), "coef": L(lr.coef_), "intercept": lr.intercept_, "r2": lr.score(X, y),
                     "ridge_coef": L(rd.coef_), "ridge_intercept": rd.intercept_, "mse": mean_squared_error(y, pred),
                     "mae": mean_absolute_error(y, pred)}
# Rank-deficient: a duplicated column (TSQR lstsq gives the minimum-norm solution, as numpy's).
Xd = np.hstack([X, X[:, :1]])
coef_d, *_ = np.linalg.lstsq(Xd - Xd.mean(axis=0), y - y.mean(), rcond=None)
out["regression"]["deficient_coef"] = L(coef_d)

for name, k in (("binary", 2), ("multinomial", 3)):
    X, y = make_classification(n_samples=240, n_features=4, n_informative=3, n_redundant=0, n_classes=k,
                               random_state=2)
    y = y * 10 + 5  # labels that are not 0..k-1
    # newton-cg converges to a gradient near 1e-10 (lbfgs stops near 1e-5 here); same objective
    clf = LogisticRegression(C=0.5, solver="newton-cg", tol=1e-14, max_iter=10000).fit(X, y)
    proba = clf.predict_proba(X)
    out[name] = {"X": L(X), "y": L(y), "coef": L(clf.coef_), "intercept": L(clf.intercept_), "classes": L(clf.classes_),
                 "proba_head": L(proba[:5]), "decision_head": L(clf.decision_function(X)[:5]), "accuracy": clf.score(X, y),
                 "log_loss": log_loss(np.searchsorted(clf.classes_, y), proba),
                 "confusion": L(confusion_matrix(np.searchsorted(clf.classes_, y), np.searchsorted(clf.classes_, clf.predict(X))))}

X = np.random.default_rng(3).normal(size=(50, 3)) * [1.0, 10.0, 0.1] + [0.0, 5.0, -2.0]
ss, mm = StandardScaler().fit(X), MinMaxScaler(feature_range=(-1, 2)).fit(X)
out["scalers"] = {"X": L(X), "mean": L(ss.mean_), "var": L(ss.var_), "scale": L(ss.scale_), "std_head": L(ss.transform(X)[:3]),
                  "min": L(mm.data_min_), "max": L(mm.data_max_), "minmax_head": L(mm.transform(X)[:3])}

with open("expected.json", "w") as f:
    json.dump(out, f)
print("wrote expected.json")
