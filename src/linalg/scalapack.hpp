#pragma once
// The ScaLAPACK bridge: BLACS process grids and 2-D block-cyclic matrices. ScaLAPACK ships no C
// header (PLATFORM.md), so the routines are declared here.
#include <cstdint>
#include <vector>

#include "rankwise/array/ndarray.hpp"
#include "rankwise/runtime/communicator.hpp"

extern "C" {
int Csys2blacs_handle(MPI_Comm comm);
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int* nprow, int* npcol, int* myrow, int* mycol);
void Cblacs_gridexit(int context);
void Cfree_blacs_system_handle(int handle);
int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc, const int* nprocs);
void descinit_(int* desc, const int* m, const int* n, const int* mb, const int* nb, const int* irsrc, const int* icsrc,
               const int* context, const int* lld, int* info);
void pdgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
             const double* a, const int* ia, const int* ja, const int* desca, const double* b, const int* ib,
             const int* jb, const int* descb, const double* beta, double* c, const int* ic, const int* jc,
             const int* descc);
}

namespace rankwise::linalg::detail {

/// A BLACS process grid over a communicator (rows x cols as square as the rank count allows).
class BlacsGrid {
 public:
  explicit BlacsGrid(const Communicator& comm);
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

}  // namespace rankwise::linalg::detail
