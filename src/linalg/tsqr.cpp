// TSQR: QR of a tall-skinny matrix, its R factors combined up a reduction tree.
#include "rankwise/linalg/tsqr.hpp"

#include <cmath>
#include <limits>

#include <functional>
#include <map>
#include <optional>

#include "linalg/dense.hpp"
#include "linalg/row_sums.hpp"
#include "linalg/scalapack.hpp"
#include "rankwise/array/creation.hpp"
#include "rankwise/array/ops.hpp"
#include "rankwise/array/random.hpp"
#include "rankwise/linalg/dot.hpp"

namespace rankwise::linalg {

namespace {

using array_detail::Lowering;

// A QR factorisation Q1 · R1: a row block's, or a tree node's of its children's stacked R
// factors (then `split` is the left child's R rows: where Q1's rows for the right one start).
struct LocalQR {
  NDArray<double> q1, r1;
  std::int64_t split = 0;
};

// The tasks a TSQR leaves in a lowering: each block's local QR, each block's M (block b's Q is
// Q1_b · M_b), and the final R.
struct TsqrTasks {
  std::vector<graph::TaskId> locals, m;
  graph::TaskId root_r = -1;
};

// TSQR (Demmel, Grigori, Hoemmen and Langou) over a binary reduction tree whose shape depends
// on the block count only, so Q and R are the same at any rank count. Level 0 holds the blocks'
// local QRs; each level factors the stacked R's of neighbours (2i, 2i+1), an odd last node
// moving up as it is. The down sweep gives every node the matrix M mapping its R's rows onto
// the root's: M_root = I, M_left = Q1_v[rows before split] · M_v, M_right = Q1_v[rows from
// split] · M_v. Only R's and M's (at most n x n) cross ranks; a node runs on the owner of its
// first block, so its children's R's from the same rank do not move at all.
struct TsqrPlan {
  Array<double> x;  // whole rows per block
  OwnerMap owners;
  std::uint64_t serial;
  std::shared_ptr<int> token;

  TsqrTasks lower(Lowering& lowering) const {
    auto& ids = lowering.leaf_tasks[token.get()];
    const auto nblocks = x.expr()->grid().size();
    const auto nb = static_cast<std::size_t>(nblocks);
    if (!ids.empty()) return {{ids.begin(), ids.begin() + nblocks}, {ids.begin() + nblocks, ids.end() - 1}, ids.back()};
    const auto& e = x.expr();
    const auto cols = x.shape()[1];
    const auto rr_bytes = cols * cols * 8;
    const auto name = [this](const char* what) { return std::string(what) + std::to_string(serial); };
    TsqrTasks out;
    out.locals.resize(nb);
    out.m.resize(nb);
    // Tree nodes: the LocalQR task, its R (an NDArray that may cross ranks), first block, children.
    struct Node {
      graph::TaskId qr, r;
      std::int64_t first;
      int left = -1, right = -1;
    };
    std::vector<Node> nodes;
    auto placed = [this](graph::Task& t, std::int64_t block) {
      t.owner_map = owners;
      t.block = block;
    };
    auto add_r = [&](graph::TaskId qr, std::int64_t first, std::int64_t id) {
      graph::Task t;
      t.key = {name("tsqr-r-"), {id}};
      t.label = "qr (R factor)";
      t.inputs = {qr};
      t.kernel = [](std::span<const graph::Value* const> in) { return graph::Value::of(in[0]->get<LocalQR>().r1); };
      t.codec = graph::Codec::of<NDArray<double>>();
      t.output_bytes = rr_bytes;
      placed(t, first);
      return lowering.graph.append(std::move(t));
    };
    std::vector<int> level;
    for (auto b : array_detail::round_order(owners)) {
      graph::Task t;
      t.key = {name("tsqr-local-"), {b}};
      t.label = "qr (local)";
      t.inputs = {array_detail::lower_block(lowering, e, owners, b)};
      t.kernel = [cols](std::span<const graph::Value* const> in) {
        const auto& block = in[0]->get<NDArray<double>>();
        LocalQR f;
        detail::thin_qr(block.data(), block.shape()[0], cols, f.q1, f.r1);
        return graph::Value::of(std::move(f));
      };
      placed(t, b);
      out.locals[static_cast<std::size_t>(b)] = lowering.graph.append(std::move(t));
    }
    for (std::int64_t b = 0; b < nblocks; ++b) {
      level.push_back(static_cast<int>(nodes.size()));
      nodes.push_back({out.locals[static_cast<std::size_t>(b)], -1, b});
    }
    // The up sweep (an R is made only where a parent needs it).
    while (level.size() > 1) {
      std::vector<int> next;
      for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
        auto& l = nodes[static_cast<std::size_t>(level[i])];
        auto& r = nodes[static_cast<std::size_t>(level[i + 1])];
        if (l.r < 0) l.r = add_r(l.qr, l.first, level[i]);
        if (r.r < 0) r.r = add_r(r.qr, r.first, level[i + 1]);
        graph::Task t;
        t.key = {name("tsqr-node-"), {static_cast<std::int64_t>(nodes.size())}};
        t.label = "qr (combine R factors)";
        t.inputs = {l.r, r.r};
        t.kernel = [cols](std::span<const graph::Value* const> in) {
          const auto& a = in[0]->get<NDArray<double>>();
          const auto& b = in[1]->get<NDArray<double>>();
          std::vector<double> stack(a.begin(), a.end());
          stack.insert(stack.end(), b.begin(), b.end());
          LocalQR f;
          f.split = a.shape()[0];
          detail::thin_qr(stack.data(), a.shape()[0] + b.shape()[0], cols, f.q1, f.r1);
          return graph::Value::of(std::move(f));
        };
        t.output_bytes = 3 * rr_bytes;
        placed(t, l.first);
        const Node parent{lowering.graph.append(std::move(t)), -1, l.first, level[i], level[i + 1]};
        next.push_back(static_cast<int>(nodes.size()));
        nodes.push_back(parent);
      }
      if (level.size() % 2) next.push_back(level.back());
      level = std::move(next);
    }
    const auto root = static_cast<std::size_t>(level.front());
    out.root_r = add_r(nodes[root].qr, nodes[root].first, static_cast<std::int64_t>(root));
    // The down sweep: M for every node, from its parent's Q1 and M (the root's is I).
    std::vector<graph::TaskId> m(nodes.size(), -1);
    {
      graph::Task t;
      t.key = {name("tsqr-m-"), {static_cast<std::int64_t>(root)}};
      t.label = "qr (rebuild Q)";
      t.inputs = {nodes[root].qr};
      t.kernel = [](std::span<const graph::Value* const> in) {
        const auto k = in[0]->get<LocalQR>().r1.shape()[0];
        NDArray<double> eye({k, k}, 0.0);
        for (std::int64_t i = 0; i < k; ++i) eye(i, i) = 1.0;
        return graph::Value::of(std::move(eye));
      };
      t.codec = graph::Codec::of<NDArray<double>>();
      t.output_bytes = rr_bytes;
      placed(t, nodes[root].first);
      m[root] = lowering.graph.append(std::move(t));
    }
    for (auto v = static_cast<std::ptrdiff_t>(root); v >= 0; --v) {  // parents come after their children
      const auto& node = nodes[static_cast<std::size_t>(v)];
      if (node.left < 0 || m[static_cast<std::size_t>(v)] < 0) continue;
      for (const bool right : {false, true}) {
        graph::Task t;
        const auto child = right ? node.right : node.left;
        t.key = {name("tsqr-m-"), {child}};
        t.label = "qr (rebuild Q)";
        t.inputs = {node.qr, m[static_cast<std::size_t>(v)]};
        t.kernel = [right](std::span<const graph::Value* const> in) {
          const auto& f = in[0]->get<LocalQR>();
          const auto& mv = in[1]->get<NDArray<double>>();
          const auto k = f.q1.shape()[1];
          const auto begin = right ? f.split : 0, rows = right ? f.q1.shape()[0] - f.split : f.split;
          NDArray<double> mc({rows, mv.shape()[1]});
          detail::gemm_accumulate(f.q1.data() + begin * k, rows, k, false, mv.data(), mv.shape()[0], mv.shape()[1], false,
                                  mc.data());
          return graph::Value::of(std::move(mc));
        };
        t.codec = graph::Codec::of<NDArray<double>>();
        t.output_bytes = rr_bytes;
        placed(t, node.first);
        m[static_cast<std::size_t>(child)] = lowering.graph.append(std::move(t));
      }
    }
    for (std::size_t b = 0; b < nb; ++b) out.m[b] = m[b];  // leaves are nodes 0 .. nblocks-1
    ids = out.locals;
    ids.insert(ids.end(), out.m.begin(), out.m.end());
    ids.push_back(out.root_r);
    return out;
  }
};

TsqrPlan plan_for(const Array<double>& X, const char* what) {
  if (X.ndim() != 2 || X.shape()[0] < X.shape()[1])
    throw ShapeError(std::string(what) + ": needs a tall-skinny 2-D array (rows >= columns), got shape " +
                     shape_str(X.shape()));
  Array<double> rows = X.numblocks()[1] == 1 ? X : X.rechunk(ChunkSpec(std::vector<std::int64_t>{X.chunks()[0][0], -1}));
  const auto owners = rows.owners();
  return {rows, owners, array_detail::next_serial(), std::make_shared<int>(0)};
}

// A one-block array made from the final R.
Array<double> from_r(const TsqrPlan& plan, const char* label, Shape shape, std::function<NDArray<double>(const NDArray<double>&)> take) {
  Chunks chunks;
  for (auto e : shape) chunks.push_back({e});
  const auto& comm = array_detail::array_comm();
  const auto owners = OwnerMap::block(1, comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  auto make = [plan, label, owners, serial, take, shape](Lowering& lowering, std::int64_t) {
    const auto tasks = plan.lower(lowering);
    graph::Task t;
    t.key = {std::string(label) + "-" + std::to_string(serial), {0}};
    t.label = label;
    t.inputs = {tasks.root_r};
    t.owner_map = owners;
    t.block = 0;
    t.codec = graph::Codec::of<NDArray<double>>();
    t.output_bytes = shape_size(shape) * 8;
    t.kernel = [take](std::span<const graph::Value* const> in) { return graph::Value::of(take(in[0]->get<NDArray<double>>())); };
    return lowering.graph.append(std::move(t));
  };
  return Array<double>(std::make_shared<array_detail::Stored<double>>(label, shape, chunks, owners, make));
}

// The distributed Q, times an optional small matrix on the right (its first n rows, n x
// out_cols, of a one-block array computed once): block b is Q1_b · M_b · right.
Array<double> q_times(const TsqrPlan& plan, const char* label, std::int64_t out_cols, std::optional<Array<double>> right) {
  const auto serial = array_detail::next_serial();
  Chunks chunks{plan.x.chunks()[0], {out_cols}};
  auto make = [plan, label, serial, right, out_cols](Lowering& lowering, std::int64_t b) {
    const auto tasks = plan.lower(lowering);
    graph::Task t;
    t.key = {std::string(label) + "-" + std::to_string(serial), {b}};
    t.label = label;
    t.inputs = {tasks.locals[static_cast<std::size_t>(b)], tasks.m[static_cast<std::size_t>(b)]};
    if (right) t.inputs.push_back(array_detail::lower_assemble(lowering, right->expr()));
    t.owner_map = plan.owners;
    t.block = b;
    t.codec = graph::Codec::of<NDArray<double>>();
    t.output_bytes = plan.x.chunks()[0][static_cast<std::size_t>(b)] * out_cols * 8;  // Q's block: placement counts it
    t.kernel = [has_right = right.has_value(), out_cols](std::span<const graph::Value* const> in) {
      const auto& f = in[0]->get<LocalQR>();
      const auto& mb = in[1]->get<NDArray<double>>();
      const auto k = f.q1.shape()[1];
      NDArray<double> qb({f.q1.shape()[0], mb.shape()[1]});
      detail::gemm_accumulate(f.q1.data(), f.q1.shape()[0], k, false, mb.data(), mb.shape()[0], mb.shape()[1], false, qb.data());
      if (!has_right) return graph::Value::of(std::move(qb));
      const auto& m = in[2]->get<NDArray<double>>();  // its first qb.shape()[1] rows are the factor
      NDArray<double> out({qb.shape()[0], out_cols});
      detail::gemm_accumulate(qb.data(), qb.shape()[0], qb.shape()[1], false, m.data(), qb.shape()[1], out_cols, false,
                              out.data());
      return graph::Value::of(std::move(out));
    };
    return lowering.graph.append(std::move(t));
  };
  return Array<double>(std::make_shared<array_detail::Stored<double>>(label, Shape{plan.x.shape()[0], out_cols}, chunks,
                                                                      plan.owners, make));
}

// One streaming pass over X's row blocks (and y's, blocked alike, unless y is null), computed now: the block
// partials summed in block order, on every rank.
std::vector<double> sum_over_row_blocks(const Array<double>& x, const array_detail::ExprPtr<double>& y, std::size_t width,
                                        const std::string& label, detail::RowBlockPartial partial) {
  Lowering lowering;
  const auto name = "row-sum-" + std::to_string(array_detail::next_serial());
  const graph::TaskId outputs[] = {detail::lower_row_block_sum(lowering, x.expr(), y, width, name, label, std::move(partial))};
  const auto values = graph::compute(lowering.graph, outputs, array_detail::array_comm(), {.label = label});
  return *values[0].get<std::shared_ptr<const std::vector<double>>>();
}

// Upper-triangular R with G = Rᵀ·R, or nothing when G is not (numerically) positive definite.
std::optional<NDArray<double>> upper_cholesky(const NDArray<double>& g) {
  try {
    const auto l = detail::cholesky(g);
    const auto n = g.shape()[0];
    NDArray<double> r({n, n});
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = i; j < n; ++j) r(i, j) = l(j, i);
    return r;
  } catch (const LinalgError&) {
    return std::nullopt;
  }
}

// R and Qᵀy of X = Q·R by CholeskyQR2 (Fukaya, Nakatsukasa, Yanagisawa and Yamamoto, 2014):
// G = XᵀX = R1ᵀR1 by Cholesky, then the same for Q1 = X·R1⁻¹, which is orthogonal to working
// precision when κ(X) is well below 1/√ε; R = R2·R1. Two streaming passes over X, each a
// GEMM over cache-sized panels and one small collective — far cheaper than Householder QRs of
// whole blocks. Returns nothing when X is too ill-conditioned (the caller falls back to TSQR).
struct RAndQty {
  NDArray<double> r, qty;
};
std::optional<RAndQty> cholesky_qr2(const Array<double>& x, const Array<double>& y, std::int64_t k) {
  const auto n = x.shape()[1];
  const auto nn = static_cast<std::size_t>(n * n), nk = static_cast<std::size_t>(n * k);
  auto split = [&](const std::vector<double>& v, NDArray<double>& g, NDArray<double>& c) {
    g = NDArray<double>({n, n}, std::span<const double>(v.data(), nn));
    c = NDArray<double>({n, k}, std::span<const double>(v.data() + nn, nk));
  };
  // Pass 1 needs XᵀX only: Qᵀy comes from pass 2, so y is not read.
  const auto gram = sum_over_row_blocks(x, nullptr, nn, "lstsq (gram)",
                                        [n](const NDArray<double>& xb, const NDArray<double>&, double* out) {
                                          detail::gram_accumulate(xb.data(), xb.shape()[0], n, out);
                                        });
  const NDArray<double> g1({n, n}, std::span<const double>(gram));
  NDArray<double> g2, c2;
  const auto r1 = upper_cholesky(g1);
  if (!r1) return std::nullopt;
  // κ(R1) ≈ κ(X); beyond 1e6 the second pass no longer guarantees a backward-stable R.
  NDArray<double> u, s, vt;
  detail::small_svd(*r1, u, s, vt);
  if (!(s.data()[n - 1] > 0) || s.data()[0] / s.data()[n - 1] > 1e6) return std::nullopt;
  const auto r1_now = *r1;
  split(sum_over_row_blocks(x, y.expr(), nn + nk, "lstsq (gram of X·R1⁻¹)",
                            [n, k, r1_now](const NDArray<double>& xb, const NDArray<double>& yb, double* out) {
                              detail::whitened_gram_cross_accumulate(xb.data(), xb.shape()[0], n, r1_now.data(),
                                                                     yb.data(), k, out, out + n * n);
                            }),
        g2, c2);
  const auto r2 = upper_cholesky(g2);
  if (!r2) return std::nullopt;
  RAndQty out{NDArray<double>({n, n}), {}};
  detail::gemm_accumulate(r2->data(), n, n, false, r1->data(), n, n, false, out.r.data());
  // Qᵀy = R2⁻ᵀ·(Q1ᵀy).
  out.qty = detail::solve_triangular(*r2, c2, /*lower=*/false, /*transpose=*/true);
  return out;
}

}  // namespace

QR qr(const Array<double>& X) {
  const auto plan = plan_for(X, "qr");
  const auto n = X.shape()[1];
  return {q_times(plan, "qr (Q)", n, std::nullopt), from_r(plan, "qr (R)", {n, n}, [](const NDArray<double>& r) { return r; })};
}

// General 2-D SVD with ScaLAPACK's pdgesvd: X moved to block-cyclic layout, factored, and U,
// S, Vᵀ moved back (U in X's row blocks, S and Vᵀ as one block each).
SVD svd_scalapack(const Array<double>& X) {
  const auto m = X.shape()[0], n = X.shape()[1], k = std::min(m, n);
  const auto& comm = array_detail::array_comm();
  struct Result {
    array_detail::BlockMap<double> u, s, vt;
  };
  const BlockGrid u_grid(Chunks{X.chunks()[0], {k}}), s_grid(Chunks{{k}}), vt_grid(Chunks{{k}, {n}});
  const auto u_owners = OwnerMap::block(u_grid.size(), comm.size(), comm.rank());
  const auto one_owner = OwnerMap::block(1, comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  auto token = std::make_shared<int>(0);
  const int nb = linalg::scalapack_block_size();  // read when the SVD is recorded
  auto collective_id = [=](Lowering& lowering) {
    auto& ids = lowering.leaf_tasks[token.get()];
    if (!ids.empty()) return ids.front();
    graph::Task t;
    t.key = {"pdgesvd-" + std::to_string(serial), {}};
    t.label = "svd (ScaLAPACK pdgesvd)";
    t.inputs = array_detail::lower_blocks(lowering, X.expr());
    const auto x_grid = X.expr()->grid();
    t.collective = [=](const Communicator& c, std::span<const graph::LocalInput> local) {
      detail::BlacsGrid grid(c);
      auto A = detail::make_cyclic(grid, static_cast<int>(m), static_cast<int>(n), nb);
      auto U = detail::make_cyclic(grid, static_cast<int>(m), static_cast<int>(k), nb);
      auto VT = detail::make_cyclic(grid, static_cast<int>(k), static_cast<int>(n), nb);
      std::vector<std::pair<std::int64_t, const NDArray<double>*>> mine;
      for (const auto& in : local) mine.push_back({static_cast<std::int64_t>(in.position), &in.value->get<NDArray<double>>()});
      detail::scatter_blocks(c, grid, A, x_grid, mine);
      detail::require_finite(c, A, "svd");
      std::vector<double> s(static_cast<std::size_t>(k));
      const int one = 1, mm = static_cast<int>(m), nn = static_cast<int>(n);
      int info = 0, lwork = -1;
      double work_size = 0;
      pdgesvd_("V", "V", &mm, &nn, A.local.data(), &one, &one, A.desc, s.data(), U.local.data(), &one, &one, U.desc,
               VT.local.data(), &one, &one, VT.desc, &work_size, &lwork, &info);
      lwork = static_cast<int>(work_size) + 1;
      std::vector<double> work(static_cast<std::size_t>(lwork));
      pdgesvd_("V", "V", &mm, &nn, A.local.data(), &one, &one, A.desc, s.data(), U.local.data(), &one, &one, U.desc,
               VT.local.data(), &one, &one, VT.desc, work.data(), &lwork, &info);
      if (info != 0) throw LinalgError("svd: pdgesvd did not converge (info " + std::to_string(info) + ")");
      Result r;
      r.u = detail::gather_blocks(c, grid, U, u_grid, u_owners);
      r.vt = detail::gather_blocks(c, grid, VT, vt_grid, one_owner);
      r.s.emplace(0, std::make_shared<const NDArray<double>>(Shape{k}, std::span<const double>(s)));  // on every rank
      return graph::Value::of(std::make_shared<const Result>(std::move(r)));
    };
    ids.push_back(lowering.graph.append(std::move(t)));
    return ids.front();
  };
  auto part = [=](const char* label, int which, const BlockGrid& g, const OwnerMap& owners) {
    auto make = [=](Lowering& lowering, std::int64_t b) {
      graph::Task pick;
      pick.key = {std::string(label) + "-" + std::to_string(serial), {b}};
      pick.label = label;
      pick.inputs = {collective_id(lowering)};
      pick.codec = graph::Codec::of<NDArray<double>>();
      pick.owner_map = owners;
      pick.block = b;
      pick.kernel = [which, b](std::span<const graph::Value* const> in) {
        const auto& r = *in[0]->get<std::shared_ptr<const Result>>();
        const auto& blocks = which == 0 ? r.u : which == 1 ? r.s : r.vt;
        return graph::Value::share(blocks.at(which == 1 ? 0 : b));
      };
      return lowering.graph.append(std::move(pick));
    };
    Shape shape;
    for (const auto& c : g.chunks()) {
      std::int64_t e = 0;
      for (auto v : c) e += v;
      shape.push_back(e);
    }
    return Array<double>(std::make_shared<array_detail::Stored<double>>(label, shape, g.chunks(), owners, make));
  };
  return {part("svd (U)", 0, u_grid, u_owners), part("svd (S)", 1, s_grid, one_owner),
          part("svd (Vt)", 2, vt_grid, one_owner)};
}

SVD svd(const Array<double>& X) {
  // TSQR needs R (n x n) on one rank: a wide X, or one whose R is as large as the ScaLAPACK
  // threshold, goes to pdgesvd. A tall-skinny X of any height stays with TSQR (dot's rule: the
  // smallest operand decides).
  if (X.ndim() == 2 && (X.shape()[0] < X.shape()[1] || X.shape()[1] * X.shape()[1] >= scalapack_threshold_elements()))
    return svd_scalapack(X);
  const auto plan = plan_for(X, "svd");
  const auto n = X.shape()[1];
  // The SVD of R once, in one block [U; s; Vᵀ] of (2n + 1) x n, so U's blocks, S and Vᵀ come from
  // the same factorisation (and R's SVD is not repeated for every block of U).
  const auto packed = from_r(plan, "svd (of R)", {2 * n + 1, n}, [n](const NDArray<double>& r) {
    NDArray<double> u, s, vt, out({2 * n + 1, n});
    detail::small_svd(r, u, s, vt);
    std::copy(u.begin(), u.end(), out.data());
    std::copy(s.begin(), s.end(), out.data() + n * n);
    std::copy(vt.begin(), vt.end(), out.data() + n * n + n);
    return out;
  });
  return {q_times(plan, "svd (U)", n, packed), packed.slice({{n, n + 1}}).reshape({n}), packed.slice({{n + 1, 2 * n + 1}})};
}

SVD svd_compressed(const Array<double>& X, std::int64_t k, std::int64_t n_power_iter, std::int64_t oversampling,
                   std::uint64_t seed) {
  if (X.ndim() != 2) throw ShapeError("svd_compressed: needs a 2-D array, got shape " + shape_str(X.shape()));
  const auto m = X.shape()[0], n = X.shape()[1];
  if (k < 1 || k > std::min(m, n))
    throw ValueError("svd_compressed: k = " + std::to_string(k) + " must be between 1 and " +
                     std::to_string(std::min(m, n)));
  // The sketch has l <= min(m, n) columns: QR of the m x l sketch needs m >= l (a wide X).
  const auto l = std::min(std::min(m, n), k + std::max<std::int64_t>(oversampling, 0));
  const auto omega = random::normal(0.0, 1.0, {n, l}, ChunkSpec(Chunks{X.chunks()[1], {l}}), seed);
  auto Y = dot(X, omega);
  for (std::int64_t it = 0; it < n_power_iter; ++it) {
    // Re-orthonormalise between iterations so small singular directions survive.
    Y = qr(Y.persist()).q;
    Y = dot(X, dot(X.T(), Y).persist());
  }
  const auto [q, r] = qr(Y.persist());
  (void)r;
  const auto B = dot(q.T(), X).compute();  // l x n, small
  NDArray<double> ub, s, vt;
  detail::small_svd(B, ub, s, vt);
  // Keep the first k triplets.
  NDArray<double> ub_k({l, k}), s_k({k}), vt_k({k, n});
  for (std::int64_t i = 0; i < l; ++i)
    for (std::int64_t j = 0; j < k; ++j) ub_k(i, j) = ub(i, j);
  for (std::int64_t j = 0; j < k; ++j) s_k(j) = s(j);
  for (std::int64_t j = 0; j < k; ++j)
    for (std::int64_t c = 0; c < n; ++c) vt_k(j, c) = vt(j, c);
  const auto u = dot(q, from_ndarray(ub_k, ChunkSpec(std::vector<std::int64_t>{-1, -1})));
  return {u, from_ndarray(s_k, ChunkSpec(std::vector<std::int64_t>{-1})),
          from_ndarray(vt_k, ChunkSpec(std::vector<std::int64_t>{-1, -1}))};
}

Lstsq lstsq(const Array<double>& X, const Array<double>& y, double rcond) {
  if (X.ndim() != 2 || y.ndim() < 1 || y.ndim() > 2 || y.shape()[0] != X.shape()[0])
    throw ShapeError("lstsq: X has shape " + shape_str(X.shape()) + " and y has shape " + shape_str(y.shape()) +
                     "; they need the same number of rows");
  const auto m = X.shape()[0], n = X.shape()[1];
  NDArray<double> r_now, qty_now;
  if (m >= n && n > 0) {
    // CholeskyQR2 first: X (one column block) and y blocked like X's rows.
    const Array<double> x = X.numblocks()[1] == 1 ? X : X.rechunk(ChunkSpec(std::vector<std::int64_t>{X.chunks()[0][0], -1}));
    Chunks y_chunks{x.chunks()[0]};
    if (y.ndim() == 2) y_chunks.push_back({y.shape()[1]});
    const Array<double> y_rows = y.chunks() == y_chunks ? y : y.rechunk(ChunkSpec(y_chunks));
    if (auto fast = cholesky_qr2(x, y_rows, y.ndim() == 2 ? y.shape()[1] : 1)) {
      r_now = std::move(fast->r);
      qty_now = y.ndim() == 2 ? std::move(fast->qty) : std::move(fast->qty).reshaped(Shape{n});
    }
  }
  if (r_now.size() == 0) {
    // Ill-conditioned or rank-deficient X: TSQR (Householder QRs), which is stable for any X.
    const auto [q, r] = qr(X);
    // R and Qᵀy in one computation, so the local QRs run once; Q is never stored whole (its
    // blocks feed the product and are freed).
    const auto qty = dot(q.T(), y);
    array_detail::Lowering lowering;
    const graph::TaskId outputs[] = {array_detail::lower_assemble(lowering, r.expr()),
                                     array_detail::lower_assemble(lowering, qty.expr())};
    const auto values = graph::compute(lowering.graph, outputs, array_detail::array_comm(), {.label = "lstsq"});
    r_now = values[0].get<NDArray<double>>();
    qty_now = values[1].get<NDArray<double>>();
  }
  NDArray<double> u, s, vt;
  detail::small_svd(r_now, u, s, vt);
  if (rcond < 0) rcond = std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(m, n));
  const double cutoff = rcond * (s.size() ? s.data()[0] : 0.0);
  std::int64_t rank = 0;
  for (double v : s) rank += v > cutoff;
  // b = V · diag(1/s) · Uᵀ · (Qᵀy), keeping only singular values above the cutoff.
  const auto k = qty_now.ndim() == 2 ? qty_now.shape()[1] : 1;
  NDArray<double> coef(qty_now.ndim() == 2 ? Shape{n, k} : Shape{n});
  for (std::int64_t c = 0; c < k; ++c)
    for (std::int64_t i = 0; i < s.size(); ++i) {
      if (!(s.data()[i] > cutoff)) continue;
      double t = 0;
      for (std::int64_t j = 0; j < n; ++j) t += u(j, i) * qty_now.data()[j * k + c];
      t /= s.data()[i];
      for (std::int64_t j = 0; j < n; ++j) coef.data()[j * k + c] += vt(i, j) * t;
    }
  NDArray<double> residuals(Shape{0});
  if (rank == n && m > n) {
    // Sums of squared residuals, from the data (not from ||y||² - ||Qᵀy||², which cancels).
    const auto b = from_ndarray(coef, ChunkSpec(std::vector<std::int64_t>(static_cast<std::size_t>(coef.ndim()), -1)));
    const auto fitted = dot(X, b);
    // y may be blocked differently from X's rows (the sketch's y is one block): align it.
    const auto diff = fitted - (y.chunks() == fitted.chunks() ? y : y.rechunk(ChunkSpec(fitted.chunks())));
    if (y.ndim() == 1) {
      residuals = NDArray<double>(Shape{1}, (diff * diff).sum().compute());
    } else {
      residuals = (diff * diff).sum(0).compute();
    }
  }
  return {std::move(coef), std::move(residuals), rank, std::move(s)};
}

}  // namespace rankwise::linalg
