// StandardScaler and MinMaxScaler: one pass of per-block partials, lazy transforms.
#include "rankwise/ml/preprocessing.hpp"

#include <cmath>
#include <algorithm>
#include <limits>
#include <map>

#include "frame/detail/reduce.hpp"
#include "ml/detail/common.hpp"

namespace rankwise::ml {

using namespace detail;

StandardScaler& StandardScaler::fit(const Array<double>& X) {
  n_ = 0;  // a failed refit leaves it unfitted
  const auto rows = local_rows(X, "StandardScaler.fit");
  columns_.clear();  // fitted on an array: no column names (a refit must not keep a frame's)
  check_finite(rows, "StandardScaler.fit");
  const auto d = rows.d;
  // Means first, then squared deviations from them (two passes over memory, exact enough).
  std::vector<std::vector<double>> part(rows.size(), std::vector<double>(static_cast<std::size_t>(d), 0.0));
  for (std::size_t b = 0; b < rows.size(); ++b)
    for (std::int64_t i = 0; i < rows.at(b).shape()[0]; ++i)
      for (std::int64_t j = 0; j < d; ++j) part[b][static_cast<std::size_t>(j)] += rows.at(b).data()[i * d + j];
  const auto sums = sum_blocks(part, rows, static_cast<std::size_t>(d));
  mean_ = NDArray<double>(Shape{d});
  for (std::int64_t j = 0; j < d; ++j) mean_.data()[j] = sums[static_cast<std::size_t>(j)] / static_cast<double>(rows.n);
  for (std::size_t b = 0; b < rows.size(); ++b) {
    std::fill(part[b].begin(), part[b].end(), 0.0);
    for (std::int64_t i = 0; i < rows.at(b).shape()[0]; ++i)
      for (std::int64_t j = 0; j < d; ++j) {
        const double dev = rows.at(b).data()[i * d + j] - mean_.data()[j];
        part[b][static_cast<std::size_t>(j)] += dev * dev;
      }
  }
  const auto m2 = sum_blocks(part, rows, static_cast<std::size_t>(d));
  var_ = NDArray<double>(Shape{d});
  scale_ = NDArray<double>(Shape{d});
  for (std::int64_t j = 0; j < d; ++j) {
    var_.data()[j] = m2[static_cast<std::size_t>(j)] / static_cast<double>(rows.n);
    const double s = std::sqrt(var_.data()[j]);
    scale_.data()[j] = s < 10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::fabs(mean_.data()[j])) ? 1.0 : s;
  }
  n_ = rows.n;
  return *this;
}

namespace {
Array<double> affine(const Array<double>& X, const NDArray<double>& shift, const NDArray<double>& scale, bool forward,
                     const std::string& name) {
  return map_rows<double>(X, X.shape()[1], name, [shift, scale, forward](const NDArray<double>& x) {
    NDArray<double> out(x.shape());
    const auto d = x.shape()[1];
    for (std::int64_t i = 0; i < x.size(); ++i) {
      const auto j = i % d;
      out.data()[i] = forward ? (x.data()[i] - shift.data()[j]) / scale.data()[j] : x.data()[i] * scale.data()[j] + shift.data()[j];
    }
    return out;
  });
}
NDArray<double> filled(std::int64_t d, double v) { return NDArray<double>(Shape{d}, v); }
// A loaded file's vectors must agree in length (with its column names, when it has them): a
// damaged or hand-made file is a ValueError, not a read past an array.
void check_loaded_sizes(const std::string& path, const std::vector<std::string>& columns,
                        std::initializer_list<const NDArray<double>*> vectors) {
  const auto d = (*vectors.begin())->size();
  bool ok = columns.empty() || static_cast<std::int64_t>(columns.size()) == d;
  for (const auto* v : vectors) ok = ok && v->ndim() == 1 && v->size() == d;
  RANKWISE_CHECK(ok, ValueError, "load: '" + path + "' holds vectors of different lengths (a damaged model file)");
}
// A frame-fitted scaler saves its columns as scikit-learn's feature_names_in_.
std::map<std::string, std::vector<std::string>> feature_names_entry(const std::vector<std::string>& columns) {
  if (columns.empty()) return {};
  return {{"feature_names_in_", columns}};
}
}  // namespace

Array<double> StandardScaler::transform(const Array<double>& X) const {
  require_fitted(n_ > 0, "StandardScaler.transform");
  require_features(X, mean_.size(), "StandardScaler.transform");
  const auto d = mean_.size();
  return affine(X, params_.with_mean ? mean_ : filled(d, 0.0), params_.with_std ? scale_ : filled(d, 1.0), true, "standard-scale");
}

Array<double> StandardScaler::inverse_transform(const Array<double>& X) const {
  require_fitted(n_ > 0, "StandardScaler.inverse_transform");
  require_features(X, mean_.size(), "StandardScaler.inverse_transform");
  const auto d = mean_.size();
  return affine(X, params_.with_mean ? mean_ : filled(d, 0.0), params_.with_std ? scale_ : filled(d, 1.0), false, "standard-unscale");
}

const NDArray<double>& StandardScaler::mean() const { require_fitted(n_ > 0, "StandardScaler.mean"); return mean_; }
const NDArray<double>& StandardScaler::var() const { require_fitted(n_ > 0, "StandardScaler.var"); return var_; }
const NDArray<double>& StandardScaler::scale() const { require_fitted(n_ > 0, "StandardScaler.scale"); return scale_; }

void StandardScaler::save(const std::string& path) const {
  require_fitted(n_ > 0, "StandardScaler.save");
  write_model(path, {"StandardScaler",
                     {},
                     {},
                     {{"mean_", mean_}, {"var_", var_}, {"scale_", scale_}},
                     {},
                     {{"with_mean", params_.with_mean}, {"with_std", params_.with_std}, {"n_samples_seen_", n_}},
                     feature_names_entry(columns_)});
}

StandardScaler StandardScaler::load(const std::string& path) {
  const auto m = read_model(path, "StandardScaler");
  StandardScaler s({.with_mean = m.number("with_mean") != 0, .with_std = m.number("with_std") != 0});
  s.n_ = static_cast<std::int64_t>(m.number("n_samples_seen_"));
  s.mean_ = m.array("mean_");
  s.var_ = m.array("var_");
  s.scale_ = m.array("scale_");
  s.columns_ = m.optional_name_list("feature_names_in_");
  check_loaded_sizes(path, s.columns_, {&s.mean_, &s.var_, &s.scale_});
  return s;
}

MinMaxScaler& MinMaxScaler::fit(const Array<double>& X) {
  RANKWISE_CHECK(params_.feature_range_low < params_.feature_range_high, ValueError,
                 "MinMaxScaler: feature_range_low must be below feature_range_high");
  fitted_ = false;
  const auto rows = local_rows(X, "MinMaxScaler.fit");
  check_finite(rows, "MinMaxScaler.fit");
  columns_.clear();
  const auto d = rows.d;
  std::vector<double> lo(static_cast<std::size_t>(d), std::numeric_limits<double>::infinity());
  std::vector<double> hi(static_cast<std::size_t>(d), -std::numeric_limits<double>::infinity());
  for (std::size_t b = 0; b < rows.size(); ++b)
    for (std::int64_t i = 0; i < rows.at(b).shape()[0]; ++i)
      for (std::int64_t j = 0; j < d; ++j) {
        const double v = rows.at(b).data()[i * d + j];
        lo[static_cast<std::size_t>(j)] = std::min(lo[static_cast<std::size_t>(j)], v);
        hi[static_cast<std::size_t>(j)] = std::max(hi[static_cast<std::size_t>(j)], v);
      }
  allreduce_inplace(comm(), std::span<double>(lo), ReduceOp::min);  // min/max are exact in any order
  allreduce_inplace(comm(), std::span<double>(hi), ReduceOp::max);
  min_ = NDArray<double>(Shape{d}, std::span<const double>(lo));
  max_ = NDArray<double>(Shape{d}, std::span<const double>(hi));
  fitted_ = true;
  return *this;
}

namespace {
// x' = (x - shift) / scale with shift = min - low·range/width... written as two vectors.
std::pair<NDArray<double>, NDArray<double>> minmax_affine(const NDArray<double>& lo, const NDArray<double>& hi, double a, double b) {
  const auto d = lo.size();
  NDArray<double> shift(Shape{d}), scale(Shape{d});
  for (std::int64_t j = 0; j < d; ++j) {
    const double range = hi.data()[j] - lo.data()[j];
    const double s = (range == 0 ? 1.0 : range) / (b - a);  // x' = (x - lo)/s + a = (x - (lo - a·s))/s
    scale.data()[j] = s;
    shift.data()[j] = lo.data()[j] - a * s;
  }
  return {shift, scale};
}
}  // namespace

Array<double> MinMaxScaler::transform(const Array<double>& X) const {
  require_fitted(fitted_, "MinMaxScaler.transform");
  require_features(X, min_.size(), "MinMaxScaler.transform");
  const auto [shift, scale] = minmax_affine(min_, max_, params_.feature_range_low, params_.feature_range_high);
  return affine(X, shift, scale, true, "minmax-scale");
}

Array<double> MinMaxScaler::inverse_transform(const Array<double>& X) const {
  require_fitted(fitted_, "MinMaxScaler.inverse_transform");
  require_features(X, min_.size(), "MinMaxScaler.inverse_transform");
  const auto [shift, scale] = minmax_affine(min_, max_, params_.feature_range_low, params_.feature_range_high);
  return affine(X, shift, scale, false, "minmax-unscale");
}

const NDArray<double>& MinMaxScaler::data_min() const { require_fitted(fitted_, "MinMaxScaler.data_min"); return min_; }
const NDArray<double>& MinMaxScaler::data_max() const { require_fitted(fitted_, "MinMaxScaler.data_max"); return max_; }

void MinMaxScaler::save(const std::string& path) const {
  require_fitted(fitted_, "MinMaxScaler.save");
  write_model(path, {"MinMaxScaler",
                     {{"feature_range_low", params_.feature_range_low}, {"feature_range_high", params_.feature_range_high}},
                     {},
                     {{"data_min_", min_}, {"data_max_", max_}},
                     {},
                     {},
                     feature_names_entry(columns_)});
}

MinMaxScaler MinMaxScaler::load(const std::string& path) {
  const auto m = read_model(path, "MinMaxScaler");
  MinMaxScaler s({.feature_range_low = m.number("feature_range_low"), .feature_range_high = m.number("feature_range_high")});
  s.min_ = m.array("data_min_");
  s.max_ = m.array("data_max_");
  s.columns_ = m.optional_name_list("feature_names_in_");
  check_loaded_sizes(path, s.columns_, {&s.min_, &s.max_});
  s.fitted_ = true;
  return s;
}

// ---- the same on dataframe columns ---------------------------------------------------------------
namespace {
std::vector<std::string> numeric_columns(const DataFrame& X, const std::vector<std::string>& asked, const std::string& who) {
  std::vector<std::string> out;
  for (const auto& [name, type] : X.dtypes()) {
    const bool wanted = asked.empty() ? is_numeric(type) : std::find(asked.begin(), asked.end(), name) != asked.end();
    if (!wanted) continue;
    if (!is_numeric(type)) throw ValueError(who + ": column '" + name + "' is " + dtype_name(type) + ", not numeric");
    out.push_back(name);
  }
  for (const auto& name : asked) (void)X[name];  // IndexError for an unknown column
  RANKWISE_CHECK(!out.empty(), ValueError, who + ": no numeric column to scale");
  return out;
}

// Nulls (NaN) are skipped as pandas skips them; an infinity would make every value of its
// column NaN, and a column of nulls has no statistics: both are errors.
void require_finite_columns(const std::vector<frame_detail::Moments>& moments, const std::vector<std::string>& cols,
                            const std::string& who) {
  for (std::size_t j = 0; j < cols.size(); ++j) {
    if (moments[j].n == 0) throw ValueError(who + ": column '" + cols[j] + "' has no values (every row is null)");
    if (!(std::isfinite(moments[j].min) && std::isfinite(moments[j].max)))
      throw ValueError(who + ": column '" + cols[j] + "' contains Inf");
  }
}

// Columns c replaced by (c - shift) / scale, or c * scale + shift when inverting.
DataFrame scale_columns(const DataFrame& X, const std::vector<std::string>& cols, const NDArray<double>& shift,
                        const NDArray<double>& scale, bool forward) {
  DataFrame out = X;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const auto k = static_cast<std::int64_t>(j);
    const Series x = X[cols[j]].astype(DType::float64);
    out = out.assign(cols[j], forward ? (x - shift.data()[k]) / scale.data()[k] : x * scale.data()[k] + shift.data()[k]);
  }
  return out;
}
}  // namespace

StandardScaler& StandardScaler::fit(const DataFrame& X, const std::vector<std::string>& columns) {
  columns_ = numeric_columns(X, columns, "StandardScaler.fit");
  const auto d = static_cast<std::int64_t>(columns_.size());
  mean_ = NDArray<double>(Shape{d});
  var_ = NDArray<double>(Shape{d});
  scale_ = NDArray<double>(Shape{d});
  n_ = 0;
  const auto moments = frame_detail::column_moments(X.node(), columns_);  // one pass for every column
  require_finite_columns(moments, columns_, "StandardScaler.fit");
  for (std::int64_t j = 0; j < d; ++j) {
    const auto& m = moments[static_cast<std::size_t>(j)];
    mean_.data()[j] = m.n ? m.sum / static_cast<double>(m.n) : 0.0;
    var_.data()[j] = m.n ? m.var(0) : 0.0;
    const double s = std::sqrt(var_.data()[j]);
    scale_.data()[j] = s < 10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::fabs(mean_.data()[j])) ? 1.0 : s;
    n_ = std::max(n_, m.n);
  }
  return *this;
}

DataFrame StandardScaler::transform(const DataFrame& X) const {
  require_fitted(n_ > 0 && !columns_.empty(), "StandardScaler.transform(DataFrame)");
  const auto d = mean_.size();
  return scale_columns(X, columns_, params_.with_mean ? mean_ : filled(d, 0.0), params_.with_std ? scale_ : filled(d, 1.0), true);
}

DataFrame StandardScaler::inverse_transform(const DataFrame& X) const {
  require_fitted(n_ > 0 && !columns_.empty(), "StandardScaler.inverse_transform(DataFrame)");
  const auto d = mean_.size();
  return scale_columns(X, columns_, params_.with_mean ? mean_ : filled(d, 0.0), params_.with_std ? scale_ : filled(d, 1.0), false);
}

MinMaxScaler& MinMaxScaler::fit(const DataFrame& X, const std::vector<std::string>& columns) {
  RANKWISE_CHECK(params_.feature_range_low < params_.feature_range_high, ValueError,
                 "MinMaxScaler: feature_range_low must be below feature_range_high");
  fitted_ = false;  // a failed fit leaves the scaler unfitted, not half-updated
  columns_ = numeric_columns(X, columns, "MinMaxScaler.fit");
  const auto d = static_cast<std::int64_t>(columns_.size());
  min_ = NDArray<double>(Shape{d});
  max_ = NDArray<double>(Shape{d});
  const auto moments = frame_detail::column_moments(X.node(), columns_);  // one pass for every column
  require_finite_columns(moments, columns_, "MinMaxScaler.fit");
  for (std::int64_t j = 0; j < d; ++j) {
    min_.data()[j] = moments[static_cast<std::size_t>(j)].min;
    max_.data()[j] = moments[static_cast<std::size_t>(j)].max;
  }
  fitted_ = true;
  return *this;
}

DataFrame MinMaxScaler::transform(const DataFrame& X) const {
  require_fitted(fitted_ && !columns_.empty(), "MinMaxScaler.transform(DataFrame)");
  const auto [shift, scale] = minmax_affine(min_, max_, params_.feature_range_low, params_.feature_range_high);
  return scale_columns(X, columns_, shift, scale, true);
}

DataFrame MinMaxScaler::inverse_transform(const DataFrame& X) const {
  require_fitted(fitted_ && !columns_.empty(), "MinMaxScaler.inverse_transform(DataFrame)");
  const auto [shift, scale] = minmax_affine(min_, max_, params_.feature_range_low, params_.feature_range_high);
  return scale_columns(X, columns_, shift, scale, false);
}

}  // namespace rankwise::ml
