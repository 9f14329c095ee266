// Chains of scalar arithmetic on float64 tiles (ScalarSteps, src/array/scalar_steps.cpp) give
// the bits of the same operations done one at a time, for every step kind, chain lengths up to
// the limit, every tail length of a tile, in place and out of place, and special values
// (signed zeros, infinities, NaN, division by zero). This file is compiled with
// -ffp-contract=off, like the kernel, so the reference is rounded step by step too. ctest runs
// it once per kernel level (RANKWISE_ISA).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "rankwise/array/detail/scalar_steps.hpp"

namespace {

using rankwise::array_detail::ScalarSteps;

double reference(const ScalarSteps& s, double x) {
  for (int i = 0; i < s.count; ++i) {
    const double v = s.values[static_cast<std::size_t>(i)];
    switch (s.ops[static_cast<std::size_t>(i)]) {
      case ScalarSteps::add: x = x + v; break;
      case ScalarSteps::sub: x = x - v; break;
      case ScalarSteps::rsub: x = v - x; break;
      case ScalarSteps::mul: x = x * v; break;
      case ScalarSteps::div: x = x / v; break;
      case ScalarSteps::rdiv: x = v / x; break;
      case ScalarSteps::neg: x = -x; break;
      case ScalarSteps::square: x = x * x; break;
    }
  }
  return x;
}

std::vector<double> inputs(std::int64_t n) {
  const double inf = std::numeric_limits<double>::infinity();
  const double special[] = {0.0, -0.0, inf, -inf, std::numeric_limits<double>::quiet_NaN(), 1e308, -1e-308, 3.0};
  std::vector<double> x(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    x[static_cast<std::size_t>(i)] = i % 17 == 5 ? special[(i / 17) % 8] : std::sin(0.731 * static_cast<double>(i)) * 1e3;
  return x;
}

void expect_bits(const ScalarSteps& s, std::int64_t n) {
  const auto x = inputs(n);
  std::vector<double> out(x.size()), in_place = x;
  s.map_tile(x.data(), out.data(), n);
  s.map_tile(in_place.data(), in_place.data(), n);
  for (std::int64_t i = 0; i < n; ++i) {
    const double want = reference(s, x[static_cast<std::size_t>(i)]);
    // Equal bits, except that any NaN matches any NaN (x86 keeps payloads, but the sign of a
    // NaN made from non-NaN operands is not specified by IEEE 754).
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(out[static_cast<std::size_t>(i)])) << "n " << n << " at " << i;
      ASSERT_TRUE(std::isnan(in_place[static_cast<std::size_t>(i)])) << "n " << n << " at " << i;
    } else {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(out[static_cast<std::size_t>(i)]), std::bit_cast<std::uint64_t>(want))
          << "n " << n << " at " << i << ": " << out[static_cast<std::size_t>(i)] << " vs " << want;
      ASSERT_EQ(std::bit_cast<std::uint64_t>(in_place[static_cast<std::size_t>(i)]), std::bit_cast<std::uint64_t>(want));
    }
  }
}

TEST(ScalarSteps, EveryStepAloneMatchesOneOperation) {
  for (int op = ScalarSteps::add; op <= ScalarSteps::square; ++op)
    for (const double v : {0.1, -3.0, 0.0, -0.0, 7.25e-3})
      for (const std::int64_t n : {0, 1, 7, 8, 63, 64, 65, 1000, 1024})
        expect_bits(ScalarSteps{}.then(static_cast<ScalarSteps::Op>(op), v), n);
}

TEST(ScalarSteps, ChainsRoundEveryStep) {
  // x * 0.1 + 0.3 is where an FMA would change the bits.
  const auto affine = ScalarSteps{}.then(ScalarSteps::mul, 0.1).then(ScalarSteps::add, 0.3);
  const auto talk = ScalarSteps{}.then(ScalarSteps::mul, 2.0).then(ScalarSteps::add, 1.0).then(ScalarSteps::square, 0);
  ScalarSteps longest;
  for (int i = 0; i < ScalarSteps::kMax; ++i)
    longest = longest.then(static_cast<ScalarSteps::Op>(i % 8), 0.37 * (i + 1));
  EXPECT_TRUE(longest.full());
  for (const std::int64_t n : {1, 33, 64, 1024, 1031}) {
    expect_bits(affine, n);
    expect_bits(talk, n);
    expect_bits(longest, n);
  }
}

TEST(ScalarSteps, NoStepsCopies) {
  const auto x = inputs(100);
  std::vector<double> out(100, 9.0);
  ScalarSteps{}.map_tile(x.data(), out.data(), 100);
  for (std::size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(out[i]), std::bit_cast<std::uint64_t>(x[i]));
}

}  // namespace
