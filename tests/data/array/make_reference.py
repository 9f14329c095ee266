#!/usr/bin/python3
"""Writes reference.json: numpy's results for the array tests (tests/mpi/array/test_array.cpp).

Run with Debian's python3 (numpy 1.24): /usr/bin/python3 tests/data/array/make_reference.py
"""
import json
import pathlib

import numpy as np

rng = np.random.default_rng(20261124)
A = np.round(rng.normal(0.0, 3.0, size=(37, 5)), 6)  # uneven rows, negative values
A[4, 2] = 0.0
A[11, 0] = 0.0
B = A.copy()  # with NaN for the nan-reductions
B[3, 1] = np.nan
B[30, 4] = np.nan
row = np.array([1.5, -2.0, 0.25, 3.0, -0.5])
col = np.arange(37, dtype=np.float64).reshape(37, 1) / 10.0


def L(x):
    x = np.asarray(x)
    if x.dtype == bool:
        return x.astype(int).tolist()
    return x.tolist()


ref = {
    "A": L(A), "B_nan_at": [[3, 1], [30, 4]], "row": L(row), "col": L(col),
    "sum": float(A.sum()), "sum0": L(A.sum(axis=0)), "sum1": L(A.sum(axis=1)),
    "mean": float(A.mean()), "mean0": L(A.mean(axis=0)), "mean1": L(A.mean(axis=1)),
    "var": float(A.var()), "var0": L(A.var(axis=0)), "std1_ddof1": L(A.std(axis=1, ddof=1)),
    "std_ddof1": float(A.std(ddof=1)),
    "min": float(A.min()), "max0": L(A.max(axis=0)), "min1": L(A.min(axis=1)),
    "argmin": int(A.argmin()), "argmax": int(A.argmax()), "argmax0": L(A.argmax(axis=0)), "argmin1": L(A.argmin(axis=1)),
    "prod_slice": float(A[:6, :3].prod()), "prod0_slice": L(A[:6, :3].prod(axis=0)),
    "count_nonzero": int(np.count_nonzero(A)), "count_nonzero0": L(np.count_nonzero(A, axis=0)),
    "any_gt8": bool((A > 8).any()), "all_gt_minus20": bool((A > -20).all()), "any0_gt5": L((A > 5).any(axis=0)),
    "nansum": float(np.nansum(B)), "nanmean0": L(np.nanmean(B, axis=0)), "sum_B_isnan": bool(np.isnan(B.sum())),
    "fused": L(np.exp(A / 4) * 2 + 1), "fused_sum": float((np.exp(A / 4) * 2 + 1).sum()),
    "square_sum": float(((A * 2 + 1) ** 2).sum()),
    "where_abs": L(np.where(A > 0, A, -A)), "clip": L(np.clip(A, -1.0, 2.0)),
    "plus_row": L(A + row), "times_col": L(A * col), "row_minus_A": L(row - A),
    "gt0": L(A > 0), "T": L(A.T), "slice": L(A[10:30:3, :-2]), "slice_neg": L(A[-5:, 1:4]),
    "slice_std0": L(A[10:30, :-2].std(axis=0)),
    "sum0_keepdims_shape": list(A.sum(axis=0, keepdims=True).shape),
    "int_arange_sum": int(np.arange(0, 1000, 3).sum()),
    "linspace": L(np.linspace(-1.0, 2.0, 13)),
    "eye_3_4_k1": L(np.eye(3, 4, k=1)),
    "int_div": L(np.arange(10).reshape(2, 5) / 4),
    "concat0": L(np.concatenate([A, A[:4] * 2], axis=0)), "concat1": L(np.concatenate([A, A[:, :2]], axis=1)),
    "stack0_sum1": L(np.stack([A, -A, A * 3], axis=0).sum(axis=1)), "stack2_shape": list(np.stack([A, A], axis=2).shape),
    "stack2": L(np.stack([A, A * 2], axis=2).reshape(37, 10)),
    "broadcast_row": L(np.broadcast_to(row, (4, 5))), "reshape_5_37": L(A.reshape(5, 37)),
    "reshape_flat_sum": L(A.reshape(-1)[::7]), "reshape_185_1": L(A.reshape(185, 1)[:9]),
    "slice_reverse": L(A[::-1, ::-2]), "slice_neg_step": L(A[30:3:-4, -1:0:-1]), "slice_neg_empty": L(A[3:30:-1]).__len__(),
    "take": L(A[[3, -1, 0, 3, 20, 36]]), "mask_rows": L(A[A[:, 0] > 1.0]),
}
# Every other elementwise operation, comparison and logical operation, on the same A.
C = A.copy()  # with infinities for nan_to_num
C[0, 0], C[1, 1], C[2, 2] = np.inf, -np.inf, np.nan
with np.errstate(invalid="ignore"):
    ref.update({
        "log_abs1": L(np.log(np.abs(A) + 1)), "log1p_abs": L(np.log1p(np.abs(A))), "sqrt_abs": L(np.sqrt(np.abs(A))),
        "sin": L(np.sin(A)), "cos": L(np.cos(A)), "tanh3": L(np.tanh(A / 3)), "exp_neg": L(np.exp(-np.abs(A))),
        "eq0": L(A == 0), "ne0": L(A != 0), "lt1": L(A < 1), "le0": L(A <= 0), "ge1": L(A >= 1),
        "two_lt": L(2 < A), "and": L((A > 0) & (A < 3)), "or": L((A < -3) | (A > 3)), "not": L(~(A > 0)),
        "array_array": L(A * A - A / (np.abs(A) + 1) + A), "pow_aa": L(np.power(np.abs(A) + 1, A / 4)),
        "scalar_minus": L(1.5 - A), "scalar_div": L(3.0 / (np.abs(A) + 1)),
        "where_scalar": L(np.where(A > 0, A, -1.5)), "where_both": L(np.where(A > 0, A, A * 10)),
        "nan_to_num_inf": L(np.nan_to_num(C, nan=0.5, posinf=100.0, neginf=-100.0)),
        "astype_int": L(A.astype(np.int64)), "astype_bool_count": int(A.astype(bool).sum()),
        "max": float(A.max()), "nanmean": float(np.nanmean(B)), "nansum1": L(np.nansum(B, axis=1)),
        "nanmean1": L(np.nanmean(B, axis=1)), "all0_gtm5": L((A > -5).all(axis=0)), "any1_gt8": L((A > 8).any(axis=1)),
        "count_nonzero1": L(np.count_nonzero(A, axis=1)), "var1_ddof1": L(A.var(axis=1, ddof=1)),
        "var_ddof2": float(A.var(ddof=2)), "mean1_keepdims": L(A.mean(axis=1, keepdims=True)),
        "max0_keepdims": L(A.max(axis=0, keepdims=True)), "slice_clamp": L(A[30:1000, -1000:2]),
        "slice_clamp_empty": list(A[40:50].shape),
    })
# The other dtypes: int64 (values x 1000), int32, float32 and bool.
I = np.round(A * 1000).astype(np.int64)
F = A.astype(np.float32)
ref.update({
    "I": L(I), "I_sum": int(I.sum()), "I_sum0": L(I.sum(axis=0)), "I_max": int(I.max()), "I_min1": L(I.min(axis=1)),
    "I_argmin": int(I.argmin()), "I_mean": float(I.mean()), "I_var0": L(I.var(axis=0)), "I_prod_slice": int(I[:3, :2].prod()),
    "I_floordiv_mix": L(I * 3 - 7), "I_true_div": L(I / 8), "I32_sum": int(I.astype(np.int32).sum()),
    "F_sum0": L(F.sum(axis=0).astype(np.float64)), "F_mean": float(F.astype(np.float64).mean()),
    "F_max": float(F.max()), "F_expr": L((F * np.float32(2) + np.float32(1)).astype(np.float64)),
    "bool_sum": int((A > 0).sum()), "bool_all0": L((A > -9).all(axis=0)),
})
out = pathlib.Path(__file__).with_name("reference.json")
out.write_text(json.dumps(ref, indent=None, separators=(",", ":")))
print(f"wrote {out} ({out.stat().st_size} bytes)")
