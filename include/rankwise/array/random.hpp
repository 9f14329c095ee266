#pragma once
/// Random arrays from a counter-based generator (Random123's Philox4x32-10) keyed on
/// (seed, global element index): the same seed gives the same values whatever the number of
/// ranks and whatever the chunks. All Local (they record).
#include <cstdint>

#include "rankwise/array/array.hpp"

namespace rankwise::random {

namespace detail {
/// Fills out[k] for the global element indices flat[k] (k < n). Streams keep the
/// distributions of one seed independent of each other.
void uniform01(std::uint64_t seed, const std::int64_t* flat, std::int64_t n, double* out);
/// The same for the consecutive indices first, first + 1, ..., first + n - 1 (the fast path).
void uniform01_run(std::uint64_t seed, std::uint64_t first, std::int64_t n, double* out);
void standard_normal(std::uint64_t seed, const std::int64_t* flat, std::int64_t n, double* out);
void integers(std::uint64_t seed, std::int64_t low, std::int64_t high, const std::int64_t* flat, std::int64_t n,
              std::int64_t* out);

/// Self-check: the vectorised Philox gives Random123's words for 64 counters from `first`.
bool philox_lanes_match_random123(std::uint64_t seed, std::uint64_t first);

template <class T, class Fill>
Array<T> make(const char* name, const Shape& shape, const ChunkSpec& chunks, Fill fill) {
  auto fn = [fill](array_detail::GlobalWalk& walk, std::int64_t count, T* out) {
    std::int64_t flat[array_detail::kTile] = {};  // (zeroed: GCC cannot see count <= kTile)
    for (std::int64_t k = 0; k < count; ++k, walk.next()) flat[k] = walk.global_flat();
    fill(flat, count, out);
  };
  return Array<T>(std::make_shared<array_detail::Generator<T>>(name, shape, chunks.normalize(shape, sizeof(T)), fn));
}
}  // namespace detail

/// Uniform in [0, 1). Local.
inline Array<double> random(const Shape& shape, const ChunkSpec& chunks = "auto", std::uint64_t seed = 0) {
  auto fn = [seed](array_detail::GlobalWalk& walk, std::int64_t count, double* out) {
    if (walk.consecutive(count)) {  // whole rows: no per-element index
      detail::uniform01_run(seed, static_cast<std::uint64_t>(walk.global_flat()), count, out);
      return;
    }
    std::int64_t flat[array_detail::kTile] = {};
    for (std::int64_t k = 0; k < count; ++k, walk.next()) flat[k] = walk.global_flat();
    detail::uniform01(seed, flat, count, out);
  };
  return Array<double>(std::make_shared<array_detail::Generator<double>>("random", shape,
                                                                        chunks.normalize(shape, sizeof(double)), fn));
}
/// Uniform in [low, high). Local.
inline Array<double> uniform(double low, double high, const Shape& shape, const ChunkSpec& chunks = "auto",
                             std::uint64_t seed = 0) {
  return detail::make<double>("uniform", shape, chunks, [=](const std::int64_t* flat, std::int64_t n, double* out) {
    detail::uniform01(seed, flat, n, out);
    for (std::int64_t k = 0; k < n; ++k) out[k] = low + (high - low) * out[k];
  });
}
/// Normal with mean `loc` and standard deviation `scale` (Box-Muller). Local.
inline Array<double> normal(double loc, double scale, const Shape& shape, const ChunkSpec& chunks = "auto",
                            std::uint64_t seed = 0) {
  return detail::make<double>("normal", shape, chunks, [=](const std::int64_t* flat, std::int64_t n, double* out) {
    detail::standard_normal(seed, flat, n, out);
    for (std::int64_t k = 0; k < n; ++k) out[k] = loc + scale * out[k];
  });
}
/// Integers in [low, high). Throws ValueError when high <= low. Local.
inline Array<std::int64_t> randint(std::int64_t low, std::int64_t high, const Shape& shape,
                                   const ChunkSpec& chunks = "auto", std::uint64_t seed = 0) {
  RANKWISE_CHECK(high > low, ValueError, "randint: high must exceed low");
  return detail::make<std::int64_t>("randint", shape, chunks,
                                    [=](const std::int64_t* flat, std::int64_t n, std::int64_t* out) {
                                      detail::integers(seed, low, high, flat, n, out);
                                    });
}

}  // namespace rankwise::random
