// dask-ml style estimators against scikit-learn (tests/data/ml/expected.json, made by
// make_fixtures.py), at 1, 2 and 3 ranks and several chunkings; identical models across rank
// counts; save -> load -> predict; the user errors.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "rankwise/rankwise.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;
using nlohmann::json;

namespace {

const json& fixture() {
  static const json all = [] {
    std::ifstream in(rw::testing::data_path("ml/expected.json"));
    return json::parse(in);
  }();
  return all;
}

rw::NDArray<double> matrix(const json& rows) {
  const auto n = static_cast<std::int64_t>(rows.size()), d = static_cast<std::int64_t>(rows[0].size());
  rw::NDArray<double> a(rw::Shape{n, d});
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j) a(i, j) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].get<double>();
  return a;
}

template <class T>
rw::NDArray<T> vector_of(const json& v) {
  rw::NDArray<T> a(rw::Shape{static_cast<std::int64_t>(v.size())});
  for (std::size_t i = 0; i < v.size(); ++i) a.data()[i] = v[i].get<T>();
  return a;
}

rw::Array<double> X_of(const std::string& name, std::int64_t chunk) {
  const auto m = matrix(fixture()[name]["X"]);
  return rw::from_ndarray(m, rw::ChunkSpec(std::vector<std::int64_t>{chunk, m.shape()[1]}));
}
template <class T>
rw::Array<T> y_of(const std::string& name, std::int64_t chunk) {
  return rw::from_ndarray(vector_of<T>(fixture()[name]["y"]), rw::ChunkSpec(chunk));
}

void expect_near_all(const rw::NDArray<double>& got, const json& want, double tol, const std::string& what) {
  std::vector<double> flat;
  if (want[0].is_array())
    for (const auto& r : want)
      for (const auto& v : r) flat.push_back(v.get<double>());
  else
    for (const auto& v : want) flat.push_back(v.get<double>());
  ASSERT_EQ(got.size(), static_cast<std::int64_t>(flat.size())) << what;
  for (std::size_t i = 0; i < flat.size(); ++i)
    EXPECT_NEAR(got.data()[i], flat[i], tol * std::max(1.0, std::fabs(flat[i]))) << what << " [" << i << "]";
}

std::string temp_path(const std::string& name) {
  std::string dir;
  if (rw::testing::comm().is_root()) dir = std::filesystem::temp_directory_path() / ("rankwise-ml-" + std::to_string(::getpid()));
  rw::bcast(rw::testing::comm(), dir, 0);
  if (rw::testing::comm().is_root()) std::filesystem::create_directories(dir);
  rw::testing::comm().barrier();
  return dir + "/" + name;
}

// Chunkings: one block, uneven blocks, more blocks than ranks.
const std::int64_t kChunks[] = {1000, 70, 23};

// ---- KMeans ---------------------------------------------------------------------------------------

TEST(KMeans, MatchesScikitLearnBestOfNInit) {
  const auto& f = fixture()["blobs"];
  for (const std::string init : {"k-means||", "k-means++", "random"})
    for (const auto chunk : kChunks) {
      SCOPED_TRACE(init + " chunk " + std::to_string(chunk));
      // tol = 0: iterate to the fixed point, as scikit-learn's strict convergence does.
      rw::ml::KMeans km({.n_clusters = 3, .init_max_iter = 3, .oversampling_factor = 5, .init = init, .tol = 0, .n_init = 3,
                         .random_state = 7});
      km.fit(X_of("blobs", chunk));
      // Inertia within 1% of scikit-learn's best of 10 initialisations.
      EXPECT_LE(km.inertia(), f["inertia"].get<double>() * 1.01);
      // Centers equal up to a permutation.
      const auto& c = km.cluster_centers();
      const auto want = matrix(f["centers"]);
      std::set<std::int64_t> used;
      for (std::int64_t i = 0; i < 3; ++i) {
        std::int64_t best = -1;
        double best_d = 1e300;
        for (std::int64_t j = 0; j < 3; ++j) {
          const double d = std::hypot(c(i, 0) - want(j, 0), c(i, 1) - want(j, 1));
          if (d < best_d) { best_d = d; best = j; }
        }
        EXPECT_LT(best_d, 0.05) << "center " << i;  // optima differ by a boundary point or two (PLATFORM.md: compare inertia)
        used.insert(best);
      }
      EXPECT_EQ(used.size(), 3u);
      EXPECT_GE(km.n_iter(), 1);
      // score = -inertia, labels agree with predict on the training data.
      EXPECT_NEAR(km.score(X_of("blobs", chunk)), -km.inertia(), 1e-9 * km.inertia());
      const auto labels = km.labels().compute();
      EXPECT_EQ(labels.size(), 300);
      // transform: distances, the smallest at the label.
      const auto dist = km.transform(X_of("blobs", chunk)).compute();
      for (std::int64_t i = 0; i < 300; ++i)
        for (std::int64_t j = 0; j < 3; ++j) EXPECT_LE(dist(i, labels.data()[i]), dist(i, j) + 1e-12);
    }
}

TEST(KMeans, TheSameModelAtAnyRankCountAndChunking) {
  // Across chunkings to rounding here, and bitwise equal on every rank of the run (equality
  // across rank counts: BitwiseIdenticalAtEveryRankCount).
  std::vector<double> first;
  for (const auto chunk : kChunks) {
    rw::ml::KMeans km({.n_clusters = 4, .random_state = 3});
    km.fit(X_of("blobs", chunk));
    std::vector<double> got(km.cluster_centers().data(), km.cluster_centers().data() + 8);
    got.push_back(km.inertia());
    if (first.empty()) first = got;
    // Chunking changes the order of additions, not the result beyond rounding.
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], first[i], 1e-9 * std::max(1.0, std::fabs(first[i])));
  }
  // Bitwise identical on every rank of this run.
  EXPECT_TRUE(rw::testing::same_on_all_ranks(first));
}

// The same fit on the whole run and on every group of a split (groups of 1 and of P - 1 ranks):
// bitwise identical centers and inertia, whatever the number of ranks.
TEST(KMeans, BitwiseIdenticalAtEveryRankCount) {
  const auto& world = rw::testing::comm();
  const auto fit = [] {
    std::vector<double> out;
    for (const std::string algorithm : {"lloyd", "mixed"}) {
      rw::ml::KMeans km({.n_clusters = 4, .n_init = 2, .random_state = 11, .algorithm = algorithm});
      km.fit(X_of("blobs", 23));
      out.insert(out.end(), km.cluster_centers().data(), km.cluster_centers().data() + km.cluster_centers().size());
      out.push_back(km.inertia());
    }
    return out;
  };
  const auto whole = fit();
  const auto group = world.split(world.rank() == 0 ? 0 : 1, world.rank());
  std::vector<double> part;
  {
    rw::DefaultCommScope scope(group);
    part = fit();
  }
  EXPECT_EQ(part, whole) << "a fit on " << group.size() << " rank(s) differs from the fit on " << world.size();
  rw::ml::LogisticRegression clf;
  clf.fit(X_of("multinomial", 23), y_of<std::int64_t>("multinomial", 23));
  std::vector<double> w(clf.coef().data(), clf.coef().data() + clf.coef().size());
  {
    rw::DefaultCommScope scope(group);
    rw::ml::LogisticRegression again;
    again.fit(X_of("multinomial", 23), y_of<std::int64_t>("multinomial", 23));
    EXPECT_EQ(std::vector<double>(again.coef().data(), again.coef().data() + again.coef().size()), w);
  }
  // The linear models and the scalers too (both LinearRegression solvers, Ridge, StandardScaler,
  // MinMaxScaler).
  const auto others = [] {
    std::vector<double> out;
    const auto X = X_of("regression", 23);
    const auto y = y_of<double>("regression", 23);
    for (const std::string solver : {"tsqr", "normal"}) {
      rw::ml::LinearRegression lr({.solver = solver});
      lr.fit(X, y);
      out.insert(out.end(), lr.coef().begin(), lr.coef().end());
      out.push_back(lr.intercept());
    }
    rw::ml::Ridge r;
    r.fit(X, y);
    out.insert(out.end(), r.coef().begin(), r.coef().end());
    rw::ml::StandardScaler ss;
    ss.fit(X);
    out.insert(out.end(), ss.scale().begin(), ss.scale().end());
    rw::ml::MinMaxScaler mm;
    mm.fit(X);
    out.insert(out.end(), mm.data_min().begin(), mm.data_min().end());
    return out;
  };
  const auto others_whole = others();
  rw::DefaultCommScope scope(group);
  EXPECT_EQ(others(), others_whole);
}

// The float32 search with float64 re-checks ("mixed") takes the same steps as the float64
// search ("lloyd"): the same number of iterations and the same centers up to rounding in the
// sums (one row assigned differently in any iteration would move a center by far more), on
// blobs, on uniform rows with no structure, and on rows around 10⁶ (centered for float32).
TEST(KMeans, MixedPrecisionTakesTheFloat64Steps) {
  auto uniform = rw::random::random({3000, 7}, {700, 7}, 4).persist();
  const std::vector<std::pair<std::string, rw::Array<double>>> data{
      {"blobs", X_of("blobs", 70)}, {"uniform", uniform}, {"far", (uniform * 3.0 + 1e6).persist()}};
  for (const auto& [name, X] : data)
    for (const std::string init : {"k-means||", "random"}) {
      SCOPED_TRACE(name + " " + init);
      const auto fit = [&](const std::string& algorithm) {
        rw::ml::KMeans km({.n_clusters = 6, .init = init, .max_iter = 40, .tol = 0, .random_state = 5, .algorithm = algorithm});
        km.fit(X);
        return km;
      };
      const auto plain = fit("lloyd"), mixed = fit("mixed");
      EXPECT_EQ(mixed.n_iter(), plain.n_iter());
      const auto& a = plain.cluster_centers();
      const auto& b = mixed.cluster_centers();
      for (std::int64_t i = 0; i < a.size(); ++i) EXPECT_NEAR(b.data()[i], a.data()[i], 1e-12 * std::max(1.0, std::fabs(a.data()[i])));
      EXPECT_NEAR(mixed.inertia(), plain.inertia(), 1e-9 * plain.inertia());
    }
}

TEST(KMeans, BlobsFromTheCounterBasedGenerator) {
  auto [X, y] = rw::ml::datasets::make_blobs({.n_samples = 20'000, .n_features = 2, .centers = 3, .cluster_std = 0.3,
                                              .chunks = 3'000, .random_state = 0});
  X = X.persist();
  rw::ml::KMeans km({.n_clusters = 3, .init_max_iter = 2, .oversampling_factor = 10});
  km.fit(X);
  // Every true center is found (within a few standard errors).
  const auto truth = rw::ml::datasets::blob_centers({.n_samples = 20'000, .n_features = 2, .centers = 3, .chunks = 3'000});
  for (std::int64_t j = 0; j < 3; ++j) {
    double best = 1e300;
    for (std::int64_t i = 0; i < 3; ++i)
      best = std::min(best, std::hypot(km.cluster_centers()(i, 0) - truth(j, 0), km.cluster_centers()(i, 1) - truth(j, 1)));
    EXPECT_LT(best, 0.02) << "true center " << j;  // standard error 0.3/sqrt(6,667) ≈ 0.004
  }
  // The same data whatever the chunking.
  auto [X2, y2] = rw::ml::datasets::make_blobs({.n_samples = 20'000, .n_features = 2, .centers = 3, .cluster_std = 0.3,
                                                .chunks = 7'777, .random_state = 0});
  EXPECT_EQ(rw::abs(X - X2.rechunk(X.chunks())).max().compute(), 0.0);
  EXPECT_EQ((y != y2.rechunk(y.chunks())).astype<std::int64_t>().sum().compute(), 0);
  const double sil = rw::ml::metrics::silhouette_score(X, km.labels(), 500, 1);
  EXPECT_GT(sil, 0.5);
}

// With a sample as large as the data, the sampled silhouette is scikit-learn's exact one.
TEST(Metrics, SilhouetteMatchesScikitLearn) {
  const auto& f = fixture()["blobs"];
  for (const auto chunk : kChunks) {
    const auto labels = rw::from_ndarray(vector_of<std::int64_t>(f["labels"]), rw::ChunkSpec(chunk));
    EXPECT_NEAR(rw::ml::metrics::silhouette_score(X_of("blobs", chunk), labels, 300, 4), f["silhouette"].get<double>(), 1e-12);
    EXPECT_NEAR(rw::ml::metrics::silhouette_score(X_of("blobs", chunk), labels, 1000, 4), f["silhouette"].get<double>(), 1e-12);
  }
}

TEST(KMeans, SaveLoadPredict) {
  const auto path = temp_path("km.h5");
  rw::ml::KMeans km({.n_clusters = 3, .random_state = 1});
  km.fit(X_of("blobs", 70));
  km.save(path);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  const auto back = rw::ml::KMeans::load(path);
  EXPECT_EQ(back.inertia(), km.inertia());
  EXPECT_EQ(back.n_iter(), km.n_iter());
  EXPECT_EQ(back.params().init, "k-means||");
  EXPECT_EQ(back.params().algorithm, "auto");
  const auto a = km.predict(X_of("blobs", 23)).compute(), b = back.predict(X_of("blobs", 23)).compute();
  for (std::int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data()[i], b.data()[i]);
  // A seed above 2^53 comes back exactly (it once went through a double).
  const std::uint64_t seed = (std::uint64_t{1} << 60) + 1;
  rw::ml::KMeans big({.n_clusters = 2, .random_state = seed});
  big.fit(X_of("blobs", 70)).save(path);
  EXPECT_EQ(rw::ml::KMeans::load(path).params().random_state, seed);
}

// max_iter caps the Lloyd iterations; an empty cluster keeps its previous center (two of the
// three random initial centers on the same point: the second gets no row).
TEST(KMeans, MaxIterAndEmptyClusters) {
  rw::ml::KMeans once({.n_clusters = 3, .max_iter = 1, .tol = 0, .random_state = 4});
  once.fit(X_of("blobs", 70));
  EXPECT_EQ(once.n_iter(), 1);
  rw::NDArray<double> two_points(rw::Shape{12, 2}, 0.0);
  for (std::int64_t i = 6; i < 12; ++i) two_points(i, 0) = two_points(i, 1) = 5.0;
  for (const std::uint64_t seed : {0u, 1u, 2u, 3u}) {
    rw::ml::KMeans km({.n_clusters = 3, .init = "random", .random_state = seed});
    km.fit(rw::from_ndarray(two_points, rw::ChunkSpec(std::vector<std::int64_t>{5, 2})));
    const auto& c = km.cluster_centers();
    int at_origin = 0, at_five = 0;
    for (std::int64_t j = 0; j < 3; ++j) {
      at_origin += c(j, 0) == 0.0 && c(j, 1) == 0.0;
      at_five += c(j, 0) == 5.0 && c(j, 1) == 5.0;
    }
    EXPECT_EQ(at_origin + at_five, 3) << "seed " << seed;  // no NaN, no moved empty center
    EXPECT_GE(std::min(at_origin, at_five), 1) << "seed " << seed;
    EXPECT_EQ(km.inertia(), 0.0);
    const auto labels = km.labels().compute();
    EXPECT_EQ(std::set<std::int64_t>(labels.begin(), labels.end()).size(), 2u) << "one cluster stays empty";
  }
}

// predict on an HDF5-backed array streams from the file and equals predict in memory.
TEST(KMeans, PredictsFromAnHdf5File) {
  const auto path = temp_path("blobs.h5");
  const auto X = X_of("blobs", 70);
  rw::io::Hdf5WriteOptions options;
  options.overwrite = true;
  rw::to_hdf5(X, path, "/X", options);
  rw::ml::KMeans km({.n_clusters = 3, .random_state = 2});
  km.fit(X);
  const auto from_file = rw::read_hdf5<double>(path, "/X", 40);
  EXPECT_TRUE(km.predict(from_file).compute() == km.predict(X).compute());
  EXPECT_NEAR(km.score(from_file), km.score(X), 1e-9 * std::abs(km.score(X)));
}

// Model files from before whole numbers became int64 attributes (every number float64) load.
TEST(KMeans, LoadsAFileWithFloatAttributes) {
  const auto km = rw::ml::KMeans::load(rw::testing::data_path("ml/kmeans_float_attrs.h5"));
  EXPECT_EQ(km.params().n_clusters, 2);
  EXPECT_EQ(km.params().max_iter, 300);
  EXPECT_EQ(km.n_iter(), 3);
  EXPECT_EQ(km.inertia(), 4.0);
  const auto X = rw::from_ndarray(rw::NDArray<double>(rw::Shape{3, 2}, {1.0, -1.0, 9.0, 12.0, 4.0, 4.0}), rw::ChunkSpec{2, 2});
  const auto labels = km.predict(X).compute();
  EXPECT_EQ(std::vector<std::int64_t>(labels.begin(), labels.end()), (std::vector<std::int64_t>{0, 1, 0}));
}

TEST(KMeans, UserErrors) {
  rw::ml::KMeans km({.n_clusters = 400});
  EXPECT_THROW(km.fit(X_of("blobs", 70)), rw::ValueError);  // k > n_samples
  try {
    km.fit(X_of("blobs", 70));
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("n_samples=300 should be >= n_clusters=400"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)km.predict(X_of("blobs", 70)), rw::NotFittedError);
  rw::ml::KMeans ok({.n_clusters = 3});
  ok.fit(X_of("blobs", 70));
  EXPECT_THROW((void)ok.predict(rw::random::random({10, 3}, {5, 3}, 1)), rw::ShapeError);  // feature mismatch
  // NaN: the message says where.
  auto m = matrix(fixture()["blobs"]["X"]);
  m(123, 1) = std::nan("");
  try {
    ok.fit(rw::from_ndarray(m, rw::ChunkSpec(std::vector<std::int64_t>{50, 2})));
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("NaN at row 123, column 1"), std::string::npos) << e.what();
  }
  // Inf as the very last value (a block's tail, past its last whole group of eight).
  auto inf = matrix(fixture()["blobs"]["X"]);
  inf(299, 1) = -INFINITY;
  try {
    ok.fit(rw::from_ndarray(inf, rw::ChunkSpec(std::vector<std::int64_t>{50, 2})));
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("Inf at row 299, column 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(rw::ml::KMeans::load(temp_path("missing.h5")), rw::IoError);
  // "mixed" labels with float32 lane indices: more than 2²⁴ centers is an error, not wrong labels.
  const std::int64_t huge = (std::int64_t{1} << 24) + 1;
  rw::ml::KMeans too_many({.n_clusters = huge, .algorithm = "mixed"});
  try {
    too_many.fit(rw::random::random({huge, 1}, {1 << 22, 1}, 3));
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("\"mixed\" supports n_clusters <= 16777216"), std::string::npos) << e.what();
  }
  rw::ml::KMeans elkan({.n_clusters = 3, .algorithm = "elkan"});
  EXPECT_THROW(elkan.fit(X_of("blobs", 70)), rw::ValueError);
}

// ---- linear models --------------------------------------------------------------------------------

TEST(LinearRegression, MatchesScikitLearnWithBothSolvers) {
  const auto& f = fixture()["regression"];
  for (const std::string solver : {"tsqr", "normal"})
    for (const auto chunk : kChunks) {
      SCOPED_TRACE(solver + " chunk " + std::to_string(chunk));
      rw::ml::LinearRegression lr({.solver = solver});
      lr.fit(X_of("regression", chunk), y_of<double>("regression", chunk));
      expect_near_all(lr.coef(), f["coef"], 1e-9, "coef");
      EXPECT_NEAR(lr.intercept(), f["intercept"].get<double>(), 1e-9);
      EXPECT_NEAR(lr.score(X_of("regression", chunk), y_of<double>("regression", chunk)), f["r2"].get<double>(), 1e-12);
      const auto pred = lr.predict(X_of("regression", chunk));
      EXPECT_NEAR(rw::ml::metrics::mean_squared_error(y_of<double>("regression", 50), pred), f["mse"].get<double>(), 1e-9);
      EXPECT_NEAR(rw::ml::metrics::mean_absolute_error(y_of<double>("regression", 50), pred), f["mae"].get<double>(), 1e-9);
    }
}

TEST(LinearRegression, RankDeficientAndSaved) {
  const auto& f = fixture()["regression"];
  const auto X = X_of("regression", 70);
  const auto Xd = rw::concatenate(std::vector<rw::Array<double>>{X, X.slice({{0, 200}, {0, 1}})}, 1);
  rw::ml::LinearRegression lr;
  lr.fit(Xd, y_of<double>("regression", 70));
  EXPECT_EQ(lr.rank(), 5);
  expect_near_all(lr.coef(), f["deficient_coef"], 1e-8, "minimum-norm coef");
  rw::ml::LinearRegression normal({.solver = "normal"});
  EXPECT_THROW(normal.fit(Xd, y_of<double>("regression", 70)), rw::LinalgError);
  const auto path = temp_path("lr.h5");
  lr.save(path);
  const auto back = rw::ml::LinearRegression::load(path);
  EXPECT_EQ(back.intercept(), lr.intercept());
  expect_near_all(back.coef(), [&] {
    nlohmann::json j = nlohmann::json::array();
    for (double v : lr.coef()) j.push_back(v);
    return j;
  }(), 0, "loaded coef");
  EXPECT_EQ(back.rank(), lr.rank());
  const auto a = lr.predict(Xd).compute(), b = back.predict(Xd).compute();
  EXPECT_TRUE(a == b);
  EXPECT_THROW(rw::ml::KMeans::load(path), rw::ValueError);  // another model kind
  EXPECT_THROW(lr.fit(X, y_of<double>("regression", 70).slice({{0, 150}})), rw::ShapeError);
}

TEST(Ridge, MatchesScikitLearn) {
  const auto& f = fixture()["regression"];
  rw::ml::Ridge r({.alpha = 1.0});
  r.fit(X_of("regression", 23), y_of<double>("regression", 23));
  expect_near_all(r.coef(), f["ridge_coef"], 1e-9, "coef");
  EXPECT_NEAR(r.intercept(), f["ridge_intercept"].get<double>(), 1e-9);
  const auto path = temp_path("ridge.h5");
  r.save(path);
  expect_near_all(rw::ml::Ridge::load(path).coef(), f["ridge_coef"], 1e-12, "loaded coef");
}

TEST(LogisticRegression, BinaryAndMultinomialMatchScikitLearn) {
  for (const std::string name : {"binary", "multinomial"})
    for (const auto chunk : kChunks) {
      SCOPED_TRACE(name + " chunk " + std::to_string(chunk));
      const auto& f = fixture()[name];
      rw::ml::LogisticRegression clf({.C = 0.5});
      const auto X = X_of(name, chunk);
      const auto y = y_of<std::int64_t>(name, chunk);
      clf.fit(X, y);
      EXPECT_TRUE(clf.converged());
      expect_near_all(clf.coef(), f["coef"], 1e-6, "coef");
      expect_near_all(clf.intercept(), f["intercept"], 1e-6, "intercept");
      for (std::size_t k = 0; k < f["classes"].size(); ++k) EXPECT_EQ(clf.classes().data()[k], f["classes"][k].get<std::int64_t>());
      const auto proba = clf.predict_proba(X).compute();
      const auto K = proba.shape()[1];
      rw::NDArray<double> head(rw::Shape{5, K});
      std::copy(proba.data(), proba.data() + 5 * K, head.data());
      expect_near_all(head, f["proba_head"], 1e-6, "proba");
      const auto dec = clf.decision_function(X).compute();
      EXPECT_EQ(dec.ndim(), K == 2 ? 1 : 2);
      rw::NDArray<double> dec_head(K == 2 ? rw::Shape{5} : rw::Shape{5, K});
      std::copy(dec.data(), dec.data() + dec_head.size(), dec_head.data());
      expect_near_all(dec_head, f["decision_head"], 1e-6, "decision_function");
      EXPECT_NEAR(clf.score(X, y), f["accuracy"].get<double>(), 1e-12);
      // Metrics on label indices 0..K-1.
      const auto idx = ((y - 5) / 10).astype<std::int64_t>();
      EXPECT_NEAR(rw::ml::metrics::log_loss(idx, clf.predict_proba(X)), f["log_loss"].get<double>(), 1e-6);
      const auto cm = rw::ml::metrics::confusion_matrix(idx, ((clf.predict(X) - 5) / 10).astype<std::int64_t>(), K);
      for (std::int64_t i = 0; i < K; ++i)
        for (std::int64_t j = 0; j < K; ++j) EXPECT_EQ(cm(i, j), f["confusion"][static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].get<std::int64_t>());
      EXPECT_NEAR(rw::ml::metrics::accuracy_score(y, clf.predict(X)), f["accuracy"].get<double>(), 1e-12);
      const auto path = temp_path(name + ".h5");
      clf.save(path);
      const auto back = rw::ml::LogisticRegression::load(path);
      const auto a = clf.predict(X).compute(), b = back.predict(X).compute();
      for (std::int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data()[i], b.data()[i]);
    }
}

// L-BFGS reaches scikit-learn's optimum too; "auto" takes Newton for few parameters and L-BFGS
// when the Hessian would have more than 2048² entries.
TEST(LogisticRegression, LbfgsMatchesScikitLearn) {
  for (const std::string name : {"binary", "multinomial"})
    for (const auto chunk : {std::int64_t{70}, std::int64_t{1000}}) {
      SCOPED_TRACE(name + " chunk " + std::to_string(chunk));
      const auto& f = fixture()[name];
      rw::ml::LogisticRegression clf({.C = 0.5, .max_iter = 2000, .solver = "lbfgs"});
      clf.fit(X_of(name, chunk), y_of<std::int64_t>(name, chunk));
      EXPECT_TRUE(clf.converged());
      EXPECT_EQ(clf.solver_used(), "lbfgs");
      expect_near_all(clf.coef(), f["coef"], 1e-6, "coef");
      expect_near_all(clf.intercept(), f["intercept"], 1e-6, "intercept");
      rw::ml::LogisticRegression newton({.C = 0.5});
      newton.fit(X_of(name, chunk), y_of<std::int64_t>(name, chunk));
      EXPECT_EQ(newton.solver_used(), "newton");
    }
  auto [X, y] = rw::ml::datasets::make_classification({.n_samples = 400, .n_features = 2100, .n_informative = 5,
                                                      .class_sep = 3.0, .chunks = 150, .random_state = 3});
  rw::ml::LogisticRegression wide({.max_iter = 50});
  wide.fit(X, y);
  EXPECT_EQ(wide.solver_used(), "lbfgs");
  EXPECT_GT(wide.score(X, y), 0.95);
  const auto path = temp_path("lbfgs.h5");
  rw::ml::LogisticRegression({.solver = "lbfgs"}).fit(X_of("binary", 70), y_of<std::int64_t>("binary", 70)).save(path);
  EXPECT_EQ(rw::ml::LogisticRegression::load(path).params().solver, "lbfgs");
  EXPECT_EQ(rw::ml::LogisticRegression::load(path).solver_used(), "lbfgs");
  EXPECT_THROW(rw::ml::LogisticRegression({.solver = "sag"}).fit(X, y), rw::ValueError);
}

TEST(LogisticRegression, OneClassIsAnError) {
  rw::ml::LogisticRegression clf;
  const auto X = X_of("binary", 70);
  const auto one = rw::zeros<std::int64_t>({240}, {70}) + 4;
  try {
    clf.fit(X, one);
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 2 classes"), std::string::npos) << e.what();
  }
}

// Every estimator: predict before fit, a feature-count mismatch, NaN or Inf in X (the message
// says where) and in y, on every rank alike.
TEST(Estimators, UserErrorsOfEveryEstimator) {
  const auto X = X_of("regression", 70);
  const auto y = y_of<double>("regression", 70);
  const auto labels = y_of<std::int64_t>("binary", 70);
  auto with = [](double value, std::int64_t row, std::int64_t col) {
    auto m = matrix(fixture()["regression"]["X"]);
    m(row, col) = value;
    return rw::from_ndarray(m, rw::ChunkSpec(std::vector<std::int64_t>{70, 5}));
  };
  const auto expect_value_error = [](auto&& f, const std::string& words) { rw::testing::expect_error<rw::ValueError>(f, words); };
  const auto narrow = rw::random::random({10, 3}, {5, 3}, 1);
  {
    rw::ml::LinearRegression lr;
    EXPECT_THROW((void)lr.predict(X), rw::NotFittedError);
    expect_value_error([&] { lr.fit(with(std::nan(""), 141, 3), y); }, "NaN at row 141, column 3");
    auto bad_y = vector_of<double>(fixture()["regression"]["y"]);
    bad_y.data()[77] = INFINITY;
    expect_value_error([&] { lr.fit(X, rw::from_ndarray(bad_y, rw::ChunkSpec(23))); }, "y contains Inf at row 77");
    lr.fit(X, y);
    EXPECT_THROW((void)lr.predict(narrow), rw::ShapeError);
  }
  {
    rw::ml::Ridge r;
    EXPECT_THROW((void)r.predict(X), rw::NotFittedError);
    expect_value_error([&] { r.fit(with(-INFINITY, 0, 0), y); }, "Inf at row 0, column 0");
    r.fit(X, y);
    EXPECT_THROW((void)r.predict(narrow), rw::ShapeError);
  }
  {
    rw::ml::LogisticRegression clf;
    const auto Xb = X_of("binary", 70);
    EXPECT_THROW((void)clf.predict_proba(Xb), rw::NotFittedError);
    auto m = matrix(fixture()["binary"]["X"]);
    m(239, 2) = std::nan("");
    expect_value_error([&] { clf.fit(rw::from_ndarray(m, rw::ChunkSpec(std::vector<std::int64_t>{70, 4})), labels); },
                       "NaN at row 239, column 2");
    clf.fit(Xb, labels);
    EXPECT_THROW((void)clf.predict(narrow), rw::ShapeError);
    EXPECT_THROW((void)clf.decision_function(narrow), rw::ShapeError);
  }
  for (int which = 0; which < 2; ++which) {
    rw::ml::StandardScaler ss;
    rw::ml::MinMaxScaler mm;
    const auto fit = [&](const rw::Array<double>& Z) { which ? (void)mm.fit(Z) : (void)ss.fit(Z); };
    expect_value_error([&] { fit(with(INFINITY, 199, 4)); }, "Inf at row 199, column 4");
    fit(X);
    EXPECT_THROW((void)(which ? mm.transform(narrow) : ss.transform(narrow)), rw::ShapeError);
    EXPECT_THROW((void)(which ? mm.inverse_transform(narrow) : ss.inverse_transform(narrow)), rw::ShapeError);
  }
}

// ---- preprocessing, datasets ----------------------------------------------------------------------

TEST(Scalers, MatchScikitLearn) {
  const auto& f = fixture()["scalers"];
  const auto X = X_of("scalers", 17);
  rw::ml::StandardScaler ss;
  const auto Z = ss.fit_transform(X).compute();
  expect_near_all(ss.mean(), f["mean"], 1e-12, "mean");
  expect_near_all(ss.var(), f["var"], 1e-12, "var");
  expect_near_all(ss.scale(), f["scale"], 1e-12, "scale");
  rw::NDArray<double> head(rw::Shape{3, 3});
  std::copy(Z.data(), Z.data() + 9, head.data());
  expect_near_all(head, f["std_head"], 1e-12, "transform");
  const auto back = ss.inverse_transform(ss.transform(X)).compute();
  const auto orig = X.compute();
  for (std::int64_t i = 0; i < orig.size(); ++i) EXPECT_NEAR(back.data()[i], orig.data()[i], 1e-12 * std::max(1.0, std::fabs(orig.data()[i])));
  rw::ml::MinMaxScaler mm({.feature_range_low = -1, .feature_range_high = 2});
  const auto M = mm.fit_transform(X).compute();
  expect_near_all(mm.data_min(), f["min"], 0, "min");
  expect_near_all(mm.data_max(), f["max"], 0, "max");
  std::copy(M.data(), M.data() + 9, head.data());
  expect_near_all(head, f["minmax_head"], 1e-12, "minmax transform");
  const auto path = temp_path("ss.h5");
  ss.save(path);
  expect_near_all(rw::ml::StandardScaler::load(path).scale(), f["scale"], 1e-12, "loaded");
  EXPECT_THROW((void)ss.transform(rw::random::random({4, 2}, {2, 2}, 0)), rw::ShapeError);
  EXPECT_THROW((void)rw::ml::StandardScaler().transform(X), rw::NotFittedError);
}

// The same random_state gives the same data and the same split whatever the chunking.
TEST(Datasets, IndependentOfTheChunking) {
  const auto regression = [](std::int64_t chunks) {
    return rw::ml::datasets::make_regression({.n_samples = 3'000, .n_features = 6, .n_informative = 3, .noise = 0.5,
                                              .chunks = chunks, .random_state = 8});
  };
  const auto classification = [](std::int64_t chunks) {
    return rw::ml::datasets::make_classification({.n_samples = 3'000, .n_features = 5, .n_informative = 3, .n_classes = 3,
                                                  .chunks = chunks, .random_state = 6});
  };
  const auto [X0, y0] = regression(250);
  const auto [C0, c0] = classification(250);
  for (const std::int64_t chunks : {999, 4'000}) {
    const auto [X, y] = regression(chunks);
    EXPECT_TRUE(X.compute() == X0.compute());
    EXPECT_TRUE(y.compute() == y0.compute());
    const auto [C, c] = classification(chunks);
    EXPECT_TRUE(C.compute() == C0.compute());
    EXPECT_TRUE(c.compute() == c0.compute());
    auto [Xtr, Xte, ytr, yte] = rw::ml::train_test_split(C, c, 0.3, 2);
    auto [Xtr0, Xte0, ytr0, yte0] = rw::ml::train_test_split(C0, c0, 0.3, 2);
    EXPECT_TRUE(Xtr.compute() == Xtr0.compute());
    EXPECT_TRUE(Xte.compute() == Xte0.compute());
    EXPECT_TRUE(yte.compute() == yte0.compute());
  }
}

TEST(Datasets, RegressionClassificationAndSplit) {
  auto [X, y] = rw::ml::datasets::make_regression({.n_samples = 5'000, .n_features = 8, .n_informative = 3, .noise = 0.0,
                                                  .bias = 1.5, .chunks = 999, .random_state = 4});
  rw::ml::LinearRegression lr;
  lr.fit(X, y);
  const auto coef = rw::ml::datasets::regression_coef({.n_samples = 5'000, .n_features = 8, .n_informative = 3, .random_state = 4});
  for (std::int64_t j = 0; j < 8; ++j) EXPECT_NEAR(lr.coef().data()[j], coef.data()[j], 1e-8);
  EXPECT_NEAR(lr.intercept(), 1.5, 1e-8);
  auto [Xc, yc] = rw::ml::datasets::make_classification({.n_samples = 4'000, .n_features = 6, .n_informative = 2, .n_classes = 3,
                                                        .class_sep = 2.0, .chunks = 500, .random_state = 5});
  auto [Xtr, Xte, ytr, yte] = rw::ml::train_test_split(Xc, yc, 0.25, 9);
  EXPECT_EQ(Xtr.shape()[0] + Xte.shape()[0], 4'000);
  EXPECT_NEAR(static_cast<double>(Xte.shape()[0]) / 4'000, 0.25, 0.03);
  rw::ml::LogisticRegression clf;
  clf.fit(Xtr, ytr);
  EXPECT_GT(clf.score(Xte, yte), 0.8);
  EXPECT_THROW((void)rw::ml::datasets::make_classification({.n_informative = 1, .n_classes = 3}), rw::ValueError);
}

// ---- encoders and scalers on dataframe columns ----------------------------------------------------

// pandas' per-column reductions of basic.csv, from the frame fixtures.
const json& frame_fixture() {
  static const json reductions = [] {
    std::ifstream in(rw::testing::data_path("frame/expected.json"));
    const json all = json::parse(in);
    for (const auto& c : all["cases"])
      if (c["name"] == "basic") return c["reductions"];
    throw std::runtime_error("no basic case in frame/expected.json");
  }();
  return reductions;
}

rw::DataFrame basic_frame() { return rw::read_csv(rw::testing::data_path("frame/basic.csv"), {.blocksize = 256}); }

TEST(Encoders, CategorizerFixesTheCategories) {
  const auto ddf = basic_frame();
  rw::ml::Categorizer cat;
  const auto out = cat.fit_transform(ddf);
  const auto& c = cat.categories();
  ASSERT_EQ(c.count("cat"), 1u);
  EXPECT_EQ(c.at("cat"), (std::vector<std::string>{"a", "b", "c"}));
  for (const auto& [name, type] : out.dtypes()) {
    if (name == "cat" || name == "name") {
      EXPECT_EQ(type, rw::DType::category) << name;
    }
  }
  const rw::Table before = ddf.compute(), after = out.compute();
  for (const std::string col : {"cat", "name"})
    for (std::int64_t i = 0; i < before.num_rows(); ++i) {
      EXPECT_EQ(after.col(col).is_null(i), before.col(col).is_null(i)) << col << " row " << i;
      EXPECT_EQ(after.col(col).format(i), before.col(col).format(i)) << col << " row " << i;
    }
  EXPECT_THROW((void)rw::ml::Categorizer({.columns = {"x"}}).fit(ddf), rw::ValueError);  // not a string column
}

TEST(Encoders, DummyAndOneHotMatchTheirDefinition) {
  const auto ddf = basic_frame();
  const rw::Table t = ddf.compute();
  for (const bool drop_first : {false, true}) {
    rw::ml::DummyEncoder enc({.columns = {"cat"}, .drop_first = drop_first});
    const auto out = enc.fit_transform(ddf);
    auto names = enc.feature_names();
    EXPECT_EQ(out.columns(), names);
    EXPECT_EQ(names.back(), "cat_c");
    EXPECT_EQ(std::count(names.begin(), names.end(), "cat_a"), drop_first ? 0 : 1);
    EXPECT_EQ(std::count(names.begin(), names.end(), "cat"), 0);
    const rw::Table r = out.compute();
    for (const std::string v : {"a", "b", "c"}) {
      if (drop_first && v == "a") continue;
      for (std::int64_t i = 0; i < t.num_rows(); ++i)
        EXPECT_EQ(r.col("cat_" + v).number_at(i), !t.col("cat").is_null(i) && t.col("cat").format(i) == v ? 1.0 : 0.0);
    }
  }
  rw::ml::OneHotEncoder onehot({.columns = {"cat", "name"}});
  const auto names = onehot.fit(ddf).feature_names();
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const std::string& n) { return n.rfind("name_", 0) == 0; }),
            static_cast<std::ptrdiff_t>(onehot.categories().at("name").size()));
  EXPECT_THROW((void)rw::ml::DummyEncoder({.columns = {"id"}}).fit(ddf), rw::ValueError);
  EXPECT_THROW((void)rw::ml::DummyEncoder().transform(ddf), rw::NotFittedError);
}

TEST(Scalers, OnDataFrameColumns) {
  const auto ddf = basic_frame();
  rw::ml::StandardScaler ss;
  const auto out = ss.fit_transform(ddf);
  const auto& cols = ss.feature_names();
  EXPECT_EQ(cols, (std::vector<std::string>{"id", "x", "n", "flag", "k"}));
  const rw::Table t = ddf.compute(), r = out.compute();
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const auto k = static_cast<std::int64_t>(j);
    // pandas' reductions of basic.csv (tests/data/frame/expected.json); population variance.
    const auto& want = frame_fixture()[cols[j]];
    const double n = want["count"].get<double>();
    EXPECT_NEAR(ss.mean().data()[k], want["mean"].get<double>(), 1e-12) << cols[j];
    EXPECT_NEAR(ss.var().data()[k], want["var"].get<double>() * (n - 1) / n, 1e-10) << cols[j];
    for (std::int64_t i = 0; i < t.num_rows(); ++i) {
      const double x = t.col(cols[j]).number_at(i), z = r.col(cols[j]).number_at(i);
      if (std::isnan(x)) {
        EXPECT_TRUE(std::isnan(z));
      } else {
        EXPECT_NEAR(z, (x - ss.mean().data()[k]) / ss.scale().data()[k], 1e-12);
      }
    }
  }
  EXPECT_EQ(r.col("name").dtype(), rw::DType::string);  // other columns pass through
  const rw::Table back = ss.inverse_transform(out).compute();
  for (std::int64_t i = 0; i < t.num_rows(); ++i)
    if (!t.col("x").is_null(i)) {
      EXPECT_NEAR(back.col("x").number_at(i), t.col("x").number_at(i), 1e-12);
    }
  rw::ml::MinMaxScaler mm;
  const rw::Table m = mm.fit_transform(ddf[std::vector<std::string>{"id", "x"}]).compute();
  EXPECT_EQ(mm.data_min().data()[1], frame_fixture()["x"]["min"].get<double>());
  EXPECT_EQ(mm.data_max().data()[1], frame_fixture()["x"]["max"].get<double>());
  EXPECT_EQ(m.column<double>("id").front(), 0.0);
  EXPECT_THROW((void)rw::ml::StandardScaler().fit(ddf, {"name"}), rw::ValueError);
  // Nulls are skipped; an infinity is an error naming the column, and leaves MinMaxScaler unfitted.
  const auto with_inf = ddf.assign("x", ddf["x"] / 0.0);
  try {
    rw::ml::StandardScaler().fit(with_inf);
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("column 'x' contains Inf"), std::string::npos) << e.what();
  }
  EXPECT_THROW(mm.fit(with_inf), rw::ValueError);
  EXPECT_THROW((void)mm.transform(ddf), rw::NotFittedError);
}

// A scaler fitted on frame columns keeps their names through save -> load (as scikit-learn's
// feature_names_in_), so the loaded one transforms frames; refitting on an array forgets them.
TEST(Scalers, FrameFittedSaveLoadAndRefitOnAnArray) {
  const auto ddf = basic_frame()[std::vector<std::string>{"id", "x", "name"}];
  rw::ml::StandardScaler ss;
  ss.fit(ddf);
  rw::ml::MinMaxScaler mm({.feature_range_low = 0, .feature_range_high = 10});
  mm.fit(ddf);
  const auto ss_path = temp_path("ss_frame.h5"), mm_path = temp_path("mm_frame.h5");
  ss.save(ss_path);
  mm.save(mm_path);
  const auto ss2 = rw::ml::StandardScaler::load(ss_path);
  const auto mm2 = rw::ml::MinMaxScaler::load(mm_path);
  EXPECT_EQ(ss2.feature_names(), (std::vector<std::string>{"id", "x"}));
  EXPECT_EQ(mm2.feature_names(), (std::vector<std::string>{"id", "x"}));
  const rw::Table t = ddf.compute(), z1 = ss.transform(ddf).compute(), z2 = ss2.transform(ddf).compute();
  const rw::Table round = mm2.inverse_transform(mm2.transform(ddf)).compute();
  for (std::int64_t i = 0; i < t.num_rows(); ++i) {
    if (t.col("x").is_null(i)) continue;
    EXPECT_EQ(z1.col("x").number_at(i), z2.col("x").number_at(i)) << i;
    EXPECT_NEAR(round.col("x").number_at(i), t.col("x").number_at(i), 1e-12 * std::max(1.0, std::fabs(t.col("x").number_at(i))));
  }
  // Refitted on an array, the scaler has no columns: transforming a frame is NotFitted, not a
  // read past the new statistics.
  ss.fit(rw::random::random({50, 1}, rw::ChunkSpec{20, 1}, 3));
  EXPECT_TRUE(ss.feature_names().empty());
  EXPECT_THROW((void)ss.transform(ddf), rw::NotFittedError);
  mm.fit(rw::random::random({50, 1}, rw::ChunkSpec{20, 1}, 3));
  EXPECT_THROW((void)mm.transform(ddf), rw::NotFittedError);
  // An array-fitted scaler saves no names and loads without them.
  ss.save(ss_path);
  EXPECT_TRUE(rw::ml::StandardScaler::load(ss_path).feature_names().empty());
  // A failed refit leaves the scaler unfitted, not with the previous statistics.
  auto bad = matrix(fixture()["scalers"]["X"]);
  bad(7, 1) = std::nan("");
  EXPECT_THROW(ss.fit(rw::from_ndarray(bad, rw::ChunkSpec(std::vector<std::int64_t>{17, 3}))), rw::ValueError);
  EXPECT_THROW((void)ss.transform(X_of("scalers", 17)), rw::NotFittedError);
  // Names written by h5py as fixed-length byte strings load; a file whose vectors disagree in
  // length is refused (it would be read past an array).
  const auto foreign = rw::ml::StandardScaler::load(rw::testing::data_path("ml/scaler_fixed_names.h5"));
  EXPECT_EQ(foreign.feature_names(), (std::vector<std::string>{"id", "x"}));
  EXPECT_EQ(foreign.scale().data()[1], 4.0);
  EXPECT_THROW((void)rw::ml::StandardScaler::load(rw::testing::data_path("ml/scaler_damaged.h5")), rw::ValueError);
  // A column of nulls has no statistics: an error naming it.
  try {
    rw::ml::MinMaxScaler().fit(ddf.assign("x", ddf["x"] * std::nan("")));
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("column 'x' has no values"), std::string::npos) << e.what();
  }
}

TEST(Encoders, SaveLoadTransformsAlike) {
  const auto ddf = basic_frame();
  rw::ml::Categorizer cat;
  cat.fit(ddf);
  rw::ml::DummyEncoder dummy({.columns = {"cat"}, .drop_first = true});
  dummy.fit(ddf);
  rw::ml::OneHotEncoder onehot({.columns = {"cat", "name"}});
  onehot.fit(ddf);
  const auto cat_path = temp_path("cat.h5"), dummy_path = temp_path("dummy.h5"), onehot_path = temp_path("onehot.h5");
  cat.save(cat_path);
  dummy.save(dummy_path);
  onehot.save(onehot_path);
  EXPECT_EQ(rw::ml::saved_model_kind(onehot_path), "OneHotEncoder");
  const auto cat2 = rw::ml::Categorizer::load(cat_path);
  const auto dummy2 = rw::ml::DummyEncoder::load(dummy_path);
  const auto onehot2 = rw::ml::OneHotEncoder::load(onehot_path);
  EXPECT_EQ(cat2.categories(), cat.categories());
  EXPECT_EQ(dummy2.categories(), dummy.categories());
  EXPECT_EQ(dummy2.feature_names(), dummy.feature_names());
  EXPECT_EQ(onehot2.feature_names(), onehot.feature_names());
  const auto same = [](const rw::Table& a, const rw::Table& b) {
    ASSERT_EQ(a.columns(), b.columns());
    for (const auto& c : a.columns())
      for (std::int64_t i = 0; i < a.num_rows(); ++i) EXPECT_EQ(a.col(c).format(i), b.col(c).format(i)) << c << " row " << i;
  };
  same(cat.transform(ddf).compute(), cat2.transform(ddf).compute());
  same(dummy.transform(ddf).compute(), dummy2.transform(ddf).compute());
  same(onehot.transform(ddf).compute(), onehot2.transform(ddf).compute());
  EXPECT_THROW((void)rw::ml::DummyEncoder::load(onehot_path), rw::ValueError);  // another kind
  EXPECT_THROW((void)rw::ml::Categorizer().save(cat_path), rw::NotFittedError);
  // A failed refit leaves an encoder unfitted: it can neither transform nor save a half state.
  rw::ml::Categorizer strict({.columns = {"x"}});  // x is numeric: fit fails
  EXPECT_THROW((void)strict.fit(ddf), rw::ValueError);
  EXPECT_THROW((void)strict.categories(), rw::NotFittedError);
  rw::ml::DummyEncoder refit({.columns = {"cat"}});
  refit.fit(ddf);
  EXPECT_THROW((void)refit.fit(ddf[std::vector<std::string>{"id", "x"}]), rw::IndexError);  // no column "cat"
  EXPECT_THROW((void)refit.save(dummy_path), rw::NotFittedError);
}

}  // namespace
