#pragma once
/// Matrix products and small dense solvers on distributed arrays (float64).
#include "rankwise/array/array.hpp"

namespace rankwise {

/// The matrix product of 1-D and 2-D arrays, as numpy.dot: (m,k)·(k,n) → (m,n), (m,k)·(k,) →
/// (m,), (k,)·(k,n) → (n,), (k,)·(k,) → 0-d. Local (records). Throws ShapeError when the inner
/// dimensions differ (the message shows both shapes).
///
/// How it runs: one partial product per block of the inner dimension, on the rank that holds
/// the left block (a transpose is read in place, Xᵀ·X runs over cache-sized row panels), summed in block order: by one collective when the result is a
/// single block (the Gram matrix of OLS: local panel GEMMs + one allgather), else by a task on the
/// output block's owner. Operands chunked differently along the inner dimension are rechunked.
Array<double> dot(const Array<double>& a, const Array<double>& b);
/// The same as dot for 1-D and 2-D operands (numpy.matmul).
inline Array<double> matmul(const Array<double>& a, const Array<double>& b) { return dot(a, b); }

namespace linalg {

/// A product of 2-D operands where each operand and the result have at least this many
/// elements runs through ScaLAPACK's pdgemm (2-D block-cyclic, 64 x 64 blocks) instead of block
/// products; default 2048², or RANKWISE_SCALAPACK_THRESHOLD. Tests set 0 to force the ScaLAPACK path on small inputs.
/// Logically collective (every rank sets the same value).
void set_scalapack_threshold(std::int64_t elements);
std::int64_t scalapack_threshold_elements();
/// Lay BLACS grids out with rows >= columns (P x 1 for a prime P) instead of rows <= columns.
/// Logically collective.
void set_blacs_grid_tall(bool tall);

/// The inverse of a square matrix that fits one rank, computed with LAPACK (dgetrf + dgetri)
/// identically on every rank. Local (records). Throws, at compute time and on every rank,
/// LinalgError for a singular or numerically singular matrix (reciprocal condition number below
/// machine epsilon), naming the condition estimate — never a matrix of NaNs.
Array<double> inv(const Array<double>& a);

/// The solution x of a·x = b for a square `a` that fits one rank (LAPACK dgesv, every rank).
/// Local (records). Same errors as inv; ShapeError when the shapes do not fit.
Array<double> solve(const Array<double>& a, const Array<double>& b);

/// The lower Cholesky factor L (a = L·Lᵀ) of a symmetric positive definite matrix that fits one
/// rank (LAPACK dpotrf, every rank). Local (records). LinalgError at compute time when a is not
/// positive definite.
Array<double> cholesky(const Array<double>& a);

/// The solution x of t·x = b for a triangular t (lower or upper) that fits one rank (LAPACK
/// dtrtrs). Local (records). LinalgError for a zero on the diagonal.
Array<double> solve_triangular(const Array<double>& t, const Array<double>& b, bool lower = false);

}  // namespace linalg
}  // namespace rankwise
