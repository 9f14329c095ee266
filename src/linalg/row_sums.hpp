#pragma once
// Small per-block partial results summed in block order — the reduction behind XᵀX, Xᵀy and
// CholeskyQR2's passes. Summing in block order (not rank order) makes the total the same at any
// number of ranks for a given chunking.
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rankwise/array/array.hpp"
#include "rankwise/runtime/collectives.hpp"

namespace rankwise::linalg::detail {

/// The total of the `width`-long partials of a collective task's local inputs (one per block;
/// each value a Partial — NDArray<double> or std::vector<double> — of `width` elements), summed
/// in block order, on every rank. Collective: two allgathervs.
template <class Partial>
std::vector<double> sum_in_block_order(const Communicator& comm, std::span<const graph::LocalInput> local,
                                       std::int64_t nblocks, std::size_t width) {
  std::vector<std::int64_t> blocks;
  std::vector<double> values;
  for (const auto& in : local) {
    const auto& p = in.value->get<Partial>();
    blocks.push_back(static_cast<std::int64_t>(in.position));
    values.insert(values.end(), p.begin(), p.end());
  }
  const auto all_blocks = allgatherv<std::int64_t>(comm, blocks);
  const auto all_values = allgatherv<double>(comm, values);
  std::vector<const double*> by_block(static_cast<std::size_t>(nblocks), nullptr);
  for (int r = 0; r < comm.size(); ++r) {
    const double* src = all_values.values.data() + all_values.offsets[static_cast<std::size_t>(r)];
    for (const auto b : all_blocks.part(r)) {
      by_block[static_cast<std::size_t>(b)] = src;
      src += width;
    }
  }
  std::vector<double> total(width, 0.0);
  for (const double* p : by_block)
    for (std::size_t e = 0; e < width; ++e) total[e] += p[e];
  return total;
}

/// A block's contribution: adds the partial of row block x (and r's rows alike) into `out`.
using RowBlockPartial = std::function<void(const NDArray<double>& x, const NDArray<double>& r, double* out)>;

/// Adds one task per row block of x (one column block; r, if not null, blocked like x's rows;
/// a null r gives the partial an empty array) computing a
/// `width`-long partial, owner-computes in round order, and one collective task summing them in
/// block order. Returns the collective's id; its value is a shared_ptr<const std::vector<double>>,
/// the same on every rank. `name` keys the tasks (unique per use), `label` names them.
graph::TaskId lower_row_block_sum(array_detail::Lowering& lowering, const array_detail::ExprPtr<double>& x,
                                  const array_detail::ExprPtr<double>& r, std::size_t width, const std::string& name,
                                  const std::string& label, RowBlockPartial partial);

}  // namespace rankwise::linalg::detail
