#pragma once
/// QR, SVD and least squares of tall-skinny arrays by TSQR (float64).
#include "rankwise/array/array.hpp"

namespace rankwise::linalg {

/// A thin QR factorisation: q (m x n, distributed like X's rows), r (n x n, one block).
struct QR {
  Array<double> q;
  Array<double> r;
};

/// QR of a tall-skinny X (m x n, m >= n) by TSQR: a local QR per row block, the stacked R
/// factors factored again (small, identically on every rank), Q rebuilt block by block. R's
/// diagonal is non-negative. Local (records); X is rechunked to whole rows if needed.
/// Throws ShapeError when X is not 2-D or has more columns than rows.
QR qr(const Array<double>& X);

/// A thin SVD: u (m x n, distributed), s (n,), vt (n x n).
struct SVD {
  Array<double> u;
  Array<double> s;
  Array<double> vt;
};

/// SVD of X: for a tall-skinny X by TSQR followed by the SVD of R; for a wide X, or one whose
/// R (n x n) has at least the ScaLAPACK threshold's elements, by ScaLAPACK's pdgesvd on the
/// BLACS grid.
/// u (m x k), s (k,), vt (k x n) with k = min(m, n). Local (records).
SVD svd(const Array<double>& X);

/// A rank-k approximate SVD by randomised projection (Halko, Martinsson and Tropp; dask's
/// svd_compressed): Y = X·Ω for a Gaussian Ω (n x (k + oversampling), counter-based, seeded),
/// `n_power_iter` power iterations Y = X·(Xᵀ·Y), Q from TSQR of Y, then the small SVD of Qᵀ·X.
/// The sketch has at most min(m, n) columns. Returns u (m x k), s (k,), vt (k x n).
/// Collective (it computes the small product Qᵀ·X; u stays lazy).
SVD svd_compressed(const Array<double>& X, std::int64_t k, std::int64_t n_power_iter = 1,
                   std::int64_t oversampling = 10, std::uint64_t seed = 0);

/// The least-squares solution of X·b ≈ y, as numpy.linalg.lstsq returns it.
struct Lstsq {
  NDArray<double> coef;        ///< (n,) or (n, k)
  NDArray<double> residuals;   ///< sums of squared residuals; empty when rank < n or m <= n
  std::int64_t rank = 0;       ///< effective rank of X
  NDArray<double> singular_values;
};

/// Solves min ||X·b - y|| by a QR of X — CholeskyQR2 (two streaming passes) when κ(X) allows,
/// else TSQR — and an SVD of R (correct for rank-deficient X: singular values below
/// rcond * max(s) are treated as zero; rcond < 0 means machine epsilon * max(m, n), numpy's
/// default). Collective (computes now). Throws ShapeError when y's rows differ from X's.
Lstsq lstsq(const Array<double>& X, const Array<double>& y, double rcond = -1);

}  // namespace rankwise::linalg
