"""The talk's OLS: rankwise vs dask.array on the same 10,000,000 x 20 float64 array
(1,000,000-row chunks, persisted) in one run; the Gram step against the memory-bandwidth bound;
numpy's normal equations; and the 10,000 x 20 example."""
import time

import dask
import dask.array as da
import numpy as np

from harness import Row, best_of, report, run_rankwise

ROWS, COLS, CHUNK = 10_000_000, 20, 1_000_000


def main():
    rw = {rec["name"]: rec["seconds"] for rec in run_rankwise("linalg_ols", 2, str(ROWS), str(COLS), str(CHUNK))}
    dask.config.set(scheduler="threads", num_workers=2)
    X = da.random.random((ROWS, COLS), chunks=(CHUNK, COLS)).persist()
    y = da.random.random((ROWS,), chunks=(CHUNK,)).persist()
    formula = lambda: da.dot(da.dot(da.linalg.inv(da.dot(X.T, X)), X.T), y).compute()
    d_formula = best_of(formula, 3)
    d_gram = best_of(lambda: da.dot(X.T, X).compute(), 3)
    d_lstsq = best_of(lambda: [a.compute() for a in da.linalg.lstsq(X, y)], 1)
    Xn, yn = X.compute(), y.compute()
    n_normal = best_of(lambda: np.linalg.solve(Xn.T @ Xn, Xn.T @ yn), 3)
    Xs = da.random.random((10000, 20), chunks=(1000, 20))
    ys = da.random.random((10000,), chunks=(10000,))
    d_small = best_of(lambda: da.dot(da.dot(da.linalg.inv(da.dot(Xs.T, Xs)), Xs.T), ys).compute(), 5)

    bound = rw["stream_sum"]
    rows = [
        Row("Gram X^T X (10M x 20)", rw["gram"], d_gram, "dask", target=f">= 60% of bandwidth (bound {bound * 1e3:.0f} ms)"),
        Row("OLS formula dot(dot(inv(dot(X.T,X)),X.T),y)", rw["ols_formula"], d_formula, "dask", target=">= 10x dask"),
        Row("lstsq (CholeskyQR2)", rw["lstsq"], d_lstsq, "dask da.linalg.lstsq", target=">= 20x dask"),
        Row("OLS formula vs numpy normal equations", rw["ols_formula"], n_normal, "numpy solve"),
        Row("10,000 x 20 example, generation to coefficients", rw["ols_small_end_to_end"], d_small, "dask",
            target="< 5 ms"),
    ]
    notes = (f"Command: `scripts/bench/run.sh linalg`. The Gram step runs at {bound / rw['gram'] * 100:.0f}% of the "
             "streaming-sum bandwidth probe measured in the same run. numpy uses OpenBLAS with the threads it finds.")
    report("OLS on 10,000,000 x 20 (the talk's slide)", rows, notes)


if __name__ == "__main__":
    main()
