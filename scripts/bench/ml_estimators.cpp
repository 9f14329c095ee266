// dask-ml workloads at MPI speed: the talk's k-means (make_blobs 1,000,000 x 2 + fit, k = 3),
// the cost of one Lloyd iteration on 2,000,000 x 20 with k = 8, and L2 logistic regression on
// 2,000,000 x 20. Writes the generated data to HDF5 so scikit-learn fits the same rows.
//   mpirun -n 2 build/bench/ml_estimators OUT_DIR
#include <string>

#include "bench_common.hpp"

namespace rw = rankwise;

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  if (argc < 2) return 2;
  const std::string dir = argv[1];
  const bool root = env.comm().is_root();

  // The talk: data + fit, k-means|| with 2 rounds and oversampling 10.
  double inertia = 0;
  int iters = 0;
  const double talk = bench::best_of(5, [&] {
    auto [X, y] = rw::ml::datasets::make_blobs({.n_samples = 1'000'000, .n_features = 2, .centers = 3, .chunks = 100'000, .random_state = 0});
    X = X.persist();
    rw::ml::KMeans km({.n_clusters = 3, .init_max_iter = 2, .oversampling_factor = 10});
    km.fit(X);
    inertia = km.inertia();
    iters = km.n_iter();
  });
  auto [Xb, yb] = rw::ml::datasets::make_blobs({.n_samples = 1'000'000, .n_features = 2, .centers = 3, .chunks = 100'000, .random_state = 0});
  rw::io::to_hdf5(Xb, dir + "/blobs.h5", "/X", {.overwrite = true});
  if (root) std::printf("{\"name\": \"talk_kmeans\", \"seconds\": %.6f, \"inertia\": %.9g, \"n_iter\": %d}\n", talk, inertia, iters);

  // One Lloyd iteration: fits capped at 1 and 11 iterations from the same init, differenced,
  // on uniform data (no cluster structure, so Lloyd does not converge before the cap).
  auto X20 = rw::random::random({2'000'000, 20}, {250'000, 20}, 1).persist();
  // The default ("mixed": float32 search, float64 re-checks) and the all-float64 "lloyd".
  const auto per_iteration = [&](const std::string& algorithm) {
    int n_iter = 0;
    const auto fit_iters = [&](int max_iter) {
      return bench::best_of(3, [&] {
        rw::ml::KMeans km({.n_clusters = 8, .init = "random", .max_iter = max_iter, .tol = 0, .random_state = 2, .algorithm = algorithm});
        km.fit(X20);
        n_iter = km.n_iter();
      });
    };
    const double t1 = fit_iters(1);
    const int n1 = n_iter;
    const double t11 = fit_iters(11);
    return (t11 - t1) / (n_iter - n1);
  };
  const double lloyd = per_iteration("auto"), lloyd64 = per_iteration("lloyd");
  rw::io::to_hdf5(X20, dir + "/blobs20.h5", "/X", {.overwrite = true});
  if (root) std::printf("{\"name\": \"lloyd_iteration\", \"seconds\": %.6f, \"float64_seconds\": %.6f}\n", lloyd, lloyd64);

  // Logistic regression, 2,000,000 x 20, two classes.
  auto [Xc, yc] = rw::ml::datasets::make_classification({.n_samples = 2'000'000, .n_features = 20, .n_informative = 5, .n_classes = 2,
                                                          .chunks = 250'000, .random_state = 3});
  Xc = Xc.persist();
  yc = yc.persist();
  rw::ml::LogisticRegression clf({.C = 1.0, .tol = 1e-6});
  const double logistic = bench::best_of(3, [&] { clf.fit(Xc, yc); });
  const int newton = clf.n_iter();
  const double accuracy = clf.score(Xc, yc);
  rw::io::to_hdf5(Xc, dir + "/classification.h5", "/X", {.overwrite = true});
  rw::io::to_hdf5(yc, dir + "/classification_y.h5", "/y", {.overwrite = true});
  if (root) std::printf("{\"name\": \"logistic\", \"seconds\": %.6f, \"accuracy\": %.6f, \"n_iter\": %d}\n", logistic, accuracy, newton);
}
