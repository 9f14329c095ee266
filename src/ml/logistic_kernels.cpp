// Row loops of LogisticRegression's two-class pass (see detail/logistic_kernels.hpp).
//
// Profiled on 2,000,000 × 20 (five Newton steps): the pass spent its time in OpenBLAS dgemv on
// 1,024 × 20 tiles (a 20-long output is too short for its kernels), a scalar sqrt and division
// per row (latency-bound), scalar log1p, and a per-row memcpy into the Gram operand. Here the
// scores are four rows at a time, the per-row terms four lanes at a time with libmvec's exp and
// log1p, and the weighted copy accumulates the gradient in registers while it writes the rows.
#include "ml/detail/logistic_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/detail/simd.hpp"

namespace rankwise::ml::detail {

void row_dots_portable(const double* x, std::int64_t m, std::int64_t d, const double* w, double b, double* z) {
  for (std::int64_t i = 0; i < m; ++i) {
    double s = 0;
    for (std::int64_t t = 0; t < d; ++t) s += x[i * d + t] * w[t];
    z[i] = b + s;
  }
}

double logistic_terms_portable(const double* z, const std::int64_t* y, std::int64_t m, double C, double* r, double* w) {
  double loss = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double zi = z[i], e = std::exp(-std::fabs(zi)), inv = 1.0 / (1.0 + e);
    const bool positive = y[i] == 1;
    // p = σ(z) and q = 1 − p, each without cancellation; p·q = e / (1 + e)².
    const double p = (zi >= 0 ? 1.0 : e) * inv, q = (zi >= 0 ? e : 1.0) * inv;
    // softplus(-z) = max(-z, 0) + log1p(e) when y = 1, softplus(z) otherwise
    loss += std::max(positive ? -zi : zi, 0.0) + std::log1p(e);
    r[i] = C * (positive ? -q : p);
    w[i] = std::sqrt(C * e) * inv;
  }
  return loss;
}

void weigh_rows_portable(const double* x, std::int64_t m, std::int64_t d, const double* w, const double* r, bool ones, double* A, double* g) {
  const auto n = ones ? d + 1 : d;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t c = 0; c < d; ++c) {
      A[i * n + c] = w[i] * x[i * d + c];
      g[c] += r[i] * x[i * d + c];
    }
    if (ones) A[i * n + d] = w[i];
  }
}

#ifdef RANKWISE_X86_KERNELS
namespace {
#define RW_AVX2 __attribute__((target("avx2,fma")))
#define RW_AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) inline

// Lanes 0..count-1 set (count in 0..4), as a maskload/maskstore mask.
RW_AVX2_INLINE __m256i lanes(std::int64_t count) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(count), _mm256_setr_epi64x(0, 1, 2, 3));
}

RW_AVX2_INLINE double hsum(__m256d v) {
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

RW_AVX2 void row_dots_avx2(const double* x, std::int64_t m, std::int64_t d, const double* w, double b, double* z) {
  const __m256i tail = lanes(d % 4);
  const std::int64_t full = d / 4 * 4;
  const __m256d bias = _mm256_set1_pd(b);
  std::vector<double> padded;
  for (std::int64_t i = 0; i < m; i += 4) {
    const double* rows = x + i * d;
    if (i + 4 > m) {  // the last 1–3 rows, zero-padded to four
      padded.assign(static_cast<std::size_t>(4 * d), 0.0);
      std::copy(rows, x + m * d, padded.begin());
      rows = padded.data();
    }
    __m256d acc[4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) acc[q] = _mm256_setzero_pd();
    for (std::int64_t t = 0; t < full; t += 4) {
      const __m256d wv = _mm256_loadu_pd(w + t);
#pragma GCC unroll 4
      for (int q = 0; q < 4; ++q) acc[q] = _mm256_fmadd_pd(_mm256_loadu_pd(rows + q * d + t), wv, acc[q]);
    }
    if (full < d) {
      const __m256d wv = _mm256_maskload_pd(w + full, tail);
#pragma GCC unroll 4
      for (int q = 0; q < 4; ++q) acc[q] = _mm256_fmadd_pd(_mm256_maskload_pd(rows + q * d + full, tail), wv, acc[q]);
    }
    // Four horizontal sums at once: lane q of the result is row q's dot product.
    const __m256d h01 = _mm256_hadd_pd(acc[0], acc[1]), h23 = _mm256_hadd_pd(acc[2], acc[3]);
    const __m256d sums = _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
    alignas(32) double out[4];
    _mm256_store_pd(out, _mm256_add_pd(sums, bias));
    for (std::int64_t q = 0; q < 4 && i + q < m; ++q) z[i + q] = out[q];
  }
}

#ifdef RANKWISE_LIBMVEC
RW_AVX2 double logistic_terms_avx2(const double* z, const std::int64_t* y, std::int64_t m, double C, double* r, double* w) {
  const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd(), sign = _mm256_set1_pd(-0.0), c = _mm256_set1_pd(C);
  __m256d loss = _mm256_setzero_pd();
  for (std::int64_t i = 0; i < m; i += 4) {
    const std::int64_t here = std::min<std::int64_t>(4, m - i);
    const __m256i valid = lanes(here);
    const __m256d zv = _mm256_maskload_pd(z + i, valid);
    const __m256d positive = _mm256_castsi256_pd(
        _mm256_cmpeq_epi64(_mm256_maskload_epi64(reinterpret_cast<const long long*>(y + i), valid), _mm256_set1_epi64x(1)));
    const __m256d e = _ZGVdN4v_exp(_mm256_or_pd(zv, sign));  // exp(-|z|)
    const __m256d l = _ZGVdN4v_log1p(e);
    const __m256d inv = _mm256_div_pd(one, _mm256_add_pd(one, e)), ge = _mm256_cmp_pd(zv, zero, _CMP_GE_OQ);
    const __m256d p = _mm256_mul_pd(_mm256_blendv_pd(e, one, ge), inv), q = _mm256_mul_pd(_mm256_blendv_pd(one, e, ge), inv);
    const __m256d signed_z = _mm256_blendv_pd(zv, _mm256_xor_pd(zv, sign), positive);  // -z for the positive class
    const __m256d term = _mm256_add_pd(_mm256_max_pd(signed_z, zero), l);
    loss = _mm256_add_pd(loss, _mm256_and_pd(term, _mm256_castsi256_pd(valid)));
    const __m256d rv = _mm256_mul_pd(c, _mm256_blendv_pd(p, _mm256_xor_pd(q, sign), positive));
    const __m256d wv = _mm256_mul_pd(_mm256_sqrt_pd(_mm256_mul_pd(c, e)), inv);
    _mm256_maskstore_pd(r + i, valid, rv);
    _mm256_maskstore_pd(w + i, valid, wv);
  }
  return hsum(loss);
}
#endif

// Rows of d <= 4·NV features: the gradient's NV vectors stay in registers (two sets, even and
// odd rows, so consecutive rows do not wait on each other's multiply-adds).
template <int NV>
RW_AVX2 void weigh_rows_avx2(const double* x, std::int64_t m, std::int64_t d, const double* w, const double* r, bool ones, double* A,
                             double* g) {
  const auto n = ones ? d + 1 : d;
  const __m256i tail = lanes(d - 4 * (NV - 1));
  __m256d acc[2][NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) acc[0][v] = acc[1][v] = _mm256_setzero_pd();
  for (std::int64_t i = 0; i < m; ++i) {
    const double* xi = x + i * d;
    double* a = A + i * n;
    const __m256d wi = _mm256_set1_pd(w[i]), ri = _mm256_set1_pd(r[i]);
    auto& sum = acc[i & 1];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const bool last = v == NV - 1;
      const __m256d xv = last ? _mm256_maskload_pd(xi + 4 * v, tail) : _mm256_loadu_pd(xi + 4 * v);
      if (last)
        _mm256_maskstore_pd(a + 4 * v, tail, _mm256_mul_pd(wi, xv));
      else
        _mm256_storeu_pd(a + 4 * v, _mm256_mul_pd(wi, xv));
      sum[v] = _mm256_fmadd_pd(ri, xv, sum[v]);
    }
    if (ones) a[d] = w[i];
  }
  alignas(32) double out[4 * NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) _mm256_store_pd(out + 4 * v, _mm256_add_pd(acc[0][v], acc[1][v]));
  for (std::int64_t c = 0; c < d; ++c) g[c] += out[c];
}

using WeighFn = void (*)(const double*, std::int64_t, std::int64_t, const double*, const double*, bool, double*, double*);
constexpr WeighFn kWeigh[] = {weigh_rows_avx2<1>, weigh_rows_avx2<2>, weigh_rows_avx2<3>, weigh_rows_avx2<4>,
                              weigh_rows_avx2<5>, weigh_rows_avx2<6>, weigh_rows_avx2<7>, weigh_rows_avx2<8>};
}  // namespace
#endif

void row_dots(const double* x, std::int64_t m, std::int64_t d, const double* w, double b, double* z) {
#ifdef RANKWISE_X86_KERNELS
  if (rankwise::detail::cpu_has_avx2_fma()) return row_dots_avx2(x, m, d, w, b, z);
#endif
  row_dots_portable(x, m, d, w, b, z);
}

double logistic_terms(const double* z, const std::int64_t* y, std::int64_t m, double C, double* r, double* w) {
#ifdef RANKWISE_LIBMVEC
  if (rankwise::detail::cpu_has_avx2_fma()) return logistic_terms_avx2(z, y, m, C, r, w);
#endif
  return logistic_terms_portable(z, y, m, C, r, w);
}

void weigh_rows(const double* x, std::int64_t m, std::int64_t d, const double* w, const double* r, bool ones, double* A, double* g) {
#ifdef RANKWISE_X86_KERNELS
  if (rankwise::detail::cpu_has_avx2_fma() && d >= 1 && d <= 32) return kWeigh[(d + 3) / 4 - 1](x, m, d, w, r, ones, A, g);
#endif
  weigh_rows_portable(x, m, d, w, r, ones, A, g);
}

}  // namespace rankwise::ml::detail
