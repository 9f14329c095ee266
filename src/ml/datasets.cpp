// Synthetic data sets from counter-based draws keyed on (random_state, global element index).
#include "rankwise/ml/datasets.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "ml/detail/common.hpp"
#include "ml/detail/draws.hpp"
#include "rankwise/array/ops.hpp"

namespace rankwise::ml {

using detail::normal;
using detail::normal_run;
using detail::uniform;
using detail::uniform_run;

namespace datasets {

namespace {
enum Stream : std::uint32_t { label_stream = 10, feature_stream = 20, center_stream = 30, coef_stream = 40, flip_stream = 50,
                              flip_label_stream = 60 };

std::int64_t blob_of(const BlobsParams& p, std::int64_t row) {
  return std::min(p.centers - 1, static_cast<std::int64_t>(uniform(p.random_state, label_stream, static_cast<std::uint64_t>(row)) *
                                                           static_cast<double>(p.centers)));
}
ChunkSpec row_chunks(std::int64_t rows, std::int64_t cols) { return ChunkSpec(std::vector<std::int64_t>{rows, cols}); }
}  // namespace

NDArray<double> blob_centers(const BlobsParams& p) {
  NDArray<double> c(Shape{p.centers, p.n_features});
  for (std::int64_t i = 0; i < c.size(); ++i)
    c.data()[i] = p.center_box_low + (p.center_box_high - p.center_box_low) * uniform(p.random_state, center_stream, static_cast<std::uint64_t>(i));
  return c;
}

std::pair<Array<double>, Array<std::int64_t>> make_blobs(const BlobsParams& p) {
  RANKWISE_CHECK(p.n_samples >= 1 && p.n_features >= 1 && p.centers >= 1 && p.chunks >= 1, ValueError,
                 "make_blobs: n_samples, n_features, centers and chunks must be >= 1");
  const auto centers = std::make_shared<const NDArray<double>>(blob_centers(p));
  const auto d = p.n_features;
  // Blocks hold whole rows, so a tile is a run of consecutive elements: its normals and its
  // rows' blob draws come as runs (eight counters per register), each blob once per row.
  auto tile = [p, centers, d](array_detail::GlobalWalk& w, std::int64_t count, double* out) {
    if (count == 0) return;
    const auto flat0 = w.global_flat();
    const auto row0 = flat0 / d, rows = (flat0 + count - 1) / d - row0 + 1;
    std::vector<double> draw(static_cast<std::size_t>(rows));
    uniform_run(p.random_state, label_stream, static_cast<std::uint64_t>(row0), rows, draw.data());
    normal_run(p.random_state, feature_stream, static_cast<std::uint64_t>(flat0), count, out);
    for (std::int64_t k = 0; k < count; ++k) {
      const auto flat = flat0 + k, row = flat / d, col = flat % d;
      const auto blob = std::min(p.centers - 1, static_cast<std::int64_t>(draw[static_cast<std::size_t>(row - row0)] *
                                                                          static_cast<double>(p.centers)));
      out[k] = centers->data()[blob * d + col] + p.cluster_std * out[k];
    }
  };
  const Shape shape{p.n_samples, d};
  auto X = Array<double>(std::make_shared<array_detail::Generator<double>>(
      "make_blobs", shape, row_chunks(p.chunks, d).normalize(shape, sizeof(double)), tile));
  auto y = array_detail::generate<std::int64_t>("make_blobs-labels", Shape{p.n_samples}, ChunkSpec(p.chunks),
                                                [p](const array_detail::GlobalWalk& w) { return blob_of(p, w.global_flat()); });
  return {X, y};
}

NDArray<double> regression_coef(const RegressionParams& p) {
  NDArray<double> c(Shape{p.n_features}, 0.0);
  for (std::int64_t j = 0; j < std::min(p.n_informative, p.n_features); ++j)
    c.data()[j] = 100.0 * uniform(p.random_state, coef_stream, static_cast<std::uint64_t>(j));
  return c;
}

std::pair<Array<double>, Array<double>> make_regression(const RegressionParams& p) {
  RANKWISE_CHECK(p.n_samples >= 1 && p.n_features >= 1 && p.chunks >= 1, ValueError,
                 "make_regression: n_samples, n_features and chunks must be >= 1");
  const auto d = p.n_features;
  auto X = array_detail::generate<double>("make_regression", Shape{p.n_samples, d}, row_chunks(p.chunks, d),
                                          [p](const array_detail::GlobalWalk& w) {
    return normal(p.random_state, feature_stream, static_cast<std::uint64_t>(w.global_flat()));
  });
  const auto coef = std::make_shared<const NDArray<double>>(regression_coef(p));
  auto y = array_detail::generate<double>("make_regression-target", Shape{p.n_samples}, ChunkSpec(p.chunks),
                                          [p, coef, d](const array_detail::GlobalWalk& w) {
    const auto row = w.global_flat();
    double s = p.bias;
    for (std::int64_t j = 0; j < std::min(p.n_informative, d); ++j)
      s += coef->data()[j] * normal(p.random_state, feature_stream, static_cast<std::uint64_t>(row * d + j));
    return s + p.noise * normal(p.random_state, label_stream, static_cast<std::uint64_t>(row));
  });
  return {X, y};
}

std::pair<Array<double>, Array<std::int64_t>> make_classification(const ClassificationParams& p) {
  RANKWISE_CHECK(p.n_classes >= 2, ValueError, "make_classification: n_classes must be >= 2");
  RANKWISE_CHECK(p.n_informative >= 1 && p.n_informative <= p.n_features, ValueError,
                 "make_classification: need 1 <= n_informative <= n_features");
  RANKWISE_CHECK(p.n_informative >= 62 || (std::int64_t{1} << p.n_informative) >= p.n_classes, ValueError,
                 fmt::format("make_classification: n_classes ({}) must be <= 2^n_informative ({})", p.n_classes,
                             std::int64_t{1} << std::min<std::int64_t>(p.n_informative, 62)));
  const auto d = p.n_features;
  const auto true_class = [p](std::int64_t row) {
    return std::min(p.n_classes - 1, static_cast<std::int64_t>(uniform(p.random_state, label_stream, static_cast<std::uint64_t>(row)) *
                                                               static_cast<double>(p.n_classes)));
  };
  auto X = array_detail::generate<double>("make_classification", Shape{p.n_samples, d}, row_chunks(p.chunks, d),
                                          [p, d, true_class](const array_detail::GlobalWalk& w) {
    const auto flat = w.global_flat();
    const auto row = flat / d, col = flat % d;
    double v = normal(p.random_state, feature_stream, static_cast<std::uint64_t>(flat));
    if (col < std::min<std::int64_t>(p.n_informative, 62))  // hypercube vertex (further informative columns: noise)
      v += ((true_class(row) >> col) & 1 ? p.class_sep : -p.class_sep);
    return v;
  });
  auto y = array_detail::generate<std::int64_t>("make_classification-labels", Shape{p.n_samples}, ChunkSpec(p.chunks),
                                                [p, true_class](const array_detail::GlobalWalk& w) {
    const auto row = w.global_flat();
    if (uniform(p.random_state, flip_stream, static_cast<std::uint64_t>(row)) < p.flip_y)
      return std::min(p.n_classes - 1, static_cast<std::int64_t>(uniform(p.random_state, flip_label_stream, static_cast<std::uint64_t>(row)) *
                                                                 static_cast<double>(p.n_classes)));
    return true_class(row);
  });
  return {X, y};
}

}  // namespace datasets

template <class Y>
std::tuple<Array<double>, Array<double>, Array<Y>, Array<Y>> train_test_split(const Array<double>& X, const Array<Y>& y,
                                                                              double test_size, std::uint64_t random_state) {
  RANKWISE_CHECK(test_size > 0 && test_size < 1, ValueError, fmt::format("train_test_split: test_size must be in (0, 1), got {}", test_size));
  RANKWISE_CHECK(X.ndim() == 2 && y.ndim() == 1 && X.shape()[0] == y.shape()[0], ShapeError,
                 fmt::format("train_test_split: X {} and y {} do not have the same rows", shape_str(X.shape()), shape_str(y.shape())));
  auto in_test = array_detail::generate<bool>("split", Shape{X.shape()[0]}, ChunkSpec(Chunks{X.chunks()[0]}),
                                              [random_state, test_size](const array_detail::GlobalWalk& w) {
    return uniform(random_state, 70, static_cast<std::uint64_t>(w.global_flat())) < test_size;
  });
  const auto in_train = !in_test;
  const Array<Y> y_rows = y.chunks()[0] == X.chunks()[0] ? y : y.rechunk(ChunkSpec(Chunks{X.chunks()[0]}));
  return {X[in_train], X[in_test], y_rows[in_train], y_rows[in_test]};
}
template std::tuple<Array<double>, Array<double>, Array<double>, Array<double>> train_test_split(const Array<double>&, const Array<double>&,
                                                                                                 double, std::uint64_t);
template std::tuple<Array<double>, Array<double>, Array<std::int64_t>, Array<std::int64_t>> train_test_split(
    const Array<double>&, const Array<std::int64_t>&, double, std::uint64_t);

}  // namespace rankwise::ml
