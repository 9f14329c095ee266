#pragma once
// Arithmetic of a float64 array with scalars (x * 2 + 1, -x, x ** 2, 1 / x, ...) as a short list
// of steps: a chain of such operations on one array becomes one node whose tile pass applies
// every step in registers, with the library's SIMD kernel chosen at run time. Each step is
// rounded on its own, exactly as the operations one at a time (never fused into an FMA).
#include <array>
#include <cstdint>

namespace rankwise::array_detail {

struct ScalarSteps {
  enum Op : std::uint8_t { add, sub, rsub, mul, div, rdiv, neg, square };
  static constexpr int kMax = 8;
  std::array<Op, kMax> ops{};
  std::array<double, kMax> values{};
  int count = 0;

  bool full() const noexcept { return count == kMax; }
  ScalarSteps then(Op op, double value) const noexcept {
    ScalarSteps s = *this;
    s.ops[static_cast<std::size_t>(s.count)] = op;
    s.values[static_cast<std::size_t>(s.count)] = value;
    ++s.count;
    return s;
  }
  /// out[k] = in[k] taken through every step, for k < n (in may equal out). Local.
  void map_tile(const double* in, double* out, std::int64_t n) const;
};

}  // namespace rankwise::array_detail
