#pragma once
// Member templates of Array<Elem> that need the full class: persist, shapes, axis reductions.
#include <unordered_map>

#include "rankwise/array/array.hpp"

namespace rankwise {

namespace array_detail {

/// A Stored leaf over blocks this rank holds in memory (persisted results).
template <class T>
ExprPtr<T> stored_from_values(std::string name, const Shape& shape, const Chunks& chunks, const OwnerMap& owners,
                              std::shared_ptr<const std::unordered_map<std::int64_t, graph::Value>> blocks) {
  const auto serial = next_serial();
  const BlockGrid grid(chunks);
  auto make = [blocks, owners, serial, name, grid](Lowering& lowering, std::int64_t b) {
    graph::Task t;
    t.key = {name + "-" + std::to_string(serial), {b}};
    t.label = name;
    t.codec = graph::Codec::of<NDArray<T>>();
    t.owner_map = owners;
    t.block = b;
    t.cost = 1e-7;
    // The real size, so that consumers placed by locality go where the block is.
    t.output_bytes = shape_size(grid.block_shape(b)) * static_cast<std::int64_t>(sizeof(T));
    t.kernel = [blocks, b](std::span<const graph::Value* const>) { return blocks->at(b); };
    return lowering.graph.append(std::move(t));
  };
  return std::make_shared<Stored<T>>(name, shape, chunks, owners, make);
}

/// Runs the block tasks of `e` and returns this rank's blocks, keyed by block number.
template <class T>
std::unordered_map<std::int64_t, graph::Value> run_blocks(const ExprPtr<T>& e) {
  Lowering lowering;
  const auto ids = lower_blocks(lowering, e);
  const auto& comm = array_comm();
  auto kept = graph::execute(lowering.graph, graph::partition(lowering.graph, comm.size()), ids, comm,
                             {.label = "persist"});
  std::unordered_map<std::int64_t, graph::Value> blocks;
  for (std::size_t b = 0; b < ids.size(); ++b)
    if (auto it = kept.find(ids[b]); it != kept.end()) blocks.emplace(static_cast<std::int64_t>(b), it->second);
  return blocks;
}

}  // namespace array_detail

template <class Elem>
Array<Elem> Array<Elem>::persist() const {
  auto blocks = std::make_shared<const std::unordered_map<std::int64_t, graph::Value>>(array_detail::run_blocks(expr_));
  return Array(array_detail::stored_from_values<Elem>("persisted", shape(), chunks(), owners(), std::move(blocks)));
}

template <class Elem>
std::vector<std::pair<std::int64_t, NDArray<Elem>>> Array<Elem>::local_blocks() const {
  std::vector<std::pair<std::int64_t, NDArray<Elem>>> out;
  for (auto& [b, v] : array_detail::run_blocks(expr_)) out.emplace_back(b, v.template get<NDArray<Elem>>());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

template <class Elem>
Array<Elem> Array<Elem>::transpose() const {
  const auto nd = shape().size();
  Shape s(nd);
  Chunks c(nd);
  std::vector<std::size_t> axes(nd);
  for (std::size_t d = 0; d < nd; ++d) {
    axes[d] = nd - 1 - d;
    s[d] = shape()[axes[d]];
    c[d] = chunks()[axes[d]];
  }
  auto map = [nd](const std::vector<std::int64_t>& index) {
    typename array_detail::Select<Elem>::Source src;
    src.block.assign(index.rbegin(), index.rend());
    src.start.assign(nd, 0);
    src.step.assign(nd, 1);
    return src;
  };
  return Array(std::make_shared<array_detail::Select<Elem>>("transpose", expr_, s, c, axes, map));
}

template <class Elem>
Array<Elem> Array<Elem>::slice(std::vector<Slice> slices) const {
  const auto nd = shape().size();
  RANKWISE_CHECK(slices.size() <= nd, IndexError,
                 "too many indices: " + std::to_string(slices.size()) + " for an array of shape " + shape_str(shape()));
  slices.resize(nd);
  Shape out_shape(nd);
  Chunks out_chunks(nd);
  // Per dimension and output block: the source block and the first element inside it.
  std::vector<std::vector<std::int64_t>> src_block(nd), src_start(nd);
  std::vector<std::int64_t> steps(nd);
  for (std::size_t d = 0; d < nd; ++d) {
    const auto n = shape()[d];
    const auto& sl = slices[d];
    RANKWISE_CHECK(sl.step != 0, IndexError, "slice step cannot be zero");
    steps[d] = sl.step;
    const auto& off = expr_->grid().offsets(static_cast<std::int64_t>(d));
    const auto nblocks = static_cast<std::int64_t>(off.size()) - 1;
    if (sl.step > 0) {
      auto clamp = [n](std::int64_t i) { return std::clamp(i < 0 ? i + n : i, std::int64_t{0}, n); };
      const std::int64_t start = sl.start ? clamp(*sl.start) : 0;
      const std::int64_t stop = sl.stop ? clamp(*sl.stop) : n;
      for (std::int64_t k = 0; k < nblocks; ++k) {
        // First selected index at or after the block start, and how many fall in the block.
        const std::int64_t lo = std::max(start, off[static_cast<std::size_t>(k)]);
        const std::int64_t hi = std::min(stop, off[static_cast<std::size_t>(k) + 1]);
        if (lo >= hi) continue;
        const std::int64_t first = start + ((lo - start + sl.step - 1) / sl.step) * sl.step;
        if (first >= hi) continue;
        out_chunks[d].push_back((hi - first + sl.step - 1) / sl.step);
        src_block[d].push_back(k);
        src_start[d].push_back(first - off[static_cast<std::size_t>(k)]);
      }
    } else {
      // Python's rules for a negative step: start defaults to the end, stop to before 0.
      auto clamp = [n](std::int64_t i) { return std::clamp(i < 0 ? i + n : i, std::int64_t{-1}, n - 1); };
      const std::int64_t start = sl.start ? clamp(*sl.start) : n - 1;
      const std::int64_t stop = sl.stop ? clamp(*sl.stop) : -1;
      const std::int64_t stride = -sl.step;
      for (std::int64_t k = nblocks - 1; k >= 0; --k) {
        // Largest selected index inside the block, and how many fall in it.
        const std::int64_t top = std::min(start, off[static_cast<std::size_t>(k) + 1] - 1);
        const std::int64_t bottom = std::max(stop + 1, off[static_cast<std::size_t>(k)]);
        if (top < bottom) continue;
        const std::int64_t first = start - ((start - top + stride - 1) / stride) * stride;
        if (first < bottom) continue;
        out_chunks[d].push_back((first - bottom) / stride + 1);
        src_block[d].push_back(k);
        src_start[d].push_back(first - off[static_cast<std::size_t>(k)]);
      }
    }
    if (out_chunks[d].empty()) {  // an empty selection keeps one empty block
      out_chunks[d].push_back(0);
      src_block[d].push_back(0);
      src_start[d].push_back(0);
    }
    out_shape[d] = 0;
    for (auto c : out_chunks[d]) out_shape[d] += c;
  }
  std::vector<std::size_t> axes(nd);
  for (std::size_t d = 0; d < nd; ++d) axes[d] = d;
  auto map = [src_block, src_start, steps](const std::vector<std::int64_t>& index) {
    typename array_detail::Select<Elem>::Source src;
    for (std::size_t d = 0; d < index.size(); ++d) {
      src.block.push_back(src_block[d][static_cast<std::size_t>(index[d])]);
      src.start.push_back(src_start[d][static_cast<std::size_t>(index[d])]);
      src.step.push_back(steps[d]);
    }
    return src;
  };
  return Array(std::make_shared<array_detail::Select<Elem>>("slice", expr_, out_shape, out_chunks, axes, map));
}

template <class Elem>
template <class U>
Array<U> Array<Elem>::astype() const {
  auto cast = [](Elem x) { return static_cast<U>(x); };
  return Array<U>(std::make_shared<array_detail::Unary<U, Elem, decltype(cast)>>("astype", expr_, cast));
}

template <class Elem>
template <class Op>
auto Array<Elem>::along(Op op, const std::string& label, int axis_in, bool keepdims) const {
  using Acc = typename Op::Acc;
  using Out = decltype(op.finish(std::declval<const Acc&>()));
  const auto nd = shape().size();
  const auto axis = static_cast<std::size_t>(array_detail::normalize_axis(axis_in, ndim()));
  Shape out_shape;
  Chunks out_chunks;
  for (std::size_t d = 0; d < nd; ++d) {
    if (d == axis) {
      if (keepdims) {
        out_shape.push_back(1);
        out_chunks.push_back({1});
      }
      continue;
    }
    out_shape.push_back(shape()[d]);
    out_chunks.push_back(chunks()[d]);
  }
  const auto serial = array_detail::next_serial();
  const auto name = label + "-" + std::to_string(serial);
  const BlockGrid out_grid(out_chunks);
  auto token = std::make_shared<int>(0);  // identifies this reduction's partial tasks in a lowering
  auto make = [expr = expr_, op, axis, keepdims, name, label, out_grid, token](array_detail::Lowering& lowering,
                                                                            std::int64_t ob) {
    const auto& grid = expr->grid();
    auto& partial_ids = lowering.leaf_tasks[token.get()];
    if (partial_ids.empty()) partial_ids.assign(static_cast<std::size_t>(grid.size()), -1);
    // The input blocks along the reduced axis that feed output block `ob`.
    auto out_index = out_grid.index(ob);
    if (keepdims) out_index.erase(out_index.begin() + static_cast<std::ptrdiff_t>(axis));
    graph::Task combine;
    const auto owners = array_detail::owners_of(*expr);
    for (std::int64_t along_block = 0; along_block < grid.numblocks()[axis]; ++along_block) {
      auto in_index = out_index;
      in_index.insert(in_index.begin() + static_cast<std::ptrdiff_t>(axis), along_block);
      const auto ib = grid.linear(in_index);
      auto& id = partial_ids[static_cast<std::size_t>(ib)];
      if (id < 0) {
        graph::Task t;
        t.key = {name + "-partial", {ib}};
        t.label = label + " (block)";
        auto refs = array_detail::block_inputs(lowering, *expr, ib, t.inputs);
        t.kernel = [expr, op, axis, ib, refs = std::move(refs)](std::span<const graph::Value* const> in) {
          using namespace array_detail;
          BlockContext ctx{expr->grid().index(ib), expr->grid().block_shape(ib), expr->grid().block_origin(ib), refs, in, {}};
          Shape partial_shape = ctx.shape;
          partial_shape[axis] = 1;
          NDArray<Acc> acc(partial_shape, op.init());
          // The block is (outer, along, inner) around the axis; the partial is (outer, inner).
          // Walk each tile in runs of constant (outer, along) so the inner loop is a straight
          // accumulate into acc[outer * inner + i].
          std::int64_t inner = 1, outer = 1;
          for (std::size_t d = axis + 1; d < ctx.shape.size(); ++d) inner *= ctx.shape[d];
          for (std::size_t d = 0; d < axis; ++d) outer *= ctx.shape[d];
          const std::int64_t along = ctx.shape[axis];
          const auto size = shape_size(ctx.shape);
          std::remove_cv_t<Elem> buffer[kTile];
          // Sums and means add each tile's values per output element in plain doubles (a
          // straight, vectorisable loop), then fold them into the compensated accumulators once
          // per tile: numerically a sum per tile, compensated across tiles.
          constexpr bool by_tile = array_detail::sums_tiles<Op>();
          std::vector<double> tile_sums(by_tile ? static_cast<std::size_t>(acc.size()) : 0, 0.0);
          // (o, a, i): the position of the next element, advanced without divisions.
          std::int64_t o = 0, a = 0, i = 0;
          for (std::int64_t off = 0; off < size; off += kTile) {
            const auto n = std::min(kTile, size - off);
            const Elem* p = expr->eval(ctx, off, n, buffer);
            const std::int64_t first_target = o * inner;
            std::int64_t k = 0;
            while (k < n) {
              const std::int64_t run = std::min(inner - i, n - k);
              const std::int64_t t0 = o * inner + i;
              if constexpr (by_tile) {
                double* s = tile_sums.data() + t0;
                for (std::int64_t j = 0; j < run; ++j) s[j] += static_cast<double>(p[k + j]);
              } else {
                const std::int64_t pos = ctx.origin[axis] + a;
                for (std::int64_t j = 0; j < run; ++j) op.add(acc.data()[t0 + j], p[k + j], pos);
              }
              k += run;
              if ((i += run) == inner) {
                i = 0;
                if (++a == along) a = 0, ++o;
              }
            }
            if constexpr (by_tile) {  // the outputs this tile touched: whole rows of `inner`
              const std::int64_t last_target = std::min<std::int64_t>(acc.size(), (o + 1) * inner);
              for (std::int64_t e = first_target; e < last_target; ++e) {
                op.add_sum(acc.data()[e], tile_sums[static_cast<std::size_t>(e)], 0);  // counts: below
                tile_sums[static_cast<std::size_t>(e)] = 0;
              }
            }
          }
          if constexpr (by_tile)  // every output element saw `along` values
            for (std::int64_t e = 0; e < acc.size(); ++e) op.add_sum(acc.data()[e], 0.0, static_cast<double>(along));
          (void)outer;
          return graph::Value::of(std::move(acc));
        };
        t.codec = graph::Codec::of<NDArray<Acc>>();
        t.owner_map = owners;
        t.block = ib;
        t.output_bytes = shape_size(grid.block_shape(ib)) / std::max<std::int64_t>(1, grid.block_shape(ib)[axis]) *
                         static_cast<std::int64_t>(sizeof(Acc));
        id = lowering.graph.append(std::move(t));
      }
      combine.inputs.push_back(id);
    }
    combine.key = {name, {ob}};
    combine.label = label;
    combine.codec = graph::Codec::of<NDArray<Out>>();
    combine.kernel = [op, out_shape = out_grid.block_shape(ob)](std::span<const graph::Value* const> in) {
      // Merge the partials in block order along the axis: the same result at any rank count.
      NDArray<Acc> acc = in[0]->get<NDArray<Acc>>();
      for (std::size_t k = 1; k < in.size(); ++k) {
        const auto& part = in[k]->get<NDArray<Acc>>();
        for (std::int64_t i = 0; i < acc.size(); ++i) op.merge(acc.data()[i], part.data()[i]);
      }
      NDArray<Out> out(out_shape);
      for (std::int64_t i = 0; i < out.size(); ++i) out.data()[i] = op.finish(acc.data()[i]);
      return graph::Value::of(std::move(out));
    };
    return lowering.graph.append(std::move(combine));
  };
  return Array<Out>(std::make_shared<array_detail::Stored<Out>>(label, out_shape, out_chunks, std::nullopt, make));
}

}  // namespace rankwise
