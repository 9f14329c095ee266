// dot / matmul: partial products per inner block, summed in block order.
#include "rankwise/linalg/dot.hpp"

#include <array>
#include <atomic>
#include <optional>
#include <cstdlib>
#include <limits>

#include "linalg/dense.hpp"
#include "linalg/row_sums.hpp"
#include "linalg/scalapack.hpp"

namespace rankwise {

namespace {

using array_detail::ExprPtr;
using array_detail::Lowering;

// One operand seen as a 2-D matrix of blocks, whatever it really is: a 1-D vector is one row
// (left) or one column (right); a transpose is read from its source's blocks, transposed.
struct Operand {
  ExprPtr<double> expr;    // whose blocks are lowered
  bool transposed = false;  // blocks are read transposed (the operand is expr's transpose)
  bool vector = false;      // 1-D operand
  bool left = true;
  Chunks chunks;            // the 2-D chunks of the matrix view (rows, cols)

  // The block of `expr` holding view block (r, c).
  std::int64_t block(std::int64_t r, std::int64_t c) const {
    if (vector) return left ? c : r;
    return transposed ? expr->grid().linear({c, r}) : expr->grid().linear({r, c});
  }
  // Rows and columns of expr's block as stored.
  std::pair<std::int64_t, std::int64_t> stored_dims(std::int64_t r, std::int64_t c) const {
    const auto shape = expr->grid().block_shape(block(r, c));
    if (vector) return left ? std::pair{std::int64_t{1}, shape[0]} : std::pair{shape[0], std::int64_t{1}};
    return {shape[0], shape[1]};
  }
};

Operand view(const Array<double>& x, bool left) {
  Operand op;
  op.left = left;
  if (x.ndim() == 1) {
    op.expr = x.expr();
    op.vector = true;
    op.chunks = left ? Chunks{{1}, x.chunks()[0]} : Chunks{x.chunks()[0], {1}};
    return op;
  }
  if (const auto* t = dynamic_cast<const array_detail::Select<double>*>(x.expr().get());
      t && t->name() == "transpose" && t->source()->shape().size() == 2) {
    op.expr = t->source();
    op.transposed = true;
  } else {
    op.expr = x.expr();
  }
  op.chunks = x.chunks();
  return op;
}

// A dot product's result remembers its operands, so a later product can be re-associated.
class DotResult final : public array_detail::Stored<double> {
 public:
  DotResult(Shape shape, Chunks chunks, OwnerMap owners, MakeTask make, Array<double> left, Array<double> right)
      : Stored<double>("dot", std::move(shape), std::move(chunks), std::move(owners), std::move(make)),
        left_(std::move(left)),
        right_(std::move(right)) {}
  const Array<double>& left() const { return left_; }
  const Array<double>& right() const { return right_; }

 private:
  Array<double> left_, right_;
};

// inv(a) computed on every rank (small a); remembers a for the normal-equations fusion.
class InvResult final : public array_detail::Stored<double> {
 public:
  InvResult(std::string label, Shape shape, Chunks chunks, OwnerMap owners, MakeTask make, Array<double> arg)
      : Stored<double>(std::move(label), std::move(shape), std::move(chunks), std::move(owners), std::move(make)),
        arg_(std::move(arg)) {}
  const Array<double>& arg() const { return arg_; }

 private:
  Array<double> arg_;
};

Array<double> dot_blocks(const Array<double>& a_in, const Array<double>& b_in);
Array<double> dot_scalapack(const Array<double>& a, const Array<double>& b);
std::optional<Array<double>> normal_equations(const Array<double>& a, const Array<double>& b);

std::atomic<std::int64_t>& scalapack_threshold() {
  static std::atomic<std::int64_t> elements = [] {
    const char* env = std::getenv("RANKWISE_SCALAPACK_THRESHOLD");
    return env ? std::atoll(env) : std::int64_t{2048} * 2048;
  }();
  return elements;
}

std::atomic<int>& scalapack_block() {
  static std::atomic<int> nb = [] {
    const char* env = std::getenv("RANKWISE_SCALAPACK_BLOCK");
    return env && std::atoi(env) > 0 ? std::atoi(env) : 64;
  }();
  return nb;
}

}  // namespace

namespace linalg {
void set_scalapack_block_size(int nb) {
  RANKWISE_CHECK(nb >= 1, ValueError, "set_scalapack_block_size: the block size must be at least 1, got " + std::to_string(nb));
  scalapack_block() = nb;
}
int scalapack_block_size() { return scalapack_block(); }
void set_scalapack_threshold(std::int64_t elements) { scalapack_threshold() = elements; }
std::int64_t scalapack_threshold_elements() { return scalapack_threshold(); }
void set_blacs_grid_tall(bool tall) { detail::BlacsGrid::tall() = tall; }
}  // namespace linalg

Array<double> dot(const Array<double>& a_in, const Array<double>& b_in) {
  if (auto fused = normal_equations(a_in, b_in)) return *fused;
  // (P·Q)·r = P·(Q·r): when the middle product P·Q is much larger than Q·r (the talk's
  // inv(XᵀX)·Xᵀ·y makes a 20 x n intermediate; Xᵀ·y is 20 numbers), multiply the other way.
  if (const auto* pq = dynamic_cast<const DotResult*>(a_in.expr().get())) {
    const auto& p = pq->left();
    const auto& q = pq->right();
    if (q.ndim() == 2 && b_in.ndim() >= 1 && q.shape()[1] == b_in.shape()[0]) {
      const auto middle = a_in.size();
      const auto other = q.shape()[0] * (b_in.ndim() == 2 ? b_in.shape()[1] : 1);
      if (other * 4 < middle) return dot(p, dot(q, b_in));
    }
  }
  // Both operands and the product large: ScaLAPACK's pdgemm on a 2-D block-cyclic layout. When
  // any of the three is small (a Gram matrix XᵀX of a tall X, tall × small), block products with
  // one small collective (or none) move far fewer bytes.
  if (a_in.ndim() == 2 && b_in.ndim() == 2 && a_in.shape()[1] == b_in.shape()[0]) {
    const auto m = a_in.shape()[0], k = a_in.shape()[1], n = b_in.shape()[1];
    if (std::min({m, n, k}) > 1 && std::min({m * k, k * n, m * n}) >= scalapack_threshold().load())
      return dot_scalapack(a_in, b_in);
  }
  return dot_blocks(a_in, b_in);
}

namespace {
Array<double> dot_blocks(const Array<double>& a_in, const Array<double>& b_in) {
  if (a_in.ndim() < 1 || a_in.ndim() > 2 || b_in.ndim() < 1 || b_in.ndim() > 2)
    throw ShapeError("dot: needs 1-D or 2-D operands, got shapes " + shape_str(a_in.shape()) + " and " +
                     shape_str(b_in.shape()));
  const auto k_a = a_in.shape().back(), k_b = b_in.shape()[0];
  if (k_a != k_b)
    throw ShapeError("dot: shapes " + shape_str(a_in.shape()) + " and " + shape_str(b_in.shape()) +
                     " not aligned: " + std::to_string(k_a) + " (dim " + std::to_string(a_in.ndim() - 1) +
                     ") != " + std::to_string(k_b) + " (dim 0)");
  // The inner dimension must be blocked alike on both sides.
  Array<double> b_aligned = b_in;
  if (b_in.chunks()[0] != a_in.chunks().back()) {
    Chunks wanted = b_in.chunks();
    wanted[0] = a_in.chunks().back();
    b_aligned = b_in.rechunk(ChunkSpec(wanted));
  }
  const auto A = view(a_in, true), B = view(b_aligned, false);
  // Xᵀ·X with X one column block wide: a symmetric rank-k update per row block.
  const bool gram = A.transposed && !B.transposed && !B.vector && B.expr == A.expr && A.expr->grid().numblocks()[1] == 1;

  Shape out_shape;
  Chunks out_chunks;
  if (!A.vector) {
    out_shape.push_back(a_in.shape()[0]);
    out_chunks.push_back(A.chunks[0]);
  }
  if (!B.vector) {
    out_shape.push_back(b_aligned.shape()[1]);
    out_chunks.push_back(B.chunks[1]);
  }
  const BlockGrid out_grid(out_chunks);
  const auto& comm = array_detail::array_comm();
  const auto out_owners = OwnerMap::block(out_grid.size(), comm.size(), comm.rank());
  const auto n_inner = static_cast<std::int64_t>(A.chunks[1].size());
  const auto serial = array_detail::next_serial();
  const auto name = "dot-" + std::to_string(serial);
  // Identify this product's operand block tasks in a lowering (one token per operand).
  const std::array<std::shared_ptr<int>, 2> tokens{std::make_shared<int>(0), std::make_shared<int>(1)};

  auto make = [=](Lowering& lowering, std::int64_t ob) -> graph::TaskId {
    // Operand block tasks, each lowered once per computation.
    auto operand_task = [&](const Operand& op, std::int64_t block, int which) {
      auto& ids = lowering.leaf_tasks[tokens[which].get()];
      if (ids.empty()) ids.assign(static_cast<std::size_t>(op.expr->grid().size()), -1);
      auto& id = ids[static_cast<std::size_t>(block)];
      if (id < 0) id = array_detail::lower_block(lowering, op.expr, array_detail::owners_of(*op.expr), block);
      return id;
    };
    std::vector<std::int64_t> index = out_grid.index(ob);
    const std::int64_t i = A.vector ? 0 : index[0];
    const std::int64_t j = B.vector ? 0 : index.back();
    const auto out_block_shape = out_grid.block_shape(ob);
    const std::int64_t rows = A.chunks[0][static_cast<std::size_t>(i)], cols = B.chunks[1][static_cast<std::size_t>(j)];

    // The partial product over inner block k: a task fed by the operand blocks (placed where
    // most of their bytes are, i.e. with the row block of a tall operand).
    auto partial = [&](std::int64_t k) {
      graph::Task t;
      t.key = {name + "-partial", {i, k, j}};
      t.label = gram ? "gram (panel gemm)" : "dot (gemm)";
      t.inputs.push_back(operand_task(A, A.block(i, k), 0));
      if (!gram) t.inputs.push_back(operand_task(B, B.block(k, j), 1));
      const auto [ar, ac] = A.stored_dims(i, k);
      const auto [br, bc] = B.stored_dims(k, j);
      t.kernel = [=](std::span<const graph::Value* const> in) {
        NDArray<double> c({rows, cols});
        const auto& x = in[0]->get<NDArray<double>>();
        if (gram) {
          linalg::detail::gram_accumulate(x.data(), ar, ac, c.data());
        } else {
          const auto& y = in[1]->get<NDArray<double>>();
          linalg::detail::gemm_accumulate(x.data(), ar, ac, A.transposed, y.data(), br, bc, B.transposed, c.data());
        }
        return graph::Value::of(std::move(c));
      };
      t.codec = graph::Codec::of<NDArray<double>>();
      t.output_bytes = rows * cols * 8;
      t.cost = static_cast<double>(ar * ac + br * bc) * 8 / 4e9;
      return lowering.graph.append(std::move(t));
    };
    auto finish = [out_block_shape](NDArray<double> c) { return std::move(c).reshaped(out_block_shape); };

    if (out_grid.size() == 1 && n_inner > 1) {
      // A small result: partials summed by one collective, in inner-block order.
      graph::Task sum;
      sum.key = {name, {}};
      sum.label = "dot (sum of partials)";
      for (std::int64_t k = 0; k < n_inner; ++k) sum.inputs.push_back(partial(k));
      sum.collective = [=](const Communicator& c, std::span<const graph::LocalInput> local) {
        const auto total = linalg::detail::sum_in_block_order<NDArray<double>>(c, local, n_inner,
                                                                               static_cast<std::size_t>(rows * cols));
        return graph::Value::of(std::make_shared<const NDArray<double>>(
            finish(NDArray<double>({rows, cols}, std::span<const double>(total)))));
      };
      const auto sum_id = lowering.graph.append(std::move(sum));
      return array_detail::pick_block<double>(lowering, {name + "-block", {ob}}, "dot result", sum_id, out_owners, ob,
                                              rows * cols * 8, /*whole=*/true);
    }
    // Otherwise the output block's owner sums its partials in inner-block order.
    graph::Task sum;
    sum.key = {name, {ob}};
    sum.label = "dot (sum of partials)";
    for (std::int64_t k = 0; k < n_inner; ++k) sum.inputs.push_back(partial(k));
    sum.owner_map = out_owners;
    sum.block = ob;
    sum.codec = graph::Codec::of<NDArray<double>>();
    sum.kernel = [=](std::span<const graph::Value* const> in) {
      if (in.size() == 1 && in[0]->get<NDArray<double>>().shape() == out_block_shape) return *in[0];  // no copy
      NDArray<double> total = in[0]->get<NDArray<double>>();
      for (std::size_t k = 1; k < in.size(); ++k) {
        const auto& p = in[k]->get<NDArray<double>>();
        for (std::int64_t e = 0; e < total.size(); ++e) total.data()[e] += p.data()[e];
      }
      return graph::Value::of(finish(std::move(total)));
    };
    return lowering.graph.append(std::move(sum));
  };
  return Array<double>(std::make_shared<DotResult>(out_shape, out_chunks, out_owners, make, a_in, b_in));
}
// pdgemm: both operands are moved into 2-D block-cyclic layout on a BLACS grid (one all-to-all
// each), multiplied, and the product is moved back to row blocks (one all-to-all).
// inv(XᵀX)·(Xᵀ·r) — the normal equations, and what the talk's formula becomes after
// re-association. Both factors stream X; computed apart they read it twice. Here one task per
// row block computes the block's XᵀX and Xᵀr in one pass over cache-sized panels, one
// collective sums the blocks in block order, and inv and the product follow on the small
// results. Nothing when the operands do not have this form.
std::optional<Array<double>> normal_equations(const Array<double>& a, const Array<double>& b) {
  const auto* inv = dynamic_cast<const InvResult*>(a.expr().get());
  const auto* cross = dynamic_cast<const DotResult*>(b.expr().get());
  if (!inv || !cross) return std::nullopt;
  const auto* gram = dynamic_cast<const DotResult*>(inv->arg().expr().get());
  if (!gram || gram->left().ndim() != 2 || gram->right().ndim() != 2 || cross->left().ndim() != 2) return std::nullopt;
  const auto g_left = view(gram->left(), true), g_right = view(gram->right(), false), c_left = view(cross->left(), true);
  const auto& x_expr = g_right.expr;
  if (!g_left.transposed || g_right.transposed || !c_left.transposed || g_left.expr != x_expr || c_left.expr != x_expr ||
      x_expr->grid().numblocks()[1] != 1)
    return std::nullopt;
  const Array<double>& r_in = cross->right();
  if (r_in.ndim() < 1 || r_in.ndim() > 2 || r_in.shape()[0] != x_expr->shape()[0]) return std::nullopt;
  const auto n = x_expr->shape()[1], k = r_in.ndim() == 2 ? r_in.shape()[1] : 1;
  // r blocked like X's rows, one column block.
  Chunks r_chunks{x_expr->grid().chunks()[0]};
  if (r_in.ndim() == 2) r_chunks.push_back({k});
  const Array<double> r = r_in.chunks() == r_chunks ? r_in : r_in.rechunk(ChunkSpec(r_chunks));
  const auto r_expr = r.expr();
  const auto& comm = array_detail::array_comm();
  const auto one_owner = OwnerMap::block(1, comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  const auto name = "normal-equations-" + std::to_string(serial);
  auto token = std::make_shared<int>(0);
  // The collective holding [XᵀX | Xᵀr] (n x (n + k)) on every rank, lowered once per computation.
  auto lower_sum = [=](Lowering& lowering) {
    auto& ids = lowering.leaf_tasks[token.get()];
    if (ids.empty())
      ids.push_back(linalg::detail::lower_row_block_sum(
          lowering, x_expr, r_expr, static_cast<std::size_t>(n * (n + k)), name, "gram and cross product",
          [n, k](const NDArray<double>& xb, const NDArray<double>& rb, double* out) {
            linalg::detail::gram_cross_accumulate(xb.data(), xb.shape()[0], n, rb.data(), k, out, out + n * n);
          }));
    return ids.front();
  };
  // One-block arrays cut from the collective: XᵀX (n x n) and Xᵀr (shaped like cross's result).
  const auto part = [&](const char* label, Shape shape, std::int64_t offset) {
    Chunks chunks;
    for (auto e : shape) chunks.push_back({e});
    const auto part_serial = array_detail::next_serial();
    auto make = [=](Lowering& lowering, std::int64_t) {
      graph::Task t;
      t.key = {std::string(label) + "-" + std::to_string(part_serial), {0}};
      t.label = label;
      t.inputs = {lower_sum(lowering)};
      t.owner_map = one_owner;
      t.block = 0;
      t.codec = graph::Codec::of<NDArray<double>>();
      t.kernel = [shape, offset](std::span<const graph::Value* const> in) {
        const auto& all = *in[0]->get<std::shared_ptr<const std::vector<double>>>();
        auto out = NDArray<double>::uninitialized(shape);
        std::copy_n(all.begin() + offset, out.size(), out.begin());
        return graph::Value::of(std::move(out));
      };
      return lowering.graph.append(std::move(t));
    };
    return Array<double>(std::make_shared<array_detail::Stored<double>>(label, shape, chunks, one_owner, make));
  };
  // [XᵀX | Xᵀr] is stored as XᵀX (n x n, row-major) followed by Xᵀr (n x k, row-major).
  const auto xtx = part("XᵀX", Shape{n, n}, 0);
  const auto xtr = part("Xᵀr", cross->shape(), n * n);
  return dot(linalg::inv(xtx), xtr);
}

Array<double> dot_scalapack(const Array<double>& a, const Array<double>& b) {
  const auto M = a.shape()[0], K = a.shape()[1], N = b.shape()[1];
  const auto& comm = array_detail::array_comm();
  const Chunks out_chunks{a.chunks()[0], b.chunks()[1]};
  const BlockGrid out_grid(out_chunks);
  const auto out_owners = OwnerMap::block(out_grid.size(), comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  auto token = std::make_shared<int>(0);
  const int nb_at_record = linalg::scalapack_block_size();  // read when the product is recorded
  auto make = [=](Lowering& lowering, std::int64_t ob) -> graph::TaskId {
    auto& ids = lowering.leaf_tasks[token.get()];
    if (ids.empty()) {
      graph::Task t;
      t.key = {"pdgemm-" + std::to_string(serial), {}};
      t.label = "dot (ScaLAPACK pdgemm)";
      const auto a_blocks = array_detail::lower_blocks(lowering, a.expr());
      const auto b_blocks = array_detail::lower_blocks(lowering, b.expr());
      t.inputs = a_blocks;
      t.inputs.insert(t.inputs.end(), b_blocks.begin(), b_blocks.end());
      const auto na = static_cast<std::size_t>(a_blocks.size());
      const auto a_grid = a.expr()->grid(), b_grid = b.expr()->grid();
      t.collective = [=](const Communicator& c, std::span<const graph::LocalInput> local) {
        linalg::detail::BlacsGrid grid(c);
        const int nb = nb_at_record;
        auto A = linalg::detail::make_cyclic(grid, static_cast<int>(M), static_cast<int>(K), nb);
        auto B = linalg::detail::make_cyclic(grid, static_cast<int>(K), static_cast<int>(N), nb);
        auto C = linalg::detail::make_cyclic(grid, static_cast<int>(M), static_cast<int>(N), nb);
        std::vector<std::pair<std::int64_t, const NDArray<double>*>> mine_a, mine_b;
        for (const auto& in : local) {
          auto* block = &in.value->get<NDArray<double>>();
          if (in.position < na) mine_a.push_back({static_cast<std::int64_t>(in.position), block});
          else mine_b.push_back({static_cast<std::int64_t>(in.position - na), block});
        }
        linalg::detail::scatter_blocks(c, grid, A, a_grid, mine_a);
        linalg::detail::scatter_blocks(c, grid, B, b_grid, mine_b);
        const int one = 1, m = static_cast<int>(M), n = static_cast<int>(N), k = static_cast<int>(K);
        const double alpha = 1.0, beta = 0.0;
        pdgemm_("N", "N", &m, &n, &k, &alpha, A.local.data(), &one, &one, A.desc, B.local.data(), &one, &one, B.desc,
                &beta, C.local.data(), &one, &one, C.desc);
        return graph::Value::of(linalg::detail::gather_blocks(c, grid, C, out_grid, out_owners));
      };
      ids.push_back(lowering.graph.append(std::move(t)));
    }
    return array_detail::pick_block<double>(lowering, {"pdgemm-block-" + std::to_string(serial), {ob}}, "dot result",
                                            ids.front(), out_owners, ob, shape_size(out_grid.block_shape(ob)) * 8);
  };
  return Array<double>(std::make_shared<array_detail::Stored<double>>("dot", Shape{M, N}, out_chunks, out_owners, make));
}

}  // namespace

namespace linalg {

namespace {
// A small dense result computed identically on every rank from whole operands.
Array<double> small_dense(const char* label, std::vector<Array<double>> inputs, Shape shape,
                          std::function<NDArray<double>(const std::vector<const NDArray<double>*>&)> fn,
                          bool remember_inverse = false) {
  const auto& comm = array_detail::array_comm();
  Chunks chunks;
  for (auto e : shape) chunks.push_back({e});
  const auto owners = OwnerMap::block(1, comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  auto make = [=](Lowering& lowering, std::int64_t) {
    graph::Task t;
    t.key = {std::string(label) + "-" + std::to_string(serial), {}};
    t.label = label;
    for (const auto& x : inputs) t.inputs.push_back(array_detail::lower_assemble(lowering, x.expr()));
    // Every rank holds the whole operands (assembled) and computes the same result: a
    // collective task without communication; an error is raised on every rank alike.
    t.collective = [fn](const Communicator&, std::span<const graph::LocalInput> local) {
      std::vector<const NDArray<double>*> args;
      for (const auto& in : local) args.push_back(&in.value->get<NDArray<double>>());
      return graph::Value::of(std::make_shared<const NDArray<double>>(fn(args)));
    };
    const auto id = lowering.graph.append(std::move(t));
    return array_detail::pick_block<double>(lowering, {std::string(label) + "-block-" + std::to_string(serial), {0}},
                                            label, id, owners, 0, shape_size(shape) * 8, /*whole=*/true);
  };
  if (remember_inverse) return Array<double>(std::make_shared<InvResult>(label, shape, chunks, owners, make, inputs[0]));
  return Array<double>(std::make_shared<array_detail::Stored<double>>(label, shape, chunks, owners, make));
}
}  // namespace

// A dense result computed by ScaLAPACK: every operand moved to block-cyclic layout on a
// BLACS grid (one all-to-all each), `fn` run on the cyclic matrices, its result moved back to
// the blocks of `like` (one all-to-all).
using CyclicFn = std::function<detail::CyclicMatrix(std::vector<detail::CyclicMatrix>&)>;
Array<double> large_dense(const char* label, std::vector<Array<double>> inputs, const Array<double>& like,
                          bool lower_only, CyclicFn fn) {
  const auto& comm = array_detail::array_comm();
  const BlockGrid out_grid(like.chunks());
  const auto out_owners = OwnerMap::block(out_grid.size(), comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  auto token = std::make_shared<int>(0);
  const int nb = scalapack_block_size();  // read when the solver is recorded
  auto make = [=](Lowering& lowering, std::int64_t ob) {
    auto& ids = lowering.leaf_tasks[token.get()];
    if (ids.empty()) {
      graph::Task t;
      t.key = {std::string(label) + "-" + std::to_string(serial), {}};
      t.label = std::string(label) + " (ScaLAPACK)";
      std::vector<std::size_t> first;  // where each operand's blocks start among the inputs
      for (const auto& x : inputs) {
        first.push_back(t.inputs.size());
        const auto blocks = array_detail::lower_blocks(lowering, x.expr());
        t.inputs.insert(t.inputs.end(), blocks.begin(), blocks.end());
      }
      first.push_back(t.inputs.size());
      t.collective = [=](const Communicator& c, std::span<const graph::LocalInput> local) {
        detail::BlacsGrid grid(c);
        std::vector<detail::CyclicMatrix> mats;
        for (std::size_t op = 0; op < inputs.size(); ++op) {
          const auto& x = inputs[op];
          mats.push_back(detail::make_cyclic(grid, static_cast<int>(x.shape()[0]),
                                             static_cast<int>(x.ndim() == 2 ? x.shape()[1] : 1), nb));
          std::vector<std::pair<std::int64_t, const NDArray<double>*>> mine;
          for (const auto& in : local)
            if (in.position >= first[op] && in.position < first[op + 1])
              mine.push_back({static_cast<std::int64_t>(in.position - first[op]), &in.value->get<NDArray<double>>()});
          detail::scatter_blocks(c, grid, mats.back(), x.expr()->grid(), mine);
          if (op == 0) detail::require_finite(c, mats.back(), label);  // the matrix being factored
        }
        const auto result = fn(mats);
        return graph::Value::of(detail::gather_blocks(c, grid, result, out_grid, out_owners, lower_only));
      };
      ids.push_back(lowering.graph.append(std::move(t)));
    }
    return array_detail::pick_block<double>(lowering, {std::string(label) + "-block-" + std::to_string(serial), {ob}},
                                            label, ids.front(), out_owners, ob, shape_size(out_grid.block_shape(ob)) * 8);
  };
  return Array<double>(std::make_shared<array_detail::Stored<double>>(label, like.shape(), like.chunks(), out_owners, make));
}

bool use_scalapack(const Array<double>& a) { return a.size() >= scalapack_threshold().load(); }

Array<double> inv(const Array<double>& a) {
  if (a.ndim() != 2 || a.shape()[0] != a.shape()[1])
    throw ShapeError("inv: needs a square matrix, got shape " + shape_str(a.shape()));
  if (use_scalapack(a))
    return large_dense("inv", {a}, a, false, [](std::vector<detail::CyclicMatrix>& m) {
      auto& A = m[0];
      auto pivots = detail::lu_checked("inv", A);
      const int one = 1, n = A.n;
      int info = 0, lwork = -1, liwork = -1, iwork_size = 0;
      double work_size = 0;
      pdgetri_(&n, A.local.data(), &one, &one, A.desc, pivots.data(), &work_size, &lwork, &iwork_size, &liwork, &info);
      lwork = static_cast<int>(work_size) + 1;
      liwork = std::max(iwork_size, 1);
      std::vector<double> work(static_cast<std::size_t>(lwork));
      std::vector<int> iwork(static_cast<std::size_t>(liwork));
      pdgetri_(&n, A.local.data(), &one, &one, A.desc, pivots.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
      if (info != 0) throw LinalgError("inv: pdgetri failed (info " + std::to_string(info) + ")");
      return std::move(A);
    });
  return small_dense("inv", {a}, a.shape(), [](const auto& args) { return detail::inverse(*args[0]); }, true);
}

Array<double> solve(const Array<double>& a, const Array<double>& b) {
  if (a.ndim() != 2 || a.shape()[0] != a.shape()[1] || b.ndim() < 1 || b.ndim() > 2 || b.shape()[0] != a.shape()[0])
    throw ShapeError("solve: a has shape " + shape_str(a.shape()) + " and b has shape " + shape_str(b.shape()) +
                     "; needs a square (n, n) and (n,) or (n, k)");
  if (use_scalapack(a))
    return large_dense("solve", {a, b}, b, false, [](std::vector<detail::CyclicMatrix>& m) {
      auto& A = m[0];
      auto& B = m[1];
      auto pivots = detail::lu_checked("solve", A);
      const int one = 1, n = A.n, nrhs = B.n;
      int info = 0;
      pdgetrs_("N", &n, &nrhs, A.local.data(), &one, &one, A.desc, pivots.data(), B.local.data(), &one, &one, B.desc,
               &info);
      if (info != 0) throw LinalgError("solve: pdgetrs failed (info " + std::to_string(info) + ")");
      return std::move(B);
    });
  return small_dense("solve", {a, b}, b.shape(), [](const auto& args) { return detail::solve(*args[0], *args[1]); });
}

Array<double> cholesky(const Array<double>& a) {
  if (a.ndim() != 2 || a.shape()[0] != a.shape()[1])
    throw ShapeError("cholesky: needs a square matrix, got shape " + shape_str(a.shape()));
  if (use_scalapack(a))
    return large_dense("cholesky", {a}, a, /*lower_only=*/true, [](std::vector<detail::CyclicMatrix>& m) {
      auto& A = m[0];
      const int one = 1, n = A.n;
      int info = 0;
      pdpotrf_("L", &n, A.local.data(), &one, &one, A.desc, &info);
      if (info > 0)
        throw LinalgError("cholesky: the matrix is not positive definite (the leading minor of order " +
                          std::to_string(info) + " is not positive)");
      if (info < 0) throw LinalgError("cholesky: pdpotrf rejected argument " + std::to_string(-info));
      return std::move(A);
    });
  return small_dense("cholesky", {a}, a.shape(), [](const auto& args) { return detail::cholesky(*args[0]); });
}

Array<double> solve_triangular(const Array<double>& t, const Array<double>& b, bool lower) {
  if (t.ndim() != 2 || t.shape()[0] != t.shape()[1] || b.ndim() < 1 || b.ndim() > 2 || b.shape()[0] != t.shape()[0])
    throw ShapeError("solve_triangular: a has shape " + shape_str(t.shape()) + " and b has shape " + shape_str(b.shape()));
  if (use_scalapack(t))
    return large_dense("solve_triangular", {t, b}, b, false, [lower](std::vector<detail::CyclicMatrix>& m) {
      auto& T = m[0];
      auto& B = m[1];
      const int one = 1, n = T.n, nrhs = B.n;
      const char* uplo = lower ? "L" : "U";
      // The condition estimate first (pdtrcon reads only the triangle), then the solve.
      double rcond = 0, work_size = 0;
      int info = 0, query = -1, iwork_size = 0;
      pdtrcon_("1", uplo, "N", &n, T.local.data(), &one, &one, T.desc, &rcond, &work_size, &query, &iwork_size, &query, &info);
      int lwork = static_cast<int>(work_size) + 1, liwork = std::max(iwork_size, 1);
      std::vector<double> work(static_cast<std::size_t>(lwork));
      std::vector<int> iwork(static_cast<std::size_t>(liwork));
      pdtrcon_("1", uplo, "N", &n, T.local.data(), &one, &one, T.desc, &rcond, work.data(), &lwork, iwork.data(), &liwork, &info);
      // A zero on the diagonal: pdlatrs does not rescale, so the estimate divides by it (NaN).
      if (rcond == 0 || std::isnan(rcond))
        throw LinalgError("solve_triangular: the " + std::to_string(n) + " x " + std::to_string(n) +
                          " triangular matrix is singular (zero on the diagonal)");
      if (!(rcond >= std::numeric_limits<double>::epsilon())) detail::singular("solve_triangular", n, rcond);
      // (pdtrtrs's own zero-diagonal report cannot happen past the checks above.)
      pdtrtrs_(uplo, "N", "N", &n, &nrhs, T.local.data(), &one, &one, T.desc, B.local.data(), &one, &one, B.desc, &info);
      if (info != 0) throw LinalgError("solve_triangular: pdtrtrs failed (info " + std::to_string(info) + ")");
      return std::move(B);
    });
  return small_dense("solve_triangular", {t, b}, b.shape(),
                     [lower](const auto& args) { return detail::solve_triangular(*args[0], *args[1], lower); });
}

}  // namespace linalg
}  // namespace rankwise
