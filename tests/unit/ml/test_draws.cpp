// The estimators' counter-based draws (src/ml/detail/draws.hpp): runs give exactly the values of
// one-at-a-time draws (so a data set does not depend on how its tiles are cut), also across the
// low counter word's wrap and for every tail length; the uniform draw is Random123's Philox
// (reference words computed here); the normals have mean 0 and variance 1.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "ml/detail/common.hpp"
#include "ml/detail/draws.hpp"

namespace {

using namespace rankwise::ml::detail;

TEST(Draws, RunsEqualSingleDraws) {
  const std::uint64_t seed = 0x1234567890abcdefull;
  for (std::uint64_t first : {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{0xFFFFFFF0u}, (std::uint64_t{7} << 32) + 3})
    for (std::int64_t n : {1, 7, 31, 32, 33, 100, 257, 600}) {
      std::vector<double> u(static_cast<std::size_t>(n)), z(static_cast<std::size_t>(n));
      uniform_run(seed, 20, first, n, u.data());
      normal_run(seed, 20, first, n, z.data());
      for (std::int64_t i = 0; i < n; ++i) {
        EXPECT_EQ(u[i], uniform(seed, 20, first + static_cast<std::uint64_t>(i))) << first << " + " << i;
        EXPECT_EQ(z[i], normal(seed, 20, first + static_cast<std::uint64_t>(i))) << first << " + " << i;
      }
    }
}

TEST(Draws, UniformIsPhilox4x32TenRounds) {
  using Philox = r123::Philox4x32;
  const std::uint64_t seed = 42;
  const Philox::key_type key = {{42u, 0u}};
  std::vector<double> u(64);
  uniform_run(seed, 3, 1000, 64, u.data());
  for (std::uint32_t i = 0; i < 64; ++i) {
    const auto r = Philox()({{1000u + i, 0u, 3u, 0x6d6cu}}, key);
    const std::uint64_t bits = ((static_cast<std::uint64_t>(r[0]) << 21) ^ (static_cast<std::uint64_t>(r[1]) >> 11)) & ((1ull << 53) - 1);
    EXPECT_EQ(u[i], static_cast<double>(bits) * 0x1.0p-53);
  }
}

TEST(Draws, NormalsHaveUnitVariance) {
  const std::int64_t n = 200000;
  std::vector<double> z(static_cast<std::size_t>(n));
  normal_run(7, 20, 0, n, z.data());
  double mean = 0, m2 = 0;
  for (double v : z) mean += v;
  mean /= n;
  for (double v : z) m2 += (v - mean) * (v - mean);
  EXPECT_NEAR(mean, 0.0, 5 * std::sqrt(1.0 / n));
  EXPECT_NEAR(m2 / n, 1.0, 5 * std::sqrt(2.0 / n));
}

}  // namespace
