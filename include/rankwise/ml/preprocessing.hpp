#pragma once
/// Scalers (sklearn.preprocessing / dask_ml.preprocessing): fitted with block-ordered
/// reductions (StandardScaler: two passes, for the means and the squared deviations; MinMaxScaler:
/// one pass and two allreduces); transform and inverse_transform are lazy.
#include <string>

#include "rankwise/array/array.hpp"
#include "rankwise/frame/dataframe.hpp"

namespace rankwise::ml {

/// Standardises features: (x - mean) / std (population std; a constant feature keeps scale 1).
class StandardScaler {
 public:
  struct Params {
    bool with_mean = true;
    bool with_std = true;
  };
  StandardScaler() = default;
  explicit StandardScaler(Params params) : params_(params) {}

  /// Learns mean_ and scale_ (per-block partials merged in block order). Collective.
  StandardScaler& fit(const Array<double>& X);
  /// Lazy. Throws NotFittedError before fit, ShapeError on a feature-count mismatch. Local.
  Array<double> transform(const Array<double>& X) const;
  Array<double> inverse_transform(const Array<double>& X) const;
  Array<double> fit_transform(const Array<double>& X) { return fit(X).transform(X); }

  /// The same on the numeric (int64, float64, bool) columns of a frame — or `columns` — whose
  /// statistics come from one pass per column (nulls skipped); transform replaces those
  /// columns by float64 scaled columns and keeps the others. Collective / Local (lazy).
  StandardScaler& fit(const DataFrame& X, const std::vector<std::string>& columns = {});
  DataFrame transform(const DataFrame& X) const;
  DataFrame inverse_transform(const DataFrame& X) const;
  DataFrame fit_transform(const DataFrame& X) { return fit(X).transform(X); }
  /// The frame columns fit(DataFrame) used (empty after fit(Array)).
  const std::vector<std::string>& feature_names() const { return columns_; }

  const NDArray<double>& mean() const;
  const NDArray<double>& var() const;
  const NDArray<double>& scale() const;
  std::int64_t n_samples_seen() const { return n_; }

  /// Writes the fitted scaler as an HDF5 file readable by h5py. Collective (rank 0 writes).
  void save(const std::string& path) const;
  static StandardScaler load(const std::string& path);

 private:
  Params params_;
  std::int64_t n_ = 0;
  NDArray<double> mean_, var_, scale_;
  std::vector<std::string> columns_;
};

/// Scales features to feature_range: (x - min) / (max - min) · (high - low) + low.
class MinMaxScaler {
 public:
  struct Params {
    double feature_range_low = 0.0;
    double feature_range_high = 1.0;
  };
  MinMaxScaler() = default;
  explicit MinMaxScaler(Params params) : params_(params) {}

  MinMaxScaler& fit(const Array<double>& X);  ///< Collective.
  Array<double> transform(const Array<double>& X) const;
  Array<double> inverse_transform(const Array<double>& X) const;
  Array<double> fit_transform(const Array<double>& X) { return fit(X).transform(X); }

  /// On the numeric columns of a frame (or `columns`), as StandardScaler's frame overloads.
  MinMaxScaler& fit(const DataFrame& X, const std::vector<std::string>& columns = {});
  DataFrame transform(const DataFrame& X) const;
  DataFrame inverse_transform(const DataFrame& X) const;
  DataFrame fit_transform(const DataFrame& X) { return fit(X).transform(X); }
  const std::vector<std::string>& feature_names() const { return columns_; }

  const NDArray<double>& data_min() const;
  const NDArray<double>& data_max() const;

  void save(const std::string& path) const;
  static MinMaxScaler load(const std::string& path);

 private:
  Params params_;
  NDArray<double> min_, max_;
  bool fitted_ = false;
  std::vector<std::string> columns_;
};

}  // namespace rankwise::ml
