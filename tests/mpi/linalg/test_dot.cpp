// dot, inv and solve against numpy (tests/data/linalg/reference.json), at 1, 2 and 3 ranks.
#include <cmath>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "rankwise/array.hpp"
#include "rankwise/linalg/dot.hpp"
#include "support/mpi_test.hpp"
#include "support/reference.hpp"

namespace rw = rankwise;
using rankwise::testing::comm;

namespace {

const nlohmann::json& ref() { return rankwise::testing::reference("linalg/reference.json"); }
rw::NDArray<double> nd(const nlohmann::json& v) { return rankwise::testing::to_ndarray(v); }

void expect_close(const rw::NDArray<double>& got, const nlohmann::json& want, double tol) {
  const auto e = nd(want);
  ASSERT_EQ(got.shape(), e.shape());
  for (std::int64_t k = 0; k < got.size(); ++k)
    EXPECT_NEAR(got.data()[k], e.data()[k], tol * std::max(1.0, std::abs(e.data()[k]))) << "element " << k;
}

}  // namespace

TEST(Dot, EveryShapeCombinationAndChunking) {
  for (std::int64_t rows : {203, 50, 7, 1}) {
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 6});
    const auto Xc = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 4});  // two column blocks
    const auto y = rw::from_ndarray(nd(ref()["y"]), rows);
    const auto M = rw::from_ndarray(nd(ref()["M"]), rw::ChunkSpec{4, 5});
    const auto N = rw::from_ndarray(nd(ref()["N"]), rw::ChunkSpec{3, 7});
    expect_close(rw::dot(X.T(), X).compute(), ref()["XtX"], 1e-12);     // Gram: SYRK + collective
    expect_close(rw::dot(Xc.T(), Xc).compute(), ref()["XtX"], 1e-12);   // general blocks
    expect_close(rw::dot(X.T(), y).compute(), ref()["Xty"], 1e-12);
    expect_close(rw::dot(X, M).compute(), ref()["XM"], 1e-12);          // tall x small (rechunked)
    expect_close(rw::dot(M, N).compute(), ref()["MN"], 1e-12);          // 2-D x 2-D, uneven blocks
    expect_close(rw::dot(X, M.slice({{}, {0, 1}}).reshape({6})).compute(), ref()["Xv"], 1e-12);
    expect_close(rw::dot(y, X).compute(), ref()["vX"], 1e-12);
    expect_close(rw::dot(y, y).compute(), ref()["uv"], 1e-12);
  }
}

// The ScaLAPACK path, forced on small inputs: BLACS grids 1x1, 1x2 / 2x1, 1x3 / 3x1 at 1, 2, 3
// ranks (wide grids first, then tall ones).
class Scalapack : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Grids, Scalapack, ::testing::Values(false, true));

TEST_P(Scalapack, PathMatchesNumpy) {
  const auto saved = rw::linalg::scalapack_threshold_elements();
  rw::linalg::set_scalapack_threshold(0);
  rw::linalg::set_blacs_grid_tall(GetParam());
  const auto M = rw::from_ndarray(nd(ref()["M"]), rw::ChunkSpec{4, 5});
  const auto N = rw::from_ndarray(nd(ref()["N"]), rw::ChunkSpec{3, 7});
  expect_close(rw::dot(M, N).compute(), ref()["MN"], 1e-12);
  const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{70, 4});
  expect_close(rw::dot(X, M).compute(), ref()["XM"], 1e-12);
  expect_close(rw::dot(X.T(), X).compute(), ref()["XtX"], 1e-12);
  // The ScaLAPACK solvers: pdgetrf/pdgetri, pdgetrs, pdpotrf, and their errors.
  const auto S = rw::from_ndarray(nd(ref()["S"]), 2);
  expect_close(rw::linalg::inv(S).compute(), ref()["S_inv"], 1e-14);
  const auto b = rw::from_ndarray(rw::NDArray<double>({3}, {1.0, 2.0, 3.0}), 2);
  expect_close(rw::linalg::solve(S, b).compute(), ref()["S_solve"], 1e-14);
  expect_close(rw::linalg::cholesky(S).compute(), ref()["S_chol"], 1e-14);
  const auto singular = rw::from_ndarray(rw::NDArray<double>({3, 3}, {1, 2, 3, 2, 4, 6, 1, 1, 1}), 2);
  EXPECT_THROW((void)rw::linalg::inv(singular).compute(), rw::LinalgError);
  const auto nearly = rw::from_ndarray(rw::NDArray<double>({2, 2}, {1.0, 1.0, 1.0, 1.0 + 1e-17}), 1);
  EXPECT_THROW((void)rw::linalg::solve(nearly, rw::ones<double>({2}, 1)).compute(), rw::LinalgError);
  const auto indefinite = rw::from_ndarray(rw::NDArray<double>({2, 2}, {1.0, 2.0, 2.0, 1.0}), 1);
  EXPECT_THROW((void)rw::linalg::cholesky(indefinite).compute(), rw::LinalgError);
  // The OLS formula through the ScaLAPACK inverse.
  const auto Xo = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{50, 6});
  const auto yo = rw::from_ndarray(nd(ref()["y"]), 50);
  expect_close(rw::dot(rw::dot(rw::linalg::inv(rw::dot(Xo.T(), Xo)), Xo.T()), yo).compute(), ref()["ols"], 1e-10);
  rw::linalg::set_scalapack_threshold(saved);
  rw::linalg::set_blacs_grid_tall(false);
}

// The talk's OLS slide, literally.
TEST(Dot, TheTalksOlsFormula) {
  for (std::int64_t rows : {203, 40, 9}) {
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 6});
    const auto y = rw::from_ndarray(nd(ref()["y"]), rows);
    const auto w = rw::dot(rw::dot(rw::linalg::inv(rw::dot(X.T(), X)), X.T()), y).compute();
    expect_close(w, ref()["ols"], 1e-10);
    expect_close(w, ref()["lstsq"], 1e-9);
    // The normal equations written out (one fused pass for XᵀX and Xᵀy), y blocked unlike X.
    const auto y_one = rw::from_ndarray(nd(ref()["y"]), 203);
    expect_close(rw::dot(rw::linalg::inv(rw::dot(X.T(), X)), rw::dot(X.T(), y_one)).compute(), ref()["ols"], 1e-10);
    // Two right-hand sides: y and 2y, as columns.
    const auto y_nd = nd(ref()["y"]);
    rw::NDArray<double> Y({y_nd.size(), 2});
    for (std::int64_t i = 0; i < y_nd.size(); ++i) Y(i, 0) = y_nd.data()[i], Y(i, 1) = 2 * y_nd.data()[i];
    const auto W = rw::dot(rw::dot(rw::linalg::inv(rw::dot(X.T(), X)), X.T()), rw::from_ndarray(Y, rw::ChunkSpec{rows, 2})).compute();
    const auto ols = nd(ref()["ols"]);
    ASSERT_EQ(W.shape(), (rw::Shape{ols.size(), 2}));
    for (std::int64_t j = 0; j < ols.size(); ++j) {
      EXPECT_NEAR(W(j, 0), ols.data()[j], 1e-10);
      EXPECT_NEAR(W(j, 1), 2 * ols.data()[j], 1e-10);
    }
    // Not the normal equations (a different matrix on the right): computed as written.
    const auto Z = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 6}) * 2.0;
    expect_close((rw::dot(rw::linalg::inv(rw::dot(X.T(), X)), rw::dot(Z.T(), y)) * 0.5).compute(), ref()["ols"], 1e-10);
  }
}

TEST(Dense, InvAndSolveMatchNumpyAndRefuseSingularMatrices) {
  const auto S = rw::from_ndarray(nd(ref()["S"]), 2);
  expect_close(rw::linalg::inv(S).compute(), ref()["S_inv"], 1e-14);
  const auto b = rw::from_ndarray(rw::NDArray<double>({3}, {1.0, 2.0, 3.0}), 2);
  expect_close(rw::linalg::solve(S, b).compute(), ref()["S_solve"], 1e-14);
  const auto singular = rw::from_ndarray(rw::NDArray<double>({3, 3}, {1, 2, 3, 2, 4, 6, 1, 1, 1}), 2);
  try {
    (void)rw::linalg::inv(singular).compute();
    ADD_FAILURE() << "no error";
  } catch (const rw::LinalgError& e) {
    EXPECT_NE(std::string(e.what()).find("singular"), std::string::npos) << e.what();
    EXPECT_TRUE(rankwise::testing::same_on_all_ranks(std::string(e.what())));
  }
  const auto nearly = rw::from_ndarray(rw::NDArray<double>({2, 2}, {1.0, 1.0, 1.0, 1.0 + 1e-17}), 1);
  EXPECT_THROW((void)rw::linalg::solve(nearly, rw::ones<double>({2}, 1)).compute(), rw::LinalgError);
  // The executor is clean after the failure.
  expect_close(rw::linalg::inv(S).compute(), ref()["S_inv"], 1e-14);
}

TEST(Dense, CholeskyAndTriangularSolves) {
  const auto S = rw::from_ndarray(nd(ref()["S"]), 2);
  const auto L = rw::linalg::cholesky(S);
  expect_close(L.compute(), ref()["S_chol"], 1e-14);
  const auto b = rw::from_ndarray(rw::NDArray<double>({3}, {1.0, 2.0, 3.0}), 3);
  expect_close(rw::linalg::solve_triangular(L, b, /*lower=*/true).compute(), ref()["S_tri_lower"], 1e-14);
  expect_close(rw::linalg::solve_triangular(L.T(), b).compute(), ref()["S_tri_upper"], 1e-14);
  const auto indefinite = rw::from_ndarray(rw::NDArray<double>({2, 2}, {1.0, 2.0, 2.0, 1.0}), 2);
  try {
    (void)rw::linalg::cholesky(indefinite).compute();
    ADD_FAILURE() << "no error";
  } catch (const rw::LinalgError& e) {
    EXPECT_NE(std::string(e.what()).find("not positive definite"), std::string::npos) << e.what();
  }
  const auto zero_diag = rw::from_ndarray(rw::NDArray<double>({2, 2}, {1.0, 0.0, 3.0, 0.0}), 2);
  EXPECT_THROW((void)rw::linalg::solve_triangular(zero_diag, rw::ones<double>({2}, 2), true).compute(), rw::LinalgError);
}

namespace {
// A 9 x 9 matrix with condition number about 1e32 (1-norm) whose LU has no zero pivot: the
// 2 x 2 block [[1, 2^27], [2^-27, 1 + eps]] (determinant eps, exactly) in an identity.
// (ScaLAPACK's pdgecon overestimates rcond: 3.5e-16 for a true 5.5e-17, so a matrix just past
// the limit would pass it.)
rw::NDArray<double> numerically_singular() {
  rw::NDArray<double> a(rw::Shape{9, 9}, 0.0);
  for (int i = 0; i < 9; ++i) a(i, i) = 1.0;
  a(0, 1) = std::ldexp(1.0, 27);
  a(1, 0) = std::ldexp(1.0, -27);
  a(1, 1) = 1.0 + std::numeric_limits<double>::epsilon();
  return a;
}

template <class F>
void expect_linalg_error(F&& f, const std::string& words) {
  rankwise::testing::expect_error<rw::LinalgError>(std::forward<F>(f), words);
}
}  // namespace

// inv, solve (one and several right-hand sides) and cholesky on 9 x 9 general and SPD
// matrices, through LAPACK (every rank) and through ScaLAPACK with 2 x 2 blocks, so the matrix
// is spread over every rank of the grid (wide and tall grids); the errors with their condition
// estimate, and NaN refused before factoring.
class Solvers : public ::testing::TestWithParam<int> {};  // 0: LAPACK; 1, 2: ScaLAPACK wide, tall grid
INSTANTIATE_TEST_SUITE_P(Paths, Solvers, ::testing::Values(0, 1, 2));

TEST_P(Solvers, GeneralAndSpdMatricesMatchNumpy) {
  const auto saved = rw::linalg::scalapack_threshold_elements();
  const auto saved_nb = rw::linalg::scalapack_block_size();
  if (GetParam() > 0) {
    rw::linalg::set_scalapack_threshold(0);
    rw::linalg::set_scalapack_block_size(2);
    rw::linalg::set_blacs_grid_tall(GetParam() == 2);
  }
  for (const std::int64_t chunk : {9, 4}) {
    const auto G = rw::from_ndarray(nd(ref()["G"]), chunk);
    const auto B = rw::from_ndarray(nd(ref()["Bm"]), rw::ChunkSpec{chunk, 3});
    const auto b = rw::from_ndarray(nd(ref()["Bm"]), rw::ChunkSpec{chunk, 3}).slice({{}, {0, 1}}).reshape({9});
    const auto P = rw::from_ndarray(nd(ref()["P"]), chunk);
    expect_close(rw::linalg::inv(G).compute(), ref()["G_inv"], 1e-11);
    expect_close(rw::linalg::solve(G, B).compute(), ref()["G_solve_B"], 1e-11);
    expect_close(rw::linalg::solve(G, b).compute(), ref()["G_solve_b"], 1e-11);
    expect_close(rw::linalg::cholesky(P).compute(), ref()["P_chol"], 1e-13);
    expect_close(rw::linalg::inv(P).compute(), ref()["P_inv"], 1e-13);
    const auto L = rw::linalg::cholesky(P);
    expect_close(rw::linalg::solve_triangular(L, B, /*lower=*/true).compute(), ref()["P_tri_lower_B"], 1e-13);
    expect_close(rw::linalg::solve_triangular(L.T(), B).compute(), ref()["P_tri_upper_B"], 1e-13);
  }
  rw::NDArray<double> steep(rw::Shape{9, 9}, 0.0);  // upper triangular, condition number about 1e32
  for (int i = 0; i < 9; ++i) steep(i, i) = 1.0;
  steep(0, 8) = 1e16;
  expect_linalg_error([&] { (void)rw::linalg::solve_triangular(rw::from_ndarray(steep, 4), rw::ones<double>({9}, 4)).compute(); },
                      "numerically singular (condition number about");
  steep(0, 8) = 0.0;
  steep(4, 4) = 0.0;  // exactly singular: named as such on both paths (ScaLAPACK's estimate is NaN here)
  expect_linalg_error([&] { (void)rw::linalg::solve_triangular(rw::from_ndarray(steep, 4), rw::ones<double>({9}, 4)).compute(); },
                      "singular (zero on the diagonal");
  const auto near = rw::from_ndarray(numerically_singular(), 4);
  expect_linalg_error([&] { (void)rw::linalg::inv(near).compute(); }, "numerically singular (condition number about");
  expect_linalg_error([&] { (void)rw::linalg::solve(near, rw::ones<double>({9}, 4)).compute(); }, "condition number about");
  auto with_nan = nd(ref()["P"]);
  with_nan(7, 8) = std::nan("");
  expect_linalg_error([&] { (void)rw::linalg::cholesky(rw::from_ndarray(with_nan, 4)).compute(); }, "NaN or infinity");
  expect_linalg_error([&] { (void)rw::linalg::inv(rw::from_ndarray(with_nan, 4)).compute(); }, "NaN or infinity");
  // The executor is clean after the failures.
  expect_close(rw::linalg::inv(rw::from_ndarray(nd(ref()["G"]), 4)).compute(), ref()["G_inv"], 1e-11);
  rw::linalg::set_scalapack_threshold(saved);
  rw::linalg::set_scalapack_block_size(saved_nb);
  rw::linalg::set_blacs_grid_tall(false);
}

// XᵀX of tall X for every column count the AVX2 Gram kernel handles differently (ragged last
// vector, merged one-vector tiles, 2 to 64 columns, one past its limit), against a plain loop.
TEST(Dot, GramOfTallArraysMatchesAPlainSum) {
  for (const std::int64_t n : {1, 2, 3, 5, 7, 9, 13, 20, 33, 64, 65}) {
    const std::int64_t m = 3001;
    rw::NDArray<double> x({m, n});
    for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = std::sin(0.37 * static_cast<double>(i)) + 0.1;
    const auto X = rw::from_ndarray(x, rw::ChunkSpec{700, n});
    const auto g = rw::dot(X.T(), X).compute();
    ASSERT_EQ(g.shape(), (rw::Shape{n, n}));
    for (std::int64_t a = 0; a < n; ++a)
      for (std::int64_t b = 0; b < n; ++b) {
        double want = 0;
        for (std::int64_t i = 0; i < m; ++i) want += x(i, a) * x(i, b);
        ASSERT_NEAR(g(a, b), want, 1e-11 * (1 + std::abs(want))) << "n " << n << " at " << a << "," << b;
      }
  }
}

// Tasks placed by locality follow the bytes: the partials of dot(X, b) for a persisted tall X
// and a small b (lstsq's residuals) run on the owners of X's blocks, so no block of X crosses
// ranks. (Persisted blocks once counted as 64 bytes against b's 32: every partial went to b's
// rank, and lstsq on 10M x 20 at 2 ranks moved 800 MB.)
TEST(Dot, PartialsOfAPersistedTallOperandStayWithItsBlocks) {
  const auto& comm = rw::array_detail::array_comm();
  const auto X = rw::random::random({6000, 4}, rw::ChunkSpec{1000, 4}, 3).persist();
  const auto b = rw::from_ndarray(rw::NDArray<double>({4}, {1, 2, 3, 4}), 4);
  for (const auto& product : {rw::dot(X, b), rw::dot(X.rechunk(rw::ChunkSpec{500, 4}), b)}) {
    rw::array_detail::Lowering lowering;
    (void)rw::array_detail::lower_blocks(lowering, product.expr());
    const auto part = rw::graph::partition(lowering.graph, comm.size());
    int partials = 0;
    for (rw::graph::TaskId id = 0; id < lowering.graph.size(); ++id) {
      const auto& t = lowering.graph.task(id);
      if (t.label != "dot (gemm)") continue;
      ++partials;
      int data_rank = -1;  // the rank of the input that carries X's block
      for (const auto in : t.inputs) {
        const auto& src = lowering.graph.task(in);
        if (src.owner_map && src.output_bytes >= 1000 * 4 * 8 / 2) data_rank = src.owner_map->owner(src.block);
      }
      ASSERT_GE(data_rank, 0) << "no input of " << t.key.name << " carries a block of X";
      EXPECT_EQ(part.rank_of[static_cast<std::size_t>(id)], data_rank) << t.key.name;
    }
    EXPECT_GE(partials, 6);
  }
}

// Transposed operands on either side: A·Bᵀ with B stored transposed, and (X·M)ᵀ = Mᵀ·Xᵀ.
TEST(Dot, TransposedOperands) {
  for (const std::int64_t rows : {203, 50, 7}) {
    const auto X = rw::from_ndarray(nd(ref()["X"]), rw::ChunkSpec{rows, 6});
    const auto Mt = rw::from_ndarray(nd(ref()["MtT"]), rw::ChunkSpec{4, 6});  // Mᵀ, 9 x 6
    expect_close(rw::dot(X, Mt.T()).compute(), ref()["XM"], 1e-12);
    const auto M = rw::from_ndarray(nd(ref()["M"]), rw::ChunkSpec{6, 4});
    const auto xm = nd(ref()["XM"]);
    const auto got = rw::dot(M.T(), X.T()).compute();  // 9 x 203
    ASSERT_EQ(got.shape(), (rw::Shape{9, 203}));
    for (std::int64_t i = 0; i < 203; ++i)
      for (std::int64_t j = 0; j < 9; ++j) EXPECT_NEAR(got(j, i), xm(i, j), 1e-12 * std::max(1.0, std::abs(xm(i, j))));
  }
}

TEST(Dot, MismatchedInnerDimensionsNameTheShapes) {
  const auto X = rw::zeros<double>({10, 3}, 5);
  try {
    (void)rw::dot(X, rw::zeros<double>({4}, 2));
    ADD_FAILURE() << "no error";
  } catch (const rw::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("(10, 3) and (4,) not aligned"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)rw::linalg::inv(X), rw::ShapeError);
  EXPECT_THROW((void)rw::dot(rw::zeros<double>({2, 2, 2}, 1), X), rw::ShapeError);
}
