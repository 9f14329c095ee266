#include "rankwise/array/random.hpp"

#include <cmath>

#include <Random123/philox.h>

#include "runtime/detail/simd.hpp"
#ifdef RANKWISE_X86_KERNELS
#include "array/detail/philox_simd.hpp"
#endif

namespace rankwise::random::detail {

namespace {
using Philox = r123::Philox4x32;

// Streams: different distributions of one seed use different counters.
enum Stream : std::uint32_t { kUniform = 0x55, kNormal = 0x4e, kInteger = 0x49 };

inline Philox::ctr_type draw(std::uint64_t seed, std::uint32_t stream, std::uint64_t counter) {
  const Philox::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const Philox::ctr_type ctr = {{static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32), stream, 0}};
  return Philox()(ctr, key);
}

// 53 random bits -> [0, 1), as numpy's random_double does.
inline double to_unit(std::uint32_t a, std::uint32_t b) {
  return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0);
}
}  // namespace

// Philox4x32-10 for `lanes` consecutive counters at once, written lane-wise so the compiler
// vectorises it (Random123's Philox4x32 gives the same words one counter at a time; a unit
// test checks that the two agree).
constexpr int kLanes = 64;

[[gnu::always_inline]] static inline void philox_lanes(std::uint64_t seed, std::uint32_t stream, std::uint64_t first,
                                                       int lanes, std::uint32_t (&w)[4][kLanes]) {
  std::uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    const std::uint64_t ctr = first + static_cast<std::uint64_t>(l);
    c0[l] = static_cast<std::uint32_t>(ctr);
    c1[l] = static_cast<std::uint32_t>(ctr >> 32);
    c2[l] = stream;
    c3[l] = 0;
  }
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    for (int l = 0; l < kLanes; ++l) {
      const std::uint64_t p0 = std::uint64_t{0xD2511F53} * c0[l];
      const std::uint64_t p1 = std::uint64_t{0xCD9E8D57} * c2[l];
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
      c1[l] = static_cast<std::uint32_t>(p1);
      c3[l] = static_cast<std::uint32_t>(p0);
      c0[l] = n0;
      c2[l] = n2;
    }
    k0 += 0x9E3779B9;
    k1 += 0xBB67AE85;
  }
  for (int l = 0; l < lanes; ++l) {
    w[0][l] = c0[l];
    w[1][l] = c1[l];
    w[2][l] = c2[l];
    w[3][l] = c3[l];
  }
}

// `pairs` Philox draws from counter `base`, two doubles each: the portable lane-wise loop.
static void uniform_pairs_generic(std::uint64_t seed, std::uint64_t base, std::int64_t pairs, double* out) {
  std::uint32_t w[4][kLanes];
  for (std::int64_t c = 0; c < pairs; c += kLanes) {
    const int lanes = static_cast<int>(std::min<std::int64_t>(kLanes, pairs - c));
    philox_lanes(seed, kUniform, base + static_cast<std::uint64_t>(c), lanes, w);
    for (int l = 0; l < lanes; ++l) {
      out[2 * (c + l)] = to_unit(w[0][l], w[1][l]);
      out[2 * (c + l) + 1] = to_unit(w[2][l], w[3][l]);
    }
  }
}

#ifdef RANKWISE_X86_KERNELS
// The same numbers with AVX2, eight counters per register, for CPUs that have it (chosen at
// run time: the default build stays generic x86-64). The compiler's vectorisation of the
// lane-wise loop spends most of its time moving 32-bit halves between 64-bit lanes; here the
// high and low words of the products are blended in place (array/detail/philox_simd.hpp).
#define RW_AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline
// to_unit for four lanes of a >> 5 and b >> 6: a · 2^26 + b is below 2^53, exact in the FMA.
RW_AVX2 __m256d unit4(__m128i a_shifted, __m128i b_shifted) {
  const __m256d hi = _mm256_cvtepi32_pd(a_shifted), lo = _mm256_cvtepi32_pd(b_shifted);
  return _mm256_mul_pd(_mm256_fmadd_pd(hi, _mm256_set1_pd(67108864.0), lo), _mm256_set1_pd(1.0 / 9007199254740992.0));
}
RW_AVX2 __m128i half_of(__m256i v, int half) { return half ? _mm256_extracti128_si256(v, 1) : _mm256_castsi256_si128(v); }

__attribute__((target("avx2,fma"))) static void uniform_pairs_avx2(std::uint64_t seed, std::uint64_t base,
                                                                    std::int64_t pairs, double* out) {
  // G groups of eight counters at once (independent groups fill the pipeline).
  constexpr int G = 4;
  const std::int64_t whole = pairs / (8 * G) * (8 * G);
  alignas(32) std::uint32_t lo_words[G][8], hi_words[G][8];
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const auto keys = rankwise::detail::philox::round_keys(seed);
  for (std::int64_t c = 0; c < whole; c += 8 * G) {
    __m256i c0[G], c1[G], c2[G], c3[G];
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      const std::uint64_t first = base + static_cast<std::uint64_t>(c + 8 * g);
      if (static_cast<std::uint32_t>(first) <= 0xFFFFFFFFu - 7) {  // no carry into the high word
        c0[g] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first))), iota);
        c1[g] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first >> 32)));
      } else {
        for (int l = 0; l < 8; ++l) {
          const std::uint64_t ctr = first + static_cast<std::uint64_t>(l);
          lo_words[g][l] = static_cast<std::uint32_t>(ctr);
          hi_words[g][l] = static_cast<std::uint32_t>(ctr >> 32);
        }
        c0[g] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo_words[g]));
        c1[g] = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi_words[g]));
      }
      c2[g] = _mm256_set1_epi32(static_cast<int>(kUniform));
      c3[g] = _mm256_setzero_si256();
    }
    rankwise::detail::philox::rounds<G>(keys, c0, c1, c2, c3);
    // Lane l gives elements 2l (words 0, 1) and 2l + 1 (words 2, 3): interleave.
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      const __m256i w0 = _mm256_srli_epi32(c0[g], 5), w1 = _mm256_srli_epi32(c1[g], 6);
      const __m256i w2 = _mm256_srli_epi32(c2[g], 5), w3 = _mm256_srli_epi32(c3[g], 6);
      for (int half = 0; half < 2; ++half) {
        const __m256d first = unit4(half_of(w0, half), half_of(w1, half));
        const __m256d second = unit4(half_of(w2, half), half_of(w3, half));
        const __m256d lo = _mm256_unpacklo_pd(first, second), hi = _mm256_unpackhi_pd(first, second);
        double* o = out + 2 * (c + 8 * g + 4 * half);
        _mm256_storeu_pd(o, _mm256_permute2f128_pd(lo, hi, 0x20));
        _mm256_storeu_pd(o + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
      }
    }
  }
  uniform_pairs_generic(seed, base + static_cast<std::uint64_t>(whole), pairs - whole, out + 2 * whole);
}
#undef RW_AVX2

// The same numbers with AVX-512: sixteen counters per register, products' words placed by
// masked shuffles, three-way xors in one instruction (array/detail/philox_simd.hpp).
// GCC 12's AVX-512 intrinsics trip -Wmaybe-uninitialized by design (_mm512_undefined_*).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define RW_AVX512 __attribute__((target("avx2,fma,avx512f,avx512vl,avx512dq,avx512bw")))
// Eight of the sixteen lanes (the low or the high half) as doubles.
RW_AVX512 __attribute__((always_inline)) static inline __m512d half_to_pd(__m512i v, int half) {
  return _mm512_cvtepi32_pd(half ? _mm512_extracti64x4_epi64(v, 1) : _mm512_castsi512_si256(v));
}
RW_AVX512 static void uniform_pairs_avx512(std::uint64_t seed, std::uint64_t base, std::int64_t pairs, double* out) {
  constexpr int G = 4;
  const std::int64_t whole = pairs / (16 * G) * (16 * G);
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  // Element 2l takes words 0, 1 of lane l and element 2l + 1 words 2, 3: interleave.
  const __m512i first_half = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i second_half = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
  const __m512d scale = _mm512_set1_pd(67108864.0), unit = _mm512_set1_pd(1.0 / 9007199254740992.0);
  const auto keys = rankwise::detail::philox::round_keys512(seed);
  for (std::int64_t c = 0; c < whole; c += 16 * G) {
    __m512i c0[G], c1[G], c2[G], c3[G];
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      const std::uint64_t first = base + static_cast<std::uint64_t>(c + 16 * g);
      const __m512i low = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first))), iota);
      // Lanes whose low word wrapped past 2^32 carry one into the high word.
      const __mmask16 carried = _mm512_cmplt_epu32_mask(low, _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first))));
      const __m512i high = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first >> 32)));
      c0[g] = low;
      c1[g] = _mm512_mask_add_epi32(high, carried, high, _mm512_set1_epi32(1));
      c2[g] = _mm512_set1_epi32(static_cast<int>(kUniform));
      c3[g] = _mm512_setzero_si512();
    }
    rankwise::detail::philox::rounds<G>(keys, c0, c1, c2, c3);
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      const __m512i w0 = _mm512_srli_epi32(c0[g], 5), w1 = _mm512_srli_epi32(c1[g], 6);
      const __m512i w2 = _mm512_srli_epi32(c2[g], 5), w3 = _mm512_srli_epi32(c3[g], 6);
      for (int half = 0; half < 2; ++half) {
        // a · 2^26 + b is below 2^53: exact in the FMA, as in the scalar path.
        const __m512d a = _mm512_mul_pd(_mm512_fmadd_pd(half_to_pd(w0, half), scale, half_to_pd(w1, half)), unit);
        const __m512d b = _mm512_mul_pd(_mm512_fmadd_pd(half_to_pd(w2, half), scale, half_to_pd(w3, half)), unit);
        double* o = out + 2 * (c + 16 * g + 8 * half);
        _mm512_storeu_pd(o, _mm512_permutex2var_pd(a, first_half, b));
        _mm512_storeu_pd(o + 8, _mm512_permutex2var_pd(a, second_half, b));
      }
    }
  }
  uniform_pairs_avx2(seed, base + static_cast<std::uint64_t>(whole), pairs - whole, out + 2 * whole);
}
#undef RW_AVX512
#pragma GCC diagnostic pop
#endif

static void uniform_pairs(std::uint64_t seed, std::uint64_t base, std::int64_t pairs, double* out) {
#ifdef RANKWISE_X86_KERNELS
  if (rankwise::detail::cpu_has_avx512()) return uniform_pairs_avx512(seed, base, pairs, out);
  if (rankwise::detail::cpu_has_avx2_fma()) return uniform_pairs_avx2(seed, base, pairs, out);
#endif
  uniform_pairs_generic(seed, base, pairs, out);
}

// Consecutive indices first..first+n-1: whole lanes of counters at a time.
void uniform01_run(std::uint64_t seed, std::uint64_t first, std::int64_t n, double* out) {
  std::int64_t k = 0;
  if (first & 1) {  // an odd start uses the second half of its pair
    const auto r = draw(seed, kUniform, first >> 1);
    out[k++] = to_unit(r.v[2], r.v[3]);
  }
  const std::uint64_t base = (first + static_cast<std::uint64_t>(k)) >> 1;
  const std::int64_t pairs = (n - k) / 2;
  uniform_pairs(seed, base, pairs, out + k);
  k += 2 * pairs;
  if (k < n) {
    const auto r = draw(seed, kUniform, (first + static_cast<std::uint64_t>(k)) >> 1);
    out[k] = to_unit(r.v[0], r.v[1]);
  }
}

void uniform01(std::uint64_t seed, const std::int64_t* flat, std::int64_t n, double* out) {
  if (n > 0 && flat[n - 1] - flat[0] == n - 1) {  // whole rows: one consecutive run
    uniform01_run(seed, static_cast<std::uint64_t>(flat[0]), n, out);
    return;
  }
  // One Philox call gives 128 bits: two doubles, for elements 2c and 2c + 1.
  std::int64_t k = 0;
  while (k < n) {
    const auto i = static_cast<std::uint64_t>(flat[k]);
    const auto r = draw(seed, kUniform, i >> 1);
    if (k + 1 < n && (i & 1) == 0 && static_cast<std::uint64_t>(flat[k + 1]) == i + 1) {
      out[k] = to_unit(r.v[0], r.v[1]);
      out[k + 1] = to_unit(r.v[2], r.v[3]);
      k += 2;
    } else {
      out[k] = (i & 1) ? to_unit(r.v[2], r.v[3]) : to_unit(r.v[0], r.v[1]);
      k += 1;
    }
  }
}

void standard_normal(std::uint64_t seed, const std::int64_t* flat, std::int64_t n, double* out) {
  for (std::int64_t k = 0; k < n; ++k) {
    const auto r = draw(seed, kNormal, static_cast<std::uint64_t>(flat[k]));
    const double u1 = 1.0 - to_unit(r.v[0], r.v[1]);  // (0, 1]: log is finite
    const double u2 = to_unit(r.v[2], r.v[3]);
    out[k] = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
}

void integers(std::uint64_t seed, std::int64_t low, std::int64_t high, const std::int64_t* flat, std::int64_t n,
              std::int64_t* out) {
  __extension__ using u128 = unsigned __int128;
  const auto range = static_cast<u128>(static_cast<std::uint64_t>(high - low));
  for (std::int64_t k = 0; k < n; ++k) {
    const auto r = draw(seed, kInteger, static_cast<std::uint64_t>(flat[k]));
    const std::uint64_t bits = (static_cast<std::uint64_t>(r.v[0]) << 32) | r.v[1];
    // Lemire's multiply-shift: bias below range / 2^64, negligible for any practical range.
    out[k] = low + static_cast<std::int64_t>((bits * range) >> 64);
  }
}

bool philox_lanes_match_random123(std::uint64_t seed, std::uint64_t first) {
  std::uint32_t w[4][kLanes];
  philox_lanes(seed, kUniform, first, kLanes, w);
  for (int l = 0; l < kLanes; ++l) {
    const auto r = draw(seed, kUniform, first + static_cast<std::uint64_t>(l));
    for (int j = 0; j < 4; ++j)
      if (r.v[j] != w[j][l]) return false;
  }
  return true;
}

}  // namespace rankwise::random::detail
