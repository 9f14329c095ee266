// Arrays against numpy (tests/data/array/reference.json, made by make_reference.py), at 1, 2
// and 3 ranks, for several chunkings: uneven blocks, one-row blocks, more ranks than blocks.
#include <bit>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "rankwise/array.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;
using nlohmann::json;
using rankwise::testing::comm;

namespace {

const json& ref() {
  static const json j = [] {
    std::ifstream in(rankwise::testing::data_path("array/reference.json"));
    return json::parse(in);
  }();
  return j;
}

rw::NDArray<double> matrix(const json& rows) {
  const auto n = static_cast<std::int64_t>(rows.size());
  const auto m = rows[0].is_array() ? static_cast<std::int64_t>(rows[0].size()) : 0;
  if (!rows[0].is_array()) {
    rw::NDArray<double> v({n});
    for (std::int64_t i = 0; i < n; ++i) v(i) = rows[static_cast<std::size_t>(i)].get<double>();
    return v;
  }
  rw::NDArray<double> a({n, m});
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < m; ++j) a(i, j) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].get<double>();
  return a;
}

template <class T>
void expect_near(const rw::NDArray<T>& got, const json& want, double tol = 1e-12) {
  const auto expected = matrix(want);
  ASSERT_EQ(got.size(), expected.size());
  for (std::int64_t i = 0; i < got.size(); ++i) {
    const double g = static_cast<double>(got.data()[i]), e = expected.data()[i];
    EXPECT_NEAR(g, e, tol * std::max(1.0, std::abs(e))) << "element " << i;
  }
}

// The chunkings every test runs with: uneven row blocks, uneven column blocks, one-row blocks,
// one block (more ranks than blocks at np 2 and 3).
const std::vector<rw::ChunkSpec>& chunkings() {
  static const std::vector<rw::ChunkSpec> c{rw::Chunks{{10, 10, 10, 7}, {3, 2}}, rw::ChunkSpec{1, 5},
                                            rw::ChunkSpec{37, 5}, rw::ChunkSpec{8, 4}};
  return c;
}

rw::Array<double> A(const rw::ChunkSpec& chunks) { return rw::from_ndarray(matrix(ref()["A"]), chunks); }

}  // namespace

TEST(Array, MetadataAndChunkNormalisation) {
  const auto X = A(rw::ChunkSpec{10, 3});
  EXPECT_EQ(X.shape(), (rw::Shape{37, 5}));
  EXPECT_EQ(X.chunks(), (rw::Chunks{{10, 10, 10, 7}, {3, 2}}));
  EXPECT_EQ(X.numblocks(), (rw::Shape{4, 2}));
  EXPECT_EQ(X.npartitions(), 8);
  EXPECT_EQ(X.nbytes(), 37 * 5 * 8);
  EXPECT_EQ(X.dtype(), "float64");
  EXPECT_EQ(X.T().chunks(), (rw::Chunks{{3, 2}, {10, 10, 10, 7}}));
  EXPECT_EQ(rw::zeros<float>({1000, 10}, "auto").chunks(), (rw::Chunks{{1000}, {10}}));
  // "auto" as Dask's normalize_chunks makes it (tests/data/array/auto_chunks.json).
  std::ifstream in(rankwise::testing::data_path("array/auto_chunks.json"));
  for (const auto& c : json::parse(in)) {
    const auto shape = c["shape"].get<rw::Shape>();
    const auto dtype = c["dtype"].get<std::string>();
    const std::size_t itemsize = dtype == "float64" ? 8 : 4;
    EXPECT_EQ(rw::ChunkSpec("auto").normalize(shape, itemsize), c["chunks"].get<rw::Chunks>()) << rw::shape_str(shape) << " " << dtype;
  }
  EXPECT_EQ(rw::zeros<double>({100}, 30).chunks(), (rw::Chunks{{30, 30, 30, 10}}));
  EXPECT_EQ(rw::zeros<double>({5, 4}, rw::ChunkSpec{-1, 3}).chunks(), (rw::Chunks{{5}, {3, 1}}));
  EXPECT_THROW((void)rw::zeros<double>({5, 4}, rw::Chunks{{2, 2}, {4}}), rw::ShapeError);
  EXPECT_THROW((void)rw::zeros<double>({5, 4}, rw::ChunkSpec{0, 1}), rw::ValueError);
  EXPECT_EQ(rw::zeros<std::int32_t>({3}, 2).dtype(), "int32");
  EXPECT_EQ((rw::zeros<double>({3}, 2) > 0.0).dtype(), "bool");
}

TEST(Array, ComputeRoundTripsAndTransposeAndSlices) {
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    expect_near(X.compute(), ref()["A"], 0);
    expect_near(X.T().compute(), ref()["T"], 0);
    expect_near(X.slice({{10, 30, 3}, {std::nullopt, -2}}).compute(), ref()["slice"], 0);
    expect_near(X.slice({{-5, std::nullopt}, {1, 4}}).compute(), ref()["slice_neg"], 0);
    expect_near(X.slice({{10, 30}, {0, -2}}).std(0).compute(), ref()["slice_std0"]);
    expect_near(X.slice({{std::nullopt, std::nullopt, -1}, {std::nullopt, std::nullopt, -2}}).compute(), ref()["slice_reverse"], 0);
    expect_near(X.slice({{30, 3, -4}, {-1, 0, -1}}).compute(), ref()["slice_neg_step"], 0);
    EXPECT_EQ(X.slice({{3, 30, -1}}).shape()[0], ref()["slice_neg_empty"].get<std::int64_t>());
    expect_near(X.persist().compute(), ref()["A"], 0);
    const int root = comm().size() - 1;
    const auto gathered = X.gather(root);
    if (comm().rank() == root) {
      expect_near(gathered, ref()["A"], 0);
    } else {
      EXPECT_EQ(gathered.size(), 0);
    }
  }
}

TEST(Array, FullReductionsMatchNumpy) {
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    EXPECT_NEAR(X.sum().compute(), ref()["sum"].get<double>(), 1e-12);
    EXPECT_NEAR(X.mean().compute(), ref()["mean"].get<double>(), 1e-13);
    EXPECT_NEAR(X.var().compute(), ref()["var"].get<double>(), 1e-12);
    EXPECT_NEAR(X.std(1.0).compute(), ref()["std_ddof1"].get<double>(), 1e-12);
    EXPECT_EQ(X.min().compute(), ref()["min"].get<double>());
    EXPECT_EQ(X.argmin().compute(), ref()["argmin"].get<std::int64_t>());
    EXPECT_EQ(X.argmax().compute(), ref()["argmax"].get<std::int64_t>());
    EXPECT_EQ(X.count_nonzero().compute(), ref()["count_nonzero"].get<std::int64_t>());
    EXPECT_EQ((X > 8.0).any().compute(), ref()["any_gt8"].get<bool>());
    EXPECT_EQ((X > -20.0).all().compute(), ref()["all_gt_minus20"].get<bool>());
    EXPECT_NEAR(X.slice({{0, 6}, {0, 3}}).prod().compute(), ref()["prod_slice"].get<double>(), 1e-12);
  }
}

TEST(Array, AxisReductionsMatchNumpy) {
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    expect_near(X.sum(0).compute(), ref()["sum0"]);
    expect_near(X.sum(1).compute(), ref()["sum1"]);
    expect_near(X.mean(0).compute(), ref()["mean0"]);
    expect_near(X.mean(-1).compute(), ref()["mean1"]);
    expect_near(X.var(0).compute(), ref()["var0"]);
    expect_near(X.std(1, false, 1.0).compute(), ref()["std1_ddof1"]);
    expect_near(X.max(0).compute(), ref()["max0"], 0);
    expect_near(X.min(1).compute(), ref()["min1"], 0);
    expect_near(X.argmax(0).compute(), ref()["argmax0"], 0);
    expect_near(X.argmin(1).compute(), ref()["argmin1"], 0);
    expect_near(X.count_nonzero(0).compute(), ref()["count_nonzero0"], 0);
    expect_near((X > 5.0).any(0).compute(), ref()["any0_gt5"], 0);
    expect_near(X.slice({{0, 6}, {0, 3}}).prod(0).compute(), ref()["prod0_slice"]);
    EXPECT_EQ(X.sum(0, true).shape(), (rw::Shape{1, 5}));
    EXPECT_THROW((void)X.sum(2), rw::IndexError);
  }
}

TEST(Array, NanReductions) {
  auto b = matrix(ref()["A"]);
  for (const auto& at : ref()["B_nan_at"]) b(at[0].get<int>(), at[1].get<int>()) = std::nan("");
  for (const auto& chunks : chunkings()) {
    const auto B = rw::from_ndarray(b, chunks);
    EXPECT_NEAR(B.nansum().compute(), ref()["nansum"].get<double>(), 1e-12);
    EXPECT_TRUE(std::isnan(B.sum().compute()));
    expect_near(B.nanmean(0).compute(), ref()["nanmean0"]);
    EXPECT_EQ(rw::isnan(B).count_nonzero().compute(), 2);
    EXPECT_EQ(rw::nan_to_num(B).nansum().compute(), B.nansum().compute());
  }
}

TEST(Array, FusedElementwiseAndBroadcasting) {
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    expect_near((rw::exp(X / 4) * 2 + 1).compute(), ref()["fused"]);
    EXPECT_NEAR((rw::exp(X / 4) * 2 + 1).sum().compute(), ref()["fused_sum"].get<double>(), 1e-12);
    EXPECT_NEAR(rw::pow(X * 2 + 1, 2).sum().compute(), ref()["square_sum"].get<double>(), 1e-14 * 7842);
    expect_near(rw::where(X > 0.0, X, -X).compute(), ref()["where_abs"], 0);
    expect_near(rw::abs(X).compute(), ref()["where_abs"], 0);
    expect_near(rw::clip(X, -1.0, 2.0).compute(), ref()["clip"], 0);
    expect_near((X > 0.0).compute(), ref()["gt0"], 0);
    // Broadcasting a row over the columns' chunks, and a column over the rows'.
    const auto& c = X.chunks();
    const auto row = rw::from_ndarray(matrix(ref()["row"]), rw::Chunks{c[1]});
    const auto col = rw::from_ndarray(matrix(ref()["col"]), rw::Chunks{c[0], {1}});
    expect_near((X + row).compute(), ref()["plus_row"]);
    expect_near((row - X).compute(), ref()["row_minus_A"]);
    expect_near((X * col).compute(), ref()["times_col"]);
  }
}

// Scalar arithmetic on float64 arrays chains into one node per run of up to eight steps: the
// values are those of one operation at a time (bit for bit), also past eight steps, when the
// chain's prefix is shared with another expression, and against float32 and int64 arrays,
// which keep one node per operation.
TEST(Array, ScalarChainsEqualOneOperationAtATime) {
  const auto X = rw::random::random({301, 7}, rw::Chunks{{100, 1, 200}, {3, 4}}, 11);
  const auto x = X.compute();
  const auto prefix = X * 0.1 + 0.3;
  const auto a = -(2.0 - prefix / 3.0) * 7.0;
  const auto b = rw::pow(prefix, 2);
  auto c = prefix;
  for (int i = 0; i < 11; ++i) c = 1.5 / (c - 0.25) + 1.0;  // 33 steps: five nodes
  const auto ra = a.compute(), rb = b.compute(), rc = c.compute();
  for (std::int64_t k = 0; k < x.size(); ++k) {
    double p = x.data()[k] * 0.1;
    p = p + 0.3;
    double want_a = p / 3.0;
    want_a = 2.0 - want_a;
    want_a = -want_a;
    want_a = want_a * 7.0;
    double want_c = p;
    for (int i = 0; i < 11; ++i) {
      want_c = want_c - 0.25;
      want_c = 1.5 / want_c;
      want_c = want_c + 1.0;
    }
    ASSERT_EQ(std::bit_cast<std::uint64_t>(ra.data()[k]), std::bit_cast<std::uint64_t>(want_a)) << k;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(rb.data()[k]), std::bit_cast<std::uint64_t>(p * p)) << k;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(rc.data()[k]), std::bit_cast<std::uint64_t>(want_c)) << k;
  }
  EXPECT_EQ((X.astype<float>() * 2.0f + 1.0f).compute().data()[5], static_cast<float>(x.data()[5]) * 2.0f + 1.0f);
  EXPECT_EQ((-(rw::arange<std::int64_t>(0, 10, 1, 3) * 3 + 1)).sum().compute(), -145);
}

TEST(Array, CreationMatchesNumpy) {
  EXPECT_EQ(rw::arange<std::int64_t>(0, 1000, 3, 77).sum().compute(), ref()["int_arange_sum"].get<std::int64_t>());
  expect_near(rw::linspace(-1.0, 2.0, 13, 5).compute(), ref()["linspace"], 1e-15);
  expect_near(rw::eye<double>(3, 2, 4, 1).compute(), ref()["eye_3_4_k1"], 0);
  expect_near((rw::from_ndarray(rw::NDArray<std::int64_t>({2, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 2) / 4).compute(), ref()["int_div"], 0);
  expect_near((rw::arange<std::int64_t>(0, 10, 1, 3).reshape({2, 5}) / 4).compute(), ref()["int_div"], 0);
  EXPECT_EQ(rw::full<float>({4, 3}, 2.5f, 2).sum().compute(), 30.0f);
  EXPECT_EQ(rw::ones<std::int32_t>({7}, 3).sum().compute(), 7);
  EXPECT_EQ(rw::zeros<double>({0, 3}, 2).sum().compute(), 0.0);
}

// Each rank brings its own rows; rank r holds r + 1 rows of value r.
TEST(Array, FromLocalBlocks) {
  const int r = comm().rank(), p = comm().size();
  rw::NDArray<double> mine({r + 1, 2}, double(r));
  const auto X = rw::from_local_blocks(std::move(mine));
  EXPECT_EQ(X.shape(), (rw::Shape{p * (p + 1) / 2, 2}));
  double expected = 0;
  for (int k = 0; k < p; ++k) expected += 2.0 * k * (k + 1);
  EXPECT_EQ(X.sum().compute(), expected);
  const auto blocks = X.local_blocks();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].first, r);
  EXPECT_EQ(blocks[0].second.shape(), (rw::Shape{r + 1, 2}));
  if (p > 1) {
    rw::NDArray<double> bad({1, r == 0 ? 3 : 2});
    EXPECT_THROW((void)rw::from_local_blocks(std::move(bad)), rw::ShapeError);
    // A 0-d array on one rank only: every rank throws (none is left in the allgather).
    rw::NDArray<double> odd = r == p - 1 ? rw::NDArray<double>(rw::Shape{}) : rw::NDArray<double>({2, 2});
    EXPECT_THROW((void)rw::from_local_blocks(std::move(odd)), rw::ShapeError);
  }
}

// The vectorised Philox used for whole rows gives Random123's words exactly.
TEST(Array, VectorisedPhiloxMatchesRandom123) {
  EXPECT_TRUE(rw::random::detail::philox_lanes_match_random123(42, 0));
  EXPECT_TRUE(rw::random::detail::philox_lanes_match_random123(0xDEADBEEFCAFEULL, (1ULL << 32) - 10));
  // Runs of doubles (the AVX2 path where the CPU has it, 32 counters at a time, with a scalar
  // tail) equal element-by-element draws, also where the counter's low word wraps (2^33 - 100
  // doubles = pair counter 2^32 - 50) and from odd starts.
  for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{7}, (std::uint64_t{1} << 33) - 100}) {
    std::vector<double> run(301), one(1);
    rw::random::detail::uniform01_run(9, first, 301, run.data());
    for (std::uint64_t k = 0; k < run.size(); ++k) {
      rw::random::detail::uniform01_run(9, first + k, 1, one.data());
      ASSERT_EQ(run[k], one[0]) << "element " << first + k;
    }
  }
  // Whole-row blocks (fast path) and partial-row blocks (per element) give the same values.
  EXPECT_EQ(rw::random::random({40, 6}, rw::ChunkSpec{7, 6}, 5).compute(),
            rw::random::random({40, 6}, rw::ChunkSpec{7, 4}, 5).compute());
}

// Same seed, same values: for any chunking (and, run at np 1/2/3, any number of ranks).
TEST(Array, RandomIsIndependentOfChunksAndRanks) {
  const auto a = rw::random::random({50, 7}, rw::ChunkSpec{50, 7}, 42).compute();
  const auto b = rw::random::random({50, 7}, rw::Chunks{{1, 20, 29}, {3, 4}}, 42).compute();
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == rw::random::random({50, 7}, rw::ChunkSpec{50, 7}, 43).compute());
  for (auto v : a) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  // Golden values made at np 1 with these chunks: equal bits at every rank count.
  const double s = rw::random::random({1000, 3}, rw::ChunkSpec{77, 2}, 7).sum().compute();
  EXPECT_EQ(std::bit_cast<std::uint64_t>(s), std::bit_cast<std::uint64_t>(
      rw::random::random({1000, 3}, rw::ChunkSpec{77, 2}, 7).persist().sum().compute()));
  const auto n = rw::random::normal(0.0, 1.0, {200000}, 30000, 3);
  EXPECT_NEAR(n.mean().compute(), 0.0, 0.01);
  EXPECT_NEAR(n.std().compute(), 1.0, 0.01);
  const auto u = rw::random::uniform(-2.0, 6.0, {200000}, 30000, 3);
  EXPECT_NEAR(u.mean().compute(), 2.0, 0.03);
  const auto k = rw::random::randint(3, 9, {100000}, 7000, 5);
  EXPECT_EQ(k.min().compute(), 3);
  EXPECT_EQ(k.max().compute(), 8);
  EXPECT_NEAR(k.astype<double>().mean().compute(), 5.5, 0.03);
}

// Rechunking moves data with one all-to-all; values and order are unchanged.
TEST(Array, RechunkRedistributes) {
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    for (const auto& target : {rw::ChunkSpec{5, 2}, rw::ChunkSpec{37, 1}, rw::ChunkSpec{1, 5},
                               rw::ChunkSpec(rw::Chunks{{20, 17}, {5}})}) {
      const auto Y = X.rechunk(target);
      EXPECT_EQ(Y.chunks(), target.normalize(X.shape(), 8));
      expect_near(Y.compute(), ref()["A"], 0);
      EXPECT_NEAR(Y.sum().compute(), ref()["sum"].get<double>(), 1e-12);
    }
    // Operands chunked differently line up with the first one's chunks, as Dask unifies them
    // (the second is rechunked: one all-to-all), also under broadcasting and in where.
    expect_near((X + A(rw::ChunkSpec{9, 5}).rechunk(rw::ChunkSpec(X.chunks())) - X).compute(), ref()["A"], 0);
    const auto Z = X + A(rw::ChunkSpec{9, 2}) * 2.0;
    EXPECT_EQ(Z.chunks(), X.chunks());
    expect_near((Z / 3.0).compute(), ref()["A"], 1e-15);
    const auto row = rw::from_ndarray(matrix(ref()["row"]), rw::ChunkSpec{1});
    expect_near((X + row).compute(), ref()["plus_row"]);
    expect_near(rw::where(X > 0.0, A(rw::ChunkSpec{5, 1}), -A(rw::ChunkSpec{37, 5})).compute(), ref()["where_abs"], 0);
  }
  EXPECT_EQ((rw::zeros<double>({10}, 3) > 1.0).rechunk(4).compute(), rw::NDArray<bool>({10}, false));
}

TEST(Array, ConcatenateStackBroadcastReshapeTakeMask) {
  const auto row = rw::from_ndarray(matrix(ref()["row"]), 2);
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    expect_near(rw::concatenate<double>({X, X.slice({{0, 4}}) * 2.0}, 0).compute(), ref()["concat0"], 0);
    expect_near(rw::concatenate<double>({X, A(rw::ChunkSpec{6, 1}).slice({{}, {0, 2}})}, 1).compute(), ref()["concat1"], 0);
    expect_near(rw::stack<double>({X, -X, X * 3.0}, 0).sum(1).compute(), ref()["stack0_sum1"]);
    const auto s2 = rw::stack<double>({X, X * 2.0}, 2);
    EXPECT_EQ(s2.shape(), (rw::Shape{37, 5, 2}));
    expect_near(s2.reshape({37, 10}).compute(), ref()["stack2"], 0);
    expect_near(X.reshape({5, 37}).compute(), ref()["reshape_5_37"], 0);
    expect_near(X.reshape({-1}).slice({{0, std::nullopt, 7}}).compute(), ref()["reshape_flat_sum"], 0);
    expect_near(X.reshape({185, 1}).slice({{0, 9}}).compute(), ref()["reshape_185_1"], 0);
    expect_near(X.take({3, -1, 0, 3, 20, 36}).compute(), ref()["take"], 0);
    expect_near(X[X.slice({{}, {0, 1}}).reshape({37}) > 1.0].compute(), ref()["mask_rows"], 0);
  }
  expect_near(rw::broadcast_to(row, {4, 5}).compute(), ref()["broadcast_row"], 0);
  EXPECT_THROW((void)rw::broadcast_to(row, {4, 3}), rw::ShapeError);
  EXPECT_THROW((void)A(10).reshape({7, 7}), rw::ShapeError);
  EXPECT_THROW((void)A(10).take({37}), rw::IndexError);
  EXPECT_THROW((void)rw::concatenate<double>({A(10), row}, 0), rw::ShapeError);
}

// N-d arrays: creation, elementwise operations and reductions along every axis, against a
// direct loop over the computed values.
TEST(Array, ThreeDimensionalReductions) {
  const auto X = rw::random::random({4, 5, 6}, rw::ChunkSpec{3, 2, 4}, 11);
  const auto x = X.compute();
  for (int axis = 0; axis < 3; ++axis) {
    const auto s = (X * 2.0 + 1.0).sum(axis).compute();
    const rw::Shape expected_shape = axis == 0 ? rw::Shape{5, 6} : axis == 1 ? rw::Shape{4, 6} : rw::Shape{4, 5};
    ASSERT_EQ(s.shape(), expected_shape);
    for (std::int64_t p = 0; p < s.size(); ++p) {
      const std::int64_t a = p / s.shape()[1], b = p % s.shape()[1];
      double want = 0;
      for (std::int64_t t = 0; t < X.shape()[static_cast<std::size_t>(axis)]; ++t) {
        const double v = axis == 0 ? x(t, a, b) : axis == 1 ? x(a, t, b) : x(a, b, t);
        want += v * 2.0 + 1.0;
      }
      EXPECT_NEAR(s.data()[p], want, 1e-12) << "axis " << axis << " element " << p;
    }
  }
  EXPECT_EQ(rw::ones<std::int32_t>({2, 3, 4}, 2).sum().compute(), 24);
  EXPECT_EQ(X.transpose().shape(), (rw::Shape{6, 5, 4}));
  EXPECT_EQ(X.transpose().compute()(5, 4, 3), x(3, 4, 5));
}

// Sums and means along an axis add each tile's values per output element, then fold them in
// once per tile: blocks of many tiles whose tiles end inside rows of every axis, against a
// direct loop.
TEST(Array, AxisSumsOverManyTiles) {
  const auto X = rw::random::random({37, 53, 29}, rw::ChunkSpec{std::vector<std::int64_t>{10, 20, 29}}, 12);
  const auto x = X.compute();
  for (int axis = 0; axis < 3; ++axis) {
    const auto s = X.sum(axis).compute(), m = X.mean(axis).compute();
    const auto along = X.shape()[static_cast<std::size_t>(axis)];
    for (std::int64_t p = 0; p < s.size(); ++p) {
      const std::int64_t a = p / s.shape()[1], b = p % s.shape()[1];
      double want = 0;
      for (std::int64_t t = 0; t < along; ++t) want += axis == 0 ? x(t, a, b) : axis == 1 ? x(a, t, b) : x(a, b, t);
      EXPECT_NEAR(s.data()[p], want, 1e-12) << "axis " << axis << " element " << p;
      EXPECT_NEAR(m.data()[p], want / static_cast<double>(along), 1e-14) << "axis " << axis << " element " << p;
    }
  }
  // Tall and narrow (the common column mean): blocks of 1,000 rows x 7, tiles of 1,024 values.
  const auto T = rw::random::random({5'003, 7}, rw::ChunkSpec{std::vector<std::int64_t>{1'000, 7}}, 13);
  const auto t = T.compute();
  const auto col = T.mean(0).compute();
  for (std::int64_t j = 0; j < 7; ++j) {
    double want = 0;
    for (std::int64_t i = 0; i < 5'003; ++i) want += t(i, j);
    EXPECT_NEAR(col(j), want / 5'003.0, 1e-14);
  }
  const auto row = T.sum(1).compute();
  for (std::int64_t i = 0; i < 5'003; i += 97) EXPECT_NEAR(row(i), t(i, 0) + t(i, 1) + t(i, 2) + t(i, 3) + t(i, 4) + t(i, 5) + t(i, 6), 1e-14);
}

// The elementwise operations the fused test does not reach, against numpy.
TEST(Array, EveryElementwiseOperationMatchesNumpy) {
  auto c = matrix(ref()["A"]);
  c(0, 0) = HUGE_VAL;
  c(1, 1) = -HUGE_VAL;
  c(2, 2) = std::nan("");
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    const double ulp = 4e-16;  // libm's functions are within an ulp or two of numpy's
    expect_near(rw::log(rw::abs(X) + 1).compute(), ref()["log_abs1"], ulp);
    expect_near(rw::log1p(rw::abs(X)).compute(), ref()["log1p_abs"], ulp);
    expect_near(rw::sqrt(rw::abs(X)).compute(), ref()["sqrt_abs"], 0);
    expect_near(rw::sin(X).compute(), ref()["sin"], ulp);
    expect_near(rw::cos(X).compute(), ref()["cos"], ulp);
    expect_near(rw::tanh(X / 3).compute(), ref()["tanh3"], ulp);
    expect_near(rw::exp(-rw::abs(X)).compute(), ref()["exp_neg"], ulp);
    expect_near((X == 0.0).compute(), ref()["eq0"], 0);
    expect_near((X != 0.0).compute(), ref()["ne0"], 0);
    expect_near((X < 1.0).compute(), ref()["lt1"], 0);
    expect_near((X <= 0.0).compute(), ref()["le0"], 0);
    expect_near((X >= 1.0).compute(), ref()["ge1"], 0);
    expect_near((2.0 < X).compute(), ref()["two_lt"], 0);
    expect_near(rw::logical_and(X > 0.0, X < 3.0).compute(), ref()["and"], 0);
    expect_near(((X < -3.0) || (X > 3.0)).compute(), ref()["or"], 0);
    expect_near((!(X > 0.0)).compute(), ref()["not"], 0);
    expect_near((X * X - X / (rw::abs(X) + 1) + X).compute(), ref()["array_array"], 1e-15);
    expect_near(rw::pow(rw::abs(X) + 1, X / 4).compute(), ref()["pow_aa"], 1e-15);
    expect_near((1.5 - X).compute(), ref()["scalar_minus"], 0);
    expect_near((3.0 / (rw::abs(X) + 1)).compute(), ref()["scalar_div"], 0);
    expect_near(rw::where(X > 0.0, X, -1.5).compute(), ref()["where_scalar"], 0);
    expect_near(rw::where(X > 0.0, X, X * 10).compute(), ref()["where_both"], 0);
    expect_near(rw::nan_to_num(rw::from_ndarray(c, chunks), 0.5, 100.0, -100.0).compute(), ref()["nan_to_num_inf"], 0);
    expect_near(X.astype<std::int64_t>().compute(), ref()["astype_int"], 0);
    EXPECT_EQ(X.astype<bool>().count_nonzero().compute(), ref()["astype_bool_count"].get<std::int64_t>());
  }
}

// The reductions and options FullReductions/AxisReductions do not reach.
TEST(Array, MoreReductionsAndKeepdims) {
  auto b = matrix(ref()["A"]);
  for (const auto& at : ref()["B_nan_at"]) b(at[0].get<int>(), at[1].get<int>()) = std::nan("");
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    const auto B = rw::from_ndarray(b, chunks);
    EXPECT_EQ(X.max().compute(), ref()["max"].get<double>());
    EXPECT_NEAR(B.nanmean().compute(), ref()["nanmean"].get<double>(), 1e-15);
    expect_near(B.nansum(1).compute(), ref()["nansum1"]);
    expect_near(B.nanmean(1).compute(), ref()["nanmean1"]);
    expect_near((X > -5.0).all(0).compute(), ref()["all0_gtm5"], 0);
    expect_near((X > 8.0).any(1).compute(), ref()["any1_gt8"], 0);
    expect_near(X.count_nonzero(1).compute(), ref()["count_nonzero1"], 0);
    expect_near(X.var(1, false, 1.0).compute(), ref()["var1_ddof1"]);
    EXPECT_NEAR(X.var(2.0).compute(), ref()["var_ddof2"].get<double>(), 1e-12);
    const auto m = X.mean(1, true);
    EXPECT_EQ(m.shape(), (rw::Shape{37, 1}));
    expect_near(m.compute(), ref()["mean1_keepdims"]);
    const auto mx = X.max(0, true);
    EXPECT_EQ(mx.shape(), (rw::Shape{1, 5}));
    expect_near(mx.compute(), ref()["max0_keepdims"], 0);
  }
}

// int64, int32, float32 and bool arrays: the same operations in their own types.
TEST(Array, OtherDtypesMatchNumpy) {
  const auto i_ref = matrix(ref()["I"]);
  rw::NDArray<std::int64_t> i_local(i_ref.shape());
  for (std::int64_t k = 0; k < i_ref.size(); ++k) i_local.data()[k] = static_cast<std::int64_t>(i_ref.data()[k]);
  const auto a = matrix(ref()["A"]);
  rw::NDArray<float> f_local(a.shape());
  for (std::int64_t k = 0; k < a.size(); ++k) f_local.data()[k] = static_cast<float>(a.data()[k]);
  for (const auto& chunks : chunkings()) {
    const auto I = rw::from_ndarray(i_local, chunks);
    EXPECT_EQ(I.dtype(), "int64");
    EXPECT_EQ(I.sum().compute(), ref()["I_sum"].get<std::int64_t>());
    expect_near(I.sum(0).compute(), ref()["I_sum0"], 0);
    EXPECT_EQ(I.max().compute(), ref()["I_max"].get<std::int64_t>());
    expect_near(I.min(1).compute(), ref()["I_min1"], 0);
    EXPECT_EQ(I.argmin().compute(), ref()["I_argmin"].get<std::int64_t>());
    EXPECT_NEAR(I.mean().compute(), ref()["I_mean"].get<double>(), 1e-15 * 1000);
    expect_near(I.var(0).compute(), ref()["I_var0"], 1e-12);
    EXPECT_EQ(I.slice({{0, 3}, {0, 2}}).prod().compute(), ref()["I_prod_slice"].get<std::int64_t>());
    expect_near((I * 3 - 7).compute(), ref()["I_floordiv_mix"], 0);
    expect_near((I / 8).compute(), ref()["I_true_div"], 0);
    const auto I32 = I.astype<std::int32_t>();
    EXPECT_EQ(I32.dtype(), "int32");
    EXPECT_EQ(I32.sum().compute(), ref()["I32_sum"].get<std::int64_t>());  // int32 sums widen, as numpy's
    const auto F = rw::from_ndarray(f_local, chunks);
    EXPECT_EQ(F.dtype(), "float32");
    expect_near(F.sum(0).compute(), ref()["F_sum0"], 1e-5);
    EXPECT_NEAR(F.mean().compute(), ref()["F_mean"].get<double>(), 1e-6);
    EXPECT_EQ(F.max().compute(), static_cast<float>(ref()["F_max"].get<double>()));
    expect_near((F * 2.0f + 1.0f).compute(), ref()["F_expr"], 0);
    const auto Bo = A(chunks) > 0.0;
    EXPECT_EQ(Bo.dtype(), "bool");
    EXPECT_EQ(Bo.astype<std::int64_t>().sum().compute(), ref()["bool_sum"].get<std::int64_t>());
    EXPECT_EQ(Bo.count_nonzero().compute(), ref()["bool_sum"].get<std::int64_t>());
    expect_near((A(chunks) > -9.0).all(0).compute(), ref()["bool_all0"], 0);
  }
}

// Slices clamp to the array as numpy's and dask's do (x[10:1000] of 37 rows is rows 10..36);
// an index that names a missing element (take) is the IndexError.
TEST(Array, SlicesClampAsNumpyDoes) {
  for (const auto& chunks : chunkings()) {
    const auto X = A(chunks);
    expect_near(X.slice({{30, 1000}, {-1000, 2}}).compute(), ref()["slice_clamp"], 0);
    EXPECT_EQ(X.slice({{40, 50}}).shape(), (rw::Shape{0, 5}));
    EXPECT_EQ(X.slice({{40, 50}}).sum().compute(), 0.0);
  }
}

// argmin/argmax over the whole array take the first flat position on ties, also when the tied
// elements lie in blocks side by side (an earlier block can hold a later flat position).
TEST(Array, ArgExtremaBreakTiesByFlatPosition) {
  rw::NDArray<double> x(rw::Shape{37, 5}, 0.0);
  x(9, 0) = 7.0;  // block (0, 0), flat 45
  x(0, 3) = 7.0;  // block (0, 1), flat 3
  x(20, 1) = -2.0;  // block (2, 0), flat 101
  x(12, 4) = -2.0;  // block (1, 1), flat 64
  for (const auto& chunks : {rw::ChunkSpec{10, 3}, rw::ChunkSpec{1, 1}, rw::ChunkSpec{37, 5}, rw::ChunkSpec{5, 2}}) {
    const auto X = rw::from_ndarray(x, chunks);
    EXPECT_EQ(X.argmax().compute(), 3);
    EXPECT_EQ(X.argmin().compute(), 64);
    EXPECT_EQ(rw::full<double>({6, 4}, 1.5, rw::ChunkSpec{2, 3}).argmin().compute(), 0);
  }
  rw::NDArray<double> n(rw::Shape{4, 4}, 1.0);
  n(2, 0) = std::nan("");
  n(0, 3) = std::nan("");
  EXPECT_EQ(rw::from_ndarray(n, rw::ChunkSpec{2, 2}).argmax().compute(), 3);  // the first NaN, as numpy
}

// For a given chunking, every reduction is bitwise the same on 1, 2 and 3 ranks: the test
// computes on the whole communicator and again on sub-communicators of every smaller size.
TEST(Array, ReductionsBitwiseIdenticalAtEveryRankCount) {
  const auto values = [] {
    const auto X = rw::random::normal(3.0, 2.0, {20011, 6}, rw::Chunks{{5000, 1, 7000, 8010}, {4, 2}}, 17);
    const auto F = X.astype<float>();
    std::vector<double> v{X.sum().compute(), X.mean().compute(), X.var().compute(), X.std(1.0).compute(),
                          X.nansum().compute(), (1.0 + X / 1e5).prod().compute(), (rw::exp(X / 8) * 2 + 1).sum().compute(),
                          static_cast<double>(F.sum().compute()), F.var().compute()};
    for (const auto& r : {X.sum(0).compute(), X.var(0).compute(), X.std(1).compute(), X.mean(1).compute()})
      v.insert(v.end(), r.begin(), r.end());
    return v;
  };
  const auto whole = values();
  const int rank = comm().rank();
  for (int size = 1; size < comm().size(); ++size) {
    const auto part = comm().split(rank < size ? 0 : 1 + rank, rank);  // ranks 0..size-1 together, the rest alone
    std::vector<double> got;
    {
      rw::DefaultCommScope scope(part);
      got = values();
    }
    ASSERT_EQ(got.size(), whole.size());
    for (std::size_t k = 0; k < whole.size(); ++k)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(got[k]), std::bit_cast<std::uint64_t>(whole[k])) << "value " << k << " on " << part.size() << " ranks";
  }
}

TEST(Array, ErrorsNameTheShapes) {
  const auto X = A(rw::ChunkSpec{10, 5});
  const auto y = rw::zeros<double>({4}, 2);
  try {
    (void)(X + y);
    ADD_FAILURE() << "no error";
  } catch (const rw::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("(37, 5) and (4,)"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)X.slice({{0, 10, 0}}), rw::IndexError);  // a zero step
  EXPECT_THROW((void)X.slice({{0, 1}, {0, 1}, {0, 1}}), rw::IndexError);
}
