// The API sketch of ../shared/DESIGN.md — the public names users' programs are written against —
// compiled and run at 1, 2 and 3 ranks on small committed data. If this file stops compiling,
// the contract changed. (Data paths and sizes differ from the sketch; the calls do not.)
#include <cmath>
#include <filesystem>
#include <numeric>

#include "rankwise/rankwise.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;

namespace {

double avg(const std::vector<double>& xs) { return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size()); }
double add(double a, double b) { return a + b; }

std::string temp_dir() {
  std::string dir;
  if (rw::testing::comm().is_root()) {
    dir = (std::filesystem::temp_directory_path() / ("rankwise-sketch-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
  }
  rw::bcast(rw::testing::comm(), dir, 0);
  return dir;
}

TEST(ApiSketch, DaskArray) {
  auto X = rw::random::random({4, 4}, {2, 2}, /*seed=*/0);   // rw::Array<double>, lazy
  EXPECT_EQ(X.npartitions(), 4);
  EXPECT_EQ(X.shape(), (rw::Shape{4, 4}));
  (void)X.chunks();
  rw::NDArray<double> r = rw::dot(X, X).compute();           // full result on every rank
  EXPECT_EQ(r.shape(), (rw::Shape{4, 4}));
  auto Xl = rw::random::random({10000, 20}, {1000, 20}, 1);
  auto y = rw::random::random({10000}, {10000}, 2);
  auto w = rw::dot(rw::dot(rw::linalg::inv(rw::dot(Xl.T(), Xl)), Xl.T()), y).compute();
  EXPECT_EQ(w.size(), 20);
  auto s = (rw::exp(Xl) * 2 + 1).sum().compute();            // fused, one pass
  EXPECT_GT(s, 0);
  auto v = Xl.slice({{10, 1000}, {0, -2}}).std(/*axis=*/0);   // x[10:1000, :-2].std(axis=0)
  EXPECT_EQ(v.compute().size(), 18);
  auto [q, rr] = rw::linalg::qr(Xl);                          // TSQR
  EXPECT_EQ(q.shape(), Xl.shape());
  auto [coef, residuals, rank, sv] = rw::linalg::lstsq(Xl, y);
  EXPECT_EQ(rank, 20);
  for (std::int64_t k = 0; k < 20; ++k) EXPECT_NEAR(coef(k), w(k), 1e-8);
  auto H = rw::io::read_hdf5<double>(rw::testing::data_path("hdf5/layouts.h5"), "/group/chunked_f32", {50, 3});  // lazy
  const auto out = temp_dir() + "/out.h5";
  rw::io::to_hdf5(H * 2.0, out, "/X2");                      // collective, atomic
  EXPECT_EQ(rw::io::read_hdf5<double>(out, "/X2", {50, 3}).sum().compute(), 2 * H.sum().compute());
  rw::testing::comm().barrier();
  if (rw::testing::comm().is_root()) std::filesystem::remove_all(std::filesystem::path(out).parent_path());
}

TEST(ApiSketch, DaskDataFrame) {
  auto ddf = rw::read_csv(rw::testing::data_path("frame/multi/part-*.csv"),
                          {.assume_missing = true, .skip_blank_lines = true, .on_bad_lines = rw::BadLines::skip});
  EXPECT_EQ(ddf.columns().size(), 6u);                       // std::vector<std::string>
  ddf["fare_amount"] = ddf["fare_amount"].astype<double>();
  double mean = ddf["fare_amount"].mean().compute();
  std::int64_t rows = ddf.num_rows();                        // collective, eager, like len(ddf)
  EXPECT_EQ(rows, 88);
  EXPECT_TRUE(std::isfinite(mean));
  std::ostringstream printed;
  printed << ddf.head();                                     // first 5 rows, as a table
  EXPECT_NE(printed.str().find("[5 rows x 6 columns]"), std::string::npos);
  rw::Table tips = ddf.groupby("passenger_count")["tip_amount"].mean().compute();
  EXPECT_EQ(tips.column<double>("tip_amount").size(), tips.column<double>("passenger_count").size());
}

TEST(ApiSketch, DaskDelayed) {
  const std::vector<double> l1{1, 2, 3, 4, 5, 6}, l2{10, 20, 30};
  auto l1_avg = rw::delayed(avg)(l1);
  auto l2_avg = rw::delayed(avg)(l2);
  auto result = rw::delayed(add)(l1_avg, l2_avg);
  const auto dir = temp_dir();
  result.visualize(dir + "/graph.dot");                      // .dot always; .svg/.png via Graphviz
  double value = result.compute();
  EXPECT_EQ(value, 23.5);
  rw::testing::comm().barrier();
  if (rw::testing::comm().is_root()) std::filesystem::remove_all(dir);
}

TEST(ApiSketch, DaskMl) {
  auto [Xb, yb] = rw::ml::datasets::make_blobs({.n_samples = 100'000, .n_features = 2,
                                                .centers = 3, .chunks = 10'000, .random_state = 0});
  Xb = Xb.persist();                                         // materialised, distributed
  rw::ml::KMeans km({.n_clusters = 3, .init_max_iter = 2, .oversampling_factor = 10});
  km.fit(Xb);
  EXPECT_EQ(km.cluster_centers().shape(), (rw::Shape{3, 2}));
  EXPECT_EQ(km.labels().shape(), (rw::Shape{100'000}));
  EXPECT_GT(km.inertia(), 0);
  EXPECT_GE(km.n_iter(), 1);
  auto H = rw::random::random({1000, 3}, {250, 3}, 5);
  auto y = rw::dot(H, rw::from_ndarray(rw::NDArray<double>(rw::Shape{3}, {1.0, -2.0, 0.5}))) + 4.0;
  rw::ml::LinearRegression lr;                               // Params{} defaults, like scikit-learn
  lr.fit(H, y);
  EXPECT_NEAR(lr.coef()(1), -2.0, 1e-9);
  EXPECT_NEAR(lr.intercept(), 4.0, 1e-9);
  EXPECT_NEAR(lr.score(H, y), 1.0, 1e-12);
}

}  // namespace
