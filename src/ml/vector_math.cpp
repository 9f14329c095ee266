// Elementwise exp / log1p (see detail/vector_math.hpp). The logistic regression pass spent a
// fifth of its time in scalar log1p; libmvec's AVX2 variants do four at a time.
#include "ml/detail/vector_math.hpp"

#include <cmath>

#if defined(RANKWISE_HAVE_LIBMVEC) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RW_USE_LIBMVEC 1
// glibc's vector ABI names ('d': AVX2, 'N4': four lanes, 'v': one vector argument).
extern "C" __m256d _ZGVdN4v_exp(__m256d);
extern "C" __m256d _ZGVdN4v_log1p(__m256d);
#endif

namespace rankwise::ml::detail {

#ifdef RW_USE_LIBMVEC
namespace {
bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

__attribute__((target("avx2,fma"))) void exp_log1p_avx2(const double* z, std::int64_t n, double* e, double* l) {
  const __m256d sign = _mm256_set1_pd(-0.0);
  for (std::int64_t i = 0; i < n; i += 4) {
    alignas(32) double in[4] = {0, 0, 0, 0}, eo[4], lo[4];
    const std::int64_t here = n - i < 4 ? n - i : 4;
    for (std::int64_t q = 0; q < here; ++q) in[q] = z[i + q];
    const __m256d neg = _mm256_or_pd(_mm256_load_pd(in), sign);  // -|z|
    const __m256d ev = _ZGVdN4v_exp(neg);
    _mm256_store_pd(eo, ev);
    _mm256_store_pd(lo, _ZGVdN4v_log1p(ev));
    for (std::int64_t q = 0; q < here; ++q) {
      e[i + q] = eo[q];
      l[i + q] = lo[q];
    }
  }
}
}  // namespace
#endif

bool vector_math_available() {
#ifdef RW_USE_LIBMVEC
  return have_avx2();
#else
  return false;
#endif
}

void exp_neg_abs_log1p(const double* z, std::int64_t n, double* e, double* l) {
#ifdef RW_USE_LIBMVEC
  if (have_avx2()) {
    exp_log1p_avx2(z, n, e, l);
    return;
  }
#endif
  for (std::int64_t i = 0; i < n; ++i) {
    e[i] = std::exp(-std::fabs(z[i]));
    l[i] = std::log1p(e[i]);
  }
}

}  // namespace rankwise::ml::detail
