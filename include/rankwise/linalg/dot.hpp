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
/// elements runs through ScaLAPACK's pdgemm (2-D block-cyclic; see set_scalapack_block_size) instead of block
/// products; default 2048², or RANKWISE_SCALAPACK_THRESHOLD. Tests set 0 to force the ScaLAPACK path on small inputs.
/// Logically collective (every rank sets the same value).
void set_scalapack_threshold(std::int64_t elements);
std::int64_t scalapack_threshold_elements();
/// The row and column size of the 2-D block-cyclic blocks every ScaLAPACK call uses: default
/// 64, or RANKWISE_SCALAPACK_BLOCK. Tests set 2 so a small matrix spreads over every rank.
/// Logically collective.
void set_scalapack_block_size(int nb);
int scalapack_block_size();
/// Lay BLACS grids out with rows >= columns (P x 1 for a prime P) instead of rows <= columns.
/// Logically collective.
void set_blacs_grid_tall(bool tall);

// The solvers below take a small matrix (fewer elements than the ScaLAPACK threshold) to one
// rank's memory and solve it with LAPACK identically on every rank; a larger one goes to
// ScaLAPACK on the BLACS grid (block-cyclic, one all-to-all in and one out). A matrix holding
// NaN or infinity is a LinalgError before any factoring, on every rank alike.

/// The inverse of a square matrix: LAPACK dgetrf + dgetri, or ScaLAPACK pdgetrf + pdgetri.
/// Local (records). Throws, at compute time and on every rank, LinalgError for a singular or
/// numerically singular matrix (reciprocal condition number below machine epsilon), naming
/// the condition estimate — never a matrix of NaNs.
Array<double> inv(const Array<double>& a);

/// The solution x of a·x = b, b of shape (n,) or (n, k): LAPACK dgesv, or ScaLAPACK pdgetrf +
/// pdgetrs (pdgesv's two steps, with the condition check between them). Local (records). Same
/// errors as inv; ShapeError when the shapes do not fit.
Array<double> solve(const Array<double>& a, const Array<double>& b);

/// The lower Cholesky factor L (a = L·Lᵀ) of a symmetric positive definite matrix: LAPACK
/// dpotrf or ScaLAPACK pdpotrf. Local (records). LinalgError at compute time when a is not
/// positive definite.
Array<double> cholesky(const Array<double>& a);

/// The solution x of t·x = b for a triangular t (lower or upper): LAPACK dtrtrs or ScaLAPACK
/// pdtrtrs, after a condition estimate (dtrcon / pdtrcon). Local (records). LinalgError for a
/// zero on the diagonal or a numerically singular t.
Array<double> solve_triangular(const Array<double>& t, const Array<double>& b, bool lower = false);

}  // namespace linalg
}  // namespace rankwise
