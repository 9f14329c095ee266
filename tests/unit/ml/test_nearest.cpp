// KMeans's nearest-center search (src/ml/detail/nearest.hpp): both implementations against a
// brute-force argmin of squared distances, for every register-block shape (1–20 centers, so
// one to three groups of eight with padding), 1–23 features, 0–13 rows (the zero-padded last
// rows), ties, and the per-cluster accumulation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "ml/detail/nearest.hpp"

namespace {

using rankwise::ml::detail::accumulate_clusters;
using rankwise::ml::detail::NearestCenters;

struct Result {
  std::vector<std::int64_t> label;
  std::vector<double> partial;
};

using Search = void (NearestCenters::*)(const double*, std::int64_t, std::int64_t*, double*) const;

Result run(const NearestCenters& c, Search search, const std::vector<double>& x, std::int64_t m) {
  Result r{std::vector<std::int64_t>(static_cast<std::size_t>(m), -1), std::vector<double>(static_cast<std::size_t>(m), NAN)};
  (c.*search)(x.data(), m, r.label.data(), r.partial.data());
  return r;
}

void expect_nearest(const std::vector<double>& x, std::int64_t m, const std::vector<double>& c, std::int64_t k, std::int64_t d,
                    const Result& got, const char* which) {
  for (std::int64_t i = 0; i < m; ++i) {
    std::vector<double> dist(static_cast<std::size_t>(k));
    // The partial is the squared distance less ||x − s||², s the centers' mean.
    double xn = 0;
    const auto shift = rankwise::ml::detail::center_shift(c.data(), k, d);
    for (std::int64_t t = 0; t < d; ++t) {
      double s = 0;  // the centers' mean, to the shift's 20 bits
      for (std::int64_t j = 0; j < k; ++j) s += c[j * d + t] / static_cast<double>(k);
      EXPECT_NEAR(shift[t], s, 1e-5 * std::fabs(s));
      xn += (x[i * d + t] - shift[t]) * (x[i * d + t] - shift[t]);
    }
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t t = 0; t < d; ++t) dist[j] += (x[i * d + t] - c[j * d + t]) * (x[i * d + t] - c[j * d + t]);
    const auto label = got.label[i];
    ASSERT_GE(label, 0) << which;
    ASSERT_LT(label, k) << which;
    // The chosen center is the nearest up to rounding (random data has no near ties).
    const double best = *std::min_element(dist.begin(), dist.end());
    EXPECT_NEAR(dist[label], best, 1e-12 * (1 + xn)) << which << " row " << i << " k " << k << " d " << d;
    EXPECT_NEAR(got.partial[i] + xn, dist[label], 1e-12 * (1 + xn)) << which << " row " << i;
  }
}

TEST(NearestCenters, BothPathsFindTheNearestCenterForEveryShape) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-3, 3);
  for (std::int64_t k = 1; k <= 20; ++k)
    for (std::int64_t d : {1, 2, 3, 4, 5, 8, 20, 23})
      for (std::int64_t m : {0, 1, 3, 4, 5, 13}) {
        std::vector<double> x(static_cast<std::size_t>(m * d)), c(static_cast<std::size_t>(k * d));
        for (auto& v : x) v = u(rng);
        for (auto& v : c) v = u(rng);
        const NearestCenters centers(c.data(), k, d);
        expect_nearest(x, m, c, k, d, run(centers, &NearestCenters::search_portable, x, m), "portable");
        expect_nearest(x, m, c, k, d, run(centers, &NearestCenters::search_simd, x, m), "simd");
      }
}

TEST(NearestCenters, FarFromTheOriginDistancesKeepTheirDigits) {
  // Rows and centers around 10⁶: ||x||² ≈ 10¹³, so an uncentered ||c||² − 2x·c would lose
  // about 10⁻³ of absolute accuracy; centered on the centers' mean it keeps ~10⁻⁹.
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(-3, 3);
  const std::int64_t k = 5, d = 6, m = 41;
  std::vector<double> x(static_cast<std::size_t>(m * d)), c(static_cast<std::size_t>(k * d));
  for (auto& v : x) v = 1e6 + u(rng);
  for (auto& v : c) v = 1e6 + u(rng);
  const NearestCenters centers(c.data(), k, d);
  for (Search s : {&NearestCenters::search_portable, &NearestCenters::search_simd}) {
    const auto r = run(centers, s, x, m);
    for (std::int64_t i = 0; i < m; ++i) {
      std::vector<double> dist(static_cast<std::size_t>(k), 0.0);
      for (std::int64_t j = 0; j < k; ++j)
        for (std::int64_t t = 0; t < d; ++t) dist[j] += (x[i * d + t] - c[j * d + t]) * (x[i * d + t] - c[j * d + t]);
      EXPECT_NEAR(dist[r.label[i]], *std::min_element(dist.begin(), dist.end()), 1e-7);
      EXPECT_NEAR(r.partial[i] + centers.row_offset(x.data() + i * d), dist[r.label[i]], 1e-7) << "row " << i;
    }
  }
}

TEST(NearestCenters, TiesGoToTheLowestIndexAsInArgmin) {
  // Rows on the perpendicular bisectors: equidistant from several centers, exactly.
  const std::int64_t d = 2;
  std::vector<double> c;
  for (int j = 0; j < 11; ++j) { c.push_back(j % 2 == 0 ? 1.0 : -1.0); c.push_back(0.0); }  // two points repeated
  const std::vector<double> x{0.0, 5.0, 1.0, 0.0, -1.0, 0.0, 0.0, -2.0, 1.0, 1.0};
  const NearestCenters centers(c.data(), 11, d);
  for (Search s : {&NearestCenters::search_portable, &NearestCenters::search_simd}) {
    const auto r = run(centers, s, x, 5);
    EXPECT_EQ(r.label, (std::vector<std::int64_t>{0, 0, 1, 0, 0}));
  }
}

TEST(NearestCenters, AccumulateAddsRowsToTheirClusters) {
  for (std::int64_t d : {1, 3, 4, 7, 20}) {
    const std::int64_t m = 9, k = 3;
    const std::vector<double> shift(static_cast<std::size_t>(d), 0.75);
    std::vector<double> x(static_cast<std::size_t>(m * d));
    for (std::size_t q = 0; q < x.size(); ++q) x[q] = static_cast<double>(q % 7) - 2.5;
    const std::vector<std::int64_t> label{2, 0, 2, 1, 2, 0, 0, 2, 1};
    std::vector<double> partial(static_cast<std::size_t>(m)), sums(static_cast<std::size_t>(k * d), 0.0), counts(3, 0.0);
    double want_total = 0;
    std::vector<double> want_sums(sums.size(), 0.0), want_counts(3, 0.0);
    for (std::int64_t i = 0; i < m; ++i) {
      double xn = 0;
      for (std::int64_t t = 0; t < d; ++t) {
        xn += (x[i * d + t] - 0.75) * (x[i * d + t] - 0.75);
        want_sums[label[i] * d + t] += x[i * d + t];
      }
      partial[i] = -xn + static_cast<double>(i) - 4;  // some negative totals: clamped to zero
      want_total += std::max(0.0, static_cast<double>(i) - 4);
      want_counts[label[i]] += 1;
    }
    const double total = accumulate_clusters(x.data(), m, d, shift.data(), label.data(), partial.data(), sums.data(), counts.data());
    EXPECT_NEAR(total, want_total, 1e-9) << d;
    for (std::size_t q = 0; q < sums.size(); ++q) EXPECT_NEAR(sums[q], want_sums[q], 1e-12) << d;
    EXPECT_EQ(counts, want_counts);
  }
}

TEST(NearestCenters, AssignIsSearchThenAccumulate) {
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> u(-3, 3);
  for (std::int64_t k : {1, 3, 8, 11})
    for (std::int64_t d : {1, 2, 5, 20})
      for (std::int64_t m : {0, 3, 4, 9, 257}) {
        std::vector<double> x(static_cast<std::size_t>(m * d)), c(static_cast<std::size_t>(k * d));
        for (auto& v : x) v = u(rng);
        for (auto& v : c) v = u(rng);
        const NearestCenters centers(c.data(), k, d);
        std::vector<double> sums(static_cast<std::size_t>(k * d), 0.0), counts(static_cast<std::size_t>(k), 0.0);
        const double inertia = centers.assign(x.data(), m, sums.data(), counts.data());
        const auto r = run(centers, &NearestCenters::search_portable, x, m);
        std::vector<double> want_sums(sums.size(), 0.0), want_counts(counts.size(), 0.0);
        const double want = accumulate_clusters(x.data(), m, d, centers.shift(), r.label.data(), r.partial.data(), want_sums.data(), want_counts.data());
        EXPECT_EQ(counts, want_counts) << k << " " << d << " " << m;
        for (std::size_t q = 0; q < sums.size(); ++q) EXPECT_NEAR(sums[q], want_sums[q], 1e-12);
        EXPECT_NEAR(inertia, want, 1e-9 * (1 + want));
      }
}

}  // namespace
