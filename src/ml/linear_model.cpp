// LinearRegression (TSQR or normal equations), Ridge, and Newton's method for L2 logistic
// regression, all from per-block partials reduced in block order.
#include "rankwise/ml/linear_model.hpp"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "linalg/dense.hpp"
#include "ml/detail/common.hpp"
#include "ml/detail/logistic_kernels.hpp"
#include "rankwise/array/ops.hpp"
#include "rankwise/linalg/tsqr.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::ml {

using namespace detail;

namespace {

struct Centred {
  Rows rows;
  std::vector<NDArray<double>> y;
  std::vector<double> xmean;
  double ymean = 0;
};

Centred prepare(const Array<double>& X, const Array<double>& y, bool intercept, const std::string& who) {
  Centred c{local_rows(X, who), {}, {}, 0};
  c.y = aligned(y, c.rows, who);
  check_finite(c.rows, who);
  agree(comm(), who, [&] {
    for (std::size_t k = 0; k < c.y.size(); ++k) {
      const auto& v = c.y[k];
      const auto width = v.ndim() == 2 ? v.shape()[1] : 1;
      for (std::int64_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v.data()[i]))
          throw ValueError(fmt::format("y contains {} at row {}", std::isnan(v.data()[i]) ? "NaN" : "Inf",
                                       c.rows.first_row[k] + i / width));
    }
  });
  const auto d = c.rows.d;
  c.xmean.assign(static_cast<std::size_t>(d), 0.0);
  if (intercept) {
    std::vector<std::vector<double>> part(c.rows.size(), std::vector<double>(static_cast<std::size_t>(d + 1), 0.0));
    for (std::size_t b = 0; b < c.rows.size(); ++b) {
      const auto& x = c.rows.at(b);
      for (std::int64_t i = 0; i < x.shape()[0]; ++i) {
        for (std::int64_t j = 0; j < d; ++j) part[b][static_cast<std::size_t>(j)] += x.data()[i * d + j];
        part[b][static_cast<std::size_t>(d)] += c.y[b].data()[i];
      }
    }
    const auto s = sum_blocks(part, c.rows, static_cast<std::size_t>(d + 1));
    for (std::int64_t j = 0; j < d; ++j) c.xmean[static_cast<std::size_t>(j)] = s[static_cast<std::size_t>(j)] / static_cast<double>(c.rows.n);
    c.ymean = s[static_cast<std::size_t>(d)] / static_cast<double>(c.rows.n);
  }
  return c;
}

// The centred normal equations (XcᵀXc + alpha·I) w = Xcᵀ yc, solved by Cholesky.
NDArray<double> normal_equations(const Centred& c, double alpha, const std::string& who) {
  const auto d = c.rows.d;
  const auto width = static_cast<std::size_t>(d * d + d);
  std::vector<std::vector<double>> part(c.rows.size(), std::vector<double>(width, 0.0));
  for (std::size_t b = 0; b < c.rows.size(); ++b) {
    const auto& x = c.rows.at(b);
    const auto m = x.shape()[0];
    std::vector<double> xc(static_cast<std::size_t>(m * d)), yc(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < d; ++j) xc[static_cast<std::size_t>(i * d + j)] = x.data()[i * d + j] - c.xmean[static_cast<std::size_t>(j)];
      yc[static_cast<std::size_t>(i)] = c.y[b].data()[i] - c.ymean;
    }
    if (m > 0) {
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(d), static_cast<int>(d), static_cast<int>(m), 1.0,
                  xc.data(), static_cast<int>(d), xc.data(), static_cast<int>(d), 0.0, part[b].data(), static_cast<int>(d));
      cblas_dgemv(CblasRowMajor, CblasTrans, static_cast<int>(m), static_cast<int>(d), 1.0, xc.data(), static_cast<int>(d), yc.data(), 1,
                  0.0, part[b].data() + d * d, 1);
    }
  }
  auto s = sum_blocks(part, c.rows, width);
  for (std::int64_t j = 0; j < d; ++j) s[static_cast<std::size_t>(j * d + j)] += alpha;
  std::vector<double> rhs(s.begin() + d * d, s.end());
  // Cholesky with a condition estimate: a (numerically) singular Gram matrix is an error, not
  // a vector of huge coefficients.
  const int n = static_cast<int>(d);
  const double anorm = LAPACKE_dlansy(LAPACK_ROW_MAJOR, '1', 'L', n, s.data(), n);
  int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, s.data(), n);
  double rcond = 0;
  if (info == 0) LAPACKE_dpocon(LAPACK_ROW_MAJOR, 'L', n, s.data(), n, anorm, &rcond);
  if (info != 0 || rcond < 1e-13)
    throw LinalgError(fmt::format("{}: the centred XᵀX is singular (reciprocal condition estimate {:.3g}); X is rank-deficient: {}",
                                  who, rcond, alpha > 0 ? "increase alpha" : "use solver \"tsqr\" (minimum-norm solution) or Ridge"));
  LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', n, 1, s.data(), n, rhs.data(), 1);
  return NDArray<double>(Shape{d}, std::span<const double>(rhs));
}

Array<double> linear_predict(const Array<double>& X, const NDArray<double>& coef, double intercept) {
  return map_rows<double>(X, 0, "linear-predict", [coef, intercept](const NDArray<double>& x) {
    const auto m = x.shape()[0], d = x.shape()[1];
    NDArray<double> out(Shape{m}, intercept);
    if (m > 0)
      cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(m), static_cast<int>(d), 1.0, x.data(), static_cast<int>(d), coef.data(), 1,
                  1.0, out.data(), 1);
    return out;
  });
}

double intercept_of(const Centred& c, const NDArray<double>& coef) {
  double s = c.ymean;
  for (std::int64_t j = 0; j < coef.size(); ++j) s -= c.xmean[static_cast<std::size_t>(j)] * coef.data()[j];
  return s;
}

}  // namespace

double r2(const Array<double>& y_true, const Array<double>& y_pred);  // metrics.cpp

LinearRegression& LinearRegression::fit(const Array<double>& X, const Array<double>& y) {
  RANKWISE_CHECK(params_.solver == "tsqr" || params_.solver == "normal", ValueError,
                 "LinearRegression: solver must be \"tsqr\" or \"normal\", got \"" + params_.solver + "\"");
  const auto c = prepare(X, y, params_.fit_intercept, "LinearRegression.fit");
  if (params_.solver == "normal") {
    coef_ = normal_equations(c, 0.0, "LinearRegression.fit");
    rank_ = c.rows.d;
  } else {
    // TSQR least squares of the centred data (centring is lazy and fused into the QR's reads).
    const auto d = c.rows.d;
    const auto xm = from_ndarray(NDArray<double>(Shape{d}, std::span<const double>(c.xmean)));
    const auto result = linalg::lstsq(c.rows.array - xm, y - c.ymean);
    coef_ = result.coef;
    rank_ = result.rank;
  }
  intercept_ = params_.fit_intercept ? intercept_of(c, coef_) : 0.0;
  fitted_ = true;
  return *this;
}

Array<double> LinearRegression::predict(const Array<double>& X) const {
  require_fitted(fitted_, "LinearRegression.predict");
  require_features(X, coef_.size(), "LinearRegression.predict");
  return linear_predict(X, coef_, intercept_);
}

double LinearRegression::score(const Array<double>& X, const Array<double>& y) const { return r2(y, predict(X)); }
const NDArray<double>& LinearRegression::coef() const { require_fitted(fitted_, "LinearRegression.coef"); return coef_; }
double LinearRegression::intercept() const { require_fitted(fitted_, "LinearRegression.intercept"); return intercept_; }

void LinearRegression::save(const std::string& path) const {
  require_fitted(fitted_, "LinearRegression.save");
  write_model(path, {"LinearRegression", {{"intercept_", intercept_}}, {{"solver", params_.solver}}, {{"coef_", coef_}}, {},
                     {{"fit_intercept", params_.fit_intercept}, {"rank_", rank_}},
                     {}});
}

LinearRegression LinearRegression::load(const std::string& path) {
  const auto m = read_model(path, "LinearRegression");
  LinearRegression lr({.fit_intercept = m.number("fit_intercept") != 0, .solver = m.text("solver")});
  lr.coef_ = m.array("coef_");
  lr.intercept_ = m.number("intercept_");
  lr.rank_ = static_cast<std::int64_t>(m.number("rank_"));
  lr.fitted_ = true;
  return lr;
}

Ridge& Ridge::fit(const Array<double>& X, const Array<double>& y) {
  RANKWISE_CHECK(params_.alpha >= 0, ValueError, "Ridge: alpha must be >= 0");
  const auto c = prepare(X, y, params_.fit_intercept, "Ridge.fit");
  coef_ = normal_equations(c, params_.alpha, "Ridge.fit");
  intercept_ = params_.fit_intercept ? intercept_of(c, coef_) : 0.0;
  fitted_ = true;
  return *this;
}

Array<double> Ridge::predict(const Array<double>& X) const {
  require_fitted(fitted_, "Ridge.predict");
  require_features(X, coef_.size(), "Ridge.predict");
  return linear_predict(X, coef_, intercept_);
}
double Ridge::score(const Array<double>& X, const Array<double>& y) const { return r2(y, predict(X)); }
const NDArray<double>& Ridge::coef() const { require_fitted(fitted_, "Ridge.coef"); return coef_; }
double Ridge::intercept() const { require_fitted(fitted_, "Ridge.intercept"); return intercept_; }

void Ridge::save(const std::string& path) const {
  require_fitted(fitted_, "Ridge.save");
  write_model(path, {"Ridge", {{"alpha", params_.alpha}, {"intercept_", intercept_}}, {}, {{"coef_", coef_}}, {},
                     {{"fit_intercept", params_.fit_intercept}},
                     {}});
}

Ridge Ridge::load(const std::string& path) {
  const auto m = read_model(path, "Ridge");
  Ridge r({.alpha = m.number("alpha"), .fit_intercept = m.number("fit_intercept") != 0});
  r.coef_ = m.array("coef_");
  r.intercept_ = m.number("intercept_");
  r.fitted_ = true;
  return r;
}

// ---- logistic regression --------------------------------------------------------------------------
namespace {

// Parameters θ: K groups (K = 1 for two classes) of d weights then, with an intercept, K
// intercepts. Class scores z_k = x·w_k + b_k.
struct Logistic {
  std::int64_t K, d;
  bool intercept;
  double C;
  std::int64_t P() const { return K * d + (intercept ? K : 0); }
  std::int64_t w(std::int64_t k, std::int64_t j) const { return k * d + j; }
  std::int64_t b(std::int64_t k) const { return K * d + k; }

  // Scores of one row into z (K values; for K = 1 the positive class's logit).
  void scores(const double* x, const std::vector<double>& th, double* z) const {
    for (std::int64_t k = 0; k < K; ++k) {
      double s = intercept ? th[static_cast<std::size_t>(b(k))] : 0.0;
      for (std::int64_t j = 0; j < d; ++j) s += x[j] * th[static_cast<std::size_t>(w(k, j))];
      z[k] = s;
    }
  }
};

// Objective [0], gradient [1, 1 + P) and, with `hessian`, the Hessian [1 + P, 1 + P + P²) at θ
// over all rows (one collective). Newton asks for the Hessian, L-BFGS does not.
std::vector<double> logistic_pass(const Logistic& L, const Rows& rows, const std::vector<std::vector<std::int64_t>>& cls,
                                  const std::vector<double>& th, bool hessian) {
  const auto P = L.P();
  const auto width = static_cast<std::size_t>(1 + P + (hessian ? P * P : 0));
  std::vector<std::vector<double>> part(rows.size(), std::vector<double>(width, 0.0));
  const auto K = L.K, d = L.d;
  const auto ncls = K == 1 ? 2 : K;
  std::vector<double> z(static_cast<std::size_t>(ncls)), p(static_cast<std::size_t>(ncls));
  std::vector<double> xa(static_cast<std::size_t>(d + 1));  // x with a trailing 1 for the intercept
  if (K == 1) {  // two classes: tiles of rows through the kernels of logistic_kernels.cpp and the Gram kernel
    const auto n = L.intercept ? d + 1 : d;
    const double intercept = L.intercept ? th[static_cast<std::size_t>(d)] : 0.0;
    constexpr std::int64_t tile = 1024;
    // A (the weighted rows, for H) only when H is asked: at many features it is large.
    std::vector<double> A(hessian ? static_cast<std::size_t>(tile * n) : 0), s(static_cast<std::size_t>(tile)),
        r(static_cast<std::size_t>(tile));
    for (std::size_t blk = 0; blk < rows.size(); ++blk) {
      const auto& X = rows.at(blk);
      auto& out = part[blk];
      double* g = out.data() + 1;
      double* H = hessian ? g + P : nullptr;
      for (std::int64_t t0 = 0; t0 < X.shape()[0]; t0 += tile) {
        const auto here = std::min(tile, X.shape()[0] - t0);
        const double* Xt = X.data() + t0 * d;  // scores and gradient read X in place
        row_dots(Xt, here, d, th.data(), intercept, s.data());
        // r: C·(p − y); s becomes the row weights √(C·p·(1 − p)) for H.
        out[0] += L.C * logistic_terms(s.data(), cls[blk].data() + t0, here, L.C, r.data(), s.data());
        if (L.intercept)
          for (std::int64_t i = 0; i < here; ++i) g[d] += r[static_cast<std::size_t>(i)];
        if (!hessian) {  // g += Xᵀr alone
          cblas_dgemv(CblasRowMajor, CblasTrans, static_cast<int>(here), static_cast<int>(d), 1.0, Xt, static_cast<int>(d),
                      r.data(), 1, 1.0, g, 1);
          continue;
        }
        // H += AᵀA with A = diag(√w)·[X 1] (the only copy made), and g += Xᵀr in the same loop.
        weigh_rows(Xt, here, d, s.data(), r.data(), L.intercept, A.data(), g);
        // The Gram kernel of linalg where the CPU has AVX2 (half dgemm's multiply-adds); dgemm
        // otherwise — not dsyrk: on these short, narrow tiles OpenBLAS's dsyrk runs at half
        // dgemm's speed, although it has half the work. Both triangles come out; dposv reads the lower.
        if (!linalg::detail::gram_narrow(A.data(), here, n, H))
          cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(n), static_cast<int>(n), static_cast<int>(here), 1.0,
                      A.data(), static_cast<int>(n), A.data(), static_cast<int>(n), 1.0, H, static_cast<int>(P));
      }
    }
  }
  for (std::size_t blk = 0; blk < rows.size() && K > 1; ++blk) {
    const auto& X = rows.at(blk);
    auto& out = part[blk];
    double* g = out.data() + 1;
    double* H = hessian ? g + P : nullptr;
    for (std::int64_t i = 0; i < X.shape()[0]; ++i) {
      const double* x = X.data() + i * d;
      const auto y = cls[blk][static_cast<std::size_t>(i)];
      L.scores(x, th, z.data());
      const double zmax = *std::max_element(z.begin(), z.end());
      double norm = 0;
      for (std::int64_t k = 0; k < K; ++k) norm += std::exp(z[static_cast<std::size_t>(k)] - zmax);
      for (std::int64_t k = 0; k < K; ++k) p[static_cast<std::size_t>(k)] = std::exp(z[static_cast<std::size_t>(k)] - zmax) / norm;
      out[0] += L.C * (zmax + std::log(norm) - z[static_cast<std::size_t>(y)]);
      const auto idx = [&](std::int64_t k, std::int64_t a) { return a < d ? L.w(k, a) : L.b(k); };
      const auto n = L.intercept ? d + 1 : d;
      for (std::int64_t j = 0; j < d; ++j) xa[static_cast<std::size_t>(j)] = x[j];
      xa[static_cast<std::size_t>(d)] = 1.0;
      for (std::int64_t k = 0; k < K; ++k) {
        const double r = L.C * (p[static_cast<std::size_t>(k)] - static_cast<double>(y == k));
        for (std::int64_t a = 0; a < n; ++a) g[idx(k, a)] += r * xa[static_cast<std::size_t>(a)];
        for (std::int64_t l = 0; l < K && hessian; ++l) {  // both (k, l) and (l, k): each fills its lower-triangle half
          const double wgt = L.C * p[static_cast<std::size_t>(k)] * (static_cast<double>(k == l) - p[static_cast<std::size_t>(l)]);
          for (std::int64_t a = 0; a < n; ++a)
            for (std::int64_t c = 0; c < n; ++c) {
              const auto row = idx(k, a), col = idx(l, c);
              if (col <= row) H[row * P + col] += wgt * xa[static_cast<std::size_t>(a)] * xa[static_cast<std::size_t>(c)];
            }
        }
      }
    }
  }
  auto total = sum_blocks(part, rows, width);
  // The penalty ½||W||² (intercepts free); for the softmax, ½(Σ b_k)² fixes the intercepts'
  // free shift at Σ b_k = 0 (where the gradient keeps them) without moving the optimum.
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t j = 0; j < d; ++j) {
      const double v = th[static_cast<std::size_t>(L.w(k, j))];
      total[0] += 0.5 * v * v;
      total[static_cast<std::size_t>(1 + L.w(k, j))] += v;
      if (hessian) total[static_cast<std::size_t>(1 + P + L.w(k, j) * P + L.w(k, j))] += 1.0;
    }
  if (L.intercept && K > 1) {
    double sb = 0;
    for (std::int64_t k = 0; k < K; ++k) sb += th[static_cast<std::size_t>(L.b(k))];
    total[0] += 0.5 * sb * sb;
    for (std::int64_t k = 0; k < K; ++k) {
      total[static_cast<std::size_t>(1 + L.b(k))] += sb;
      for (std::int64_t l = 0; l <= k && hessian; ++l) total[static_cast<std::size_t>(1 + P + L.b(k) * P + L.b(l))] += 1.0;
    }
  }
  return total;
}

// L-BFGS (Nocedal and Wright, algorithm 7.4 and 7.5) with the last 10 (s, y) pairs and a
// backtracking Armijo search from the unit step. Every evaluation is one pass over the rows and
// one collective of 1 + P doubles; every rank holds the same history and takes the same steps.
// Returns the iterations taken; `converged` tells whether the gradient met gtol.
int lbfgs(const Logistic& L, const Rows& rows, const std::vector<std::vector<std::int64_t>>& cls, std::vector<double>& th,
          double gtol, int max_iter, bool& converged) {
  int n_iter = 0;
  converged = false;
  const auto P = static_cast<std::size_t>(L.P());
  constexpr std::size_t kHistory = 10;
  auto state = logistic_pass(L, rows, cls, th, /*hessian=*/false);
  const auto gmax = [P](const std::vector<double>& st) {
    double g = 0;
    for (std::size_t a = 0; a < P; ++a) g = std::max(g, std::fabs(st[1 + a]));
    return g;
  };
  std::vector<std::vector<double>> S, Y;  // oldest first
  std::vector<double> rho;
  for (int iter = 0; iter < max_iter; ++iter) {
    if (gmax(state) < gtol) {
      converged = true;
      break;
    }
    // Two-loop recursion: d = -H·g, H the inverse-Hessian estimate (scaled identity at first).
    std::vector<double> d(state.begin() + 1, state.begin() + 1 + static_cast<std::ptrdiff_t>(P)), alpha(S.size());
    for (std::size_t i = S.size(); i-- > 0;) {
      double a = 0;
      for (std::size_t k = 0; k < P; ++k) a += S[i][k] * d[k];
      alpha[i] = rho[i] * a;
      for (std::size_t k = 0; k < P; ++k) d[k] -= alpha[i] * Y[i][k];
    }
    double gamma = 1.0 / std::max(1.0, gmax(state));  // first step: at most unit length per entry
    if (!S.empty()) {
      double sy = 0, yy = 0;
      for (std::size_t k = 0; k < P; ++k) {
        sy += S.back()[k] * Y.back()[k];
        yy += Y.back()[k] * Y.back()[k];
      }
      gamma = sy / yy;
    }
    for (auto& v : d) v *= gamma;
    for (std::size_t i = 0; i < S.size(); ++i) {
      double b = 0;
      for (std::size_t k = 0; k < P; ++k) b += Y[i][k] * d[k];
      b *= rho[i];
      for (std::size_t k = 0; k < P; ++k) d[k] += S[i][k] * (alpha[i] - b);
    }
    for (auto& v : d) v = -v;
    double slope = 0;
    for (std::size_t k = 0; k < P; ++k) slope += d[k] * state[1 + k];
    if (!(slope < 0)) {  // not a descent direction (rounding): restart from the gradient
      S.clear(), Y.clear(), rho.clear();
      for (std::size_t k = 0; k < P; ++k) d[k] = -state[1 + k] / std::max(1.0, gmax(state));
      slope = 0;
      for (std::size_t k = 0; k < P; ++k) slope += d[k] * state[1 + k];
    }
    // Nothing left to gain along d at rounding level: stop; converged() then reports the
    // gradient test alone (an L-BFGS slope can be tiny while the gradient is not).
    if (-slope <= 1e-15 * std::max(1.0, std::fabs(state[0]))) break;
    double t = 1.0;
    std::vector<double> trial(P), next;
    bool moved = false;
    for (int halvings = 0; halvings <= 30; ++halvings, t *= 0.5) {
      for (std::size_t k = 0; k < P; ++k) trial[k] = th[k] + t * d[k];
      next = logistic_pass(L, rows, cls, trial, /*hessian=*/false);
      if (next[0] <= state[0] + 1e-4 * t * slope) {
        moved = true;
        break;
      }
    }
    n_iter = iter + 1;
    if (!moved) break;  // no decrease left to find: stop where we are
    std::vector<double> s_k(P), y_k(P);
    double sy = 0, ss = 0, yy = 0;
    for (std::size_t k = 0; k < P; ++k) {
      s_k[k] = trial[k] - th[k];
      y_k[k] = next[1 + k] - state[1 + k];
      sy += s_k[k] * y_k[k];
      ss += s_k[k] * s_k[k];
      yy += y_k[k] * y_k[k];
    }
    th = trial;
    state = std::move(next);
    if (sy > 1e-10 * std::sqrt(ss * yy)) {  // keep the pair only when its curvature is clearly positive
      if (S.size() == kHistory) {
        S.erase(S.begin()), Y.erase(Y.begin()), rho.erase(rho.begin());
      }
      S.push_back(std::move(s_k));
      Y.push_back(std::move(y_k));
      rho.push_back(1.0 / sy);
    }
  }
  if (!converged) converged = gmax(state) < gtol;
  return n_iter;
}

}  // namespace

LogisticRegression& LogisticRegression::fit(const Array<double>& X, const Array<std::int64_t>& y) {
  RANKWISE_CHECK(params_.C > 0, ValueError, "LogisticRegression: C must be positive");
  RANKWISE_CHECK(params_.solver == "auto" || params_.solver == "newton" || params_.solver == "lbfgs", ValueError,
                 "LogisticRegression: solver must be \"auto\", \"newton\" or \"lbfgs\", got \"" + params_.solver + "\"");
  fitted_ = false;  // a failed refit leaves no half-updated model
  const auto rows = local_rows(X, "LogisticRegression.fit");
  check_finite(rows, "LogisticRegression.fit");
  const auto labels = aligned(y, rows, "LogisticRegression.fit");
  // The classes: the sorted distinct labels of all rows.
  std::vector<std::int64_t> mine;
  for (const auto& v : labels) mine.insert(mine.end(), v.data(), v.data() + v.size());
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  auto all = allgatherv(comm(), std::span<const std::int64_t>(mine)).values;
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (all.size() < 2)
    throw ValueError(fmt::format("LogisticRegression.fit: needs samples of at least 2 classes, the data holds only class {}", all.empty() ? 0 : all[0]));
  classes_ = NDArray<std::int64_t>(Shape{static_cast<std::int64_t>(all.size())}, std::span<const std::int64_t>(all));
  std::vector<std::vector<std::int64_t>> cls;  // label indices 0..K-1
  for (const auto& v : labels) {
    std::vector<std::int64_t> c(static_cast<std::size_t>(v.size()));
    for (std::int64_t i = 0; i < v.size(); ++i) c[static_cast<std::size_t>(i)] = std::lower_bound(all.begin(), all.end(), v.data()[i]) - all.begin();
    cls.push_back(std::move(c));
  }
  const auto ncls = static_cast<std::int64_t>(all.size());
  const Logistic L{ncls == 2 ? 1 : ncls, rows.d, params_.fit_intercept, params_.C};
  const auto P = L.P();
  std::vector<double> th(static_cast<std::size_t>(P), 0.0);
  converged_ = false;
  n_iter_ = 0;
  // The gradient is a sum over rows: its tolerance scales with C·n.
  const double gtol = params_.tol * std::max(1.0, params_.C * static_cast<double>(rows.n));
  // Newton's passes gather every block's P x P Hessian partial on every rank: "auto" takes it
  // while that stays within 256 MiB (and P <= 2048), L-BFGS otherwise.
  const double hessian_bytes = static_cast<double>(rows.nblocks) * static_cast<double>(P) * static_cast<double>(P) * 8.0;
  solver_used_ = params_.solver != "auto" ? params_.solver : (P <= 2048 && hessian_bytes <= 256.0 * (1 << 20) ? "newton" : "lbfgs");
  if (solver_used_ == "lbfgs") {
    n_iter_ = lbfgs(L, rows, cls, th, gtol, params_.max_iter, converged_);
  } else {
    auto state = logistic_pass(L, rows, cls, th, /*hessian=*/true);
    const auto gmax_of = [&] {
      double g = 0;
      for (std::int64_t a = 0; a < P; ++a) g = std::max(g, std::fabs(state[static_cast<std::size_t>(1 + a)]));
      return g;
    };
    for (int iter = 0; iter < params_.max_iter; ++iter) {
      if (gmax_of() < gtol) {
        converged_ = true;
        break;
      }
      // Newton direction: H Δ = -g (H from its lower triangle; symmetric positive definite).
      std::vector<double> H(state.begin() + 1 + P, state.end()), step(static_cast<std::size_t>(P));
      for (std::int64_t a = 0; a < P; ++a) step[static_cast<std::size_t>(a)] = -state[static_cast<std::size_t>(1 + a)];
      if (LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', static_cast<int>(P), 1, H.data(), static_cast<int>(P), step.data(), 1) != 0)
        throw LinalgError("LogisticRegression.fit: the Hessian is not positive definite");
      double slope = 0;
      for (std::int64_t a = 0; a < P; ++a) slope += step[static_cast<std::size_t>(a)] * state[static_cast<std::size_t>(1 + a)];
      // A Newton decrement at rounding level: nothing left to gain.
      if (-slope <= 1e-15 * std::max(1.0, std::fabs(state[0]))) {
        converged_ = true;
        break;
      }
      // Backtracking line search (Armijo); the accepted point's pass also gives the next g and H.
      double t = 1.0;
      for (int halvings = 0;; ++halvings) {
        std::vector<double> trial = th;
        for (std::int64_t a = 0; a < P; ++a) trial[static_cast<std::size_t>(a)] += t * step[static_cast<std::size_t>(a)];
        auto next = logistic_pass(L, rows, cls, trial, /*hessian=*/true);
        if (next[0] <= state[0] + 1e-4 * t * slope) {
          th = std::move(trial);
          state = std::move(next);
          break;
        }
        if (halvings == 30) break;  // no decrease left to find: stop where we are
        t *= 0.5;
      }
      n_iter_ = iter + 1;
      if (t < 1e-9) break;
    }
    if (!converged_) converged_ = gmax_of() < gtol;
  }
  coef_ = NDArray<double>(Shape{L.K, L.d});
  intercept_ = NDArray<double>(Shape{L.K}, 0.0);
  for (std::int64_t k = 0; k < L.K; ++k) {
    for (std::int64_t j = 0; j < L.d; ++j) coef_.data()[k * L.d + j] = th[static_cast<std::size_t>(L.w(k, j))];
    if (L.intercept) intercept_.data()[k] = th[static_cast<std::size_t>(L.b(k))];
  }
  fitted_ = true;
  return *this;
}

Array<double> LogisticRegression::decision_function(const Array<double>& X) const {
  require_fitted(fitted_, "LogisticRegression.decision_function");
  require_features(X, coef_.shape()[1], "LogisticRegression.decision_function");
  const auto W = coef_, b = intercept_;
  const auto K = W.shape()[0];
  return map_rows<double>(X, K == 1 ? 0 : K, "logistic-decision", [W, b, K](const NDArray<double>& x) {
    const auto m = x.shape()[0], d = x.shape()[1];
    NDArray<double> out(K == 1 ? Shape{m} : Shape{m, K});
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t k = 0; k < K; ++k) {
        double s = b.data()[k];
        for (std::int64_t j = 0; j < d; ++j) s += x.data()[i * d + j] * W.data()[k * d + j];
        out.data()[i * K + k] = s;
      }
    return out;
  });
}

Array<double> LogisticRegression::predict_proba(const Array<double>& X) const {
  require_fitted(fitted_, "LogisticRegression.predict_proba");
  require_features(X, coef_.shape()[1], "LogisticRegression.predict_proba");
  const auto W = coef_, b = intercept_;
  const auto K = W.shape()[0], ncls = classes_.size();
  return map_rows<double>(X, ncls, "logistic-proba", [W, b, K, ncls](const NDArray<double>& x) {
    const auto m = x.shape()[0], d = x.shape()[1];
    NDArray<double> out(Shape{m, ncls});
    std::vector<double> z(static_cast<std::size_t>(K));
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t k = 0; k < K; ++k) {
        double s = b.data()[k];
        for (std::int64_t j = 0; j < d; ++j) s += x.data()[i * d + j] * W.data()[k * d + j];
        z[static_cast<std::size_t>(k)] = s;
      }
      if (K == 1) {
        const double p = 1.0 / (1.0 + std::exp(-z[0]));
        out.data()[i * 2] = 1 - p;
        out.data()[i * 2 + 1] = p;
        continue;
      }
      const double zmax = *std::max_element(z.begin(), z.end());
      double norm = 0;
      for (const double v : z) norm += std::exp(v - zmax);
      for (std::int64_t k = 0; k < K; ++k) out.data()[i * K + k] = std::exp(z[static_cast<std::size_t>(k)] - zmax) / norm;
    }
    return out;
  });
}

Array<std::int64_t> LogisticRegression::predict(const Array<double>& X) const {
  require_fitted(fitted_, "LogisticRegression.predict");
  require_features(X, coef_.shape()[1], "LogisticRegression.predict");
  const auto W = coef_, b = intercept_;
  const auto classes = classes_;
  return map_rows<std::int64_t>(X, 0, "logistic-predict", [W, b, classes](const NDArray<double>& x) {
    const auto m = x.shape()[0], d = x.shape()[1], K = W.shape()[0];
    NDArray<std::int64_t> out(Shape{m});
    for (std::int64_t i = 0; i < m; ++i) {
      std::int64_t best = 0;
      double best_score = -std::numeric_limits<double>::infinity();
      for (std::int64_t k = 0; k < K; ++k) {
        double s = b.data()[k];
        for (std::int64_t j = 0; j < d; ++j) s += x.data()[i * d + j] * W.data()[k * d + j];
        if (K == 1) { best = s > 0 ? 1 : 0; break; }
        if (s > best_score) { best_score = s; best = k; }
      }
      out.data()[i] = classes.data()[best];
    }
    return out;
  });
}

double accuracy(const Array<std::int64_t>& y_true, const Array<std::int64_t>& y_pred);  // metrics.cpp
double LogisticRegression::score(const Array<double>& X, const Array<std::int64_t>& y) const { return accuracy(y, predict(X)); }
const NDArray<double>& LogisticRegression::coef() const { require_fitted(fitted_, "LogisticRegression.coef"); return coef_; }
const NDArray<double>& LogisticRegression::intercept() const { require_fitted(fitted_, "LogisticRegression.intercept"); return intercept_; }
const NDArray<std::int64_t>& LogisticRegression::classes() const { require_fitted(fitted_, "LogisticRegression.classes"); return classes_; }

void LogisticRegression::save(const std::string& path) const {
  require_fitted(fitted_, "LogisticRegression.save");
  write_model(path, {"LogisticRegression",
                     {{"C", params_.C}, {"tol", params_.tol}},
                     {{"solver", params_.solver}, {"solver_used_", solver_used_}},
                     {{"coef_", coef_}, {"intercept_", intercept_}},
                     {{"classes_", classes_}},
                     {{"fit_intercept", params_.fit_intercept}, {"max_iter", params_.max_iter}, {"n_iter_", n_iter_},
                      {"converged", converged_}},
                     {}});
}

LogisticRegression LogisticRegression::load(const std::string& path) {
  const auto m = read_model(path, "LogisticRegression");
  LogisticRegression lr({.C = m.number("C"), .fit_intercept = m.number("fit_intercept") != 0,
                         .max_iter = static_cast<int>(m.number("max_iter")), .tol = m.number("tol"),
                         .solver = m.strings.count("solver") ? m.text("solver") : "auto"});  // absent in older files
  lr.coef_ = m.array("coef_");
  lr.intercept_ = m.array("intercept_");
  lr.classes_ = m.integer_array("classes_");
  lr.n_iter_ = static_cast<int>(m.number("n_iter_"));
  lr.converged_ = m.number("converged") != 0;
  lr.solver_used_ = m.strings.count("solver_used_") ? m.text("solver_used_") : "newton";  // older files: Newton's
  const auto& solver = lr.params_.solver;
  RANKWISE_CHECK(solver == "auto" || solver == "newton" || solver == "lbfgs", ValueError,
                 "load: '" + path + "' names an unknown LogisticRegression solver \"" + solver + "\"");
  lr.fitted_ = true;
  return lr;
}

}  // namespace rankwise::ml
