#pragma once
// Hand-written SIMD kernels and how they are chosen. The library is built for generic x86-64
// (never -march=native by default); a kernel compiled with __attribute__((target(...))) for
// AVX2 + FMA or for AVX-512 runs only where kernel_isa() allows it, and every kernel has a
// portable twin. RANKWISE_X86_KERNELS is defined where such kernels can be built;
// RANKWISE_LIBMVEC where glibc's vector math library is linked too (see src/CMakeLists.txt).
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#define RANKWISE_X86_KERNELS 1
#include <immintrin.h>
#endif

namespace rankwise::detail {

/// Instruction-set levels of the hand-written kernels, in increasing order.
enum class Isa { portable = 0, avx2 = 1, avx512 = 2 };

/// The widest kernels this CPU runs (AVX-512 means F, VL, DQ and BW), lowered by the
/// environment variable RANKWISE_ISA=portable|avx2|avx512 when set (to compare kernels, or to
/// keep a job's bits equal across a cluster of mixed CPUs). Asked once. Local.
inline Isa kernel_isa() {
  static const Isa isa = [] {
#ifdef RANKWISE_X86_KERNELS
    Isa cpu = Isa::portable;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) cpu = Isa::avx2;
    if (cpu == Isa::avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
      cpu = Isa::avx512;
    const char* cap = std::getenv("RANKWISE_ISA");
    if (cap && std::strcmp(cap, "portable") == 0) return Isa::portable;
    if (cap && std::strcmp(cap, "avx2") == 0 && cpu > Isa::avx2) return Isa::avx2;
    return cpu;
#else
    return Isa::portable;
#endif
  }();
  return isa;
}

/// Whether the AVX2 + FMA kernels may run here. Local.
inline bool cpu_has_avx2_fma() { return kernel_isa() >= Isa::avx2; }
/// Whether the AVX-512 kernels may run here. Local.
inline bool cpu_has_avx512() { return kernel_isa() >= Isa::avx512; }

}  // namespace rankwise::detail

#if defined(RANKWISE_X86_KERNELS) && defined(RANKWISE_HAVE_LIBMVEC)
#define RANKWISE_LIBMVEC 1
// glibc's vector ABI names: 'd' AVX2, 'N4' four lanes, 'v' one vector argument; ≤ 4 ulp.
extern "C" __m256d _ZGVdN4v_exp(__m256d);
extern "C" __m256d _ZGVdN4v_log(__m256d);
extern "C" __m256d _ZGVdN4v_log1p(__m256d);
extern "C" __m256d _ZGVdN4v_cos(__m256d);
#endif
