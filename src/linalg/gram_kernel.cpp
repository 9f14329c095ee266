// XᵀX of a tall, narrow row-major block with AVX2/FMA, chosen at run time.
//
// OpenBLAS's dgemm on row panels computes the whole n x n product (it cannot use the symmetry)
// and is compute-bound here: ~17 ns per 20-column row on one core, while streaming the row
// takes ~8. This kernel computes only the block-upper part: output rows in groups of four
// against the columns from their group on, in register tiles of up to 4 x 12 (one-vector
// tiles merged to 8 rows, so every tile has enough accumulators to hide the FMA latency) —
// about 60% of dgemm's multiply-adds; ~14.5 ns per row streaming, 13 in cache. The library
// stays generic x86-64: the kernel is compiled for AVX2 + FMA and called only when the CPU has
// them. Its summation order is fixed, so results still do not depend on the rank count.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "linalg/dense.hpp"
#include "runtime/detail/simd.hpp"

namespace rankwise::linalg::detail {

#if defined(__x86_64__) && defined(__GNUC__)
namespace {
#define RW_AVX2 __attribute__((target("avx2,fma")))

// Rows per pass of the tiles: 2,048 x 20 doubles = 320 KiB, held in L2 after the first tile.
constexpr std::int64_t kPanelRows = 2048;

template <int NI, int NV, bool TAIL>
RW_AVX2 void tile(const double* panel, std::int64_t rows, std::int64_t n, const std::int64_t* is, std::int64_t j0,
                  __m256i tail_mask, double* out) {
  __m256d acc[NI * NV];
#pragma GCC unroll 12
  for (int k = 0; k < NI * NV; ++k) acc[k] = _mm256_setzero_pd();
  const double* row = panel;
  for (std::int64_t r = 0; r < rows; ++r, row += n) {
    __m256d c[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v)
      c[v] = (TAIL && v == NV - 1) ? _mm256_maskload_pd(row + j0 + 4 * v, tail_mask) : _mm256_loadu_pd(row + j0 + 4 * v);
#pragma GCC unroll 8
    for (int a = 0; a < NI; ++a) {
      const __m256d b = _mm256_broadcast_sd(row + is[a]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[a * NV + v] = _mm256_fmadd_pd(b, c[v], acc[a * NV + v]);
    }
  }
  const std::int64_t stride = (n + 3) & ~std::int64_t{3};
#pragma GCC unroll 8
  for (int a = 0; a < NI; ++a)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) {
      double* o = out + is[a] * stride + j0 + 4 * v;
      _mm256_storeu_pd(o, _mm256_add_pd(_mm256_loadu_pd(o), acc[a * NV + v]));
    }
}
using TileFn = void (*)(const double*, std::int64_t, std::int64_t, const std::int64_t*, std::int64_t, __m256i, double*);
template <int NI>
TileFn pick(int nv, bool tail) {
  switch (nv) {
    case 1: return tail ? tile<NI, 1, true> : tile<NI, 1, false>;
    case 2: return tail ? tile<NI, 2, true> : tile<NI, 2, false>;
    default: return tail ? tile<NI, 3, true> : tile<NI, 3, false>;
  }
}

TileFn pick(int ni, int nv, bool tail) {
  switch (ni) {
    case 1: return pick<1>(nv, tail);
    case 2: return pick<2>(nv, tail);
    case 3: return pick<3>(nv, tail);
    case 4: return pick<4>(nv, tail);
    // Merged one-vector tiles (nv is 1 here).
    case 5: return tail ? tile<5, 1, true> : tile<5, 1, false>;
    case 6: return tail ? tile<6, 1, true> : tile<6, 1, false>;
    case 7: return tail ? tile<7, 1, true> : tile<7, 1, false>;
    default: return tail ? tile<8, 1, true> : tile<8, 1, false>;
  }
}
}  // namespace

namespace {
RW_AVX2 void gram_avx2(const double* x, std::int64_t rows, std::int64_t n, double* g) {
  const std::int64_t nvec = (n + 3) / 4, stride = nvec * 4;
  const bool ragged = n % 4 != 0;
  const __m256i tail_mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(n % 4 == 0 ? 4 : n % 4), _mm256_setr_epi64x(0, 1, 2, 3));
  struct Tile { TileFn fn; std::vector<std::int64_t> is; std::int64_t j0; };
  std::vector<Tile> tiles;
  std::vector<std::vector<std::int64_t>> single(static_cast<std::size_t>(nvec));
  const auto add = [&](std::vector<std::int64_t> is, std::int64_t v0, int nv) {
    tiles.push_back({pick(static_cast<int>(is.size()), nv, ragged && v0 + nv == nvec), std::move(is), v0 * 4});
  };
  for (std::int64_t i0 = 0; i0 < n; i0 += 4) {
    std::vector<std::int64_t> is;
    for (std::int64_t i = i0; i < std::min(i0 + 4, n); ++i) is.push_back(i);
    for (std::int64_t v0 = i0 / 4; v0 < nvec; v0 += 3) {
      const int nv = static_cast<int>(std::min<std::int64_t>(3, nvec - v0));
      if (nv > 1) { add(is, v0, nv); continue; }
      auto& h = single[static_cast<std::size_t>(v0)];
      for (const auto i : is) { h.push_back(i); if (h.size() == 8) add(std::exchange(h, {}), v0, 1); }
    }
  }
  for (std::int64_t v = 0; v < nvec; ++v)
    if (!single[static_cast<std::size_t>(v)].empty()) add(single[static_cast<std::size_t>(v)], v, 1);
  std::vector<double> scratch(static_cast<std::size_t>(n * stride), 0.0);
  for (std::int64_t r0 = 0; r0 < rows; r0 += kPanelRows) {
    const auto pr = std::min(kPanelRows, rows - r0);
    for (const auto& t : tiles) t.fn(x + r0 * n, pr, n, t.is.data(), t.j0, tail_mask, scratch.data());
  }
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j)
      // (i, j) was computed when j is at or right of i's group; otherwise (j, i) was.
      g[i * n + j] += j >= (i / 4) * 4 ? scratch[static_cast<std::size_t>(i * stride + j)] : scratch[static_cast<std::size_t>(j * stride + i)];
}

}  // namespace
#endif

bool gram_narrow(const double* x, std::int64_t rows, std::int64_t cols, double* g) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cols < 2 || cols > 64 || rows < 1 || !rankwise::detail::cpu_has_avx2_fma()) return false;
  gram_avx2(x, rows, cols, g);
  return true;
#else
  (void)x, (void)rows, (void)cols, (void)g;
  return false;
#endif
}

}  // namespace rankwise::linalg::detail
