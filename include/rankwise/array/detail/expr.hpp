#pragma once
// The lazy expression nodes behind Array<Elem>. An expression is a DAG of immutable nodes; a
// chain of elementwise nodes is evaluated as one fused pass over each output block, tile by
// tile (kTile elements at a time), so no temporary array is made per operation.
//
// Leaves come in two kinds: generators (random, arange, zeros, ...) compute any element from
// its global coordinates and need no input; stored leaves (persisted blocks, HDF5 reads,
// reduction outputs) provide one graph task per block, which the fused kernel reads.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "rankwise/array/chunks.hpp"
#include "rankwise/array/ndarray.hpp"
#include "rankwise/graph/task_graph.hpp"
#include "rankwise/runtime/owner_map.hpp"

namespace rankwise::array_detail {

/// Elements evaluated per step of a fused pass: 8 KiB of doubles, well inside L1/L2.
inline constexpr std::int64_t kTile = 1024;

class LeafBase;

/// A block input of a fused task: block `block` of stored leaf `leaf`.
struct InputRef {
  const LeafBase* leaf;
  std::int64_t block;
  bool operator==(const InputRef&) const = default;
};

/// What a fused kernel knows about the output block it computes.
struct BlockContext {
  std::vector<std::int64_t> index;   ///< multi-index of the block in its grid
  Shape shape;                       ///< the block's shape
  std::vector<std::int64_t> origin;  ///< global coordinates of its first element
  std::span<const InputRef> refs;    ///< which input is which
  std::span<const graph::Value* const> inputs;
  /// Scratch space for nodes that evaluate a whole operand block once (broadcasting).
  mutable std::unordered_map<const void*, std::shared_ptr<void>> scratch;

  const graph::Value& input(const LeafBase* leaf, std::int64_t block) const {
    for (std::size_t k = 0; k < refs.size(); ++k)
      if (refs[k].leaf == leaf && refs[k].block == block) return *inputs[k];
    throw Error("internal: a fused kernel lost one of its inputs");
  }
};

/// Untyped part of every node: shape, chunks, grid, and how blocks map to inputs.
std::uint64_t next_serial();

class NodeBase {
 public:
  NodeBase(Shape shape, Chunks chunks)
      : shape_(std::move(shape)), grid_(std::move(chunks)), serial_(next_serial()) {}
  virtual ~NodeBase() = default;

  const Shape& shape() const noexcept { return shape_; }
  const Chunks& chunks() const noexcept { return grid_.chunks(); }
  const BlockGrid& grid() const noexcept { return grid_; }
  /// The stored-leaf blocks needed to compute output block `index` of this node.
  virtual void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const = 0;
  /// Which ranks own this node's blocks, if the node has an opinion (stored leaves do).
  virtual std::optional<OwnerMap> owners() const { return std::nullopt; }
  /// A short name for task labels ("random", "add", "sum").
  virtual std::string name() const = 0;
  /// Whether element i of a block depends only on element i of its inputs' blocks and on its
  /// position: then a reduction may evaluate the node on row slabs of a block (SlabStream).
  /// Elementwise maps, generators and stored leaves are; slices, broadcasts, selections not.
  virtual bool slab_safe() const { return false; }
  /// Creation number: the same on every rank, so task keys made from it agree.
  std::uint64_t serial() const noexcept { return serial_; }

 private:
  Shape shape_;
  BlockGrid grid_;
  std::uint64_t serial_;
};

/// A node whose elements are of type T.
template <class T>
class Expr : public NodeBase {
 public:
  using NodeBase::NodeBase;
  /// Evaluates elements [offset, offset + count) of the block (flat, row-major inside the
  /// block). Returns a pointer to `count` values: into `buffer` or into existing storage.
  virtual const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const = 0;
};

template <class T>
using ExprPtr = std::shared_ptr<const Expr<T>>;

/// Where lowering keeps the tasks already made for stored leaves (one pass, one graph).
struct Lowering {
  graph::TaskGraph graph;
  std::unordered_map<const void*, std::vector<graph::TaskId>> leaf_tasks;  // per leaf: task per block (-1: not yet)
  std::uint64_t serial = 0;  ///< distinguishes this lowering's keys
};

/// A leaf whose blocks are graph tasks.
class LeafBase {
 public:
  virtual ~LeafBase() = default;
  /// The task producing block `b`, adding it (and what it needs) to `lowering` once.
  virtual graph::TaskId block_task(Lowering& lowering, std::int64_t b) const = 0;
};

/// Coordinates of element `flat` of a block of `shape` (row-major).
inline void unravel(std::int64_t flat, const Shape& shape, std::int64_t* coords) {
  for (std::size_t d = shape.size(); d-- > 0;) {
    coords[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
}

/// Evaluates a whole block (multi-index `index`) of `x`, using the inputs of `ctx`.
template <class T>
NDArray<T> evaluate_block(const Expr<T>& x, const std::vector<std::int64_t>& index, const BlockContext& ctx) {
  BlockContext sub{index, {}, {}, ctx.refs, ctx.inputs, {}};
  const auto b = x.grid().linear(index);
  sub.shape = x.grid().block_shape(b);
  sub.origin = x.grid().block_origin(b);
  auto out = NDArray<T>::uninitialized(sub.shape);  // every tile is written below
  for (std::int64_t off = 0; off < out.size(); off += kTile) {
    const auto n = std::min(kTile, out.size() - off);
    const T* p = x.eval(sub, off, n, out.data() + off);
    if (p != out.data() + off) std::copy(p, p + n, out.data() + off);
  }
  return out;
}

}  // namespace rankwise::array_detail
