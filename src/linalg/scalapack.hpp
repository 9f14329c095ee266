#pragma once
// The ScaLAPACK bridge: BLACS process grids and 2-D block-cyclic matrices. ScaLAPACK ships no C
// header (PLATFORM.md), so the routines are declared here.
#include <cstdint>
#include <vector>

#include <map>
#include <memory>
#include <span>

#include "rankwise/array/chunks.hpp"
#include "rankwise/array/ndarray.hpp"
#include "rankwise/runtime/owner_map.hpp"
#include "rankwise/runtime/communicator.hpp"

extern "C" {
int Csys2blacs_handle(MPI_Comm comm);
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int* nprow, int* npcol, int* myrow, int* mycol);
void Cblacs_gridexit(int context);
void Cfree_blacs_system_handle(int handle);
void pdgesv_(const int* n, const int* nrhs, double* a, const int* ia, const int* ja, const int* desca, int* ipiv,
             double* b, const int* ib, const int* jb, const int* descb, int* info);
void pdgetrf_(const int* m, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* ipiv, int* info);
void pdgetri_(const int* n, double* a, const int* ia, const int* ja, const int* desca, const int* ipiv, double* work,
              const int* lwork, int* iwork, const int* liwork, int* info);
double pdlange_(const char* norm, const int* m, const int* n, const double* a, const int* ia, const int* ja,
                const int* desca, double* work);
void pdgecon_(const char* norm, const int* n, const double* a, const int* ia, const int* ja, const int* desca,
              const double* anorm, double* rcond, double* work, const int* lwork, int* iwork, const int* liwork, int* info);
void pdgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* ia, const int* ja,
              const int* desca, const int* ipiv, double* b, const int* ib, const int* jb, const int* descb, int* info);
void pdgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n, double* a, const int* ia, const int* ja,
              const int* desca, double* s, double* u, const int* iu, const int* ju, const int* descu, double* vt,
              const int* ivt, const int* jvt, const int* descvt, double* work, const int* lwork, int* info);
void pdtrtrs_(const char* uplo, const char* trans, const char* diag, const int* n, const int* nrhs, const double* a,
              const int* ia, const int* ja, const int* desca, double* b, const int* ib, const int* jb, const int* descb,
              int* info);
void pdtrcon_(const char* norm, const char* uplo, const char* diag, const int* n, const double* a, const int* ia,
              const int* ja, const int* desca, double* rcond, double* work, const int* lwork, int* iwork,
              const int* liwork, int* info);
void pdpotrf_(const char* uplo, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* info);
int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc, const int* nprocs);
void descinit_(int* desc, const int* m, const int* n, const int* mb, const int* nb, const int* irsrc, const int* icsrc,
               const int* context, const int* lld, int* info);
void pdgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
             const double* a, const int* ia, const int* ja, const int* desca, const double* b, const int* ib,
             const int* jb, const int* descb, const double* beta, double* c, const int* ic, const int* jc,
             const int* descc);
}

namespace rankwise::linalg::detail {

/// A BLACS process grid over a communicator: rows x cols as square as the rank count allows,
/// with rows <= cols, or rows >= cols when `tall` (linalg::set_blacs_grid_tall).
class BlacsGrid {
 public:
  explicit BlacsGrid(const Communicator& comm);
  static bool& tall();
  ~BlacsGrid();
  BlacsGrid(const BlacsGrid&) = delete;
  BlacsGrid& operator=(const BlacsGrid&) = delete;
  int context() const { return context_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int my_row() const { return my_row_; }
  int my_col() const { return my_col_; }
  /// The communicator rank of grid position (r, c) (row-major grid order).
  int rank_of(int r, int c) const { return r * cols_ + c; }

 private:
  int handle_ = -1, context_ = -1, rows_ = 1, cols_ = 1, my_row_ = 0, my_col_ = 0;
};

/// This rank's part of an m x n matrix in 2-D block-cyclic layout (nb x nb blocks), column-major.
struct CyclicMatrix {
  int m = 0, n = 0, nb = 0, local_rows = 0, local_cols = 0;
  std::vector<double> local;
  int desc[9] = {};
};

/// An empty cyclic matrix of m x n on `grid`, with its descriptor.
CyclicMatrix make_cyclic(const BlacsGrid& grid, int m, int n, int nb);

/// Where global element (i, j) of a cyclic matrix lives: rank and local offset (column-major).
struct CyclicPlace {
  int rank;
  std::int64_t offset;
};
CyclicPlace cyclic_place(const BlacsGrid& grid, const CyclicMatrix& a, std::int64_t i, std::int64_t j);

/// LinalgError on every rank when any rank's part of `a` holds NaN or infinity (LAPACK would
/// return NaNs or a meaningless factor). One allreduce. Collective.
void require_finite(const Communicator& comm, const CyclicMatrix& a, const char* what);

/// LU-factors the cyclic matrix in place and checks it: LinalgError (on every rank alike) when it
/// is singular or its reciprocal condition number is below machine epsilon. Collective.
std::vector<int> lu_checked(const char* what, CyclicMatrix& a);

/// Moves this rank's row-major blocks (block number, block) of a matrix with block grid `g`
/// into the cyclic matrix `target`: one all-to-all. Collective.
void scatter_blocks(const Communicator& comm, const BlacsGrid& grid, CyclicMatrix& target, const BlockGrid& g,
                    std::span<const std::pair<std::int64_t, const NDArray<double>*>> blocks);

/// The blocks of `out_grid` that `out_owners` gives this rank, filled from the cyclic matrix
/// `source` (which may keep only its lower triangle when `lower_only`): one all-to-all.
/// Collective.
std::map<std::int64_t, std::shared_ptr<const NDArray<double>>> gather_blocks(const Communicator& comm,
                                                                            const BlacsGrid& grid,
                                                                            const CyclicMatrix& source,
                                                                            const BlockGrid& out_grid,
                                                                            const OwnerMap& out_owners,
                                                                            bool lower_only = false);

}  // namespace rankwise::linalg::detail
