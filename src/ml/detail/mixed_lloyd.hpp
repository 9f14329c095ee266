#pragma once
// Lloyd's iterations with the nearest-center search in float32 (KMeans algorithm "mixed").
//
// A float64 Lloyd iteration reads every row of X to find its nearest center: it is bound by
// memory bandwidth. This keeps a float32 copy of this rank's rows, centered on the column means
// and laid out in panels of eight rows (feature-major, one row per vector lane), so the search
// reads half the bytes and handles eight rows per multiply-add. A row whose two nearest centers
// are closer than the float32 rounding bound is searched again in float64, with the same kernel
// as algorithm "lloyd", so every label is the float64 search's label. The cluster sums are kept
// per block in float64 and updated only by the rows that change cluster, read from X.
#include <cstdint>
#include <vector>

#include "ml/detail/common.hpp"

namespace rankwise::ml::detail {

/// Rows of a block in panels of eight: panel p holds, for each feature t, the eight values
/// x[8p + r][t] − shift[t] as float32 (rows past the end are zero).
struct RowPanels32 {
  std::int64_t m = 0, d = 0;
  std::vector<float> values;      // ⌈m/8⌉ × d × 8
  double max_norm = 0;            // max over rows of ||x − shift||² (of the float64 values)
  double max_norm_unshifted = 0;  // max over rows of ||x||²

  RowPanels32(const double* x, std::int64_t m, std::int64_t d, const double* shift);
};

/// A row whose float32 label differs from its previous one, or whose float32 search cannot
/// tell its two nearest centers apart (`ambiguous`).
struct LabelEvent {
  std::int64_t row;
  std::int32_t label;
  bool ambiguous;
};

/// k centers for the float32 search, shifted as the rows are.
class CenterPanels32 {
 public:
  CenterPanels32(const double* centers, std::int64_t k, std::int64_t d, const double* shift);

  /// A bound on |float32 partial − exact partial| + |float64 partial − exact partial| for
  /// rows of `rows`: the float32 argmin is the float64 kernel's whenever the runner-up's
  /// partial exceeds the best's by more than twice this.
  double error_bound(const RowPanels32& rows) const;

  /// Searches every row of `rows` and appends, in row order, an event for each row whose label
  /// differs from previous[row] (a −1 never matches) or whose gap between the two nearest
  /// centers is at most `2 · error_bound`. Local. `search_events` picks the AVX2 kernel when
  /// the CPU has it; the twins are for tests.
  void search_events(const RowPanels32& rows, const std::int32_t* previous, std::vector<LabelEvent>& events) const;
  void search_events_simd(const RowPanels32& rows, const std::int32_t* previous, std::vector<LabelEvent>& events) const;
  void search_events_portable(const RowPanels32& rows, const std::int32_t* previous, std::vector<LabelEvent>& events) const;

 private:
  std::int64_t k_, d_;
  double max_norm_ = 0;       // max ||c − shift||²
  double max_from_mean_ = 0;  // max ||c − s|| and ||s||, s the centers' mean (the float64 kernel's shift)
  double mean_norm_ = 0;
  std::vector<float> norms_;   // ||c − shift||² per center, +inf padding to whole groups of eight
  std::vector<float> panels_;  // per group of eight centers: d × 8 values of −2(c − shift)
};

class MixedLloyd {
 public:
  /// Float32 copies of this rank's blocks of `rows`, shifted by `shift` (the column means:
  /// centering keeps the float32 rounding bound small). Local; memory: half of X plus 4 bytes
  /// per row.
  MixedLloyd(const Rows& rows, std::int64_t k, const std::vector<double>& shift);

  /// Per local block, [sums (k × d), counts (k)] of its rows under `centers` (labels of the
  /// float64 search). The first call adds every row; later calls move only the rows whose
  /// label changed. Deterministic per block, so the block sums do not depend on the rank
  /// count. Local: the caller adds the blocks up (sum_blocks).
  const std::vector<std::vector<double>>& assign(const std::vector<double>& centers);

  /// Forgets the labels and sums: the next assign starts afresh (a new initialisation). Local.
  void restart();

  /// The largest k the float32 search labels exactly (its lane indices are float32).
  static constexpr std::int64_t kMaxClusters = std::int64_t{1} << 24;

 private:
  const Rows& rows_;
  std::int64_t k_, d_;
  std::vector<double> shift_;
  std::vector<RowPanels32> panels_;
  std::vector<std::vector<std::int32_t>> labels_;
  std::vector<std::vector<double>> partials_;
};

}  // namespace rankwise::ml::detail
