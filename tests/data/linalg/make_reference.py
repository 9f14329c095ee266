#!/usr/bin/python3
"""Writes reference.json for tests/mpi/linalg/test_dot.cpp with numpy (Debian's 1.24).
Run: /usr/bin/python3 tests/data/linalg/make_reference.py"""
import json
import pathlib

import numpy as np

rng = np.random.default_rng(5)
X = np.round(rng.normal(size=(203, 6)), 6)
y = np.round(X @ np.array([1.5, -2.0, 0.5, 3.0, 0.0, -1.0]) + rng.normal(scale=0.1, size=203), 6)
M = np.round(rng.normal(size=(6, 9)), 6)
N = np.round(rng.normal(size=(9, 7)), 6)
S = np.array([[4.0, 1, 2], [1, 3, 0], [2, 0, 5]])
ref = {
    "X": X.tolist(), "y": y.tolist(), "M": M.tolist(), "N": N.tolist(), "S": S.tolist(),
    "XtX": (X.T @ X).tolist(), "Xty": (X.T @ y).tolist(), "XM": (X @ M).tolist(), "MN": (M @ N).tolist(),
    "Xv": (X @ M[:, 0]).tolist(), "vX": (y @ X).tolist(), "uv": float(y @ y),
    "ols": (np.linalg.inv(X.T @ X) @ X.T @ y).tolist(), "lstsq": np.linalg.lstsq(X, y, rcond=None)[0].tolist(),
    "S_inv": np.linalg.inv(S).tolist(), "S_solve": np.linalg.solve(S, np.array([1.0, 2, 3])).tolist(),
}
# QR with R's diagonal made non-negative (rankwise's canonical sign), singular values.
q, r = np.linalg.qr(X)
signs = np.sign(np.diag(r))
ref["qr_R"] = (r * signs[:, None]).tolist()
ref["sv"] = np.linalg.svd(X, compute_uv=False).tolist()
# Rank-deficient: column 5 = column 0 + column 1; numpy gives the minimum-norm solution.
Xd = X.copy()
Xd[:, 5] = Xd[:, 0] + Xd[:, 1]
coef, res, rank, sv = np.linalg.lstsq(Xd, y, rcond=None)
ref.update({"Xd": Xd.tolist(), "deficient_coef": coef.tolist(), "deficient_rank": int(rank)})
coef, res, rank, sv = np.linalg.lstsq(X, y, rcond=None)
ref.update({"full_residuals": res.tolist(), "full_rank": int(rank)})
# Ill-conditioned: a degree-6 polynomial in t on [1, 1.1] (cond(V) ~ 1e9): TSQR keeps the
# digits, the normal equations (cond ~ 1e18) do not.
t = np.linspace(1.0, 1.1, 300)
V = np.vander(t, 7, increasing=True)
true = np.array([1.0, -2.0, 3.0, -1.0, 0.5, 0.25, -0.125])
yv = V @ true
ref.update({"V": V.tolist(), "yv": yv.tolist(), "true": true.tolist(), "cond_V": float(np.linalg.cond(V)),
            "V_lstsq": np.linalg.lstsq(V, yv, rcond=None)[0].tolist()})
# Cholesky and triangular solves of S; a nearly rank-3 matrix for svd_compressed.
L = np.linalg.cholesky(S)
ref.update({"S_chol": L.tolist(), "S_tri_lower": np.linalg.solve(L, np.array([1.0, 2, 3])).tolist(),
            "S_tri_upper": np.linalg.solve(L.T, np.array([1.0, 2, 3])).tolist()})
low = rng.normal(size=(300, 3)) @ rng.normal(size=(3, 8)) + 1e-6 * rng.normal(size=(300, 8))
ref.update({"low": low.tolist(), "low_sv": np.linalg.svd(low, compute_uv=False)[:3].tolist()})
ref["M_sv"] = np.linalg.svd(M, compute_uv=False).tolist()
# A general (non-symmetric) 9 x 9 matrix, a 9 x 3 right-hand side, and an SPD 9 x 9 built
# from it: the solvers on matrices large enough to spread over three ranks in 2 x 2 blocks.
G = np.round(rng.normal(size=(9, 9)), 6)
Bm = np.round(rng.normal(size=(9, 3)), 6)
P = G @ G.T + 9 * np.eye(9)
ref.update({"G": G.tolist(), "Bm": Bm.tolist(), "G_inv": np.linalg.inv(G).tolist(),
            "G_solve_B": np.linalg.solve(G, Bm).tolist(), "G_solve_b": np.linalg.solve(G, Bm[:, 0]).tolist(),
            "P": P.tolist(), "P_chol": np.linalg.cholesky(P).tolist(), "P_inv": np.linalg.inv(P).tolist()})
Lp = np.linalg.cholesky(P)
ref.update({"P_tri_lower_B": np.linalg.solve(Lp, Bm).tolist(), "P_tri_upper_B": np.linalg.solve(Lp.T, Bm).tolist()})
# lstsq with an rcond that drops X's smallest singular value (numpy's rule: sv <= rcond * sv[0]).
sv = np.linalg.svd(X, compute_uv=False)
rc = float(sv[-1] / sv[0] * 1.01)
coef, res, rank, _ = np.linalg.lstsq(X, y, rcond=rc)
ref.update({"rcond": rc, "rcond_coef": coef.tolist(), "rcond_rank": int(rank), "MtT": M.T.tolist()})
out = pathlib.Path(__file__).with_name("reference.json")
out.write_text(json.dumps(ref, separators=(",", ":")))
print(f"wrote {out}")
