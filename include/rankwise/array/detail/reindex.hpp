#pragma once
// Nodes whose output blocks are input blocks seen under another block index or shape:
// concatenation (which input, which block) and inserted axes (stack). They evaluate the input
// in place, inside the fused pass.
#include "rankwise/array/detail/nodes.hpp"

namespace rankwise::array_detail {

/// Blocks of several inputs laid one after another along `axis`.
template <class T>
class Concat final : public Expr<T> {
 public:
  Concat(std::vector<ExprPtr<T>> parts, std::size_t axis, Shape shape, Chunks chunks)
      : Expr<T>(std::move(shape), std::move(chunks)), parts_(std::move(parts)), axis_(axis) {
    for (std::size_t p = 0; p < parts_.size(); ++p)
      for (std::int64_t k = 0; k < parts_[p]->grid().numblocks()[axis_]; ++k) owner_of_block_.push_back({p, k});
  }
  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    const auto [part, index] = locate(ctx.index);
    BlockContext sub{index, ctx.shape, parts_[part]->grid().block_origin(parts_[part]->grid().linear(index)), ctx.refs,
                     ctx.inputs, {}};
    return parts_[part]->eval(sub, offset, count, buffer);
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    const auto [part, sub] = locate(index);
    parts_[part]->required_inputs(sub, out);
  }
  std::string name() const override { return "concatenate"; }

 private:
  std::pair<std::size_t, std::vector<std::int64_t>> locate(const std::vector<std::int64_t>& index) const {
    const auto [part, k] = owner_of_block_[static_cast<std::size_t>(index[axis_])];
    auto sub = index;
    sub[axis_] = k;
    return {part, sub};
  }
  std::vector<ExprPtr<T>> parts_;
  std::size_t axis_;
  std::vector<std::pair<std::size_t, std::int64_t>> owner_of_block_;  // per block along axis
};

/// The input with a new axis of extent 1 at `axis` (numpy's expand_dims).
template <class T>
class ExpandDims final : public Expr<T> {
 public:
  ExpandDims(ExprPtr<T> x, std::size_t axis, Shape shape, Chunks chunks)
      : Expr<T>(std::move(shape), std::move(chunks)), x_(std::move(x)), axis_(axis) {}
  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    auto index = drop(ctx.index);
    const auto b = x_->grid().linear(index);
    BlockContext sub{index, x_->grid().block_shape(b), x_->grid().block_origin(b), ctx.refs, ctx.inputs, {}};
    return x_->eval(sub, offset, count, buffer);
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    x_->required_inputs(drop(index), out);
  }
  std::string name() const override { return x_->name(); }

 private:
  std::vector<std::int64_t> drop(std::vector<std::int64_t> index) const {
    index.erase(index.begin() + static_cast<std::ptrdiff_t>(axis_));
    return index;
  }
  ExprPtr<T> x_;
  std::size_t axis_;
};

/// The input's blocks under a new shape with the same row-major order inside each block:
/// reshapes where only the first dimension is split into blocks.
template <class T>
class Reblock final : public Expr<T> {
 public:
  Reblock(ExprPtr<T> x, Shape shape, Chunks chunks) : Expr<T>(std::move(shape), std::move(chunks)), x_(std::move(x)) {}
  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    const auto b = ctx.index[0];
    std::vector<std::int64_t> index(x_->shape().size(), 0);
    index[0] = b;
    const auto xb = x_->grid().linear(index);
    BlockContext sub{index, x_->grid().block_shape(xb), x_->grid().block_origin(xb), ctx.refs, ctx.inputs, {}};
    return x_->eval(sub, offset, count, buffer);
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    std::vector<std::int64_t> xi(x_->shape().size(), 0);
    xi[0] = index[0];
    x_->required_inputs(xi, out);
  }
  std::string name() const override { return "reshape"; }

 private:
  ExprPtr<T> x_;
};

}  // namespace rankwise::array_detail
