#pragma once
// Hand-written SIMD kernels and how they are chosen. The library is built for generic x86-64
// (never -march=native by default); a kernel compiled for AVX2 + FMA with
// __attribute__((target("avx2,fma"))) runs only where cpu_has_avx2_fma() says so, and every
// kernel has a portable twin. RANKWISE_X86_KERNELS is defined where such kernels can be built;
// RANKWISE_LIBMVEC where glibc's vector math library is linked too (see src/CMakeLists.txt).
#if defined(__x86_64__) && defined(__GNUC__)
#define RANKWISE_X86_KERNELS 1
#include <immintrin.h>
#endif

namespace rankwise::detail {

/// Whether this CPU runs the AVX2 + FMA kernels (asked once). Local.
inline bool cpu_has_avx2_fma() {
#ifdef RANKWISE_X86_KERNELS
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

}  // namespace rankwise::detail

#if defined(RANKWISE_X86_KERNELS) && defined(RANKWISE_HAVE_LIBMVEC)
#define RANKWISE_LIBMVEC 1
// glibc's vector ABI names: 'd' AVX2, 'N4' four lanes, 'v' one vector argument; ≤ 4 ulp.
extern "C" __m256d _ZGVdN4v_exp(__m256d);
extern "C" __m256d _ZGVdN4v_log(__m256d);
extern "C" __m256d _ZGVdN4v_log1p(__m256d);
extern "C" __m256d _ZGVdN4v_cos(__m256d);
#endif
