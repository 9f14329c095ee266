#include "linalg/row_sums.hpp"

namespace rankwise::linalg::detail {

graph::TaskId lower_row_block_sum(array_detail::Lowering& lowering, const array_detail::ExprPtr<double>& x,
                                  const array_detail::ExprPtr<double>& r, std::size_t width, const std::string& name,
                                  const std::string& label, RowBlockPartial partial) {
  const auto x_owners = array_detail::owners_of(*x);
  const auto r_owners = r ? array_detail::owners_of(*r) : x_owners;
  const auto nblocks = x->grid().size();
  std::vector<graph::TaskId> partials(static_cast<std::size_t>(nblocks));
  for (const auto b : array_detail::round_order(x_owners)) {
    graph::Task t;
    t.key = {name + "-partial", {b}};
    t.label = label;
    t.inputs = {array_detail::lower_block(lowering, x, x_owners, b)};
    if (r) t.inputs.push_back(array_detail::lower_block(lowering, r, r_owners, b));
    t.kernel = [partial, width](std::span<const graph::Value* const> in) {
      static const NDArray<double> none;
      std::vector<double> out(width, 0.0);
      partial(in[0]->get<NDArray<double>>(), in.size() > 1 ? in[1]->get<NDArray<double>>() : none, out.data());
      return graph::Value::of(std::move(out));
    };
    t.owner_map = x_owners;
    t.block = b;
    t.cost = static_cast<double>(shape_size(x->grid().block_shape(b)) * 8) / 4e9;
    partials[static_cast<std::size_t>(b)] = lowering.graph.append(std::move(t));
  }
  graph::Task sum;
  sum.key = {name, {}};
  sum.label = label + " (sum of blocks)";
  sum.inputs = partials;
  sum.collective = [width, nblocks](const Communicator& comm, std::span<const graph::LocalInput> local) {
    auto total = sum_in_block_order<std::vector<double>>(comm, local, nblocks, width);
    return graph::Value::of(std::make_shared<const std::vector<double>>(std::move(total)));
  };
  return lowering.graph.append(std::move(sum));
}

}  // namespace rankwise::linalg::detail
