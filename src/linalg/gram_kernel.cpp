// XᵀX of a tall, narrow row-major block with AVX-512 or AVX2/FMA, chosen at run time.
//
// OpenBLAS's dgemm on row panels computes the whole n x n product (it cannot use the symmetry)
// and is compute-bound here: ~17 ns per 20-column row on one core, while streaming the row
// takes ~8. These kernels compute only the block-upper part: output rows in groups of four
// against the column blocks from their group on.
// - AVX2: register tiles of up to 4 x 12 (one-vector tiles merged to 8 rows, so every tile has
//   enough accumulators to hide the FMA latency); ~13 ns per 20-column row streaming, 9.5 in cache.
// - AVX-512: the same tiles on two rows at once (a register holds four columns of rows r and
//   r + 1), tiles of up to 4 x 20; panels of 128 rows that stay in L1, the next panel
//   prefetched while the tiles run; ~8.5 ns per row streaming, 6 in cache.
// The library stays generic x86-64: each kernel is compiled for its instruction set and called
// only when the CPU has it (runtime/detail/simd.hpp). Their summation orders are fixed, so
// results do not depend on the rank count.
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


// ---- AVX-512: two rows per register ----------------------------------------------------------
// A register holds four columns of two consecutive rows, [x[r][j..j+3] | x[r+1][j..j+3]], so
// the AVX2 kernel's block-upper tiles run at twice the width without computing more of the
// lower triangle; an in-lane permute broadcasts x[r][i] and x[r+1][i] from the same kind of
// register, and the two halves of each accumulator are added at the end.
// GCC 12's _mm512_undefined_pd (inside the insert, permute and extract intrinsics) trips
// -Wmaybe-uninitialized by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define RW_AVX512 __attribute__((target("avx2,fma,avx512f,avx512vl,avx512dq,avx512bw")))
#define RW_AVX512_INLINE __attribute__((target("avx2,fma,avx512f,avx512vl,avx512dq,avx512bw"), always_inline)) inline

// Rows per pass of the tiles (even, so panels hold whole pairs): 128 x 20 doubles = 20 KiB, in
// L1 for every tile after the first (measured best of 64-2,048 on 10M x 20 at 2 ranks).
constexpr std::int64_t kPairPanelRows = 128;
// The most column blocks one tile takes (4 x 5 accumulators, 5 columns, 4 broadcasts).
constexpr int kMaxBlocks = 5;
// Stands in for the row after an odd panel's last row.
alignas(64) constexpr double kZeroRow[64 + 8] = {};

RW_AVX512_INLINE __m512d row_pair(const double* r0, const double* r1, bool masked, __mmask8 mask) {
  if (masked)
    return _mm512_insertf64x4(_mm512_zextpd256_pd512(_mm256_maskz_loadu_pd(mask, r0)), _mm256_maskz_loadu_pd(mask, r1), 1);
  else
    return _mm512_insertf64x4(_mm512_zextpd256_pd512(_mm256_loadu_pd(r0)), _mm256_loadu_pd(r1), 1);
}

// Output rows 4g..4g+3 against column blocks v0..v0+NV-1 (OWN: v0 == g, so the rows' own
// block is the first column register; TAIL: the last block is the ragged one).
template <int NV, bool OWN, bool TAIL>
RW_AVX512_INLINE void pair_step(const double* r0, const double* r1, std::int64_t g, std::int64_t v0, __mmask8 tail,
                                __m512d* acc) {
  __m512d c[NV];
#pragma GCC unroll 5
  for (int v = 0; v < NV; ++v) c[v] = row_pair(r0 + 4 * (v0 + v), r1 + 4 * (v0 + v), TAIL && v == NV - 1, tail);
  const __m512d own = OWN ? c[0] : row_pair(r0 + 4 * g, r1 + 4 * g, false, tail);
  const __m512d b[4] = {_mm512_permutex_pd(own, 0x00), _mm512_permutex_pd(own, 0x55), _mm512_permutex_pd(own, 0xAA),
                        _mm512_permutex_pd(own, 0xFF)};
#pragma GCC unroll 4
  for (int a = 0; a < 4; ++a)
#pragma GCC unroll 5
    for (int v = 0; v < NV; ++v) acc[a * NV + v] = _mm512_fmadd_pd(b[a], c[v], acc[a * NV + v]);
}

// Also touches `ahead_lines` cache lines from `ahead` (a share of the next panel, one line per
// pair of rows), so memory streams while the tiles work from cache.
template <int NV, bool OWN, bool TAIL>
RW_AVX512 void tile512(const double* panel, std::int64_t rows, std::int64_t n, std::int64_t g, std::int64_t v0,
                       __mmask8 tail, std::int64_t stride, double* out, const char* ahead, std::int64_t ahead_lines) {
  __m512d acc[4 * NV];
#pragma GCC unroll 20
  for (int k = 0; k < 4 * NV; ++k) acc[k] = _mm512_setzero_pd();
  const double* row = panel;
  for (std::int64_t r = 0; r + 1 < rows; r += 2, row += 2 * n) {
    if (r / 2 < ahead_lines) _mm_prefetch(ahead + 32 * r, _MM_HINT_T0);
    pair_step<NV, OWN, TAIL>(row, row + n, g, v0, tail, acc);
  }
  if (rows % 2 != 0) pair_step<NV, OWN, TAIL>(row, kZeroRow, g, v0, tail, acc);
#pragma GCC unroll 4
  for (int a = 0; a < 4; ++a) {
    if (4 * g + a >= n) break;  // the ragged last group's missing rows
#pragma GCC unroll 5
    for (int v = 0; v < NV; ++v) {
      double* o = out + (4 * g + a) * stride + 4 * (v0 + v);
      const __m256d both = _mm256_add_pd(_mm512_castpd512_pd256(acc[a * NV + v]), _mm512_extractf64x4_pd(acc[a * NV + v], 1));
      _mm256_storeu_pd(o, _mm256_add_pd(_mm256_loadu_pd(o), both));
    }
  }
}

using Tile512Fn = void (*)(const double*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, __mmask8,
                           std::int64_t, double*, const char*, std::int64_t);
template <int NV>
Tile512Fn pick512(bool own, bool tail) {
  if (own) return tail ? tile512<NV, true, true> : tile512<NV, true, false>;
  return tail ? tile512<NV, false, true> : tile512<NV, false, false>;
}
Tile512Fn pick512(int nv, bool own, bool tail) {
  switch (nv) {
    case 1: return pick512<1>(own, tail);
    case 2: return pick512<2>(own, tail);
    case 3: return pick512<3>(own, tail);
    case 4: return pick512<4>(own, tail);
    default: return pick512<5>(own, tail);
  }
}

RW_AVX512 void gram_avx512(const double* x, std::int64_t rows, std::int64_t n, double* g) {
  const std::int64_t nb = (n + 3) / 4, stride = nb * 4;
  const auto tail = static_cast<__mmask8>(n % 4 == 0 ? 0xF : (1u << (n % 4)) - 1);
  struct Tile { Tile512Fn fn; std::int64_t g, v0; };
  std::vector<Tile> tiles;
  for (std::int64_t grp = 0; grp < nb; ++grp) {
    // Blocks grp..nb-1 in as few tiles as kMaxBlocks allows, of nearly equal widths.
    const std::int64_t blocks = nb - grp, count = (blocks + kMaxBlocks - 1) / kMaxBlocks;
    for (std::int64_t t = 0, v0 = grp; t < count; ++t) {
      const auto nv = (blocks * (t + 1)) / count - (blocks * t) / count;
      tiles.push_back({pick512(static_cast<int>(nv), v0 == grp, n % 4 != 0 && v0 + nv == nb), grp, v0});
      v0 += nv;
    }
  }
  std::vector<double> scratch(static_cast<std::size_t>(stride * stride), 0.0);
  const auto ntiles = static_cast<std::int64_t>(tiles.size());
  for (std::int64_t r0 = 0; r0 < rows; r0 += kPairPanelRows) {
    const auto pr = std::min(kPairPanelRows, rows - r0);
    // The next panel's bytes, in cache lines, shared out over this panel's tiles.
    const auto next = std::min(kPairPanelRows, std::max<std::int64_t>(rows - r0 - pr, 0));
    const auto lines = (next * n * 8 + 63) / 64, share = (lines + ntiles - 1) / ntiles;
    const char* ahead = reinterpret_cast<const char*>(x + (r0 + pr) * n);
    for (std::int64_t k = 0; k < ntiles; ++k) {
      const auto& t = tiles[static_cast<std::size_t>(k)];
      const auto from = std::min(lines, k * share);
      t.fn(x + r0 * n, pr, n, t.g, t.v0, tail, stride, scratch.data(), ahead + 64 * from, std::min(share, lines - from));
    }
  }
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j)
      // (i, j) was computed when j's block is at or right of i's; otherwise (j, i) was.
      g[i * n + j] += j / 4 >= i / 4 ? scratch[static_cast<std::size_t>(i * stride + j)] : scratch[static_cast<std::size_t>(j * stride + i)];
}
#undef RW_AVX512
#undef RW_AVX512_INLINE
#pragma GCC diagnostic pop

}  // namespace
#endif

bool gram_narrow(const double* x, std::int64_t rows, std::int64_t cols, double* g) {
  return gram_narrow(x, rows, cols, g, rankwise::detail::kernel_isa());
}

bool gram_narrow(const double* x, std::int64_t rows, std::int64_t cols, double* g, rankwise::detail::Isa isa) {
#if defined(__x86_64__) && defined(__GNUC__)
  using rankwise::detail::Isa;
  if (cols < 2 || cols > 64 || rows < 1 || isa > rankwise::detail::kernel_isa()) return false;
  if (isa == Isa::avx512) return gram_avx512(x, rows, cols, g), true;
  if (isa == Isa::avx2) return gram_avx2(x, rows, cols, g), true;
  return false;
#else
  (void)x, (void)rows, (void)cols, (void)g, (void)isa;
  return false;
#endif
}

}  // namespace rankwise::linalg::detail
