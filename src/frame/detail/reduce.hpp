#pragma once
// Reductions over partitions: moments (count, sum, mean, variance, min, max) merged with Chan's
// formula in partition order, quantile summaries, describe, and grouped aggregation.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "frame/detail/plan.hpp"

namespace rankwise::frame_detail {

/// Count, sum, mean, sum of squared deviations, min and max of the non-null values.
struct Moments {
  std::int64_t n = 0;
  double sum = 0, mean = 0, m2 = 0;
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();

  static Moments of(const Column& c);
  /// Chan et al.'s pairwise merge (this first, then `o`). Local.
  void merge(const Moments& o);
  double var(int ddof) const {
    return n - ddof > 0 ? m2 / static_cast<double>(n - ddof) : std::numeric_limits<double>::quiet_NaN();
  }
};

/// Moments of a series over all partitions. Collective.
Moments moments(const SeriesPtr& s);
/// Moments of several numeric columns of a frame, in one pass. Collective.
std::vector<Moments> column_moments(const FramePtr& frame, const std::vector<std::string>& columns);
/// The approximate q-quantile of a series (see Series::quantile). Collective.
double quantile(const SeriesPtr& s, double q);
/// describe() of the named columns (int64/float64). Collective.
Table describe(const FramePtr& frame, const std::vector<std::string>& columns);

/// (column, function) pairs; function in sum mean count min max var std size.
using Aggregations = std::vector<std::pair<std::string, std::string>>;
/// Grouped aggregation sorted by key: key columns then one column per aggregation, named
/// `names[i]`. Collective.
Table group_aggregate(const FramePtr& frame, const std::vector<std::string>& keys, const Aggregations& aggs,
                      const std::vector<std::string>& names);

/// Sorts a table's rows by the given columns (ascending; `descending` per column). Local.
Table sort_by(const Table& t, const std::vector<std::string>& columns, const std::vector<bool>& descending = {});

}  // namespace rankwise::frame_detail
