// Metrics over distributed arrays: per-block partials summed in block order.
#include "rankwise/ml/metrics.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ml/detail/common.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::ml {

using namespace detail;

namespace {
// This rank's blocks of two aligned 1-D arrays (each computed once).
template <class A, class B>
struct Aligned {
  LocalVector<A> a;
  LocalVector<B> b;
};
template <class A, class B>
Aligned<A, B> align(const Array<A>& a, const Array<B>& b, const std::string& who) {
  auto la = local_vector(a, who);
  auto lb = local_vector(b, who, &la.chunks);
  return {std::move(la), std::move(lb)};
}

// Blockwise sums of f(a_i, b_i) (a vector of `width`) over aligned local blocks.
template <class A, class B, class F>
std::vector<double> pairwise(const Aligned<A, B>& v, std::size_t width, F f) {
  std::vector<std::vector<double>> part(v.a.block.size(), std::vector<double>(width, 0.0));
  for (std::size_t k = 0; k < v.a.block.size(); ++k)
    for (std::int64_t i = 0; i < v.a.data[k].size(); ++i) f(v.a.data[k].data()[i], v.b.data[k].data()[i], part[k]);
  return sum_blocks(part, v.a.block, width);
}
template <class A, class B, class F>
std::vector<double> pairwise(const Array<A>& a, const Array<B>& b, std::size_t width, const std::string& who, F f) {
  return pairwise(align(a, b, who), width, f);
}
}  // namespace

double r2(const Array<double>& y_true, const Array<double>& y_pred) {
  // The predictions are computed once; Σy and n first, then the residual and total sums of squares.
  const auto v = align(y_true, y_pred, "r2_score");
  const auto s = pairwise(v, 2, [](double y, double, std::vector<double>& p) { p[0] += y; p[1] += 1; });
  const double mean = s[0] / s[1];
  const auto t = pairwise(v, 2, [mean](double y, double f, std::vector<double>& p) {
    p[0] += (y - f) * (y - f);
    p[1] += (y - mean) * (y - mean);
  });
  return t[1] == 0 ? (t[0] == 0 ? 1.0 : 0.0) : 1.0 - t[0] / t[1];
}

double accuracy(const Array<std::int64_t>& y_true, const Array<std::int64_t>& y_pred) {
  const auto s = pairwise(y_true, y_pred, 2, "accuracy_score", [](std::int64_t y, std::int64_t f, std::vector<double>& p) {
    p[0] += y == f;
    p[1] += 1;
  });
  return s[0] / s[1];
}

namespace metrics {

double accuracy_score(const Array<std::int64_t>& y_true, const Array<std::int64_t>& y_pred) { return accuracy(y_true, y_pred); }
double r2_score(const Array<double>& y_true, const Array<double>& y_pred) { return r2(y_true, y_pred); }

double mean_squared_error(const Array<double>& y_true, const Array<double>& y_pred) {
  const auto s = pairwise(y_true, y_pred, 2, "mean_squared_error", [](double y, double f, std::vector<double>& p) {
    p[0] += (y - f) * (y - f);
    p[1] += 1;
  });
  return s[0] / s[1];
}

double mean_absolute_error(const Array<double>& y_true, const Array<double>& y_pred) {
  const auto s = pairwise(y_true, y_pred, 2, "mean_absolute_error", [](double y, double f, std::vector<double>& p) {
    p[0] += std::fabs(y - f);
    p[1] += 1;
  });
  return s[0] / s[1];
}

double log_loss(const Array<std::int64_t>& y_true, const Array<double>& proba) {
  const auto rows = local_rows(proba, "log_loss");
  const auto y = aligned(y_true, rows, "log_loss");
  std::vector<std::vector<double>> part(rows.size(), std::vector<double>(1, 0.0));
  agree(comm(), "log_loss", [&] {
    for (std::size_t b = 0; b < rows.size(); ++b)
      for (std::int64_t i = 0; i < y[b].size(); ++i) {
        const auto label = y[b].data()[i];
        if (label < 0 || label >= rows.d)
          throw ValueError(fmt::format("label {} is outside 0..{} (the probability columns)", label, rows.d - 1));
        // Rows are renormalised after clipping, as scikit-learn does.
        const double* p = rows.at(b).data() + i * rows.d;
        double norm = 0;
        for (std::int64_t k = 0; k < rows.d; ++k) norm += std::clamp(p[k], 1e-15, 1 - 1e-15);
        part[b][0] -= std::log(std::clamp(p[label], 1e-15, 1 - 1e-15) / norm);
      }
  });
  return sum_blocks(part, rows, 1)[0] / static_cast<double>(rows.n);
}

NDArray<std::int64_t> confusion_matrix(const Array<std::int64_t>& y_true, const Array<std::int64_t>& y_pred, std::int64_t n_classes) {
  RANKWISE_CHECK(n_classes >= 1, ValueError, "confusion_matrix: n_classes must be >= 1");
  const auto nc = static_cast<std::size_t>(n_classes);
  const auto s = pairwise(y_true, y_pred, nc * nc, "confusion_matrix", [n_classes, nc](std::int64_t y, std::int64_t f, std::vector<double>& p) {
    if (y >= 0 && y < n_classes && f >= 0 && f < n_classes) p[static_cast<std::size_t>(y) * nc + static_cast<std::size_t>(f)] += 1;
  });
  NDArray<std::int64_t> out(Shape{n_classes, n_classes});
  for (std::size_t k = 0; k < s.size(); ++k) out.data()[k] = static_cast<std::int64_t>(s[k]);
  return out;
}

double silhouette_score(const Array<double>& X, const Array<std::int64_t>& labels, std::int64_t sample_size, std::uint64_t random_state) {
  const auto rows = local_rows(X, "silhouette_score");
  const auto lab = aligned(labels, rows, "silhouette_score");
  // The sample: every row when few, else distinct counter-based draws (sorted).
  std::vector<std::int64_t> pick;
  if (rows.n <= sample_size) {
    for (std::int64_t i = 0; i < rows.n; ++i) pick.push_back(i);
  } else {
    for (std::uint64_t draw = 0; static_cast<std::int64_t>(pick.size()) < sample_size; ++draw) {
      const auto i = std::min(rows.n - 1, static_cast<std::int64_t>(uniform(random_state, 80, draw) * static_cast<double>(rows.n)));
      if (std::find(pick.begin(), pick.end(), i) == pick.end()) pick.push_back(i);
    }
    std::sort(pick.begin(), pick.end());
  }
  // Gather the sampled rows and labels on every rank.
  std::vector<double> mine;
  for (std::size_t b = 0; b < rows.size(); ++b) {
    const auto lo = rows.first_row[b], hi = lo + rows.at(b).shape()[0];
    for (const auto g : pick)
      if (g >= lo && g < hi) {
        mine.push_back(static_cast<double>(g));
        mine.push_back(static_cast<double>(lab[b].data()[g - lo]));
        mine.insert(mine.end(), rows.at(b).data() + (g - lo) * rows.d, rows.at(b).data() + (g - lo + 1) * rows.d);
      }
  }
  const auto all = allgatherv(comm(), std::span<const double>(mine)).values;
  const auto stride = static_cast<std::size_t>(rows.d + 2);
  const auto s = static_cast<std::int64_t>(all.size() / stride);
  std::vector<std::size_t> order(static_cast<std::size_t>(s));
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return all[a * stride] < all[b * stride]; });
  std::vector<std::int64_t> cls;
  for (const auto k : order) cls.push_back(static_cast<std::int64_t>(all[k * stride + 1]));
  std::vector<std::int64_t> distinct = cls;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  RANKWISE_CHECK(distinct.size() >= 2 && static_cast<std::int64_t>(distinct.size()) < s, ValueError,
                 fmt::format("silhouette_score: needs 2 <= number of labels ({}) <= n_samples - 1", distinct.size()));
  double total = 0;
  for (std::int64_t i = 0; i < s; ++i) {
    std::vector<double> sum(distinct.size(), 0.0), count(distinct.size(), 0.0);
    const double* xi = all.data() + order[static_cast<std::size_t>(i)] * stride + 2;
    for (std::int64_t j = 0; j < s; ++j) {
      if (i == j) continue;
      const double* xj = all.data() + order[static_cast<std::size_t>(j)] * stride + 2;
      double d2 = 0;
      for (std::int64_t t = 0; t < rows.d; ++t) d2 += (xi[t] - xj[t]) * (xi[t] - xj[t]);
      const auto c = static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), cls[static_cast<std::size_t>(j)]) - distinct.begin());
      sum[c] += std::sqrt(d2);
      count[c] += 1;
    }
    const auto own = static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), cls[static_cast<std::size_t>(i)]) - distinct.begin());
    if (count[own] == 0) continue;  // a singleton cluster scores 0
    const double a = sum[own] / count[own];
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < distinct.size(); ++c)
      if (c != own && count[c] > 0) b = std::min(b, sum[c] / count[c]);
    total += (b - a) / std::max(a, b);
  }
  return total / static_cast<double>(s);
}

}  // namespace metrics
}  // namespace rankwise::ml
