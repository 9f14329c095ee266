// Mixed-precision Lloyd assignment (see detail/mixed_lloyd.hpp).
//
// Rounding bound. With u = 2⁻²⁴, rows x' = x − shift and centers c' = c − shift rounded to
// float32, the float32 partial ||c'||² − 2x'·c' computed by d multiply-adds differs from the
// exact one by at most (d + 3)·u·(2||c'||² + ||x'||²) (rounding of the inputs, of ||c'||² and
// of each multiply-add). The float64 kernel (NearestCenters) centers on the centers' mean s:
// its partial (||c − s||² + 2s·(c − s)) − 2x·(c − s) is off by at most
// (2d + 4)·ε·(||c − s||² + 2||c − s||·(||s|| + ||x||)). All these partials differ from
// ||x − c||² by a per-row constant, so when the float32 runner-up exceeds the best by more than
// twice the sum of the two bounds the float64 kernel picks the same center. The bounds use the
// block's largest row norm and the largest center norm, with margin ((d + 6) in place of
// d + 3: the portable twin rounds the product and the sum separately; 2d + 6 for 2d + 4).
#include "ml/detail/mixed_lloyd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ml/detail/nearest.hpp"
#include "runtime/detail/simd.hpp"

namespace rankwise::ml::detail {

namespace {
constexpr std::int64_t kLanes = 8;  // rows per panel, centers per group
constexpr std::size_t kPrefetchAhead = 16;  // events
constexpr double kUnit32 = 0x1p-24, kUnit64 = 0x1p-53;

std::int64_t whole_groups(std::int64_t n) { return (n + kLanes - 1) / kLanes; }
}  // namespace

RowPanels32::RowPanels32(const double* x, std::int64_t m_, std::int64_t d_, const double* shift)
    : m(m_), d(d_), values(static_cast<std::size_t>(whole_groups(m_) * d_ * kLanes), 0.0f) {
  for (std::int64_t i = 0; i < m; ++i) {
    const double* row = x + i * d;
    float* out = values.data() + (i / kLanes) * d * kLanes + i % kLanes;
    double norm = 0, raw = 0;
    for (std::int64_t t = 0; t < d; ++t) {
      const double v = row[t] - shift[t];
      out[t * kLanes] = static_cast<float>(v);
      norm += v * v;
      raw += row[t] * row[t];
    }
    max_norm = std::max(max_norm, norm);
    max_norm_unshifted = std::max(max_norm_unshifted, raw);
  }
}

CenterPanels32::CenterPanels32(const double* centers, std::int64_t k, std::int64_t d, const double* shift) : k_(k), d_(d) {
  const auto mean = center_shift(centers, k, d);  // the float64 kernel's centering
  for (const double v : mean) mean_norm_ += v * v;
  mean_norm_ = std::sqrt(mean_norm_);
  const auto groups = whole_groups(k);
  norms_.assign(static_cast<std::size_t>(groups * kLanes), std::numeric_limits<float>::infinity());
  panels_.assign(static_cast<std::size_t>(groups * kLanes * d), 0.0f);
  for (std::int64_t j = 0; j < k; ++j) {
    double norm = 0, shifted = 0, from_mean = 0;
    for (std::int64_t t = 0; t < d; ++t) {
      const double c = centers[j * d + t];
      const auto v = static_cast<float>(c - shift[t]);
      panels_[static_cast<std::size_t>((j / kLanes) * kLanes * d + t * kLanes + j % kLanes)] = -2 * v;
      norm += static_cast<double>(v) * static_cast<double>(v);
      shifted += (c - shift[t]) * (c - shift[t]);
      from_mean += (c - mean[static_cast<std::size_t>(t)]) * (c - mean[static_cast<std::size_t>(t)]);
    }
    norms_[static_cast<std::size_t>(j)] = static_cast<float>(norm);
    max_norm_ = std::max(max_norm_, shifted);
    max_from_mean_ = std::max(max_from_mean_, std::sqrt(from_mean));
  }
}

double CenterPanels32::error_bound(const RowPanels32& rows) const {
  const double float32 = static_cast<double>(d_ + 6) * kUnit32 * (2 * max_norm_ + rows.max_norm);
  const double float64 = static_cast<double>(2 * d_ + 6) * kUnit64 *
                         (max_from_mean_ * max_from_mean_ + 2 * max_from_mean_ * (mean_norm_ + std::sqrt(rows.max_norm_unshifted)));
  return (float32 + float64) * 1.01;
}

namespace {
// The gap threshold as a float, rounded up (the float32 subtraction rounds too: 1% margin).
float gap_threshold(double bound) { return static_cast<float>(2.02 * bound) * (1 + 0x1p-20f); }
}  // namespace

void CenterPanels32::search_events_portable(const RowPanels32& rows, const std::int32_t* previous, std::vector<LabelEvent>& events) const {
  const float threshold = gap_threshold(error_bound(rows));
  const auto groups = whole_groups(k_);
  for (std::int64_t i = 0; i < rows.m; ++i) {
    const float* x = rows.values.data() + (i / kLanes) * d_ * kLanes + i % kLanes;
    float best = std::numeric_limits<float>::infinity(), second = best;
    std::int32_t label = 0;
    for (std::int64_t j = 0; j < groups * kLanes; ++j) {
      const float* c = panels_.data() + (j / kLanes) * kLanes * d_ + j % kLanes;
      float v = norms_[static_cast<std::size_t>(j)];
      for (std::int64_t t = 0; t < d_; ++t) v += x[t * kLanes] * c[t * kLanes];
      if (v < best) {
        second = best;
        best = v;
        label = static_cast<std::int32_t>(j);
      } else {
        second = std::min(second, v);
      }
    }
    const bool ambiguous = !(second - best > threshold);
    if (ambiguous || label != previous[i]) events.push_back({i, label, ambiguous});
  }
}

#ifdef RANKWISE_X86_KERNELS
namespace {
// Eight rows (one panel) against all centers, eight at a time: one register per center holds
// its partial for the eight rows, so the running minimum, runner-up and index are lanewise
// compare + blend, with no transpose and no branch. Rows that need the caller's attention
// (label changed, or too close to call) are found with one movemask per panel.
__attribute__((target("avx2,fma"))) void search_events_avx2(const float* x, std::int64_t m, std::int64_t d, std::int64_t groups,
                                                            const float* panels, const float* norms, float threshold,
                                                            const std::int32_t* previous, std::vector<LabelEvent>& events) {
  const __m256 inf = _mm256_set1_ps(std::numeric_limits<float>::infinity());
  const __m256 limit = _mm256_set1_ps(threshold);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (std::int64_t p = 0; p < whole_groups(m); ++p) {
    const float* xp = x + p * d * kLanes;
    __m256 best = inf, second = inf, index = _mm256_setzero_ps();
    for (std::int64_t g = 0; g < groups; ++g) {
      const float* cp = panels + g * kLanes * d;
      __m256 acc[kLanes];
#pragma GCC unroll 8
      for (int c = 0; c < kLanes; ++c) acc[c] = _mm256_broadcast_ss(norms + g * kLanes + c);
      for (std::int64_t t = 0; t < d; ++t) {
        const __m256 xv = _mm256_loadu_ps(xp + t * kLanes);
#pragma GCC unroll 8
        for (int c = 0; c < kLanes; ++c) acc[c] = _mm256_fmadd_ps(xv, _mm256_broadcast_ss(cp + t * kLanes + c), acc[c]);
      }
#pragma GCC unroll 8
      for (int c = 0; c < kLanes; ++c) {
        const __m256 less = _mm256_cmp_ps(acc[c], best, _CMP_LT_OQ);  // strict: ties keep the lower index
        second = _mm256_blendv_ps(_mm256_min_ps(second, acc[c]), best, less);
        best = _mm256_blendv_ps(best, acc[c], less);
        index = _mm256_blendv_ps(index, _mm256_set1_ps(static_cast<float>(g * kLanes + c)), less);
      }
    }
    const __m256i label = _mm256_cvttps_epi32(index);
    const auto valid = std::min<std::int64_t>(kLanes, m - p * kLanes);
    const __m256i in_block = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid)), lane);
    const __m256i old = _mm256_maskload_epi32(previous + p * kLanes, in_block);
    const __m256 clear = _mm256_cmp_ps(_mm256_sub_ps(second, best), limit, _CMP_GT_OQ);
    const int ambiguous = ~_mm256_movemask_ps(clear) & 0xff;
    const int same = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(label, old)));
    int attention = (ambiguous | ~same) & _mm256_movemask_ps(_mm256_castsi256_ps(in_block));
    if (attention == 0) continue;
    alignas(32) std::int32_t labels[kLanes];
    _mm256_store_si256(reinterpret_cast<__m256i*>(labels), label);
    while (attention != 0) {
      const int r = __builtin_ctz(static_cast<unsigned>(attention));
      attention &= attention - 1;
      events.push_back({p * kLanes + r, labels[r], ((ambiguous >> r) & 1) != 0});
    }
  }
}
}  // namespace
#endif

void CenterPanels32::search_events_simd(const RowPanels32& rows, const std::int32_t* previous, std::vector<LabelEvent>& events) const {
#ifdef RANKWISE_X86_KERNELS
  if (rankwise::detail::cpu_has_avx2_fma()) {
    search_events_avx2(rows.values.data(), rows.m, d_, whole_groups(k_), panels_.data(), norms_.data(), gap_threshold(error_bound(rows)),
                       previous, events);
    return;
  }
#endif
  search_events_portable(rows, previous, events);
}

void CenterPanels32::search_events(const RowPanels32& rows, const std::int32_t* previous, std::vector<LabelEvent>& events) const {
  search_events_simd(rows, previous, events);
}

MixedLloyd::MixedLloyd(const Rows& rows, std::int64_t k, const std::vector<double>& shift)
    : rows_(rows), k_(k), d_(rows.d), shift_(shift), labels_(rows.size()), partials_(rows.size()) {
  panels_.reserve(rows.size());
  for (std::size_t b = 0; b < rows.size(); ++b) {
    const auto m = rows.at(b).shape()[0];
    panels_.emplace_back(rows.at(b).data(), m, d_, shift_.data());
  }
  restart();
}

void MixedLloyd::restart() {
  for (std::size_t b = 0; b < rows_.size(); ++b) {
    labels_[b].assign(static_cast<std::size_t>(rows_.at(b).shape()[0]), -1);
    partials_[b].assign(static_cast<std::size_t>(k_ * d_ + k_), 0.0);
  }
}

const std::vector<std::vector<double>>& MixedLloyd::assign(const std::vector<double>& centers) {
  const auto d = d_;
  const CenterPanels32 search32(centers.data(), k_, d, shift_.data());
  const NearestCenters search64(centers.data(), k_, d);
  std::vector<LabelEvent> events;
  std::vector<double> unsure;  // rows to search again in float64
  std::vector<std::int64_t> label64;
  std::vector<double> partial64;
  for (std::size_t b = 0; b < rows_.size(); ++b) {
    const double* x = rows_.at(b).data();
    auto& labels = labels_[b];
    double* sums = partials_[b].data();
    double* counts = sums + k_ * d;
    events.clear();
    search32.search_events(panels_[b], labels.data(), events);

    unsure.clear();
    for (const auto& e : events)
      if (e.ambiguous) unsure.insert(unsure.end(), x + e.row * d, x + (e.row + 1) * d);
    const auto n_unsure = static_cast<std::int64_t>(unsure.size()) / std::max<std::int64_t>(d, 1);
    label64.resize(static_cast<std::size_t>(n_unsure));
    partial64.resize(static_cast<std::size_t>(n_unsure));
    if (n_unsure > 0) search64.search(unsure.data(), n_unsure, label64.data(), partial64.data());

    std::size_t next_unsure = 0;
    for (std::size_t at = 0; at < events.size(); ++at) {  // row order: the same sums at any rank count
      // The moving rows are scattered over X: fetch a few ahead (a miss per row otherwise).
      if (at + kPrefetchAhead < events.size()) {
        const char* ahead = reinterpret_cast<const char*>(x + events[at + kPrefetchAhead].row * d);
        for (std::int64_t byte = 0; byte < d * 8; byte += 64) __builtin_prefetch(ahead + byte);
        __builtin_prefetch(ahead + d * 8 - 1);
      }
      const auto& e = events[at];
      const auto label = e.ambiguous ? static_cast<std::int32_t>(label64[next_unsure++]) : e.label;
      auto& old = labels[static_cast<std::size_t>(e.row)];
      if (label == old) continue;
      const double* row = x + e.row * d;
      if (old >= 0) {
        double* from = sums + old * d;
        for (std::int64_t t = 0; t < d; ++t) from[t] -= row[t];
        counts[old] -= 1;
      }
      double* to = sums + label * d;
      for (std::int64_t t = 0; t < d; ++t) to[t] += row[t];
      counts[label] += 1;
      old = label;
    }
  }
  return partials_;
}

}  // namespace rankwise::ml::detail
