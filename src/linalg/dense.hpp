#pragma once
// Local dense kernels on NDArrays: the one layer that calls BLAS and LAPACK and turns their
// status codes into rankwise errors.
#include "rankwise/array/ndarray.hpp"
#include "runtime/detail/simd.hpp"

namespace rankwise::linalg::detail {

/// c += op(a) · op(b) for row-major 2-D blocks (op = transpose when asked).
void gemm_accumulate(const double* a, std::int64_t a_rows, std::int64_t a_cols, bool trans_a, const double* b,
                     std::int64_t b_rows, std::int64_t b_cols, bool trans_b, double* c);

/// c += xᵀ·x for a row-major rows x cols block, in row panels that stay in cache (full c).
void gram_accumulate(const double* x, std::int64_t rows, std::int64_t cols, double* c);

/// g += xᵀ·x by the widest SIMD kernel of gram_kernel.cpp this CPU runs (AVX-512 or AVX2/FMA),
/// for 2 to 64 columns; false (nothing done) otherwise. Local.
bool gram_narrow(const double* x, std::int64_t rows, std::int64_t cols, double* g);
/// The same with the kernel of `isa`; false (nothing done) when it cannot run here. Local.
bool gram_narrow(const double* x, std::int64_t rows, std::int64_t cols, double* g, rankwise::detail::Isa isa);

/// g += xᵀ·x (cols x cols) and c += xᵀ·y (cols x k) for a row-major block x (rows x cols) and
/// y (rows x k), in one pass over row panels that stay in cache.
void gram_cross_accumulate(const double* x, std::int64_t rows, std::int64_t cols, const double* y, std::int64_t k,
                           double* g, double* c);

/// With p = x·r⁻¹ for an upper-triangular r (cols x cols): g += pᵀ·p and c += pᵀ·y, panel by
/// panel, p never stored whole (CholeskyQR2's second pass).
void whitened_gram_cross_accumulate(const double* x, std::int64_t rows, std::int64_t cols, const double* r,
                                    const double* y, std::int64_t k, double* g, double* c);

/// The inverse of a square matrix; LinalgError when singular or numerically singular.
/// Throws the LinalgError of a singular (rcond == 0: an exactly zero pivot) or numerically
/// singular n x n matrix, naming the condition estimate 1/rcond. Shared by the LAPACK and
/// ScaLAPACK solvers so both say the same.
[[noreturn]] void singular(const char* what, std::int64_t n, double rcond);

NDArray<double> inverse(const NDArray<double>& a);
/// x with a·x = b (b has one or more columns, or is 1-D); LinalgError when singular.
NDArray<double> solve(const NDArray<double>& a, const NDArray<double>& b);

/// The lower Cholesky factor L of a symmetric positive definite a (a = L·Lᵀ); LinalgError when
/// a is not positive definite (naming the failing leading minor).
NDArray<double> cholesky(const NDArray<double>& a);
/// x with t·x = b (or tᵀ·x = b) for a triangular t (lower or upper); LinalgError for a zero
/// diagonal entry.
NDArray<double> solve_triangular(const NDArray<double>& t, const NDArray<double>& b, bool lower, bool transpose = false);

/// Thin QR of a row-major m x n matrix: q (m x k), r (k x n), k = min(m, n), with r's diagonal
/// made non-negative (a canonical sign, so results do not depend on LAPACK's choices).
void thin_qr(const double* a, std::int64_t m, std::int64_t n, NDArray<double>& q, NDArray<double>& r);

/// Singular value decomposition of a small row-major matrix (m x n): u (m x k), s (k), vt (k x n).
void small_svd(const NDArray<double>& a, NDArray<double>& u, NDArray<double>& s, NDArray<double>& vt);

}  // namespace rankwise::linalg::detail
