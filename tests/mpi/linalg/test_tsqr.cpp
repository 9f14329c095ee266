// QR (TSQR), SVD and lstsq against numpy (tests/data/linalg/reference.json), at 1, 2, 3 ranks.
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "rankwise/array.hpp"
#include "rankwise/linalg/dot.hpp"
#include "rankwise/linalg/tsqr.hpp"
#include "support/mpi_test.hpp"
#include "support/reference.hpp"

namespace rw = rankwise;

namespace {

const nlohmann::json& ref() { return rankwise::testing::reference("linalg/reference.json"); }
rw::NDArray<double> nd(const nlohmann::json& v) { return rankwise::testing::to_ndarray(v); }

double max_abs_diff(const rw::NDArray<double>& a, const rw::NDArray<double>& b) {
  EXPECT_EQ(a.shape(), b.shape());
  double d = 0;
  for (std::int64_t k = 0; k < std::min(a.size(), b.size()); ++k) d = std::max(d, std::abs(a.data()[k] - b.data()[k]));
  return d;
}

}  // namespace

TEST(Tsqr, QIsOrthonormalAndQRIsX) {
  for (std::int64_t rows : {203, 50, 7}) {  // 7-row blocks: fewer rows than... still >= 6 columns
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 6});
    auto [q, r] = rw::linalg::qr(X);
    EXPECT_EQ(q.shape(), (rw::Shape{203, 6}));
    const auto qtq = rw::dot(q.T(), q).compute();
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) EXPECT_NEAR(qtq(i, j), i == j ? 1.0 : 0.0, 1e-12);
    EXPECT_LT(max_abs_diff(rw::dot(q, r).compute(), nd(ref()["X"])), 1e-12);
    EXPECT_LT(max_abs_diff(r.compute(), nd(ref()["qr_R"])), 1e-11);
  }
  // Blocks with fewer rows than columns still work (their R factors are short).
  const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{4, 3});
  auto [q, r] = rw::linalg::qr(X);
  EXPECT_LT(max_abs_diff(r.compute(), nd(ref()["qr_R"])), 1e-11);
  EXPECT_THROW((void)rw::linalg::qr(X.T()), rw::ShapeError);
}

// The R factors are combined up a binary tree over the blocks (29 blocks: 28 combining
// nodes, no collective), whose shape does not depend on the rank count: Q and R are bitwise
// the same on 1, 2 and 3 ranks.
TEST(Tsqr, ReductionTreeIsTheSameAtEveryRankCount) {
  const auto run = [] {
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{7, 6});
    const auto [q, r] = rw::linalg::qr(X);
    return std::pair{q.compute(), r.compute()};
  };
  {
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{7, 6});
    rw::array_detail::Lowering lowering;
    (void)rw::array_detail::lower_blocks(lowering, rw::linalg::qr(X).q.expr());
    int nodes = 0, collectives = 0;
    for (rw::graph::TaskId id = 0; id < lowering.graph.size(); ++id) {
      nodes += lowering.graph.task(id).label == "qr (combine R factors)";
      collectives += lowering.graph.task(id).is_collective();
    }
    EXPECT_EQ(nodes, 28);
    EXPECT_EQ(collectives, 0);
  }
  const auto whole = run();
  const int rank = rw::testing::comm().rank();
  for (int size = 1; size < rw::testing::comm().size(); ++size) {
    const auto part = rw::testing::comm().split(rank < size ? 0 : 1 + rank, rank);
    rw::DefaultCommScope scope(part);
    const auto sub = run();
    EXPECT_TRUE(sub.first == whole.first) << "Q differs on " << part.size() << " ranks";
    EXPECT_TRUE(sub.second == whole.second) << "R differs on " << part.size() << " ranks";
  }
}

TEST(Tsqr, SingularValuesMatchNumpy) {
  const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{40, 6});
  const auto [u, s, vt] = rw::linalg::svd(X);
  EXPECT_LT(max_abs_diff(s.compute(), nd(ref()["sv"])), 1e-11);
  // U·diag(s)·Vt rebuilds X.
  const auto us = u * s;  // broadcasting s over the rows
  EXPECT_LT(max_abs_diff(rw::dot(us, vt).compute(), nd(ref()["X"])), 1e-11);
}

// A wide matrix goes to ScaLAPACK's pdgesvd; so does a tall one when the threshold says so.
TEST(Tsqr, GeneralSvdThroughScalapack) {
  const auto M = rw::from_ndarray(nd(ref()["M"]), rw::ChunkSpec{4, 5});
  const auto [u, s, vt] = rw::linalg::svd(M);
  EXPECT_EQ(u.shape(), (rw::Shape{6, 6}));
  EXPECT_EQ(vt.shape(), (rw::Shape{6, 9}));
  EXPECT_LT(max_abs_diff(s.compute(), nd(ref()["M_sv"])), 1e-12);
  EXPECT_LT(max_abs_diff(rw::dot(u * s, vt).compute(), nd(ref()["M"])), 1e-12);
  const auto saved = rw::linalg::scalapack_threshold_elements();
  const auto saved_nb = rw::linalg::scalapack_block_size();
  rw::linalg::set_scalapack_threshold(0);
  const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{50, 6});
  const auto [ux, sx, vtx] = rw::linalg::svd(X);
  EXPECT_LT(max_abs_diff(sx.compute(), nd(ref()["sv"])), 1e-11);
  EXPECT_LT(max_abs_diff(rw::dot(ux * sx, vtx).compute(), nd(ref()["X"])), 1e-11);
  // 2 x 2 blocks spread M over every rank, on wide and tall grids.
  rw::linalg::set_scalapack_block_size(2);
  for (const bool tall : {false, true}) {
    rw::linalg::set_blacs_grid_tall(tall);
    const auto [u2, s2, vt2] = rw::linalg::svd(M);
    EXPECT_LT(max_abs_diff(s2.compute(), nd(ref()["M_sv"])), 1e-12) << "tall grid " << tall;
    EXPECT_LT(max_abs_diff(rw::dot(u2 * s2, vt2).compute(), nd(ref()["M"])), 1e-12) << "tall grid " << tall;
    const auto [ux2, sx2, vtx2] = rw::linalg::svd(X);
    EXPECT_LT(max_abs_diff(sx2.compute(), nd(ref()["sv"])), 1e-11) << "tall grid " << tall;
  }
  auto with_nan = nd(ref()["M"]);
  with_nan(3, 7) = std::nan("");
  try {
    (void)rw::linalg::svd(rw::from_ndarray(with_nan, rw::ChunkSpec{4, 5})).s.compute();
    ADD_FAILURE() << "no error";
  } catch (const rw::LinalgError& e) {
    EXPECT_NE(std::string(e.what()).find("NaN or infinity"), std::string::npos) << e.what();
  }
  rw::linalg::set_blacs_grid_tall(false);
  rw::linalg::set_scalapack_block_size(saved_nb);
  rw::linalg::set_scalapack_threshold(saved);
}

namespace {
bool runs_pdgesvd(const rw::Array<double>& a) {
  rw::array_detail::Lowering lowering;
  (void)rw::array_detail::lower_blocks(lowering, a.expr());
  for (rw::graph::TaskId id = 0; id < lowering.graph.size(); ++id)
    if (lowering.graph.task(id).label == "svd (ScaLAPACK pdgesvd)") return true;
  return false;
}
}  // namespace

// The path follows R's size, not X's: a tall-skinny X larger than the threshold stays with
// TSQR (it once went to pdgesvd, moving all of X to a block-cyclic layout).
TEST(Tsqr, TallSkinnySvdStaysWithTsqrAboveTheThreshold) {
  const auto saved = rw::linalg::scalapack_threshold_elements();
  rw::linalg::set_scalapack_threshold(100);  // X has 1218 elements, R 36
  const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{50, 6});
  const auto tall = rw::linalg::svd(X);
  EXPECT_FALSE(runs_pdgesvd(tall.s));
  EXPECT_LT(max_abs_diff(tall.s.compute(), nd(ref()["sv"])), 1e-11);
  rw::linalg::set_scalapack_threshold(30);  // now R is over it
  EXPECT_TRUE(runs_pdgesvd(rw::linalg::svd(X).s));
  rw::linalg::set_scalapack_threshold(saved);
  EXPECT_TRUE(runs_pdgesvd(rw::linalg::svd(rw::from_ndarray(nd(ref()["M"]), rw::ChunkSpec{4, 5})).s));  // wide
}

// A wide X: the sketch is capped at its row count, and the randomised SVD is then exact.
TEST(Tsqr, CompressedSvdOfAWideMatrix) {
  const auto M = rw::from_ndarray(nd(ref()["M"]), rw::ChunkSpec{4, 5});
  const auto [u, s, vt] = rw::linalg::svd_compressed(M, 3, 0, 10, 7);
  EXPECT_EQ(u.shape(), (rw::Shape{6, 3}));
  EXPECT_EQ(vt.shape(), (rw::Shape{3, 9}));
  const auto want = nd(ref()["M_sv"]);
  const auto got = s.compute();
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(got.data()[j], want.data()[j], 1e-12 * want.data()[0]) << j;
}

// A nearly rank-3 matrix: the randomised SVD finds its three singular values.
TEST(Tsqr, CompressedSvdFindsTheLeadingSingularValues) {
  for (std::int64_t rows : {300, 45}) {
    const auto low = rw::from_ndarray(nd(ref()["low"]), rw::ChunkSpec{rows, 8});
    const auto [u, s, vt] = rw::linalg::svd_compressed(low, 3, 1, 5, 7);
    EXPECT_EQ(u.shape(), (rw::Shape{300, 3}));
    EXPECT_LT(max_abs_diff(s.compute(), nd(ref()["low_sv"])), 1e-6 * nd(ref()["low_sv"]).data()[0]);
    // U has orthonormal columns.
    const auto utu = rw::dot(u.T(), u).compute();
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_NEAR(utu(i, j), i == j ? 1.0 : 0.0, 1e-10);
  }
  EXPECT_THROW((void)rw::linalg::svd_compressed(rw::zeros<double>({10, 4}, 5), 5), rw::ValueError);
}

TEST(Lstsq, FullRankAndRankDeficient) {
  for (std::int64_t rows : {203, 40, 9}) {
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 6});
    const auto y = rw::from_ndarray(nd(ref()["y"]), rows);
    const auto [coef, residuals, rank, sv] = rw::linalg::lstsq(X, y);
    EXPECT_LT(max_abs_diff(coef, nd(ref()["lstsq"])), 1e-10);
    EXPECT_EQ(rank, ref()["full_rank"].get<std::int64_t>());
    EXPECT_NEAR(residuals.data()[0], ref()["full_residuals"][0].get<double>(), 1e-9);
    EXPECT_LT(max_abs_diff(sv, nd(ref()["sv"])), 1e-11);

    const auto Xd = rw::from_ndarray(nd(ref()["Xd"]), rw::ChunkSpec{rows, 6});
    // An explicit rcond drops the singular values below rcond · s_max, as numpy's does.
    const auto truncated = rw::linalg::lstsq(X, y, ref()["rcond"].get<double>());
    EXPECT_EQ(truncated.rank, ref()["rcond_rank"].get<std::int64_t>());
    EXPECT_LT(max_abs_diff(truncated.coef, nd(ref()["rcond_coef"])), 1e-10);
    const auto deficient = rw::linalg::lstsq(Xd, y);
    EXPECT_EQ(deficient.rank, ref()["deficient_rank"].get<std::int64_t>());
    EXPECT_LT(max_abs_diff(deficient.coef, nd(ref()["deficient_coef"])), 1e-9);
    EXPECT_EQ(deficient.residuals.size(), 0);  // numpy gives none when rank < n
  }
}

// A Vandermonde X (500 x 8, cond ~ 1.2e5) and y = X·b exactly representable up to rounding:
// lstsq (CholeskyQR2 here) recovers b to ~cond·ε; the normal equations would lose ~cond²·ε ≈
// 1e-6. A 2-D y gives the same columns as separate solves.
TEST(Lstsq, ModeratelyConditionedKeepsQRAccuracy) {
  const std::int64_t m = 500, n = 8;
  rw::NDArray<double> x({m, n}), y({m}), y2({m, 2});
  const double b[n] = {1, -2, 3, -4, 5, -6, 7, -8};
  for (std::int64_t i = 0; i < m; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(m - 1);
    double p = 1, s = 0, s2 = 0;
    for (std::int64_t j = 0; j < n; ++j, p *= t) {
      x(i, j) = p;
      s += b[j] * p;
      s2 += p;  // b = all ones
    }
    y.data()[i] = s;
    y2(i, 0) = s;
    y2(i, 1) = s2;
  }
  for (std::int64_t rows : {500, 97, 8}) {
    const auto X = rw::from_ndarray(x, rw::ChunkSpec{rows, n});
    const auto fit = rw::linalg::lstsq(X, rw::from_ndarray(y, rows));
    ASSERT_EQ(fit.coef.size(), n);
    for (std::int64_t j = 0; j < n; ++j) EXPECT_NEAR(fit.coef.data()[j], b[j], 1e-8) << "rows " << rows << " j " << j;
    EXPECT_EQ(fit.rank, n);
    EXPECT_LT(fit.residuals.data()[0], 1e-20);
    const auto fit2 = rw::linalg::lstsq(X, rw::from_ndarray(y2, rw::ChunkSpec{rows, 1}));
    ASSERT_EQ(fit2.coef.shape(), (rw::Shape{n, 2}));
    for (std::int64_t j = 0; j < n; ++j) {
      EXPECT_NEAR(fit2.coef(j, 0), b[j], 1e-8);
      EXPECT_NEAR(fit2.coef(j, 1), 1.0, 1e-8);
    }
    EXPECT_EQ(fit2.residuals.shape(), (rw::Shape{2}));
  }
}

// cond(V) ~ 4e11: TSQR keeps the digits; the normal equations square the condition number, so
// inv(VᵀV) is refused as numerically singular instead of returning garbage.
TEST(Lstsq, IllConditionedRegressionKeepsItsDigits) {
  const auto V = rw::from_ndarray(nd(ref()["V"]), rw::ChunkSpec{70, 7});
  const auto y = rw::from_ndarray(nd(ref()["yv"]), 70);
  const auto fit = rw::linalg::lstsq(V, y);
  EXPECT_LT(max_abs_diff(fit.coef, nd(ref()["true"])), 1e-3);
  EXPECT_LT(max_abs_diff(fit.coef, nd(ref()["V_lstsq"])), 1e-3);
  EXPECT_THROW((void)rw::dot(rw::dot(rw::linalg::inv(rw::dot(V.T(), V)), V.T()), y).compute(), rw::LinalgError);
  EXPECT_THROW((void)rw::linalg::lstsq(V, rw::zeros<double>({5}, 5)), rw::ShapeError);
}
