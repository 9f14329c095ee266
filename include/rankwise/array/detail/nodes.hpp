#pragma once
// The concrete expression nodes: generators, stored leaves, elementwise maps, broadcasting.
#include <functional>
#include <memory>

#include "rankwise/array/detail/expr.hpp"
#include "rankwise/array/detail/scalar_steps.hpp"
#include "rankwise/graph/value.hpp"
#include "rankwise/runtime/communicator.hpp"

namespace rankwise::array_detail {

/// Walks a flat range of a block, giving each element's position in the block and its global
/// flat index (row-major over the whole array).
class GlobalWalk {
 public:
  GlobalWalk(const BlockContext& ctx, const Shape& global, std::int64_t offset)
      : block_(ctx.shape), origin_(ctx.origin), coords_(ctx.shape.size()), strides_(global.size()) {
    std::int64_t s = 1;
    for (std::size_t d = global.size(); d-- > 0;) {
      strides_[d] = s;
      s *= global[d];
    }
    unravel(offset, block_, coords_.data());
    flat_ = 0;
    for (std::size_t d = 0; d < coords_.size(); ++d) flat_ += (origin_[d] + coords_[d]) * strides_[d];
    full_rows_ = true;  // the block spans every trailing dimension: its elements are consecutive
    for (std::size_t d = 1; d < global.size(); ++d) full_rows_ = full_rows_ && block_[d] == global[d];
  }
  /// True when the next `count` elements have consecutive global indices.
  bool consecutive(std::int64_t count) const noexcept {
    if (full_rows_ || block_.empty()) return true;
    return coords_.back() + count <= block_.back();
  }
  std::int64_t global_flat() const noexcept { return flat_; }
  const std::vector<std::int64_t>& coords() const noexcept { return coords_; }  // within the block
  std::int64_t global_coord(std::size_t d) const noexcept { return origin_[d] + coords_[d]; }
  void next() noexcept {
    for (std::size_t d = coords_.size(); d-- > 0;) {
      if (++coords_[d] < block_[d]) {
        flat_ += strides_[d];
        return;
      }
      flat_ -= (block_[d] - 1) * strides_[d];
      coords_[d] = 0;
    }
  }

 private:
  Shape block_;
  std::vector<std::int64_t> origin_, coords_, strides_;
  std::int64_t flat_ = 0;
  bool full_rows_ = false;
};

/// Copies elements [offset, offset + count) of a block of `shape` (row-major) from `src`, where
/// the element at coordinates c lives at src[base + sum(c[d] * strides[d])]. Broadcasting
/// (zero strides), transposes (permuted strides) and slices (scaled strides) all read this way.
template <class T>
void gather_strided(const T* src, const Shape& shape, std::int64_t offset, std::int64_t count, std::int64_t base,
                    const std::vector<std::int64_t>& strides, T* out) {
  const auto nd = shape.size();
  std::vector<std::int64_t> coords(nd);
  unravel(offset, shape, coords.data());
  std::int64_t at = base;
  for (std::size_t d = 0; d < nd; ++d) at += coords[d] * strides[d];
  for (std::int64_t k = 0; k < count; ++k) {
    out[k] = src[at];
    for (std::size_t d = nd; d-- > 0;) {
      if (++coords[d] < shape[d]) {
        at += strides[d];
        break;
      }
      at -= (shape[d] - 1) * strides[d];
      coords[d] = 0;
    }
  }
}

/// Elements computed from their global position: random, arange, zeros, eye, ...
/// `fn(global_flat, walk)` returns the element.
template <class T>
class Generator final : public Expr<T> {
 public:
  using Fn = std::function<void(GlobalWalk& walk, std::int64_t count, T* out)>;
  Generator(std::string name, Shape shape, Chunks chunks, Fn fn)
      : Expr<T>(std::move(shape), std::move(chunks)), name_(std::move(name)), fn_(std::move(fn)) {}
  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    GlobalWalk walk(ctx, this->shape(), offset);
    fn_(walk, count, buffer);
    return buffer;
  }
  void required_inputs(const std::vector<std::int64_t>&, std::vector<InputRef>&) const override {}
  std::string name() const override { return name_; }
  bool slab_safe() const override { return true; }

 private:
  std::string name_;
  Fn fn_;
};

/// How a stored leaf delivers a round's blocks in row slabs without holding a whole block (an
/// HDF5 file: the reduction reads each slab while it is in cache, instead of a block that no
/// cache holds). `read(comm, round, visit)` is collective: this rank's block of `round` (its
/// return value, or -1) arrives as visit(block, slab, rows, first_row) over consecutive
/// whole-row slabs whose element counts are multiples of kTile (the last one excepted), so
/// tiles fall where they fall in the whole block.
template <class T>
struct SlabStream {
  /// `slab` holds an NDArray<T> whose first rows × (row length) elements are the slab.
  using Visit = std::function<void(std::int64_t block, const graph::Value& slab, std::int64_t rows, std::int64_t first_row)>;
  std::int64_t rounds = 0;
  std::function<std::int64_t(const Communicator&, std::int64_t round, const Visit&)> read;
};

/// Blocks that come from graph tasks: persisted data, file reads, materialised results.
/// `make_task(lowering, b)` adds the task of block b and returns its id.
template <class T>
class Stored : public Expr<T>, public LeafBase {
 public:
  using MakeTask = std::function<graph::TaskId(Lowering&, std::int64_t block)>;
  Stored(std::string name, Shape shape, Chunks chunks, std::optional<OwnerMap> owners, MakeTask make)
      : Expr<T>(std::move(shape), std::move(chunks)),
        name_(std::move(name)),
        owners_(std::move(owners)),
        make_(std::move(make)) {}

  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t, T*) const override {
    return ctx.input(this, this->grid().linear(ctx.index)).template get<NDArray<T>>().data() + offset;
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    const InputRef ref{this, this->grid().linear(index)};
    if (std::find(out.begin(), out.end(), ref) == out.end()) out.push_back(ref);
  }
  std::optional<OwnerMap> owners() const override { return owners_; }
  std::string name() const override { return name_; }
  bool slab_safe() const override { return true; }
  graph::TaskId block_task(Lowering& lowering, std::int64_t b) const override {
    auto& ids = lowering.leaf_tasks[static_cast<const LeafBase*>(this)];
    if (ids.empty()) ids.assign(static_cast<std::size_t>(this->grid().size()), -1);
    auto& id = ids[static_cast<std::size_t>(b)];
    if (id < 0) id = make_(lowering, b);
    return id;
  }
  /// Slab streaming, for leaves that offer it (set once, before the leaf is shared).
  void set_stream(std::shared_ptr<const SlabStream<T>> stream) { stream_ = std::move(stream); }
  const SlabStream<T>* stream() const { return stream_.get(); }

 private:
  std::string name_;
  std::optional<OwnerMap> owners_;
  MakeTask make_;
  std::shared_ptr<const SlabStream<T>> stream_;
};

/// A map that takes a whole tile at once (ScalarSteps: the library's SIMD kernel).
template <class F, class A, class R>
concept TileMap = requires(const F& f, const A* in, R* out, std::int64_t n) { f.map_tile(in, out, n); };

/// out = f(x), elementwise; f may capture scalars.
template <class R, class A, class F>
class Unary final : public Expr<R> {
 public:
  Unary(std::string name, ExprPtr<A> x, F f)
      : Expr<R>(x->shape(), x->chunks()), name_(std::move(name)), x_(std::move(x)), f_(std::move(f)) {}
  const R* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, R* buffer) const override {
    if constexpr (std::is_same_v<R, A>) {
      // Same type: the operand is evaluated into our own buffer and mapped in place, so a
      // chain of maps works on one tile in L1 instead of one tile per operation.
      const A* a = x_->eval(ctx, offset, count, buffer);
      if constexpr (TileMap<F, A, R>) f_.map_tile(a, buffer, count);
      else for (std::int64_t k = 0; k < count; ++k) buffer[k] = f_(a[k]);
    } else {
      A tmp[kTile];
      const A* a = x_->eval(ctx, offset, count, tmp);
      for (std::int64_t k = 0; k < count; ++k) buffer[k] = f_(a[k]);
    }
    return buffer;
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    x_->required_inputs(index, out);
  }
  std::optional<OwnerMap> owners() const override { return x_->owners(); }
  std::string name() const override { return name_; }
  bool slab_safe() const override { return x_->slab_safe(); }
  const ExprPtr<A>& operand() const noexcept { return x_; }
  const F& function() const noexcept { return f_; }

 private:
  std::string name_;
  ExprPtr<A> x_;
  F f_;
};

/// out = f(x, y), elementwise over operands of the same shape and chunks (broadcasting is done
/// before, by Broadcast nodes).
template <class R, class A, class B, class F>
class Binary final : public Expr<R> {
 public:
  Binary(std::string name, ExprPtr<A> x, ExprPtr<B> y, F f)
      : Expr<R>(x->shape(), x->chunks()), name_(std::move(name)), x_(std::move(x)), y_(std::move(y)), f_(std::move(f)) {}
  const R* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, R* buffer) const override {
    B tb[kTile];
    const B* b = y_->eval(ctx, offset, count, tb);
    if constexpr (std::is_same_v<R, A>) {  // the left operand lands in our buffer (see Unary)
      const A* a = x_->eval(ctx, offset, count, buffer);
      for (std::int64_t k = 0; k < count; ++k) buffer[k] = f_(a[k], b[k]);
    } else {
      A ta[kTile];
      const A* a = x_->eval(ctx, offset, count, ta);
      for (std::int64_t k = 0; k < count; ++k) buffer[k] = f_(a[k], b[k]);
    }
    return buffer;
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    x_->required_inputs(index, out);
    y_->required_inputs(index, out);
  }
  std::optional<OwnerMap> owners() const override {
    auto o = x_->owners();
    return o ? o : y_->owners();
  }
  std::string name() const override { return name_; }
  bool slab_safe() const override { return x_->slab_safe() && y_->slab_safe(); }

 private:
  std::string name_;
  ExprPtr<A> x_;
  ExprPtr<B> y_;
  F f_;
};

/// where(c, x, y), elementwise over operands of one shape and chunks.
template <class T>
class Where final : public Expr<T> {
 public:
  Where(ExprPtr<bool> c, ExprPtr<T> x, ExprPtr<T> y)
      : Expr<T>(c->shape(), c->chunks()), c_(std::move(c)), x_(std::move(x)), y_(std::move(y)) {}
  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    bool tc[kTile];
    T tx[kTile], ty[kTile];
    const bool* c = c_->eval(ctx, offset, count, tc);
    const T* x = x_->eval(ctx, offset, count, tx);
    const T* y = y_->eval(ctx, offset, count, ty);
    for (std::int64_t k = 0; k < count; ++k) buffer[k] = c[k] ? x[k] : y[k];
    return buffer;
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    c_->required_inputs(index, out);
    x_->required_inputs(index, out);
    y_->required_inputs(index, out);
  }
  std::optional<OwnerMap> owners() const override {
    if (auto o = c_->owners()) return o;
    if (auto o = x_->owners()) return o;
    return y_->owners();
  }
  std::string name() const override { return "where"; }

 private:
  ExprPtr<bool> c_;
  ExprPtr<T> x_, y_;
};

/// An operand stretched to a larger shape (NumPy broadcasting): leading dimensions added,
/// dimensions of extent 1 repeated. The operand's blocks along the kept dimensions match the
/// output's; each operand block is evaluated once per output block and then gathered.
template <class T>
class Broadcast final : public Expr<T> {
 public:
  Broadcast(ExprPtr<T> x, Shape shape, Chunks chunks)
      : Expr<T>(std::move(shape), std::move(chunks)), x_(std::move(x)), lead_(static_cast<std::int64_t>(this->shape().size() - x_->shape().size())) {}

  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    auto& slot = ctx.scratch[this];
    if (!slot) slot = std::make_shared<NDArray<T>>(operand_block(ctx));
    const auto& block = *static_cast<const NDArray<T>*>(slot.get());
    // Strides of the operand block seen from the output block: 0 along stretched dimensions.
    const auto nd = ctx.shape.size();
    std::vector<std::int64_t> strides(nd, 0);
    std::int64_t s = 1;
    for (std::size_t d = nd; d-- > static_cast<std::size_t>(lead_);) {
      const auto xd = d - static_cast<std::size_t>(lead_);
      strides[d] = x_->shape()[xd] == 1 ? 0 : s;
      s *= block.shape()[xd];
    }
    gather_strided(block.data(), ctx.shape, offset, count, 0, strides, buffer);
    return buffer;
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    x_->required_inputs(operand_index(index), out);
  }
  std::string name() const override { return x_->name(); }

 private:
  std::vector<std::int64_t> operand_index(const std::vector<std::int64_t>& index) const {
    std::vector<std::int64_t> idx(x_->shape().size());
    for (std::size_t d = 0; d < idx.size(); ++d)
      idx[d] = x_->shape()[d] == 1 && this->shape()[d + static_cast<std::size_t>(lead_)] != 1 ? 0 : index[d + static_cast<std::size_t>(lead_)];
    return idx;
  }
  NDArray<T> operand_block(const BlockContext& ctx) const { return evaluate_block(*x_, operand_index(ctx.index), ctx); }
  ExprPtr<T> x_;
  std::int64_t lead_;
};

/// An output block made of elements of one operand block, chosen per dimension: transposes
/// and slices. For output block `index`, `source(index)` names the operand block and, per output
/// dimension d, the operand dimension `axes[d]` it reads, the first element and the step.
template <class T>
class Select final : public Expr<T> {
 public:
  struct Source {
    std::vector<std::int64_t> block;   ///< operand block multi-index
    std::vector<std::int64_t> start;   ///< per output dim: first element inside the operand block
    std::vector<std::int64_t> step;    ///< per output dim: stride inside the operand block
  };
  using Map = std::function<Source(const std::vector<std::int64_t>& index)>;
  Select(std::string name, ExprPtr<T> x, Shape shape, Chunks chunks, std::vector<std::size_t> axes, Map map)
      : Expr<T>(std::move(shape), std::move(chunks)), name_(std::move(name)), x_(std::move(x)), axes_(std::move(axes)), map_(std::move(map)) {}

  const T* eval(const BlockContext& ctx, std::int64_t offset, std::int64_t count, T* buffer) const override {
    const auto src = map_(ctx.index);
    auto& slot = ctx.scratch[this];
    if (!slot) slot = std::make_shared<NDArray<T>>(evaluate_block(*x_, src.block, ctx));
    const auto& block = *static_cast<const NDArray<T>*>(slot.get());
    const auto nd = ctx.shape.size();
    std::vector<std::int64_t> block_strides(block.shape().size(), 1), strides(nd);
    for (std::size_t d = block_strides.size(); d-- > 1;) block_strides[d - 1] = block_strides[d] * block.shape()[d];
    std::int64_t base = 0;
    for (std::size_t d = 0; d < nd; ++d) {
      strides[d] = block_strides[axes_[d]] * src.step[d];
      base += block_strides[axes_[d]] * src.start[d];
    }
    gather_strided(block.data(), ctx.shape, offset, count, base, strides, buffer);
    return buffer;
  }
  void required_inputs(const std::vector<std::int64_t>& index, std::vector<InputRef>& out) const override {
    x_->required_inputs(map_(index).block, out);
  }
  std::string name() const override { return name_; }
  /// The operand (linear algebra reads a transpose's source directly).
  const ExprPtr<T>& source() const noexcept { return x_; }

 private:
  std::string name_;
  ExprPtr<T> x_;
  std::vector<std::size_t> axes_;
  Map map_;
};

}  // namespace rankwise::array_detail
