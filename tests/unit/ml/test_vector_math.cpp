// The estimators' elementwise exp/log1p (src/ml/detail/vector_math.hpp) against std::exp and
// std::log1p: within 4.5 ulp (libmvec promises 4) for every length (the padded last group), over the whole range
// of logits including underflow (|z| > 745 gives e = 0).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ml/detail/vector_math.hpp"

namespace {

TEST(VectorMath, ExpNegAbsAndLog1pMatchTheScalarFunctions) {
  std::vector<double> z;
  for (double v = -800; v <= 800; v += 0.37) z.push_back(v);
  for (double v : {0.0, -0.0, 1e-300, -1e-300, 1e-8, 709.0, 745.2, -746.0}) z.push_back(v);
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{5}, z.size()}) {
    std::vector<double> e(n, -1), l(n, -1);
    rankwise::ml::detail::exp_neg_abs_log1p(z.data(), static_cast<std::int64_t>(n), e.data(), l.data());
    for (std::size_t i = 0; i < n; ++i) {
      const double we = std::exp(-std::fabs(z[i])), wl = std::log1p(we);
      EXPECT_NEAR(e[i], we, 1e-15 * we + 1e-320) << z[i];
      EXPECT_NEAR(l[i], wl, 1e-15 * wl + 1e-320) << z[i];
      EXPECT_GE(e[i], 0.0);
      EXPECT_LE(e[i], 1.0);
    }
  }
}

}  // namespace
