// Counter-based draws (see detail/draws.hpp). make_blobs spent most of its time in one scalar
// Philox, log and cos per value; runs draw eight counters per AVX2 register and take log and
// cos four at a time.
#include "ml/detail/draws.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>

#include "runtime/detail/simd.hpp"
#ifdef RANKWISE_X86_KERNELS
#include "array/detail/philox_simd.hpp"
#endif

namespace rankwise::ml::detail {

namespace {

constexpr std::uint32_t kUniformTag = 0x6d6c, kNormalTag = 0x6e6f;
constexpr std::int64_t kBatch = 256;  // counters per pass (words and intermediates on the stack)

// The four Philox words of counters first..first+n-1 (n <= kBatch) into w[0..3][i].
void philox_scalar(std::uint64_t seed, std::uint32_t stream, std::uint32_t tag, std::uint64_t first, std::int64_t n,
                   std::uint32_t (*w)[kBatch]) {
  using Philox = r123::Philox4x32;
  const Philox::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t c = first + static_cast<std::uint64_t>(i);
    const Philox::ctr_type ctr = {{static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(c >> 32), stream, tag}};
    const auto r = Philox()(ctr, key);
    for (int q = 0; q < 4; ++q) w[q][i] = r[q];
  }
}

#ifdef RANKWISE_X86_KERNELS
// Philox4x32-10 for 8·G counters per pass, lane l of group g = counter first + 8g + l (the
// same words as Random123's, which the scalar tail uses).
__attribute__((target("avx2,fma"))) void philox_avx2(std::uint64_t seed, std::uint32_t stream, std::uint32_t tag, std::uint64_t first,
                                                     std::int64_t n, std::uint32_t (*w)[kBatch]) {
  constexpr int G = 4;  // independent groups hide the multiplies' latency
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const auto keys = rankwise::detail::philox::round_keys(seed);
  std::int64_t done = 0;
  for (; done + 8 * G <= n; done += 8 * G) {
    const std::uint64_t base = first + static_cast<std::uint64_t>(done);
    if (static_cast<std::uint32_t>(base) > 0xFFFFFFFFu - 8 * G) break;  // a carry into the high word: scalar
    __m256i c0[G], c1[G], c2[G], c3[G];
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      c0[g] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(base) + 8u * static_cast<std::uint32_t>(g))), iota);
      c1[g] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(base >> 32)));
      c2[g] = _mm256_set1_epi32(static_cast<int>(stream));
      c3[g] = _mm256_set1_epi32(static_cast<int>(tag));
    }
    rankwise::detail::philox::rounds<G>(keys, c0, c1, c2, c3);
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      const std::int64_t at = done + 8 * g;
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[0] + at), c0[g]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[1] + at), c1[g]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[2] + at), c2[g]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[3] + at), c3[g]);
    }
  }
  if (done < n) {
    std::uint32_t tail[4][kBatch];
    philox_scalar(seed, stream, tag, first + static_cast<std::uint64_t>(done), n - done, tail);
    for (int q = 0; q < 4; ++q) std::copy(tail[q], tail[q] + (n - done), w[q] + done);
  }
}
#endif

void philox_words(std::uint64_t seed, std::uint32_t stream, std::uint32_t tag, std::uint64_t first, std::int64_t n,
                  std::uint32_t (*w)[kBatch]) {
#ifdef RANKWISE_X86_KERNELS
  if (n >= 32 && rankwise::detail::cpu_has_avx2_fma()) return philox_avx2(seed, stream, tag, first, n, w);
#endif
  philox_scalar(seed, stream, tag, first, n, w);
}

// √(−2 ln u1) · cos(2π u2), the same function for every element (padded groups of four).
#ifdef RANKWISE_LIBMVEC
__attribute__((target("avx2,fma"))) void box_muller_avx2(const double* u1, const double* u2, std::int64_t n, double* out) {
  const __m256d minus_two = _mm256_set1_pd(-2.0), two_pi = _mm256_set1_pd(2.0 * M_PI);
  for (std::int64_t i = 0; i < n; i += 4) {
    alignas(32) double a[4] = {1, 1, 1, 1}, b[4] = {0, 0, 0, 0}, r[4];
    const std::int64_t here = std::min<std::int64_t>(4, n - i);
    std::copy(u1 + i, u1 + i + here, a);
    std::copy(u2 + i, u2 + i + here, b);
    const __m256d radius = _mm256_sqrt_pd(_mm256_mul_pd(minus_two, _ZGVdN4v_log(_mm256_load_pd(a))));
    _mm256_store_pd(r, _mm256_mul_pd(radius, _ZGVdN4v_cos(_mm256_mul_pd(two_pi, _mm256_load_pd(b)))));
    std::copy(r, r + here, out + i);
  }
}
#endif

void box_muller(const double* u1, const double* u2, std::int64_t n, double* out) {
#ifdef RANKWISE_LIBMVEC
  if (rankwise::detail::cpu_has_avx2_fma()) return box_muller_avx2(u1, u2, n, out);
#endif
  for (std::int64_t i = 0; i < n; ++i) out[i] = std::sqrt(-2.0 * std::log(u1[i])) * std::cos(2.0 * M_PI * u2[i]);
}

// 53 bits of (hi, lo) as a double in [0, 1).
inline double unit(std::uint32_t hi, std::uint32_t lo) {
  return static_cast<double>(((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11) * 0x1.0p-53;
}

}  // namespace

void uniform_run(std::uint64_t seed, std::uint32_t stream, std::uint64_t first, std::int64_t n, double* out) {
  std::uint32_t w[4][kBatch];
  for (std::int64_t at = 0; at < n; at += kBatch) {
    const auto here = std::min(kBatch, n - at);
    philox_words(seed, stream, kUniformTag, first + static_cast<std::uint64_t>(at), here, w);
    for (std::int64_t i = 0; i < here; ++i) {
      const std::uint64_t bits = (static_cast<std::uint64_t>(w[0][i]) << 21) ^ (static_cast<std::uint64_t>(w[1][i]) >> 11);
      out[at + i] = static_cast<double>(bits & ((1ull << 53) - 1)) * 0x1.0p-53;
    }
  }
}

void normal_run(std::uint64_t seed, std::uint32_t stream, std::uint64_t first, std::int64_t n, double* out) {
  std::uint32_t w[4][kBatch];
  double u1[kBatch], u2[kBatch];
  for (std::int64_t at = 0; at < n; at += kBatch) {
    const auto here = std::min(kBatch, n - at);
    philox_words(seed, stream, kNormalTag, first + static_cast<std::uint64_t>(at), here, w);
    for (std::int64_t i = 0; i < here; ++i) {
      u1[i] = 1.0 - unit(w[0][i], w[1][i]);  // in (0, 1]: the log is finite
      u2[i] = unit(w[2][i], w[3][i]);
    }
    box_muller(u1, u2, here, out + at);
  }
}

}  // namespace rankwise::ml::detail
