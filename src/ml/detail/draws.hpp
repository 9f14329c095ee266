#pragma once
// Counter-based random draws for the estimators and data sets, one value per (seed, stream,
// counter): Philox4x32-10 (Random123) on the counter (low word, high word, stream, a tag per
// distribution) with the seed as key. The run versions draw consecutive counters — eight at a
// time with AVX2 where the CPU has it — and give exactly what the one-value versions give.
#include <cstdint>

namespace rankwise::ml::detail {

/// Uniform doubles in [0, 1): out[i] = uniform(seed, stream, first + i) for i < n. Local.
void uniform_run(std::uint64_t seed, std::uint32_t stream, std::uint64_t first, std::int64_t n, double* out);

/// Standard normals by Box–Muller on one draw each: out[i] = normal(seed, stream, first + i).
/// log and cos are glibc's vector versions (libmvec, ≤ 4 ulp) where the build and CPU have them,
/// else std::log and std::cos — the same choice for every value on a machine. Local.
void normal_run(std::uint64_t seed, std::uint32_t stream, std::uint64_t first, std::int64_t n, double* out);

}  // namespace rankwise::ml::detail
