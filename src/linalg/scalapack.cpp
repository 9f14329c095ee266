#include "linalg/scalapack.hpp"

#include <cmath>
#include <string>

#include "rankwise/error.hpp"

namespace rankwise::linalg::detail {

BlacsGrid::BlacsGrid(const Communicator& comm) {
  const int p = comm.size();
  rows_ = static_cast<int>(std::sqrt(static_cast<double>(p)));
  while (p % rows_) --rows_;
  cols_ = p / rows_;
  handle_ = Csys2blacs_handle(comm.native());
  context_ = handle_;
  Cblacs_gridinit(&context_, "Row", rows_, cols_);
  Cblacs_gridinfo(context_, &rows_, &cols_, &my_row_, &my_col_);
  if (my_row_ < 0) throw LinalgError("BLACS could not place this rank in a " + std::to_string(rows_) + " x " +
                                     std::to_string(cols_) + " grid");
}

BlacsGrid::~BlacsGrid() {
  if (context_ >= 0) Cblacs_gridexit(context_);
  if (handle_ >= 0) Cfree_blacs_system_handle(handle_);
}

CyclicMatrix make_cyclic(const BlacsGrid& grid, int m, int n, int nb) {
  CyclicMatrix a;
  a.m = m;
  a.n = n;
  a.nb = nb;
  const int zero = 0, rows = grid.rows(), cols = grid.cols(), my_row = grid.my_row(), my_col = grid.my_col();
  a.local_rows = numroc_(&m, &nb, &my_row, &zero, &rows);
  a.local_cols = numroc_(&n, &nb, &my_col, &zero, &cols);
  a.local.assign(static_cast<std::size_t>(a.local_rows) * static_cast<std::size_t>(a.local_cols), 0.0);
  const int lld = std::max(1, a.local_rows), context = grid.context();
  int info = 0;
  descinit_(a.desc, &m, &n, &nb, &nb, &zero, &zero, &context, &lld, &info);
  if (info != 0) throw LinalgError("descinit failed (info " + std::to_string(info) + ")");
  return a;
}

CyclicPlace cyclic_place(const BlacsGrid& grid, const CyclicMatrix& a, std::int64_t i, std::int64_t j) {
  const std::int64_t nb = a.nb;
  const auto bi = i / nb, bj = j / nb;
  const int pr = static_cast<int>(bi % grid.rows()), pc = static_cast<int>(bj % grid.cols());
  // The owner's local sizes are needed for the column-major offset: recompute its row count.
  const int zero = 0, rows = grid.rows(), m = a.m, nbi = a.nb;
  const int owner_rows = numroc_(&m, &nbi, &pr, &zero, &rows);
  const auto li = (bi / grid.rows()) * nb + i % nb, lj = (bj / grid.cols()) * nb + j % nb;
  return {grid.rank_of(pr, pc), li + lj * std::max(owner_rows, 1)};
}

}  // namespace rankwise::linalg::detail
