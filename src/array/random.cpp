#include "rankwise/array/random.hpp"

#include <cmath>

#include <Random123/philox.h>

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

static void philox_lanes(std::uint64_t seed, std::uint32_t stream, std::uint64_t first, int lanes,
                  std::uint32_t (&w)[4][kLanes]) {
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

// Consecutive indices first..first+n-1: whole lanes of counters at a time.
void uniform01_run(std::uint64_t seed, std::uint64_t first, std::int64_t n, double* out) {
  std::int64_t k = 0;
  if (first & 1) {  // an odd start uses the second half of its pair
    const auto r = draw(seed, kUniform, first >> 1);
    out[k++] = to_unit(r.v[2], r.v[3]);
  }
  const std::uint64_t base = (first + static_cast<std::uint64_t>(k)) >> 1;
  const std::int64_t pairs = (n - k) / 2;
  std::uint32_t w[4][kLanes];
  for (std::int64_t c = 0; c < pairs; c += kLanes) {
    const int lanes = static_cast<int>(std::min<std::int64_t>(kLanes, pairs - c));
    philox_lanes(seed, kUniform, base + static_cast<std::uint64_t>(c), lanes, w);
    for (int l = 0; l < lanes; ++l) {
      out[k + 2 * (c + l)] = to_unit(w[0][l], w[1][l]);
      out[k + 2 * (c + l) + 1] = to_unit(w[2][l], w[3][l]);
    }
  }
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
