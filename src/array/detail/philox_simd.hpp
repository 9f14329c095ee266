#pragma once
// Philox4x32-10 (Random123's constants) on eight counters per AVX2 register or sixteen per
// AVX-512 register, for the kernels of array/random.cpp and ml/draws.cpp (include only where
// RANKWISE_X86_KERNELS is defined). The words equal Random123's scalar ones, which the
// kernels' tails use.
#include <cstdint>

#include "runtime/detail/simd.hpp"

namespace rankwise::detail::philox {

#define RW_PHILOX_INLINE __attribute__((target("avx2,fma"), always_inline)) inline

/// The high and low 32-bit words of a · m for eight lanes (the low ones by vpmulld: one
/// instruction instead of a shift and a blend).
RW_PHILOX_INLINE void mulhilo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  lo = _mm256_mullo_epi32(a, m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

/// The ten rounds' keys for `seed`, broadcast once.
struct RoundKeys {
  __m256i k[10][2];
};
RW_PHILOX_INLINE RoundKeys round_keys(std::uint64_t seed) {
  RoundKeys keys;
  for (std::uint32_t round = 0, k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32); round < 10;
       ++round, k0 += 0x9E3779B9, k1 += 0xBB67AE85) {
    keys.k[round][0] = _mm256_set1_epi32(static_cast<int>(k0));
    keys.k[round][1] = _mm256_set1_epi32(static_cast<int>(k1));
  }
  return keys;
}

/// Ten rounds on G independent groups of eight counters (words c0..c3), in place. Independent
/// groups fill the pipeline: one group's rounds are a chain of dependent multiplies.
template <int G>
RW_PHILOX_INLINE void rounds(const RoundKeys& keys, __m256i* c0, __m256i* c1, __m256i* c2, __m256i* c3) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u)), m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int round = 0; round < 10; ++round) {
    const __m256i key0 = _mm256_load_si256(&keys.k[round][0]), key1 = _mm256_load_si256(&keys.k[round][1]);
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      __m256i hi0, lo0, hi1, lo1;
      mulhilo(c0[g], m0, hi0, lo0);
      mulhilo(c2[g], m1, hi1, lo1);
      const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[g]), key0);
      const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[g]), key1);
      c1[g] = lo1;
      c3[g] = lo0;
      c0[g] = n0;
      c2[g] = n2;
    }
  }
}

#undef RW_PHILOX_INLINE

// ---- AVX-512: sixteen counters per register ----
#define RW_PHILOX512_INLINE __attribute__((target("avx2,fma,avx512f,avx512vl,avx512dq,avx512bw"), always_inline)) inline

/// The high and low 32-bit words of a · m for sixteen lanes: the even lanes' products come
/// from one vpmuludq, the odd lanes' from another, and one masked in-lane shuffle puts the high
/// words where they belong (a shift and a blend measured slower); the low words by vpmulld (a
/// second masked shuffle measured slower too: 0.65 against 0.45 ns per double).
RW_PHILOX512_INLINE void mulhilo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  hi = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
  lo = _mm512_mullo_epi32(a, m);
}

struct RoundKeys512 {
  __m512i k[10][2];
};
RW_PHILOX512_INLINE RoundKeys512 round_keys512(std::uint64_t seed) {
  RoundKeys512 keys;
  for (std::uint32_t round = 0, k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32); round < 10;
       ++round, k0 += 0x9E3779B9, k1 += 0xBB67AE85) {
    keys.k[round][0] = _mm512_set1_epi32(static_cast<int>(k0));
    keys.k[round][1] = _mm512_set1_epi32(static_cast<int>(k1));
  }
  return keys;
}

/// Ten rounds on G independent groups of sixteen counters, in place.
template <int G>
RW_PHILOX512_INLINE void rounds(const RoundKeys512& keys, __m512i* c0, __m512i* c1, __m512i* c2, __m512i* c3) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u)), m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_load_si512(&keys.k[round][0]), key1 = _mm512_load_si512(&keys.k[round][1]);
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo(c0[g], m0, hi0, lo0);
      mulhilo(c2[g], m1, hi1, lo1);
      const __m512i n0 = _mm512_ternarylogic_epi32(hi1, c1[g], key0, 0x96);  // three-way xor
      const __m512i n2 = _mm512_ternarylogic_epi32(hi0, c3[g], key1, 0x96);
      c1[g] = lo1;
      c3[g] = lo0;
      c0[g] = n0;
      c2[g] = n2;
    }
  }
}

#undef RW_PHILOX512_INLINE

}  // namespace rankwise::detail::philox
