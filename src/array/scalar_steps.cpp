// The tile pass of ScalarSteps (include/rankwise/array/detail/scalar_steps.hpp): every step of
// the chain applied to four registers at a time, stored once, instead of one load and one store
// per operation. AVX-512 or AVX2 chosen at run time, else plain SSE2; the vector code is
// written once with GCC's vector extensions and compiled per instruction set. This file is
// compiled with -ffp-contract=off (src/CMakeLists.txt): no step may fuse with the next into an
// FMA, so every value is rounded as numpy rounds it one operation at a time.
#include "rankwise/array/detail/scalar_steps.hpp"

#include <cstring>

#include "runtime/detail/simd.hpp"

namespace rankwise::array_detail {

namespace {

// The vector types never cross a call that is not inlined into its kernel: GCC's note that their
// ABI differs without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

// One step on one value (unary minus flips the sign bit, as numpy's negative does, also for
// +0.0; so does the vectors' unary minus below).
[[gnu::always_inline]] inline double step(ScalarSteps::Op op, double v, double x) {
  switch (op) {
    case ScalarSteps::add: return x + v;
    case ScalarSteps::sub: return x - v;
    case ScalarSteps::rsub: return v - x;
    case ScalarSteps::mul: return x * v;
    case ScalarSteps::div: return x / v;
    case ScalarSteps::rdiv: return v / x;
    case ScalarSteps::neg: return -x;
    case ScalarSteps::square: return x * x;
  }
  return x;
}

// Eight vectors of V per round (the chain's switch once per step and round), then single
// values.
template <class V>
[[gnu::always_inline]] inline void map_vectors(const ScalarSteps& s, const double* in, double* out, std::int64_t n) {
  constexpr std::int64_t width = sizeof(V) / sizeof(double), round = 8 * width;
  std::int64_t k = 0;
  for (; k + round <= n; k += round) {
    V x[8];
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) std::memcpy(&x[j], in + k + j * width, sizeof(V));  // unaligned loads
    for (int i = 0; i < s.count; ++i) {
      const V v = s.values[static_cast<std::size_t>(i)] - V{};  // broadcast (v - 0 keeps -0.0; 0 + v would not)
      switch (s.ops[static_cast<std::size_t>(i)]) {
#define RW_STEP(op, expr) \
  case ScalarSteps::op: \
    _Pragma("GCC unroll 8") for (int j = 0; j < 8; ++j) x[j] = (expr); \
    break;
        RW_STEP(add, x[j] + v)
        RW_STEP(sub, x[j] - v)
        RW_STEP(rsub, v - x[j])
        RW_STEP(mul, x[j] * v)
        RW_STEP(div, x[j] / v)
        RW_STEP(rdiv, v / x[j])
        RW_STEP(neg, -x[j])
        RW_STEP(square, x[j] * x[j])
#undef RW_STEP
      }
    }
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) std::memcpy(out + k + j * width, &x[j], sizeof(V));
  }
  for (; k < n; ++k) {
    double x = in[k];
    for (int i = 0; i < s.count; ++i) x = step(s.ops[static_cast<std::size_t>(i)], s.values[static_cast<std::size_t>(i)], x);
    out[k] = x;
  }
}

using V2 = double __attribute__((vector_size(16)));
void map_sse2(const ScalarSteps& s, const double* in, double* out, std::int64_t n) { map_vectors<V2>(s, in, out, n); }

#ifdef RANKWISE_X86_KERNELS
using V4 = double __attribute__((vector_size(32)));
using V8 = double __attribute__((vector_size(64)));
__attribute__((target("avx2,fma"))) void map_avx2(const ScalarSteps& s, const double* in, double* out, std::int64_t n) {
  map_vectors<V4>(s, in, out, n);
}
__attribute__((target("avx2,fma,avx512f,avx512vl,avx512dq,avx512bw"))) void map_avx512(const ScalarSteps& s,
                                                                                      const double* in, double* out,
                                                                                      std::int64_t n) {
  map_vectors<V8>(s, in, out, n);
}
#endif

}  // namespace

void ScalarSteps::map_tile(const double* in, double* out, std::int64_t n) const {
#ifdef RANKWISE_X86_KERNELS
  if (rankwise::detail::cpu_has_avx512()) return map_avx512(*this, in, out, n);
  if (rankwise::detail::cpu_has_avx2_fma()) return map_avx2(*this, in, out, n);
#endif
  map_sse2(*this, in, out, n);
}

}  // namespace rankwise::array_detail
