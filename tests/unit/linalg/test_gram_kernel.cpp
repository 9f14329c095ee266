// The SIMD Gram kernels of src/linalg/gram_kernel.cpp, each one that this CPU runs, against a
// plain sum in long double: every column count whose tiles differ (ragged last block, one
// group, tiles split at five blocks, the 64-column limit), odd and even row counts around the
// panel sizes, and accumulation into a non-zero g.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "linalg/dense.hpp"

namespace {

using rankwise::detail::Isa;
namespace ld = rankwise::linalg::detail;

void check(Isa isa) {
  if (rankwise::detail::kernel_isa() < isa) GTEST_SKIP() << "this CPU does not run the kernel";
  for (const std::int64_t n : {2, 3, 4, 5, 7, 8, 9, 13, 20, 21, 24, 33, 41, 64})
    for (const std::int64_t m : {1, 2, 3, 511, 512, 513, 2049, 3001}) {
      std::vector<double> x(static_cast<std::size_t>(m * n));
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * static_cast<double>(i)) + 0.1;
      std::vector<double> g(static_cast<std::size_t>(n * n), 1.0);
      ASSERT_TRUE(ld::gram_narrow(x.data(), m, n, g.data(), isa));
      for (std::int64_t a = 0; a < n; ++a)
        for (std::int64_t b = 0; b < n; ++b) {
          long double want = 1;
          for (std::int64_t i = 0; i < m; ++i)
            want += static_cast<long double>(x[i * n + a]) * static_cast<long double>(x[i * n + b]);
          ASSERT_NEAR(g[a * n + b], static_cast<double>(want), 1e-12 * (1 + std::abs(static_cast<double>(want))))
              << "n " << n << ", m " << m << " at " << a << "," << b;
        }
    }
}

TEST(GramKernel, Avx2MatchesAPlainSum) { check(Isa::avx2); }
TEST(GramKernel, Avx512MatchesAPlainSum) { check(Isa::avx512); }

TEST(GramKernel, RefusesWhatItDoesNotHandle) {
  std::vector<double> x(65 * 3, 1.0), g(65 * 65, 0.0);
  EXPECT_FALSE(ld::gram_narrow(x.data(), 3, 65, g.data(), Isa::avx2));  // more than 64 columns
  EXPECT_FALSE(ld::gram_narrow(x.data(), 3, 1, g.data(), Isa::avx2));   // one column
  EXPECT_FALSE(ld::gram_narrow(x.data(), 0, 4, g.data(), Isa::avx2));   // no rows
  EXPECT_FALSE(ld::gram_narrow(x.data(), 3, 4, g.data(), Isa::portable));
  for (const double v : g) EXPECT_EQ(v, 0.0);
}

}  // namespace
