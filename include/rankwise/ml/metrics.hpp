#pragma once
/// Metrics (sklearn.metrics) over distributed arrays. All are Collective (passes over the rows
/// with per-block partials combined in block order: one for most, two for r2_score; the
/// silhouette gathers its sample) and return the same value on every rank.
#include <cstdint>

#include "rankwise/array/array.hpp"

namespace rankwise::ml::metrics {

double accuracy_score(const Array<std::int64_t>& y_true, const Array<std::int64_t>& y_pred);
double r2_score(const Array<double>& y_true, const Array<double>& y_pred);
double mean_squared_error(const Array<double>& y_true, const Array<double>& y_pred);
double mean_absolute_error(const Array<double>& y_true, const Array<double>& y_pred);
/// Mean negative log-likelihood of integer labels 0..K-1 under probabilities (n × K), clipped
/// to [1e-15, 1 - 1e-15] like scikit-learn.
double log_loss(const Array<std::int64_t>& y_true, const Array<double>& proba);
/// counts[i][j]: rows with true label i predicted as j, for labels 0..n_classes-1 (rows with a
/// label outside that range are not counted).
NDArray<std::int64_t> confusion_matrix(const Array<std::int64_t>& y_true, const Array<std::int64_t>& y_pred,
                                       std::int64_t n_classes);
/// Mean silhouette coefficient over `sample_size` rows drawn with random_state (all rows when
/// there are fewer): an O(sample_size²) computation, replicated on every rank.
double silhouette_score(const Array<double>& X, const Array<std::int64_t>& labels, std::int64_t sample_size = 1000,
                        std::uint64_t random_state = 0);

}  // namespace rankwise::ml::metrics
