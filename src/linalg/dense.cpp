#include "linalg/dense.hpp"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace rankwise::linalg::detail {

namespace {
blasint to_blas(std::int64_t n) { return static_cast<blasint>(n); }

// Reciprocal condition number (1-norm) of a from its LU factors; the test for "numerically
// singular" and the number the error message quotes.
double rcond_from_lu(const std::vector<double>& lu, std::int64_t n, double anorm) {
  double rcond = 0;
  LAPACKE_dgecon(LAPACK_ROW_MAJOR, '1', static_cast<lapack_int>(n), lu.data(), static_cast<lapack_int>(n), anorm, &rcond);
  return rcond;
}

double one_norm(const NDArray<double>& a) {
  const auto n = a.shape()[0];
  double best = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    double s = 0;
    for (std::int64_t i = 0; i < n; ++i) s += std::abs(a(i, j));
    best = std::max(best, s);
  }
  return best;
}

}  // namespace

[[noreturn]] void singular(const char* what, std::int64_t n, double rcond) {
  std::ostringstream msg;
  msg << what << ": the " << n << " x " << n << " matrix is ";
  if (rcond == 0)
    msg << "singular (an exactly zero pivot)";
  else
    msg << "numerically singular (condition number about " << (1.0 / rcond) << ")";
  msg << "; use linalg::lstsq for rank-deficient problems";
  throw LinalgError(msg.str());
}

namespace {

std::vector<lapack_int> lu_factor(const char* what, std::vector<double>& lu, std::int64_t n, double anorm) {
  std::vector<lapack_int> pivots(static_cast<std::size_t>(n));
  const lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, static_cast<lapack_int>(n), static_cast<lapack_int>(n), lu.data(),
                                         static_cast<lapack_int>(n), pivots.data());
  if (info < 0) throw LinalgError(std::string(what) + ": dgetrf rejected argument " + std::to_string(-info));
  if (info > 0) singular(what, n, 0);
  const double rcond = rcond_from_lu(lu, n, anorm);
  if (!(rcond >= std::numeric_limits<double>::epsilon())) singular(what, n, rcond);
  return pivots;
}

void check_square(const char* what, const NDArray<double>& a) {
  if (a.ndim() != 2 || a.shape()[0] != a.shape()[1])
    throw ShapeError(std::string(what) + ": needs a square matrix, got shape " + shape_str(a.shape()));
  for (double v : a)
    if (!std::isfinite(v)) throw LinalgError(std::string(what) + ": the matrix holds NaN or infinity");
}
}  // namespace

void gemm_accumulate(const double* a, std::int64_t a_rows, std::int64_t a_cols, bool trans_a, const double* b,
                     std::int64_t b_rows, std::int64_t b_cols, bool trans_b, double* c) {
  const auto m = trans_a ? a_cols : a_rows, k = trans_a ? a_rows : a_cols, n = trans_b ? b_rows : b_cols;
  if (m == 0 || n == 0 || k == 0) return;
  // Matrix-vector products go to dgemv, which streams the matrix once (dgemm with one column
  // ran at half the speed on Xᵀy).
  if (n == 1) {
    cblas_dgemv(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, to_blas(a_rows), to_blas(a_cols), 1.0, a,
                to_blas(std::max<std::int64_t>(a_cols, 1)), b, 1, 1.0, c, 1);
    return;
  }
  if (m == 1) {
    cblas_dgemv(CblasRowMajor, trans_b ? CblasNoTrans : CblasTrans, to_blas(b_rows), to_blas(b_cols), 1.0, b,
                to_blas(std::max<std::int64_t>(b_cols, 1)), a, 1, 1.0, c, 1);
    return;
  }
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, to_blas(m),
              to_blas(n), to_blas(k), 1.0, a, to_blas(std::max<std::int64_t>(a_cols, 1)), b,
              to_blas(std::max<std::int64_t>(b_cols, 1)), 1.0, c, to_blas(std::max<std::int64_t>(n, 1)));
}

void gram_accumulate(const double* x, std::int64_t rows, std::int64_t cols, double* c) {
  // One dsyrk or dgemm over a whole tall block runs at a fifth of memory bandwidth (PLATFORM.md).
  // dgemm over row panels of ~160 KiB, which stay in L2 while OpenBLAS packs and multiplies
  // them, measured twice as fast here (scripts/bench: 9 GB/s per core for 20 columns).
  if (gram_narrow(x, rows, cols, c)) return;
  const std::int64_t panel = std::max<std::int64_t>(64, (160 << 10) / (8 * std::max<std::int64_t>(cols, 1)));
  for (std::int64_t r = 0; r < rows; r += panel) {
    const auto n = std::min(panel, rows - r);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, to_blas(cols), to_blas(cols), to_blas(n), 1.0, x + r * cols,
                to_blas(cols), x + r * cols, to_blas(cols), 1.0, c, to_blas(cols));
  }
}

namespace {
// Rows per panel: ~160 KiB of x, so a panel stays in L2 between its two uses.
std::int64_t panel_rows(std::int64_t cols) {
  return std::max<std::int64_t>(64, (160 << 10) / (8 * std::max<std::int64_t>(cols, 1)));
}
}  // namespace

void gram_cross_accumulate(const double* x, std::int64_t rows, std::int64_t cols, const double* y, std::int64_t k,
                           double* g, double* c) {
  const auto panel = panel_rows(cols);
  for (std::int64_t r = 0; r < rows; r += panel) {
    const auto n = std::min(panel, rows - r);
    if (!gram_narrow(x + r * cols, n, cols, g)) gemm_accumulate(x + r * cols, n, cols, true, x + r * cols, n, cols, false, g);
    gemm_accumulate(x + r * cols, n, cols, true, y + r * k, n, k, false, c);
  }
}

void whitened_gram_cross_accumulate(const double* x, std::int64_t rows, std::int64_t cols, const double* r,
                                    const double* y, std::int64_t k, double* g, double* c) {
  const auto panel = panel_rows(cols);
  std::vector<double> p(static_cast<std::size_t>(std::min(panel, rows) * cols));
  // p = x·r⁻¹ as a GEMM with r⁻¹ formed once (dtrtri): OpenBLAS's dtrsm on a panel of a few
  // columns runs at a quarter of dgemm's speed (1M x 20: 100 ms against 28), and CholeskyQR2
  // only takes this path for κ(r) <= 1e6, where the explicit inverse costs no digits that the
  // second pass does not restore.
  std::vector<double> inv(r, r + cols * cols);
  for (std::int64_t i = 0; i < cols; ++i)
    for (std::int64_t j = 0; j < i; ++j) inv[static_cast<std::size_t>(i * cols + j)] = 0.0;
  if (LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'U', 'N', static_cast<lapack_int>(cols), inv.data(), static_cast<lapack_int>(cols)) != 0)
    throw LinalgError("lstsq: the Cholesky factor of XᵀX is singular");
  for (std::int64_t at = 0; at < rows; at += panel) {
    const auto n = std::min(panel, rows - at);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, to_blas(n), to_blas(cols), to_blas(cols), 1.0, x + at * cols,
                to_blas(cols), inv.data(), to_blas(cols), 0.0, p.data(), to_blas(cols));
    if (!gram_narrow(p.data(), n, cols, g)) gemm_accumulate(p.data(), n, cols, true, p.data(), n, cols, false, g);
    gemm_accumulate(p.data(), n, cols, true, y + at * k, n, k, false, c);
  }
}

NDArray<double> inverse(const NDArray<double>& a) {
  check_square("inv", a);
  const auto n = a.shape()[0];
  std::vector<double> lu(a.begin(), a.end());
  auto pivots = lu_factor("inv", lu, n, one_norm(a));
  const lapack_int info = LAPACKE_dgetri(LAPACK_ROW_MAJOR, static_cast<lapack_int>(n), lu.data(), static_cast<lapack_int>(n),
                                         pivots.data());
  if (info != 0) singular("inv", n, 0);
  return NDArray<double>(a.shape(), std::span<const double>(lu));
}

NDArray<double> solve(const NDArray<double>& a, const NDArray<double>& b) {
  check_square("solve", a);
  const auto n = a.shape()[0];
  if (b.ndim() < 1 || b.ndim() > 2 || b.shape()[0] != n)
    throw ShapeError("solve: a has shape " + shape_str(a.shape()) + " but b has shape " + shape_str(b.shape()));
  const auto nrhs = b.ndim() == 2 ? b.shape()[1] : 1;
  std::vector<double> lu(a.begin(), a.end());
  auto pivots = lu_factor("solve", lu, n, one_norm(a));
  NDArray<double> x = b;
  LAPACKE_dgetrs(LAPACK_ROW_MAJOR, 'N', static_cast<lapack_int>(n), static_cast<lapack_int>(nrhs), lu.data(),
                 static_cast<lapack_int>(n), pivots.data(), x.data(), static_cast<lapack_int>(nrhs));
  return x;
}

NDArray<double> cholesky(const NDArray<double>& a) {
  check_square("cholesky", a);
  const auto n = a.shape()[0];
  NDArray<double> l = a;
  const auto info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', static_cast<lapack_int>(n), l.data(), static_cast<lapack_int>(n));
  if (info > 0)
    throw LinalgError("cholesky: the matrix is not positive definite (the leading minor of order " +
                      std::to_string(info) + " is not positive)");
  if (info < 0) throw LinalgError("cholesky: dpotrf rejected argument " + std::to_string(-info));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = i + 1; j < n; ++j) l(i, j) = 0.0;  // dpotrf leaves the upper part as it was
  return l;
}

NDArray<double> solve_triangular(const NDArray<double>& t, const NDArray<double>& b, bool lower, bool transpose) {
  check_square("solve_triangular", t);
  const auto n = t.shape()[0];
  if (b.ndim() < 1 || b.ndim() > 2 || b.shape()[0] != n)
    throw ShapeError("solve_triangular: a has shape " + shape_str(t.shape()) + " but b has shape " + shape_str(b.shape()));
  for (std::int64_t i = 0; i < n; ++i)
    if (t(i, i) == 0.0)
      throw LinalgError("solve_triangular: the triangular matrix is singular (zero on the diagonal at " +
                        std::to_string(i) + ")");
  double rcond = 0;
  LAPACKE_dtrcon(LAPACK_ROW_MAJOR, '1', lower ? 'L' : 'U', 'N', static_cast<lapack_int>(n), t.data(),
                 static_cast<lapack_int>(n), &rcond);
  if (!(rcond >= std::numeric_limits<double>::epsilon())) singular("solve_triangular", n, rcond);
  const auto nrhs = b.ndim() == 2 ? b.shape()[1] : 1;
  NDArray<double> x = b;
  const auto info = LAPACKE_dtrtrs(LAPACK_ROW_MAJOR, lower ? 'L' : 'U', transpose ? 'T' : 'N', 'N', static_cast<lapack_int>(n),
                                   static_cast<lapack_int>(nrhs), t.data(), static_cast<lapack_int>(n), x.data(),
                                   static_cast<lapack_int>(nrhs));
  if (info != 0) throw LinalgError("solve_triangular: dtrtrs failed (info " + std::to_string(info) + ")");
  return x;
}

namespace {
// Householder QR with LAPACK: for panels that fit in cache (LAPACKE transposes row-major input).
void householder_qr(const double* a, std::int64_t m, std::int64_t n, NDArray<double>& q, NDArray<double>& r) {
  static const bool quiet = (LAPACKE_set_nancheck(0), true);  // inputs are checked where they enter
  (void)quiet;
  const auto k = std::min(m, n);
  std::vector<double> work(a, a + m * n), tau(static_cast<std::size_t>(std::max<std::int64_t>(k, 1)));
  if (k > 0) {
    const auto info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, static_cast<lapack_int>(m), static_cast<lapack_int>(n), work.data(),
                                     static_cast<lapack_int>(n), tau.data());
    if (info != 0) throw LinalgError("qr: dgeqrf failed (info " + std::to_string(info) + ")");
  }
  r = NDArray<double>({k, n});
  for (std::int64_t i = 0; i < k; ++i)
    for (std::int64_t j = i; j < n; ++j) r(i, j) = work[static_cast<std::size_t>(i * n + j)];
  // Q: the first k columns, rebuilt from the reflectors.
  std::vector<double> qa(static_cast<std::size_t>(m * k));
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < k; ++j) qa[static_cast<std::size_t>(i * k + j)] = work[static_cast<std::size_t>(i * n + j)];
  if (k > 0) {
    const auto info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, static_cast<lapack_int>(m), static_cast<lapack_int>(k),
                                     static_cast<lapack_int>(k), qa.data(), static_cast<lapack_int>(k), tau.data());
    if (info != 0) throw LinalgError("qr: dorgqr failed (info " + std::to_string(info) + ")");
  }
  q = NDArray<double>({m, k}, std::span<const double>(qa));
}
}  // namespace

void thin_qr(const double* a, std::int64_t m, std::int64_t n, NDArray<double>& q, NDArray<double>& r) {
  // A tall block is itself factored by TSQR over row panels of ~256 KiB: each panel's QR runs in
  // cache, where one Householder QR of the whole block would stream it from memory twice per
  // column (and LAPACKE would first transpose it).
  const std::int64_t panel = std::max<std::int64_t>(4 * n, (256 << 10) / (8 * std::max<std::int64_t>(n, 1)));
  if (m <= 2 * panel) {
    householder_qr(a, m, n, q, r);
  } else {
    std::vector<NDArray<double>> qs;
    std::vector<double> stack;
    std::vector<std::int64_t> offsets{0};
    for (std::int64_t row = 0; row < m; row += panel) {
      const auto rows = std::min(panel, m - row);
      NDArray<double> qp, rp;
      householder_qr(a + row * n, rows, n, qp, rp);
      stack.insert(stack.end(), rp.begin(), rp.end());
      offsets.push_back(offsets.back() + rp.shape()[0]);
      qs.push_back(std::move(qp));
    }
    NDArray<double> q2;
    thin_qr(stack.data(), offsets.back(), n, q2, r);  // small: a few rows per panel
    const auto k = r.shape()[0];
    q = NDArray<double>({m, k});
    std::int64_t row = 0;
    for (std::size_t p = 0; p < qs.size(); ++p) {
      const auto& qp = qs[p];
      gemm_accumulate(qp.data(), qp.shape()[0], qp.shape()[1], false, q2.data() + offsets[p] * k, qp.shape()[1], k, false,
                      q.data() + row * k);
      row += qp.shape()[0];
    }
  }
  // Canonical signs: R's diagonal non-negative.
  const auto k = r.shape()[0];
  for (std::int64_t i = 0; i < k; ++i)
    if (r(i, i) < 0) {
      for (std::int64_t j = 0; j < n; ++j) r(i, j) = -r(i, j);
      for (std::int64_t row = 0; row < m; ++row) q(row, i) = -q(row, i);
    }
}

void small_svd(const NDArray<double>& a, NDArray<double>& u, NDArray<double>& s, NDArray<double>& vt) {
  const auto m = a.shape()[0], n = a.shape()[1], k = std::min(m, n);
  std::vector<double> work(a.begin(), a.end());
  u = NDArray<double>({m, k});
  s = NDArray<double>({k});
  vt = NDArray<double>({k, n});
  if (k == 0) return;
  const auto info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', static_cast<lapack_int>(m), static_cast<lapack_int>(n), work.data(),
                                   static_cast<lapack_int>(n), s.data(), u.data(), static_cast<lapack_int>(k), vt.data(),
                                   static_cast<lapack_int>(n));
  if (info != 0) throw LinalgError("svd: dgesdd did not converge (info " + std::to_string(info) + ")");
}

}  // namespace rankwise::linalg::detail
