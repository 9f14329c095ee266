#pragma once
// Lowering array expressions to task graphs: fused block tasks, reductions, assembly.
#include <algorithm>
#include <map>

#include "rankwise/array/detail/nodes.hpp"
#include "rankwise/array/detail/reducers.hpp"
#include "rankwise/graph/executor.hpp"
#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/environment.hpp"

namespace rankwise::array_detail {

/// The communicator arrays run on (the Environment's).
inline const Communicator& array_comm() { return default_comm(); }

/// Block ownership of a grid on the array communicator: contiguous runs of blocks per rank.
inline OwnerMap default_owners(const BlockGrid& grid) {
  return OwnerMap::block(grid.size(), array_comm().size(), array_comm().rank());
}

template <class T>
OwnerMap owners_of(const Expr<T>& e) {
  auto o = e.owners();
  if (o && o->num_blocks() == e.grid().size() && o->num_ranks() == array_comm().size()) return *o;
  return default_owners(e.grid());
}

template <class T>
std::string dtype_name() {
  if constexpr (std::is_same_v<T, double>) return "float64";
  else if constexpr (std::is_same_v<T, float>) return "float32";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else if constexpr (std::is_same_v<T, bool>) return "bool";
  else return typeid(T).name();
}

/// `axis` counted from the end when negative; IndexError when out of range.
inline int normalize_axis(int axis, std::int64_t ndim) {
  const int a = axis < 0 ? axis + static_cast<int>(ndim) : axis;
  RANKWISE_CHECK(a >= 0 && a < ndim, IndexError,
                 "axis " + std::to_string(axis) + " is out of bounds for an array of dimension " + std::to_string(ndim));
  return a;
}

/// A unique, rank-independent task name for node `e`.
inline std::string task_name(const NodeBase& e, std::uint64_t serial) {
  return e.name() + "-" + std::to_string(serial);
}

/// Inputs of the fused task for block `b` of `e`: which leaf blocks, and their task ids.
template <class T>
std::vector<InputRef> block_inputs(Lowering& lowering, const Expr<T>& e, std::int64_t b,
                                   std::vector<graph::TaskId>& ids) {
  std::vector<InputRef> refs;
  e.required_inputs(e.grid().index(b), refs);
  for (const auto& r : refs) ids.push_back(r.leaf->block_task(lowering, r.block));
  return refs;
}

/// Evaluates every element of block `b` of `e` with the given inputs, tile by tile.
template <class T>
NDArray<T> eval_block(const Expr<T>& e, std::int64_t b, std::span<const InputRef> refs,
                      std::span<const graph::Value* const> inputs) {
  const BlockContext inputs_only{{}, {}, {}, refs, inputs, {}};
  return evaluate_block(e, e.grid().index(b), inputs_only);
}

/// Adds the fused task computing block `b` of `e` (owner-computes); returns its id.
template <class T>
graph::TaskId lower_block(Lowering& lowering, const ExprPtr<T>& e, const OwnerMap& owners, std::int64_t b) {
  // A stored block is its own task: no copy through a fused pass.
  if (const auto* leaf = dynamic_cast<const LeafBase*>(e.get())) return leaf->block_task(lowering, b);
  graph::Task t;
  t.key = {task_name(*e, e->serial()), {b}};
  t.label = e->name();
  auto refs = block_inputs(lowering, *e, b, t.inputs);
  t.kernel = [e, b, refs = std::move(refs)](std::span<const graph::Value* const> in) {
    return graph::Value::of(eval_block(*e, b, refs, in));
  };
  t.codec = graph::Codec::of<NDArray<T>>();
  t.owner_map = owners;
  t.block = b;
  const auto bytes = shape_size(e->grid().block_shape(b)) * static_cast<std::int64_t>(sizeof(T));
  t.output_bytes = bytes;
  t.cost = static_cast<double>(bytes) / 4e9;
  return lowering.graph.append(std::move(t));
}

/// Blocks grouped in "rounds": round k holds every rank's k-th block. Lowering tasks in round
/// order interleaves the ranks' work, so collective steps that serve one round (HDF5 reads and
/// writes) come right before the tasks that consume that round on every rank: blocks stream.
/// Built once in O(blocks).
class Rounds {
 public:
  explicit Rounds(const OwnerMap& owners) : round_of_(static_cast<std::size_t>(owners.num_blocks()), 0) {
    for (int r = 0; r < owners.num_ranks(); ++r) {
      per_rank_.push_back(owners.blocks_of(r));
      const auto& mine = per_rank_.back();
      for (std::size_t k = 0; k < mine.size(); ++k) round_of_[static_cast<std::size_t>(mine[k])] = static_cast<std::int64_t>(k);
      count_ = std::max(count_, static_cast<std::int64_t>(mine.size()));
    }
  }
  /// Number of rounds (the most blocks any rank owns).
  std::int64_t count() const noexcept { return count_; }
  /// The round of block `b`: its position among its owner's blocks.
  std::int64_t round_of(std::int64_t b) const { return round_of_[static_cast<std::size_t>(b)]; }
  /// The block rank `rank` handles in `round`, or -1.
  std::int64_t block(int rank, std::int64_t round) const {
    const auto& mine = per_rank_[static_cast<std::size_t>(rank)];
    return round < static_cast<std::int64_t>(mine.size()) ? mine[static_cast<std::size_t>(round)] : -1;
  }
  /// Every block, round by round (rank order inside a round).
  std::vector<std::int64_t> order() const {
    std::vector<std::int64_t> out;
    for (std::int64_t k = 0; k < count_; ++k)
      for (int r = 0; r < static_cast<int>(per_rank_.size()); ++r)
        if (const auto b = block(r, k); b >= 0) out.push_back(b);
    return out;
  }

 private:
  std::vector<std::vector<std::int64_t>> per_rank_;
  std::vector<std::int64_t> round_of_;
  std::int64_t count_ = 0;
};

/// The blocks of `owners` in round order (see Rounds).
inline std::vector<std::int64_t> round_order(const OwnerMap& owners) { return Rounds(owners).order(); }

/// Adds one fused task per block of `e` (owner-computes, in round order); returns their ids in
/// block order.
template <class T>
std::vector<graph::TaskId> lower_blocks(Lowering& lowering, const ExprPtr<T>& e) {
  const auto owners = owners_of(*e);
  std::vector<graph::TaskId> out(static_cast<std::size_t>(e->grid().size()), -1);
  for (auto b : round_order(owners)) out[static_cast<std::size_t>(b)] = lower_block(lowering, e, owners, b);
  return out;
}

/// This rank's blocks of a collective task's result (rechunk, ScaLAPACK): block number -> block.
template <class T>
using BlockMap = std::map<std::int64_t, std::shared_ptr<const NDArray<T>>>;

/// Adds a task on block `b`'s owner that hands out that block of a collective task's result
/// without copying it: the result is a BlockMap<T> of this rank's blocks, or (`whole`) one
/// shared NDArray that is the block itself. `bytes` is the block's size, which the
/// partitioner weighs when it places the block's consumers.
template <class T>
graph::TaskId pick_block(Lowering& lowering, graph::TaskKey key, std::string label, graph::TaskId source,
                         const OwnerMap& owners, std::int64_t b, std::int64_t bytes, bool whole = false) {
  graph::Task pick;
  pick.key = std::move(key);
  pick.label = std::move(label);
  pick.inputs = {source};
  pick.codec = graph::Codec::of<NDArray<T>>();
  pick.owner_map = owners;
  pick.block = b;
  pick.cost = 1e-7;
  pick.output_bytes = bytes;
  pick.kernel = [b, whole](std::span<const graph::Value* const> in) {
    if (whole) return graph::Value::share(in[0]->get<std::shared_ptr<const NDArray<T>>>());
    return graph::Value::share(in[0]->get<BlockMap<T>>().at(b));
  };
  return lowering.graph.append(std::move(pick));
}

/// A block number and its partial accumulator, as gathered by a combine.
template <class Acc>
struct BlockPartial {
  std::int64_t block;
  Acc acc;
};

template <class Op, class T>
concept NeedsPosition = requires { Op::needs_position; };

/// Folds the elements of the block (or slab) described by `ctx` into `acc`, tile by tile.
template <class T, class Op>
void reduce_tiles(const Expr<T>& e, const BlockContext& ctx, const Op& op, typename Op::Acc& acc) {
  const auto size = shape_size(ctx.shape);
  T buffer[kTile];
  for (std::int64_t off = 0; off < size; off += kTile) {
    const auto n = std::min(kTile, size - off);
    const T* p = e.eval(ctx, off, n, buffer);
    if constexpr (NeedsPosition<Op, T>) {
      GlobalWalk walk(ctx, e.shape(), off);
      for (std::int64_t k = 0; k < n; ++k, walk.next()) op.add(acc, p[k], walk.global_flat());
    } else {
      op.add_tile(acc, p, n);
    }
  }
}

/// The stored leaf of T that streams slabs (SlabStream) when `e` is slab-safe and every block of
/// `e` needs exactly that leaf's block of the same index; else nullptr.
template <class T>
const Stored<T>* streaming_leaf(const Expr<T>& e) {
  if (!e.slab_safe()) return nullptr;
  const Stored<T>* found = nullptr;
  std::vector<InputRef> refs;
  for (std::int64_t b = 0; b < e.grid().size(); ++b) {
    refs.clear();
    e.required_inputs(e.grid().index(b), refs);
    if (refs.size() != 1 || refs[0].block != b) return nullptr;
    const auto* leaf = dynamic_cast<const Stored<T>*>(refs[0].leaf);
    if (!leaf || !leaf->stream() || (found && leaf != found) || leaf->grid().size() != e.grid().size()) return nullptr;
    found = leaf;
  }
  return found;
}

/// Adds a full reduction of `e` by `op`: one partial per block (owner-computes), then one
/// collective task that gathers the partials and merges them in block order. Returns the
/// collective's id; its value (Op::Out) is on every rank.
template <class T, class Op>
graph::TaskId lower_full_reduction(Lowering& lowering, const ExprPtr<T>& e, Op op, const std::string& label,
                                   std::uint64_t serial) {
  using Acc = typename Op::Acc;
  using Out = decltype(op.finish(std::declval<const Acc&>()));
  const auto owners = owners_of(*e);
  const auto name = label + "-" + std::to_string(serial);
  std::vector<graph::TaskId> partials;
  // A reduction of an elementwise expression over one leaf that streams (an HDF5 file): one
  // collective task per round reads this rank's block in slabs and reduces each while it is in
  // cache — one pass over the data instead of a block written to memory and read back. The
  // tiles, and so the result, are those of the block-at-once path.
  if (const auto* leaf = streaming_leaf(*e)) {
    for (std::int64_t round = 0; round < leaf->stream()->rounds; ++round) {
      graph::Task t;
      t.key = {name + "-round", {round}};
      t.label = label + " (streamed round)";
      t.codec = graph::Codec::of<BlockPartial<Acc>>();
      t.collective = [e, leaf, op, round](const Communicator& c, std::span<const graph::LocalInput>) {
        Acc acc = op.init();
        const auto block = leaf->stream()->read(c, round, [&](std::int64_t b, const graph::Value& slab, std::int64_t rows,
                                                            std::int64_t first_row) {
          // The slab as a block of its own: its shape, its origin in the array, its data.
          const InputRef ref{leaf, b};
          const graph::Value* in = &slab;
          BlockContext ctx{e->grid().index(b), e->grid().block_shape(b), e->grid().block_origin(b), {&ref, 1}, {&in, 1}, {}};
          ctx.shape[0] = rows;
          ctx.origin[0] += first_row;
          reduce_tiles(*e, ctx, op, acc);
        });
        return graph::Value::of(BlockPartial<Acc>{block, acc});
      };
      partials.push_back(lowering.graph.append(std::move(t)));
    }
  } else {
    for (auto b : round_order(owners)) {
      graph::Task t;
      t.key = {name + "-partial", {b}};
      t.label = label + " (block)";
      auto refs = block_inputs(lowering, *e, b, t.inputs);
      t.kernel = [e, b, op, refs = std::move(refs)](std::span<const graph::Value* const> in) {
        const BlockContext ctx{e->grid().index(b), e->grid().block_shape(b), e->grid().block_origin(b), refs, in, {}};
        Acc acc = op.init();
        reduce_tiles(*e, ctx, op, acc);
        return graph::Value::of(BlockPartial<Acc>{b, acc});
      };
      t.codec = graph::Codec::of<BlockPartial<Acc>>();
      t.owner_map = owners;
      t.block = b;
      t.output_bytes = sizeof(BlockPartial<Acc>);
      t.cost = static_cast<double>(shape_size(e->grid().block_shape(b)) * static_cast<std::int64_t>(sizeof(T))) / 4e9;
      partials.push_back(lowering.graph.append(std::move(t)));
    }
  }
  graph::Task combine;
  combine.key = {name, {}};
  combine.label = label;
  combine.inputs = partials;
  combine.codec = graph::Codec::of<Out>();
  combine.collective = [op](const Communicator& comm, std::span<const graph::LocalInput> local) {
    std::vector<BlockPartial<Acc>> mine;
    for (const auto& in : local) mine.push_back(in.value->get<BlockPartial<Acc>>());
    auto all = allgatherv<BlockPartial<Acc>>(comm, mine).values;
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.block < b.block; });
    Acc acc = op.init();
    for (const auto& p : all)
      if (p.block >= 0) op.merge(acc, p.acc);  // -1: a streamed round in which a rank had no block
    return graph::Value::of(op.finish(acc));
  };
  return lowering.graph.append(std::move(combine));
}

/// Gathers every block of `e` into one NDArray on every rank (a collective task); with
/// root >= 0, on `root` only (the others get an empty array).
template <class T>
graph::TaskId lower_assemble(Lowering& lowering, const ExprPtr<T>& e, int root = -1) {
  auto blocks = lower_blocks(lowering, e);
  graph::Task t;
  t.key = {"assemble-" + std::to_string(e->serial()), {root}};
  t.label = "gather blocks";
  t.inputs = blocks;
  t.codec = graph::Codec::of<NDArray<T>>();
  t.collective = [e, root](const Communicator& comm, std::span<const graph::LocalInput> local) {
    // Each rank sends its blocks' elements in block order; every rank places them.
    using Raw = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;  // no vector<bool>
    std::vector<std::int64_t> ids;
    std::vector<Raw> values;
    for (const auto& in : local) {
      const auto& block = in.value->get<NDArray<T>>();
      ids.push_back(static_cast<std::int64_t>(in.position));
      values.insert(values.end(), block.begin(), block.end());
    }
    const auto all_ids = root < 0 ? allgatherv<std::int64_t>(comm, ids) : gatherv<std::int64_t>(comm, ids, root);
    const auto all_values = root < 0 ? allgatherv<Raw>(comm, values) : gatherv<Raw>(comm, values, root);
    if (root >= 0 && comm.rank() != root) return graph::Value::of(NDArray<T>(Shape(e->shape().size(), 0)));
    NDArray<T> out(e->shape());
    const auto& grid = e->grid();
    const auto nd = e->shape().size();
    for (int r = 0; r < comm.size(); ++r) {
      const Raw* src = all_values.values.data() + all_values.offsets[static_cast<std::size_t>(r)];
      for (auto b : all_ids.part(r)) {
        const auto shape = grid.block_shape(b);
        const auto origin = grid.block_origin(b);
        const auto n = shape_size(shape);
        if (nd == 0) {
          out.data()[0] = static_cast<T>(src[0]);
        } else {
          // Copy row by row (the last dimension is contiguous in both).
          const auto row = shape.back();
          std::vector<std::int64_t> coords(nd, 0);
          for (std::int64_t k = 0; row > 0 && k < n; k += row) {
            unravel(k, shape, coords.data());
            std::int64_t dst = 0;
            for (std::size_t d = 0; d < nd; ++d) dst = dst * e->shape()[d] + origin[d] + coords[d];
            std::transform(src + k, src + k + row, out.data() + dst, [](Raw v) { return static_cast<T>(v); });
          }
        }
        src += n;
      }
    }
    return graph::Value::of(std::move(out));
  };
  return lowering.graph.append(std::move(t));
}

}  // namespace rankwise::array_detail
