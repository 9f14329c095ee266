#pragma once
/// Synthetic data sets (sklearn.datasets / dask_ml.datasets) as distributed arrays, from the
/// counter-based generator: the same random_state gives the same data for any number of ranks
/// and any chunking. Building is Local (the arrays are lazy).
#include <cstdint>
#include <tuple>
#include <utility>

#include "rankwise/array/array.hpp"

namespace rankwise::ml::datasets {

struct BlobsParams {
  std::int64_t n_samples = 100;
  std::int64_t n_features = 2;
  std::int64_t centers = 3;
  double cluster_std = 1.0;
  /// Rows per block.
  std::int64_t chunks = 100'000;
  std::uint64_t random_state = 0;
  double center_box_low = -10.0, center_box_high = 10.0;
};
/// Isotropic Gaussian blobs: X (n_samples × n_features) and labels y. Centers are uniform in the
/// center box; each row picks its blob uniformly at random. Local.
///
///     auto [X, y] = rw::ml::datasets::make_blobs({.n_samples = 1'000'000, .centers = 3});
std::pair<Array<double>, Array<std::int64_t>> make_blobs(const BlobsParams& params = {});
/// The blob centers make_blobs uses for `params` (centers × n_features). Local.
NDArray<double> blob_centers(const BlobsParams& params);

struct RegressionParams {
  std::int64_t n_samples = 100;
  std::int64_t n_features = 100;
  std::int64_t n_informative = 10;
  double noise = 0.0;
  double bias = 0.0;
  std::int64_t chunks = 100'000;
  std::uint64_t random_state = 0;
};
/// A linear regression problem: X ~ N(0, 1); y = X·coef + bias + noise·N(0, 1), where the first
/// n_informative coefficients are 100·U(0, 1) and the others 0. Local.
std::pair<Array<double>, Array<double>> make_regression(const RegressionParams& params = {});
/// The coefficients make_regression uses. Local.
NDArray<double> regression_coef(const RegressionParams& params);

struct ClassificationParams {
  std::int64_t n_samples = 100;
  std::int64_t n_features = 20;
  std::int64_t n_informative = 2;
  std::int64_t n_classes = 2;
  double class_sep = 1.0;
  double flip_y = 0.01;
  std::int64_t chunks = 100'000;
  std::uint64_t random_state = 0;
};
/// A classification problem in the spirit of sklearn's: each class is a Gaussian cluster
/// around a vertex of a hypercube of side 2·class_sep in the informative features (the first
/// n_informative; requires n_classes ≤ 2^n_informative), the other features are N(0, 1) noise,
/// and a fraction flip_y of labels is replaced by a random class. Local.
std::pair<Array<double>, Array<std::int64_t>> make_classification(const ClassificationParams& params = {});

}  // namespace rankwise::ml::datasets

namespace rankwise::ml {

/// Splits rows into train and test sets: row i goes to the test set when a counter-based
/// uniform draw for (random_state, i) is below test_size, so the split does not depend on the
/// rank count or the chunking. Returns (X_train, X_test, y_train, y_test). Collective (the row
/// masks are evaluated to size the outputs; the rows themselves stay lazy).
template <class Y>
std::tuple<Array<double>, Array<double>, Array<Y>, Array<Y>> train_test_split(const Array<double>& X, const Array<Y>& y,
                                                                              double test_size = 0.25,
                                                                              std::uint64_t random_state = 0);

}  // namespace rankwise::ml
