// KMeans's float32 nearest-center search (src/ml/detail/mixed_lloyd.hpp), both implementations:
// every row it does not flag as too close to call gets exactly the float64 kernel's label, for
// every register-block shape (1–20 centers, 1–23 features, 0–19 rows: partial panels), for
// data far from the origin (centered by the shift), for exact ties (always flagged), and only
// changed or flagged rows are reported.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "ml/detail/mixed_lloyd.hpp"
#include "ml/detail/nearest.hpp"

namespace {

using rankwise::ml::detail::CenterPanels32;
using rankwise::ml::detail::LabelEvent;
using rankwise::ml::detail::NearestCenters;
using rankwise::ml::detail::RowPanels32;

using Search = void (CenterPanels32::*)(const RowPanels32&, const std::int32_t*, std::vector<LabelEvent>&) const;
constexpr Search kBoth[] = {&CenterPanels32::search_events_portable, &CenterPanels32::search_events_simd};

std::vector<double> column_means(const std::vector<double>& x, std::int64_t m, std::int64_t d) {
  std::vector<double> mean(static_cast<std::size_t>(d), 0.0);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t t = 0; t < d; ++t) mean[t] += x[i * d + t] / static_cast<double>(m);  // m = 0: zeros
  return mean;
}

// Searches with previous labels of −1 (every row reported) and checks each unflagged label
// against the float64 kernel. Returns the number of flagged rows.
std::int64_t expect_float64_labels(const std::vector<double>& x, std::int64_t m, const std::vector<double>& c, std::int64_t k,
                                   std::int64_t d, const std::vector<double>& shift, Search search) {
  const RowPanels32 rows(x.data(), m, d, shift.data());
  const CenterPanels32 centers(c.data(), k, d, shift.data());
  std::vector<std::int32_t> previous(static_cast<std::size_t>(m), -1);
  std::vector<LabelEvent> events;
  (centers.*search)(rows, previous.data(), events);
  EXPECT_EQ(static_cast<std::int64_t>(events.size()), m);
  std::vector<std::int64_t> label64(static_cast<std::size_t>(m));
  std::vector<double> partial64(static_cast<std::size_t>(m));
  NearestCenters(c.data(), k, d).search(x.data(), m, label64.data(), partial64.data());
  std::int64_t flagged = 0;
  for (std::size_t e = 0; e < events.size(); ++e) {
    EXPECT_EQ(events[e].row, static_cast<std::int64_t>(e)) << "events in row order";
    if (events[e].ambiguous) {
      ++flagged;
      continue;
    }
    EXPECT_EQ(events[e].label, label64[e]) << "row " << e << " k " << k << " d " << d;
  }
  return flagged;
}

TEST(MixedLloyd, UnflaggedRowsGetTheFloat64LabelForEveryShape) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-3, 3);
  for (const auto search : kBoth)
    for (std::int64_t k = 1; k <= 20; ++k)
      for (std::int64_t d : {1, 2, 3, 8, 20, 23})
        for (std::int64_t m : {0, 1, 7, 8, 9, 19}) {
          std::vector<double> x(static_cast<std::size_t>(m * d)), c(static_cast<std::size_t>(k * d));
          for (auto& v : x) v = u(rng);
          for (auto& v : c) v = u(rng);
          const auto flagged = expect_float64_labels(x, m, c, k, d, column_means(x, m, d), search);
          EXPECT_LE(flagged, m / 4 + 1) << "random rows are rarely too close to call";
        }
}

TEST(MixedLloyd, FarFromTheOriginTheShiftKeepsTheBoundSmall) {
  // Rows around 10⁶ with unit spread: uncentered, float32 could not tell any two centers apart.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0, 1);
  const std::int64_t m = 2000, d = 5, k = 4;
  std::vector<double> x(static_cast<std::size_t>(m * d)), c(static_cast<std::size_t>(k * d));
  for (auto& v : x) v = 1e6 + noise(rng);
  for (auto& v : c) v = 1e6 + noise(rng);
  for (const auto search : kBoth) {
    const auto flagged = expect_float64_labels(x, m, c, k, d, column_means(x, m, d), search);
    EXPECT_LT(flagged, m / 20);
  }
}

TEST(MixedLloyd, ExactTiesAreAlwaysFlagged) {
  // Rows on the perpendicular bisector of two centers: float32 cannot decide, float64 must.
  const std::int64_t d = 2, k = 2, m = 9;
  const std::vector<double> c{1.0, 0.5, -1.0, 0.5};
  std::vector<double> x;
  for (std::int64_t i = 0; i < m; ++i) {
    x.push_back(0.0);
    x.push_back(0.25 * static_cast<double>(i));
  }
  const std::vector<double> shift{0.1, 0.2};
  for (const auto search : kBoth) {
    const RowPanels32 rows(x.data(), m, d, shift.data());
    const CenterPanels32 centers(c.data(), k, d, shift.data());
    std::vector<std::int32_t> previous(m, 0);
    std::vector<LabelEvent> events;
    (centers.*search)(rows, previous.data(), events);
    ASSERT_EQ(static_cast<std::int64_t>(events.size()), m);
    for (const auto& e : events) EXPECT_TRUE(e.ambiguous) << "row " << e.row;
  }
}

TEST(MixedLloyd, NearTiesAreFlaggedOrDecidedCorrectly) {
  // Rows at distances 10⁻¹²…10⁻² off the bisectors of random center pairs, in 8 features:
  // float32 alone decides many of them wrongly; every unflagged one must match float64.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-2, 2);
  const std::int64_t d = 8, k = 6;
  std::vector<double> c(static_cast<std::size_t>(k * d)), x;
  for (auto& v : c) v = u(rng);
  for (int r = 0; r < 4000; ++r) {
    const auto a = r % k, b = (r / k) % k == a ? (a + 1) % k : (r / k) % k;
    const double off = std::pow(10.0, -12 + (r % 11)) * (r % 2 ? 1 : -1), t = u(rng);
    std::vector<double> diff(d);
    double len = 0;
    for (std::int64_t f = 0; f < d; ++f) {
      diff[f] = c[a * d + f] - c[b * d + f];
      len += diff[f] * diff[f];
    }
    len = std::sqrt(len);
    // A step along the bisector (a random direction less its component along the normal).
    std::vector<double> along(d);
    double dot = 0;
    for (std::int64_t f = 0; f < d; ++f) {
      along[f] = u(rng);
      dot += along[f] * diff[f] / len;
    }
    for (std::int64_t f = 0; f < d; ++f)
      x.push_back(0.5 * (c[a * d + f] + c[b * d + f]) + off * diff[f] / len + 0.2 * t * (along[f] - dot * diff[f] / len));
  }
  const auto m = static_cast<std::int64_t>(x.size()) / d;
  for (const auto search : kBoth) EXPECT_GT(expect_float64_labels(x, m, c, k, d, column_means(x, m, d), search), 0);
}

TEST(MixedLloyd, OnlyChangedOrFlaggedRowsAreReported) {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0, 1);
  const std::int64_t m = 301, d = 6, k = 5;
  std::vector<double> x(static_cast<std::size_t>(m * d)), c(static_cast<std::size_t>(k * d));
  for (auto& v : x) v = u(rng);
  for (auto& v : c) v = u(rng);
  const auto shift = column_means(x, m, d);
  std::vector<std::int64_t> label64(m);
  std::vector<double> partial64(m);
  NearestCenters(c.data(), k, d).search(x.data(), m, label64.data(), partial64.data());
  std::vector<std::int32_t> previous(label64.begin(), label64.end());
  for (std::int64_t i = 0; i < m; i += 10) previous[i] = static_cast<std::int32_t>((label64[i] + 1) % k);  // these moved
  for (const auto search : kBoth) {
    const RowPanels32 rows(x.data(), m, d, shift.data());
    const CenterPanels32 centers(c.data(), k, d, shift.data());
    std::vector<LabelEvent> events;
    (centers.*search)(rows, previous.data(), events);
    std::vector<bool> reported(m, false);
    for (const auto& e : events) {
      reported[e.row] = true;
      if (!e.ambiguous) {
        EXPECT_EQ(e.label, label64[e.row]);
        EXPECT_EQ(e.row % 10, 0) << "an unchanged, decided row was reported";
      }
    }
    for (std::int64_t i = 0; i < m; i += 10) EXPECT_TRUE(reported[i]) << "moved row " << i << " not reported";
  }
}

}  // namespace
