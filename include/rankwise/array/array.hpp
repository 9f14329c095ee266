#pragma once
/// Array<Elem>: a lazy, blocked, distributed n-dimensional array (dask.array).
///
/// An Array is an expression: creating, combining and reducing arrays records what to compute;
/// compute() (small results), persist() (keep blocks distributed) or an I/O call runs it. Each
/// rank owns some blocks (owner-computes); a chain of elementwise operations runs as one fused
/// pass over each block in cache-sized tiles.
///
///     auto X = rw::random::random({10000, 20}, {1000, 20}, /*seed=*/1);
///     double s = (rw::exp(X) * 2 + 1).sum().compute();   // one pass, no temporaries
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "rankwise/array/chunks.hpp"
#include "rankwise/array/detail/lower.hpp"
#include "rankwise/array/ndarray.hpp"

namespace rankwise {

/// One dimension of a slice, like Python's start:stop:step (negative counts from the end;
/// missing means the whole dimension).
struct Slice {
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> stop;
  std::int64_t step = 1;
};

/// A lazy scalar: the result of a full reduction. compute() runs it. Cheap to copy.
template <class T>
class Scalar {
 public:
  using value_type = T;
  using Make = std::function<graph::TaskId(array_detail::Lowering&)>;
  explicit Scalar(Make make) : make_(std::move(make)) {}

  /// Runs the reduction; the same value on every rank. Collective.
  T compute() const {
    array_detail::Lowering lowering;
    const graph::TaskId outputs[] = {make_(lowering)};
    return graph::compute(lowering.graph, outputs, array_detail::array_comm(), {.label = "compute"})
        .front()
        .template get<T>();
  }
  /// Adds this scalar's tasks to a lowering; for composing computations. Local.
  graph::TaskId lower(array_detail::Lowering& lowering) const { return make_(lowering); }

 private:
  Make make_;
};

template <class Elem>
class Array {
 public:
  using value_type = Elem;
  using Expr = array_detail::ExprPtr<Elem>;

  explicit Array(Expr expr) : expr_(std::move(expr)) {}

  // ---- metadata (all Local) ----
  const Shape& shape() const noexcept { return expr_->shape(); }
  std::int64_t ndim() const noexcept { return static_cast<std::int64_t>(shape().size()); }
  std::int64_t size() const noexcept { return shape_size(shape()); }
  const Chunks& chunks() const noexcept { return expr_->chunks(); }
  /// Blocks along each dimension.
  const Shape& numblocks() const noexcept { return expr_->grid().numblocks(); }
  /// Total number of blocks (dask's npartitions).
  std::int64_t npartitions() const noexcept { return expr_->grid().size(); }
  std::int64_t nbytes() const noexcept { return size() * static_cast<std::int64_t>(sizeof(Elem)); }
  /// "float64", "int32", "bool", ...
  std::string dtype() const { return array_detail::dtype_name<Elem>(); }
  /// Which rank owns which block.
  OwnerMap owners() const { return array_detail::owners_of(*expr_); }
  const Expr& expr() const noexcept { return expr_; }

  // ---- results ----
  /// The whole array on every rank, for small results. Collective.
  NDArray<Elem> compute() const {
    array_detail::Lowering lowering;
    const graph::TaskId outputs[] = {array_detail::lower_assemble(lowering, expr_)};
    return graph::compute(lowering.graph, outputs, array_detail::array_comm(), {.label = "compute"})
        .front()
        .template get<NDArray<Elem>>();
  }
  /// Computes every block and keeps it on its owner: later expressions read the blocks from
  /// memory. Collective.
  Array persist() const;
  /// The whole array on `root`, an empty array elsewhere. Collective.
  NDArray<Elem> gather(int root = 0) const {
    array_detail::Lowering lowering;
    const graph::TaskId outputs[] = {array_detail::lower_assemble(lowering, expr_, root)};
    return graph::compute(lowering.graph, outputs, array_detail::array_comm(), {.label = "gather"})
        .front()
        .template get<NDArray<Elem>>();
  }
  /// This rank's blocks, computed: (block number, block), ascending. Collective.
  std::vector<std::pair<std::int64_t, NDArray<Elem>>> local_blocks() const;

  // ---- shape operations (Local: they record) ----
  /// The transpose (reversed axes).
  Array T() const { return transpose(); }
  Array transpose() const;
  /// x[start:stop:step, ...]: one Slice per leading dimension (missing ones: whole); negative
  /// indices and steps follow Python. Throws IndexError for a zero step or more slices than
  /// dimensions.
  Array slice(std::vector<Slice> slices) const;
  /// The same array with new chunks, redistributed with one all-to-all (each rank holds its
  /// input blocks and its output blocks at once while it runs).
  Array rechunk(const ChunkSpec& chunks) const;
  /// The same elements in row-major order under a new shape (one dimension may be -1).
  /// Rechunks to row blocks when needed. Throws ShapeError when the sizes differ.
  Array reshape(Shape shape) const;
  /// The rows at `indices` (axis 0; negative counts from the end), in that order.
  /// Throws IndexError for an index out of range.
  Array take(std::vector<std::int64_t> indices) const;
  /// The rows where `mask` (1-D, one flag per row) is true: x[mask]. Collective: the mask is
  /// computed now so the result's chunks are known (dask's compute_chunk_sizes).
  Array operator[](const Array<bool>& mask) const;
  /// Elements converted to U (like numpy's astype).
  template <class U>
  Array<U> astype() const;

  // ---- reductions (Local: they record; compute() runs them) ----
  Scalar<array_detail::sum_t<Elem>> sum() const { return full(array_detail::SumOp<Elem>{}, "sum"); }
  Array<array_detail::sum_t<Elem>> sum(int axis, bool keepdims = false) const {
    return along(array_detail::SumOp<Elem>{}, "sum", axis, keepdims);
  }
  Scalar<array_detail::sum_t<Elem>> nansum() const { return full(array_detail::SumOp<Elem, true>{}, "nansum"); }
  Array<array_detail::sum_t<Elem>> nansum(int axis, bool keepdims = false) const {
    return along(array_detail::SumOp<Elem, true>{}, "nansum", axis, keepdims);
  }
  Scalar<array_detail::sum_t<Elem>> prod() const { return full(array_detail::ProdOp<Elem>{}, "prod"); }
  Array<array_detail::sum_t<Elem>> prod(int axis, bool keepdims = false) const {
    return along(array_detail::ProdOp<Elem>{}, "prod", axis, keepdims);
  }
  Scalar<array_detail::mean_t<Elem>> mean() const { return full(array_detail::MeanOp<Elem>{}, "mean"); }
  Array<array_detail::mean_t<Elem>> mean(int axis, bool keepdims = false) const {
    return along(array_detail::MeanOp<Elem>{}, "mean", axis, keepdims);
  }
  Scalar<array_detail::mean_t<Elem>> nanmean() const { return full(array_detail::MeanOp<Elem, true>{}, "nanmean"); }
  Array<array_detail::mean_t<Elem>> nanmean(int axis, bool keepdims = false) const {
    return along(array_detail::MeanOp<Elem, true>{}, "nanmean", axis, keepdims);
  }
  /// Variance with `ddof` delta degrees of freedom (numpy's default 0).
  Scalar<array_detail::mean_t<Elem>> var(double ddof = 0) const { return full(var_op(ddof, false), "var"); }
  Array<array_detail::mean_t<Elem>> var(int axis, bool keepdims = false, double ddof = 0) const {
    return along(var_op(ddof, false), "var", axis, keepdims);
  }
  Scalar<array_detail::mean_t<Elem>> std(double ddof = 0) const { return full(var_op(ddof, true), "std"); }
  Array<array_detail::mean_t<Elem>> std(int axis, bool keepdims = false, double ddof = 0) const {
    return along(var_op(ddof, true), "std", axis, keepdims);
  }
  Scalar<Elem> min() const { return full(array_detail::ExtremumOp<Elem, false>{}, "min"); }
  Array<Elem> min(int axis, bool keepdims = false) const {
    return along(array_detail::ExtremumOp<Elem, false>{}, "min", axis, keepdims);
  }
  Scalar<Elem> max() const { return full(array_detail::ExtremumOp<Elem, true>{}, "max"); }
  Array<Elem> max(int axis, bool keepdims = false) const {
    return along(array_detail::ExtremumOp<Elem, true>{}, "max", axis, keepdims);
  }
  /// Flat index of the first minimum (numpy's argmin without axis).
  Scalar<std::int64_t> argmin() const { return full(array_detail::ArgExtremumOp<Elem, false>{}, "argmin"); }
  Array<std::int64_t> argmin(int axis) const { return along(array_detail::ArgExtremumOp<Elem, false>{}, "argmin", axis, false); }
  Scalar<std::int64_t> argmax() const { return full(array_detail::ArgExtremumOp<Elem, true>{}, "argmax"); }
  Array<std::int64_t> argmax(int axis) const { return along(array_detail::ArgExtremumOp<Elem, true>{}, "argmax", axis, false); }
  Scalar<bool> any() const { return full(array_detail::LogicalOp<Elem, false>{}, "any"); }
  Array<bool> any(int axis, bool keepdims = false) const { return along(array_detail::LogicalOp<Elem, false>{}, "any", axis, keepdims); }
  Scalar<bool> all() const { return full(array_detail::LogicalOp<Elem, true>{}, "all"); }
  Array<bool> all(int axis, bool keepdims = false) const { return along(array_detail::LogicalOp<Elem, true>{}, "all", axis, keepdims); }
  Scalar<std::int64_t> count_nonzero() const { return full(array_detail::CountNonzeroOp<Elem>{}, "count_nonzero"); }
  Array<std::int64_t> count_nonzero(int axis, bool keepdims = false) const {
    return along(array_detail::CountNonzeroOp<Elem>{}, "count_nonzero", axis, keepdims);
  }

 private:
  static array_detail::VarOp<Elem> var_op(double ddof, bool take_sqrt) {
    array_detail::VarOp<Elem> op;
    op.ddof = ddof;
    op.take_sqrt = take_sqrt;
    return op;
  }
  template <class Op>
  auto full(Op op, std::string label) const {
    using Out = decltype(op.finish(std::declval<const typename Op::Acc&>()));
    const auto serial = array_detail::next_serial();
    return Scalar<Out>([expr = expr_, op, label, serial](array_detail::Lowering& lowering) {
      return array_detail::lower_full_reduction(lowering, expr, op, label, serial);
    });
  }
  template <class Op>
  auto along(Op op, const std::string& label, int axis, bool keepdims) const;

  Expr expr_;
};

}  // namespace rankwise

#include "rankwise/array/detail/array_impl.hpp"
#include "rankwise/array/detail/rechunk.hpp"
#include "rankwise/array/shape_ops.hpp"
