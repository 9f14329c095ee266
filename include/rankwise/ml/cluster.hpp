#pragma once
/// KMeans (sklearn.cluster / dask_ml.cluster) with the scalable k-means|| initialisation.
#include <optional>
#include <string>

#include "rankwise/array/array.hpp"

namespace rankwise::ml {

/// k-means clustering. fit is Collective; for a given random_state the fitted model is
/// identical at any number of ranks (per-block partials are combined in block order).
///
///     rw::ml::KMeans km({.n_clusters = 3, .init_max_iter = 2, .oversampling_factor = 10});
///     km.fit(X);
///     km.cluster_centers(); km.labels(); km.inertia(); km.n_iter();
class KMeans {
 public:
  struct Params {
    std::int64_t n_clusters = 8;
    /// k-means|| rounds (Bahmani et al.'s r).
    int init_max_iter = 5;
    /// Candidates sampled per round: about oversampling_factor · n_clusters (the paper's ℓ/k).
    double oversampling_factor = 2.0;
    /// "k-means||", "k-means++" or "random".
    std::string init = "k-means||";
    int max_iter = 300;
    /// Converged when the squared movement of the centers is below tol · (mean feature variance).
    double tol = 1e-4;
    /// Independent initialisations; the one with the lowest inertia is kept.
    int n_init = 1;
    std::uint64_t random_state = 0;
    /// "lloyd": each iteration searches every row's nearest center in float64 and sums the
    /// clusters afresh. "mixed": the search runs in float32 on a centered float32 copy of X
    /// (half of X's memory more), rows too close to call in float32 are searched again in
    /// float64 — the labels are "lloyd"'s — and the cluster sums are updated by the rows that
    /// change cluster: the same iterations up to rounding in the sums, about 2x faster.
    /// "auto": "mixed" on CPUs with AVX2 + FMA (and n_clusters ≤ 2²⁴), else "lloyd".
    std::string algorithm = "auto";
  };

  KMeans() = default;
  explicit KMeans(Params params) : params_(std::move(params)) {}

  /// Collective. Throws ValueError when n_clusters exceeds the number of rows or X holds NaN/Inf.
  KMeans& fit(const Array<double>& X);
  /// Index of the closest center for each row, lazy.
  Array<std::int64_t> predict(const Array<double>& X) const;
  /// Distances from each row to every center (n × n_clusters), lazy.
  Array<double> transform(const Array<double>& X) const;
  /// Minus the inertia of X under the fitted centers (scikit-learn's score). Collective.
  double score(const Array<double>& X) const;

  const NDArray<double>& cluster_centers() const;
  /// Labels of the training rows, a distributed array (lazy: predict on the training data).
  Array<std::int64_t> labels() const;
  double inertia() const;
  int n_iter() const { return n_iter_; }
  const Params& params() const { return params_; }

  void save(const std::string& path) const;
  static KMeans load(const std::string& path);

 private:
  Params params_;
  NDArray<double> centers_;
  double inertia_ = 0;
  int n_iter_ = 0;
  bool fitted_ = false;
  std::optional<Array<double>> train_;
};

}  // namespace rankwise::ml
