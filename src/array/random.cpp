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

// Consecutive indices first..first+n-1: a tight loop the compiler can vectorise.
void uniform01_run(std::uint64_t seed, std::uint64_t first, std::int64_t n, double* out) {
  std::int64_t k = 0;
  if (first & 1) {  // an odd start uses the second half of its pair
    const auto r = draw(seed, kUniform, first >> 1);
    out[k++] = to_unit(r.v[2], r.v[3]);
  }
  const std::uint64_t base = (first + static_cast<std::uint64_t>(k)) >> 1;
  const std::int64_t pairs = (n - k) / 2;
  for (std::int64_t c = 0; c < pairs; ++c) {
    const auto r = draw(seed, kUniform, base + static_cast<std::uint64_t>(c));
    out[k + 2 * c] = to_unit(r.v[0], r.v[1]);
    out[k + 2 * c + 1] = to_unit(r.v[2], r.v[3]);
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

}  // namespace rankwise::random::detail
