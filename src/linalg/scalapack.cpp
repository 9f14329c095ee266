#include "linalg/scalapack.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "linalg/dense.hpp"
#include "rankwise/error.hpp"
#include "rankwise/runtime/collectives.hpp"

namespace rankwise::linalg::detail {

BlacsGrid::BlacsGrid(const Communicator& comm) {
  const int p = comm.size();
  rows_ = static_cast<int>(std::sqrt(static_cast<double>(p)));
  while (p % rows_) --rows_;
  cols_ = p / rows_;
  if (tall()) std::swap(rows_, cols_);
  handle_ = Csys2blacs_handle(comm.native());
  context_ = handle_;
  Cblacs_gridinit(&context_, "Row", rows_, cols_);
  Cblacs_gridinfo(context_, &rows_, &cols_, &my_row_, &my_col_);
  if (my_row_ < 0) throw LinalgError("BLACS could not place this rank in a " + std::to_string(rows_) + " x " +
                                     std::to_string(cols_) + " grid");
}

bool& BlacsGrid::tall() {
  static bool value = false;
  return value;
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

void require_finite(const Communicator& comm, const CyclicMatrix& a, const char* what) {
  const int finite = std::all_of(a.local.begin(), a.local.end(), [](double v) { return std::isfinite(v); }) ? 1 : 0;
  if (allreduce(comm, finite, ReduceOp::min) == 0)
    throw LinalgError(std::string(what) + ": the matrix holds NaN or infinity");
}

std::vector<int> lu_checked(const char* what, CyclicMatrix& a) {
  const int one = 1, n = a.n;
  std::vector<double> norm_work(static_cast<std::size_t>(std::max(a.local_cols, 1)) + 16);
  const double anorm = pdlange_("1", &n, &n, a.local.data(), &one, &one, a.desc, norm_work.data());
  std::vector<int> pivots(static_cast<std::size_t>(a.local_rows + a.nb));
  int info = 0;
  pdgetrf_(&n, &n, a.local.data(), &one, &one, a.desc, pivots.data(), &info);
  if (info > 0) singular(what, n, 0);
  if (info < 0) throw LinalgError(std::string(what) + ": pdgetrf rejected argument " + std::to_string(-info));
  // Workspace query, then the reciprocal condition number (1-norm).
  double rcond = 0, work_size = 0;
  int iwork_size = 0, query = -1;
  pdgecon_("1", &n, a.local.data(), &one, &one, a.desc, &anorm, &rcond, &work_size, &query, &iwork_size, &query, &info);
  int lwork = static_cast<int>(work_size) + 1, liwork = std::max(iwork_size, 1);
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  pdgecon_("1", &n, a.local.data(), &one, &one, a.desc, &anorm, &rcond, work.data(), &lwork, iwork.data(), &liwork, &info);
  if (!(rcond >= std::numeric_limits<double>::epsilon())) singular(what, n, rcond);
  return pivots;
}

namespace {
struct Entry {
  std::int64_t where;  // local offset (to cyclic) or global flat index (back to blocks)
  double value;
};
}  // namespace

void scatter_blocks(const Communicator& comm, const BlacsGrid& grid, CyclicMatrix& target, const BlockGrid& g,
                    std::span<const std::pair<std::int64_t, const NDArray<double>*>> blocks) {
  std::vector<std::vector<Entry>> send(static_cast<std::size_t>(comm.size()));
  for (const auto& [blk, block] : blocks) {
    const auto origin = g.block_origin(blk);
    const auto cols = block->ndim() == 2 ? block->shape()[1] : 1;
    const auto rows = block->shape()[0];
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t q = 0; q < cols; ++q) {
        const auto col = block->ndim() == 2 ? origin[1] + q : 0;
        const auto place = cyclic_place(grid, target, origin[0] + r, col);
        send[static_cast<std::size_t>(place.rank)].push_back({place.offset, block->data()[r * cols + q]});
      }
  }
  for (const auto& part : alltoallv(comm, send))
    for (const auto& e : part) target.local[static_cast<std::size_t>(e.where)] = e.value;
}

std::map<std::int64_t, std::shared_ptr<const NDArray<double>>> gather_blocks(const Communicator& comm,
                                                                            const BlacsGrid& grid,
                                                                            const CyclicMatrix& source,
                                                                            const BlockGrid& out_grid,
                                                                            const OwnerMap& out_owners,
                                                                            bool lower_only) {
  const std::int64_t nb = source.nb, n = source.n;
  const bool vector = out_grid.ndim() == 1;
  const auto& off0 = out_grid.offsets(0);
  auto block_of = [&](std::int64_t i, std::int64_t j) {
    const auto bi = std::upper_bound(off0.begin(), off0.end(), i) - off0.begin() - 1;
    if (vector) return std::pair<std::int64_t, std::int64_t>{bi, 0};
    const auto& off1 = out_grid.offsets(1);
    const auto bj = std::upper_bound(off1.begin(), off1.end(), j) - off1.begin() - 1;
    return std::pair<std::int64_t, std::int64_t>{bi, bj};
  };
  std::vector<std::vector<Entry>> send(static_cast<std::size_t>(comm.size()));
  for (int lj = 0; lj < source.local_cols; ++lj)
    for (int li = 0; li < source.local_rows; ++li) {
      const std::int64_t i = (static_cast<std::int64_t>(li / nb) * grid.rows() + grid.my_row()) * nb + li % nb;
      const std::int64_t j = (static_cast<std::int64_t>(lj / nb) * grid.cols() + grid.my_col()) * nb + lj % nb;
      double v = source.local[static_cast<std::size_t>(li + lj * std::max(source.local_rows, 1))];
      if (lower_only && j > i) v = 0.0;
      const auto [bi, bj] = block_of(i, j);
      const auto blk = vector ? out_grid.linear({bi}) : out_grid.linear({bi, bj});
      send[static_cast<std::size_t>(out_owners.owner(blk))].push_back({i * n + j, v});
    }
  std::map<std::int64_t, NDArray<double>> blocks;
  for (auto blk : out_owners.local_blocks()) blocks.emplace(blk, NDArray<double>(out_grid.block_shape(blk)));
  for (const auto& part : alltoallv(comm, send))
    for (const auto& e : part) {
      const auto i = e.where / n, j = e.where % n;
      const auto [bi, bj] = block_of(i, j);
      if (vector) {
        blocks.at(out_grid.linear({bi})).data()[i - off0[static_cast<std::size_t>(bi)]] = e.value;
      } else {
        auto& blk = blocks.at(out_grid.linear({bi, bj}));
        blk(i - off0[static_cast<std::size_t>(bi)], j - out_grid.offsets(1)[static_cast<std::size_t>(bj)]) = e.value;
      }
    }
  std::map<std::int64_t, std::shared_ptr<const NDArray<double>>> out;
  for (auto& [blk, arr] : blocks) out.emplace(blk, std::make_shared<const NDArray<double>>(std::move(arr)));
  return out;
}

}  // namespace rankwise::linalg::detail
