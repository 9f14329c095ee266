// The row loops of LogisticRegression's two-class pass (src/ml/detail/logistic_kernels.hpp):
// the dispatched versions (AVX2 / libmvec where the machine has them) against the portable
// ones and against plain formulas, for every feature count up to 33 (masked tails, the register
// version's limit and the fallback beyond) and row counts that leave 0–3 rows over.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "ml/detail/logistic_kernels.hpp"

namespace {

using namespace rankwise::ml::detail;

std::vector<double> random_vector(std::size_t n, std::mt19937_64& rng, double scale) {
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

TEST(LogisticKernels, RowDotsMatchPlainDotProducts) {
  std::mt19937_64 rng(11);
  for (std::int64_t d = 1; d <= 33; ++d)
    for (std::int64_t m : {0, 1, 2, 3, 4, 7, 64}) {
      const auto x = random_vector(static_cast<std::size_t>(m * d), rng, 2), w = random_vector(static_cast<std::size_t>(d), rng, 1);
      std::vector<double> fast(static_cast<std::size_t>(m)), plain(static_cast<std::size_t>(m));
      row_dots(x.data(), m, d, w.data(), 0.25, fast.data());
      row_dots_portable(x.data(), m, d, w.data(), 0.25, plain.data());
      for (std::int64_t i = 0; i < m; ++i) {
        double want = 0.25;
        for (std::int64_t t = 0; t < d; ++t) want += x[i * d + t] * w[t];
        EXPECT_NEAR(fast[i], want, 1e-13) << "d " << d << " m " << m << " row " << i;
        EXPECT_NEAR(plain[i], want, 1e-13);
      }
    }
}

TEST(LogisticKernels, TermsMatchTheLogisticFormulasForEveryLogit) {
  // Logits from saturated to tiny, both classes; m = 0..9 covers the masked last group.
  std::vector<double> z;
  std::vector<std::int64_t> y;
  for (double v = -800; v <= 800; v += 3.7) {
    z.push_back(v);
    y.push_back(static_cast<std::int64_t>(z.size() % 2));
  }
  for (double v : {0.0, -0.0, 1e-12, -1e-12, 36.0, -36.0}) {
    z.push_back(v);
    y.push_back(static_cast<std::int64_t>(z.size() % 3 == 0));
  }
  const double C = 0.7;
  for (std::size_t m : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{9}, z.size()}) {
    std::vector<double> r(m), w(m), rp(m), wp(m);
    const double loss = logistic_terms(z.data(), y.data(), static_cast<std::int64_t>(m), C, r.data(), w.data());
    const double loss_portable = logistic_terms_portable(z.data(), y.data(), static_cast<std::int64_t>(m), C, rp.data(), wp.data());
    double want_loss = 0;
    for (std::size_t i = 0; i < m; ++i) {
      // p = σ(z) and the loss −log p (positive) or −log(1 − p), in long double.
      const long double zi = z[i], p = 1.0L / (1.0L + std::exp(-zi));
      const bool positive = y[i] == 1;
      const long double nll = positive ? std::log1p(std::exp(-zi)) : std::log1p(std::exp(zi));
      want_loss += static_cast<double>(std::isinf(nll) ? std::fabs(zi) : nll);
      // Full relative precision even where p rounds to 1 in double (no 1 − p cancellation).
      const long double want_r = C * (positive ? -(1.0L / (1.0L + std::exp(zi))) : p);
      const long double want_w = std::sqrt(C * p / (1.0L + std::exp(zi)));
      // Beyond |z| ≈ 708, e = exp(−|z|) underflows in double: the tiny terms become 0.
      const double floor = std::fabs(z[i]) < 700 ? 0.0 : 1e-150;
      for (const auto& [got_r, got_w] : {std::pair{r[i], w[i]}, std::pair{rp[i], wp[i]}}) {
        EXPECT_NEAR(got_r, static_cast<double>(want_r), 1e-14 * std::fabs(static_cast<double>(want_r)) + floor) << z[i];
        EXPECT_NEAR(got_w, static_cast<double>(want_w), 1e-14 * static_cast<double>(want_w) + floor) << z[i];
      }
    }
    EXPECT_NEAR(loss, want_loss, 1e-12 * (1 + want_loss)) << m;
    EXPECT_NEAR(loss_portable, want_loss, 1e-12 * (1 + want_loss)) << m;
  }
}

TEST(LogisticKernels, WeighRowsWritesWeightedRowsAndAccumulatesTheGradient) {
  std::mt19937_64 rng(12);
  for (std::int64_t d = 1; d <= 33; ++d)
    for (bool ones : {false, true})
      for (std::int64_t m : {0, 1, 5, 64}) {
        const auto x = random_vector(static_cast<std::size_t>(m * d), rng, 2);
        const auto w = random_vector(static_cast<std::size_t>(m), rng, 1), r = random_vector(static_cast<std::size_t>(m), rng, 1);
        const auto n = ones ? d + 1 : d;
        std::vector<double> A(static_cast<std::size_t>(m * n), NAN), g(static_cast<std::size_t>(d), 1.5);
        weigh_rows(x.data(), m, d, w.data(), r.data(), ones, A.data(), g.data());
        for (std::int64_t c = 0; c < d; ++c) {
          double want = 1.5;
          for (std::int64_t i = 0; i < m; ++i) want += r[i] * x[i * d + c];
          EXPECT_NEAR(g[c], want, 1e-13) << "d " << d << " m " << m;
        }
        for (std::int64_t i = 0; i < m; ++i) {
          for (std::int64_t c = 0; c < d; ++c) EXPECT_EQ(A[i * n + c], w[i] * x[i * d + c]);
          if (ones) {
            EXPECT_EQ(A[i * n + d], w[i]);
          }
        }
      }
}

}  // namespace
