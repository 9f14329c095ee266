// KMeans: k-means|| / k-means++ / random initialisation and Lloyd iterations over row blocks.
// Every reduction goes through per-block partials summed in block order, so the fitted model
// is the same at any number of ranks.
#include "rankwise/ml/cluster.hpp"

#include <cblas.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "ml/detail/common.hpp"
#include "ml/detail/draws.hpp"
#include "ml/detail/mixed_lloyd.hpp"
#include "ml/detail/nearest.hpp"

namespace rankwise::ml {

using namespace detail;

namespace {

// Squared distances (m × k) from the rows of x (m × d) to the centers c (k × d), by GEMM.
std::vector<double> sq_distances(const double* x, std::int64_t m, const double* c, std::int64_t k, std::int64_t d) {
  std::vector<double> out(static_cast<std::size_t>(m * k));
  if (m == 0 || k == 0) return out;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(k), static_cast<int>(d), -2.0, x,
              static_cast<int>(d), c, static_cast<int>(d), 0.0, out.data(), static_cast<int>(k));
  std::vector<double> cn(static_cast<std::size_t>(k));
  for (std::int64_t j = 0; j < k; ++j) {
    double s = 0;
    for (std::int64_t t = 0; t < d; ++t) s += c[j * d + t] * c[j * d + t];
    cn[static_cast<std::size_t>(j)] = s;
  }
  for (std::int64_t i = 0; i < m; ++i) {
    double xn = 0;
    for (std::int64_t t = 0; t < d; ++t) xn += x[i * d + t] * x[i * d + t];
    for (std::int64_t j = 0; j < k; ++j) {
      auto& v = out[static_cast<std::size_t>(i * k + j)];
      v = std::max(0.0, v + xn + cn[static_cast<std::size_t>(j)]);
    }
  }
  return out;
}

std::int64_t rows_of(const NDArray<double>& a) { return a.shape()[0]; }

// Calls f(i, j, d²) with the nearest of k centers for each of the m rows, tile by tile.
template <class F>
void for_nearest(const double* x, std::int64_t m, const double* c, std::int64_t k, std::int64_t d, F f) {
  const NearestCenters centers(c, k, d);
  const auto tile = nearest_tile_rows(d);
  std::vector<std::int64_t> label(static_cast<std::size_t>(tile));
  std::vector<double> partial(static_cast<std::size_t>(tile));
  for (std::int64_t t0 = 0; t0 < m; t0 += tile) {
    const auto here = std::min(tile, m - t0);
    const double* xt = x + t0 * d;
    centers.search(xt, here, label.data(), partial.data());
    for (std::int64_t i = 0; i < here; ++i) {
      f(t0 + i, label[static_cast<std::size_t>(i)], std::max(0.0, partial[static_cast<std::size_t>(i)] + centers.row_offset(xt + i * d)));
    }
  }
}

// Rows `wanted` (global indices) of X, in that order, on every rank. Collective.
NDArray<double> fetch_rows(const Rows& rows, const std::vector<std::int64_t>& wanted) {
  std::vector<double> mine;  // records: position, d values
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& x = rows.at(k);
    const auto lo = rows.first_row[k], hi = lo + rows_of(x);
    for (std::size_t p = 0; p < wanted.size(); ++p)
      if (wanted[p] >= lo && wanted[p] < hi) {
        mine.push_back(static_cast<double>(p));
        mine.insert(mine.end(), x.data() + (wanted[p] - lo) * rows.d, x.data() + (wanted[p] - lo + 1) * rows.d);
      }
  }
  const auto all = allgatherv(comm(), std::span<const double>(mine));
  NDArray<double> out(Shape{static_cast<std::int64_t>(wanted.size()), rows.d});
  for (std::size_t at = 0; at < all.values.size(); at += static_cast<std::size_t>(rows.d) + 1) {
    const auto p = static_cast<std::int64_t>(all.values[at]);
    std::copy(all.values.begin() + static_cast<std::ptrdiff_t>(at + 1),
              all.values.begin() + static_cast<std::ptrdiff_t>(at + 1 + static_cast<std::size_t>(rows.d)), out.data() + p * rows.d);
  }
  return out;
}

std::vector<double> append_rows(const std::vector<double>& a, const NDArray<double>& b) {
  std::vector<double> out = a;
  out.insert(out.end(), b.data(), b.data() + b.size());
  return out;
}

// Weighted k-means++ then weighted Lloyd on a small replicated candidate set.
std::vector<double> recluster(const std::vector<double>& cand, const std::vector<double>& w, std::int64_t k, std::int64_t d,
                              std::uint64_t seed) {
  const auto c = static_cast<std::int64_t>(w.size());
  std::vector<double> centers;
  std::vector<double> best(static_cast<std::size_t>(c), std::numeric_limits<double>::infinity());
  const auto pick = [&](std::uint32_t stream, const std::vector<double>& mass) {
    const double total = std::accumulate(mass.begin(), mass.end(), 0.0);
    double t = uniform(seed, stream, 0) * total;
    for (std::int64_t i = 0; i < c; ++i) {
      t -= mass[static_cast<std::size_t>(i)];
      if (t < 0) return i;
    }
    return c - 1;
  };
  for (std::int64_t j = 0; j < k; ++j) {
    std::vector<double> mass(static_cast<std::size_t>(c));
    for (std::int64_t i = 0; i < c; ++i) mass[static_cast<std::size_t>(i)] = j == 0 ? w[static_cast<std::size_t>(i)] : w[static_cast<std::size_t>(i)] * best[static_cast<std::size_t>(i)];
    const auto chosen = pick(1000u + static_cast<std::uint32_t>(j), mass);
    centers.insert(centers.end(), cand.begin() + chosen * d, cand.begin() + (chosen + 1) * d);
    const auto dist = sq_distances(cand.data(), c, cand.data() + chosen * d, 1, d);
    for (std::int64_t i = 0; i < c; ++i) best[static_cast<std::size_t>(i)] = std::min(best[static_cast<std::size_t>(i)], dist[static_cast<std::size_t>(i)]);
  }
  for (int iter = 0; iter < 100; ++iter) {  // weighted Lloyd on the candidates
    const auto dist = sq_distances(cand.data(), c, centers.data(), k, d);
    std::vector<double> sums(static_cast<std::size_t>(k * d), 0.0), mass(static_cast<std::size_t>(k), 0.0);
    for (std::int64_t i = 0; i < c; ++i) {
      const auto* row = dist.data() + i * k;
      const auto j = std::min_element(row, row + k) - row;
      mass[static_cast<std::size_t>(j)] += w[static_cast<std::size_t>(i)];
      for (std::int64_t t = 0; t < d; ++t) sums[static_cast<std::size_t>(j * d + t)] += w[static_cast<std::size_t>(i)] * cand[static_cast<std::size_t>(i * d + t)];
    }
    double shift = 0;
    for (std::int64_t j = 0; j < k; ++j) {
      if (mass[static_cast<std::size_t>(j)] <= 0) continue;
      for (std::int64_t t = 0; t < d; ++t) {
        const double v = sums[static_cast<std::size_t>(j * d + t)] / mass[static_cast<std::size_t>(j)];
        shift += (v - centers[static_cast<std::size_t>(j * d + t)]) * (v - centers[static_cast<std::size_t>(j * d + t)]);
        centers[static_cast<std::size_t>(j * d + t)] = v;
      }
    }
    if (shift == 0) break;
  }
  return centers;
}

// Distinct random row indices, drawn from the counter-based stream.
std::vector<std::int64_t> random_rows(std::int64_t count, std::int64_t n, std::uint64_t seed, std::uint32_t stream,
                                      const std::vector<std::int64_t>& exclude = {}) {
  std::vector<std::int64_t> out;
  std::vector<std::int64_t> taken = exclude;
  for (std::uint64_t draw = 0; static_cast<std::int64_t>(out.size()) < count; ++draw) {
    const auto i = std::min(n - 1, static_cast<std::int64_t>(uniform(seed, stream, draw) * static_cast<double>(n)));
    if (std::find(taken.begin(), taken.end(), i) != taken.end()) continue;
    taken.push_back(i);
    out.push_back(i);
  }
  return out;
}

// Bahmani et al.'s k-means||: a random first center, init_max_iter rounds of independent
// sampling with probability ℓ·d²(x)/φ (one allgather of the new candidates, one reduction of the
// cost), candidates weighted by the points they attract, then a weighted k-means++ recluster.
std::vector<double> init_kmeans_parallel(const Rows& rows, const KMeans::Params& p, std::uint64_t seed) {
  const auto k = p.n_clusters, d = rows.d;
  const std::int64_t first = std::min(rows.n - 1, static_cast<std::int64_t>(uniform(seed, 1, 0) * static_cast<double>(rows.n)));
  std::vector<double> cand;
  std::vector<std::int64_t> taken{first};  // global rows already candidates
  const auto first_row = fetch_rows(rows, {first});
  cand.assign(first_row.data(), first_row.data() + d);
  std::vector<std::vector<double>> best(rows.size());
  std::vector<std::vector<double>> part(rows.size());
  const auto cost = [&] {
    for (std::size_t b = 0; b < rows.size(); ++b) part[b] = {std::accumulate(best[b].begin(), best[b].end(), 0.0)};
    return sum_blocks(part, rows, 1)[0];
  };
  for (std::size_t b = 0; b < rows.size(); ++b) best[b] = sq_distances(rows.at(b).data(), rows_of(rows.at(b)), cand.data(), 1, d);
  double phi = cost();
  const double ell = p.oversampling_factor * static_cast<double>(k);
  for (int round = 0; round < p.init_max_iter && phi > 0; ++round) {
    std::vector<std::int64_t> chosen;
    std::vector<double> draw;
    for (std::size_t b = 0; b < rows.size(); ++b) {
      const auto m = rows_of(rows.at(b));
      draw.resize(static_cast<std::size_t>(m));  // one draw per global row, as a run
      uniform_run(seed, 2u + static_cast<std::uint32_t>(round), static_cast<std::uint64_t>(rows.first_row[b]), m, draw.data());
      for (std::int64_t i = 0; i < m; ++i) {
        const double prob = std::min(1.0, ell * best[b][static_cast<std::size_t>(i)] / phi);
        if (draw[static_cast<std::size_t>(i)] < prob) chosen.push_back(rows.first_row[b] + i);
      }
    }
    const auto all = allgatherv(comm(), std::span<const std::int64_t>(chosen));
    std::vector<std::int64_t> picked = all.values;
    std::sort(picked.begin(), picked.end());
    if (picked.empty()) continue;
    taken.insert(taken.end(), picked.begin(), picked.end());
    const auto fresh = fetch_rows(rows, picked);
    const auto m = static_cast<std::int64_t>(picked.size());
    for (std::size_t b = 0; b < rows.size(); ++b)
      for_nearest(rows.at(b).data(), rows_of(rows.at(b)), fresh.data(), m, d, [&](std::int64_t i, std::int64_t, double d2) {
        auto& v = best[b][static_cast<std::size_t>(i)];
        v = std::min(v, d2);
      });
    cand = append_rows(cand, fresh);
    phi = cost();
  }
  auto c = static_cast<std::int64_t>(cand.size()) / d;
  if (c < k) {  // too few candidates (tiny or degenerate data): add random rows
    const auto extra = fetch_rows(rows, random_rows(k - c, rows.n, seed, 500, taken));
    cand = append_rows(cand, extra);
    c = k;
  }
  // Weights: how many rows each candidate attracts (counts: exact in any order).
  std::vector<std::vector<double>> counts(rows.size(), std::vector<double>(static_cast<std::size_t>(c), 0.0));
  for (std::size_t b = 0; b < rows.size(); ++b)
    for_nearest(rows.at(b).data(), rows_of(rows.at(b)), cand.data(), c, d,
                [&](std::int64_t, std::int64_t j, double) { counts[b][static_cast<std::size_t>(j)] += 1; });
  const auto w = sum_blocks(counts, rows, static_cast<std::size_t>(c));
  return recluster(cand, w, k, d, seed);
}

// k-means++ over all rows: k sequential rounds, each choosing a row with probability ∝ d².
std::vector<double> init_kmeans_pp(const Rows& rows, const KMeans::Params& p, std::uint64_t seed) {
  const auto k = p.n_clusters, d = rows.d;
  std::vector<std::vector<double>> best(rows.size());
  for (std::size_t b = 0; b < rows.size(); ++b)
    best[b].assign(static_cast<std::size_t>(rows_of(rows.at(b))), std::numeric_limits<double>::infinity());
  std::vector<double> centers;
  for (std::int64_t j = 0; j < k; ++j) {
    std::int64_t g = 0;
    if (j == 0) {
      g = std::min(rows.n - 1, static_cast<std::int64_t>(uniform(seed, 600, 0) * static_cast<double>(rows.n)));
    } else {
      // Per-block costs in block order locate the chosen row's block; its owner finds the row.
      std::vector<double> mine;
      for (std::size_t b = 0; b < rows.size(); ++b) {
        mine.push_back(static_cast<double>(rows.block[b]));
        mine.push_back(std::accumulate(best[b].begin(), best[b].end(), 0.0));
      }
      auto all = allgatherv(comm(), std::span<const double>(mine)).values;
      std::vector<std::pair<double, double>> blocks;
      for (std::size_t at = 0; at < all.size(); at += 2) blocks.emplace_back(all[at], all[at + 1]);
      std::sort(blocks.begin(), blocks.end());
      double total = 0;
      for (const auto& [b, s] : blocks) total += s;
      double t = uniform(seed, 600u + static_cast<std::uint32_t>(j), 0) * total;
      std::int64_t target = static_cast<std::int64_t>(blocks.back().first);
      for (const auto& [b, s] : blocks) {
        if (t < s) { target = static_cast<std::int64_t>(b); break; }
        t -= s;
      }
      std::int64_t found = -1;
      for (std::size_t b = 0; b < rows.size(); ++b) {
        if (rows.block[b] != target) continue;
        found = rows.first_row[b] + rows_of(rows.at(b)) - 1;
        for (std::size_t i = 0; i < best[b].size(); ++i) {
          if (t < best[b][i]) { found = rows.first_row[b] + static_cast<std::int64_t>(i); break; }
          t -= best[b][i];
        }
      }
      g = allreduce(comm(), found, ReduceOp::max);
    }
    const auto row = fetch_rows(rows, {g});
    centers.insert(centers.end(), row.data(), row.data() + d);
    for (std::size_t b = 0; b < rows.size(); ++b) {
      const auto dist = sq_distances(rows.at(b).data(), rows_of(rows.at(b)), row.data(), 1, d);
      for (std::size_t i = 0; i < best[b].size(); ++i) best[b][i] = std::min(best[b][i], dist[i]);
    }
  }
  return centers;
}

struct Assignment {
  std::vector<double> sums, counts;
  double inertia = 0;
};

// The per-block [sums, counts(, inertia)] added up in block order. Collective.
Assignment totals(const std::vector<std::vector<double>>& partials, const Rows& rows, std::int64_t k, std::size_t width) {
  const auto d = rows.d;
  const auto total = sum_blocks(partials, rows, width);
  Assignment a;
  a.sums.assign(total.begin(), total.begin() + k * d);
  a.counts.assign(total.begin() + k * d, total.begin() + k * d + k);
  if (width > static_cast<std::size_t>(k * d + k)) a.inertia = total.back();
  return a;
}

// One E-step over all rows: per-cluster sums and counts and the inertia (one collective). Each
// block is one walk (NearestCenters::assign): a row is added to its cluster right after its
// search, while it is in L1 (one pass over X from memory).
Assignment assign(const Rows& rows, const std::vector<double>& centers, std::int64_t k) {
  const auto d = rows.d;
  const auto width = static_cast<std::size_t>(k * d + k + 1);
  const NearestCenters nearest(centers.data(), k, d);
  std::vector<std::vector<double>> partials(rows.size(), std::vector<double>(width, 0.0));
  for (std::size_t b = 0; b < rows.size(); ++b) {
    auto& part = partials[b];
    part[width - 1] = nearest.assign(rows.at(b).data(), rows_of(rows.at(b)), part.data(), part.data() + k * d);
  }
  return totals(partials, rows, k, width);
}

}  // namespace

KMeans& KMeans::fit(const Array<double>& X) {
  const auto& p = params_;
  RANKWISE_CHECK(p.n_clusters >= 1, ValueError, "KMeans: n_clusters must be >= 1");
  RANKWISE_CHECK(p.max_iter >= 1 && p.n_init >= 1 && p.init_max_iter >= 0 && p.oversampling_factor > 0 && p.tol >= 0, ValueError,
                 "KMeans: need max_iter >= 1, n_init >= 1, init_max_iter >= 0, oversampling_factor > 0 and tol >= 0");
  RANKWISE_CHECK(p.init == "k-means||" || p.init == "k-means++" || p.init == "random", ValueError,
                 "KMeans: init must be \"k-means||\", \"k-means++\" or \"random\", got \"" + p.init + "\"");
  RANKWISE_CHECK(p.algorithm == "auto" || p.algorithm == "lloyd" || p.algorithm == "mixed", ValueError,
                 "KMeans: algorithm must be \"auto\", \"lloyd\" or \"mixed\", got \"" + p.algorithm + "\"");
  const auto rows = local_rows(X, "KMeans.fit");
  RANKWISE_CHECK(rows.n >= p.n_clusters, ValueError,
                 fmt::format("KMeans.fit: n_samples={} should be >= n_clusters={}", rows.n, p.n_clusters));
  check_finite(rows, "KMeans.fit");
  const auto k = p.n_clusters, d = rows.d;
  // tol is relative to the mean feature variance, as in scikit-learn.
  // Means first, then squared deviations (two passes: no cancellation far from the origin).
  // Per block, plain pointers hoisted out of the loops (rows.at() looks the block up in the
  // graph value; the sums over rows go feature-wise, which vectorises).
  std::vector<std::vector<double>> moments(rows.size(), std::vector<double>(static_cast<std::size_t>(d), 0.0));
  for (std::size_t b = 0; b < rows.size(); ++b) {
    const double* __restrict x = rows.at(b).data();
    double* __restrict acc = moments[b].data();
    for (std::int64_t i = 0, m = rows_of(rows.at(b)); i < m; ++i)
      for (std::int64_t t = 0; t < d; ++t) acc[t] += x[i * d + t];
  }
  auto mu = sum_blocks(moments, rows, static_cast<std::size_t>(d));
  for (auto& v : mu) v /= static_cast<double>(rows.n);
  for (std::size_t b = 0; b < rows.size(); ++b) {
    const double* __restrict x = rows.at(b).data();
    const double* __restrict mean = mu.data();
    double* __restrict acc = moments[b].data();
    std::fill(acc, acc + d, 0.0);
    for (std::int64_t i = 0, m = rows_of(rows.at(b)); i < m; ++i)
      for (std::int64_t t = 0; t < d; ++t) {
        const double dev = x[i * d + t] - mean[t];
        acc[t] += dev * dev;
      }
  }
  const auto m2 = sum_blocks(moments, rows, static_cast<std::size_t>(d));
  double mean_var = 0;
  for (std::int64_t t = 0; t < d; ++t) mean_var += m2[static_cast<std::size_t>(t)] / static_cast<double>(rows.n);
  const double tol = p.tol * mean_var / static_cast<double>(d);

  std::optional<MixedLloyd> mixed;  // the float32 copy serves every trial
  RANKWISE_CHECK(p.algorithm != "mixed" || k <= MixedLloyd::kMaxClusters, ValueError,
                 fmt::format("KMeans: algorithm \"mixed\" supports n_clusters <= {}; use \"lloyd\"", MixedLloyd::kMaxClusters));
  if (p.algorithm == "mixed" || (p.algorithm == "auto" && NearestCenters::simd_available() && k <= MixedLloyd::kMaxClusters))
    mixed.emplace(rows, k, mu);
  double best_inertia = std::numeric_limits<double>::infinity();
  for (int trial = 0; trial < std::max(1, p.n_init); ++trial) {
    const std::uint64_t seed = p.random_state * 1000003u + static_cast<std::uint64_t>(trial);
    std::vector<double> centers = p.init == "k-means||" ? init_kmeans_parallel(rows, p, seed)
                                  : p.init == "k-means++" ? init_kmeans_pp(rows, p, seed)
                                                          : [&] {
                                                              const auto r = fetch_rows(rows, random_rows(k, rows.n, seed, 700));
                                                              return std::vector<double>(r.data(), r.data() + r.size());
                                                            }();
    if (mixed) mixed->restart();
    int iter = 0;
    for (; iter < p.max_iter; ++iter) {
      const auto a = mixed ? totals(mixed->assign(centers), rows, k, static_cast<std::size_t>(k * d + k)) : assign(rows, centers, k);
      double shift = 0;
      for (std::int64_t j = 0; j < k; ++j) {
        if (a.counts[static_cast<std::size_t>(j)] == 0) continue;  // an empty cluster keeps its center
        for (std::int64_t t = 0; t < d; ++t) {
          const auto at = static_cast<std::size_t>(j * d + t);
          const double v = a.sums[at] / a.counts[static_cast<std::size_t>(j)];
          shift += (v - centers[at]) * (v - centers[at]);
          centers[at] = v;
        }
      }
      if (shift <= tol) {
        ++iter;
        break;
      }
    }
    const double inertia = assign(rows, centers, k).inertia;  // of the final centers
    if (inertia < best_inertia) {
      best_inertia = inertia;
      centers_ = NDArray<double>(Shape{k, d}, std::span<const double>(centers));
      n_iter_ = iter;
    }
  }
  inertia_ = best_inertia;
  fitted_ = true;
  train_ = rows.array;
  return *this;
}

Array<std::int64_t> KMeans::predict(const Array<double>& X) const {
  require_fitted(fitted_, "KMeans.predict");
  require_features(X, centers_.shape()[1], "KMeans.predict");
  const auto centers = centers_;
  return map_rows<std::int64_t>(X, 0, "kmeans-predict", [centers](const NDArray<double>& x) {
    NDArray<std::int64_t> out(Shape{x.shape()[0]});
    for_nearest(x.data(), x.shape()[0], centers.data(), centers.shape()[0], centers.shape()[1],
                [&](std::int64_t i, std::int64_t j, double) { out.data()[i] = j; });  // the same rule as fit's assignment
    return out;
  });
}

Array<double> KMeans::transform(const Array<double>& X) const {
  require_fitted(fitted_, "KMeans.transform");
  require_features(X, centers_.shape()[1], "KMeans.transform");
  const auto centers = centers_;
  return map_rows<double>(X, centers.shape()[0], "kmeans-transform", [centers](const NDArray<double>& x) {
    const auto m = x.shape()[0], k = centers.shape()[0], d = centers.shape()[1];
    auto dist = sq_distances(x.data(), m, centers.data(), k, d);
    for (auto& v : dist) v = std::sqrt(v);
    return NDArray<double>(Shape{m, k}, std::span<const double>(dist));
  });
}

double KMeans::score(const Array<double>& X) const {
  require_fitted(fitted_, "KMeans.score");
  require_features(X, centers_.shape()[1], "KMeans.score");
  const auto rows = local_rows(X, "KMeans.score");
  const std::vector<double> c(centers_.data(), centers_.data() + centers_.size());
  return -assign(rows, c, centers_.shape()[0]).inertia;
}

const NDArray<double>& KMeans::cluster_centers() const {
  require_fitted(fitted_, "KMeans.cluster_centers");
  return centers_;
}

Array<std::int64_t> KMeans::labels() const {
  require_fitted(fitted_, "KMeans.labels");
  if (!train_) throw NotFittedError("KMeans.labels: a loaded model has no training rows; use predict(X)");
  return predict(*train_);
}

double KMeans::inertia() const {
  require_fitted(fitted_, "KMeans.inertia");
  return inertia_;
}

void KMeans::save(const std::string& path) const {
  require_fitted(fitted_, "KMeans.save");
  ModelFile m;
  m.kind = "KMeans";
  m.numbers = {{"oversampling_factor", params_.oversampling_factor}, {"tol", params_.tol}, {"inertia_", inertia_}};
  m.whole_numbers = {{"n_clusters", params_.n_clusters}, {"init_max_iter", params_.init_max_iter}, {"max_iter", params_.max_iter},
                     {"n_init", params_.n_init}, {"random_state", static_cast<std::int64_t>(params_.random_state)},
                     {"n_iter_", n_iter_}};
  m.strings = {{"init", params_.init}, {"algorithm", params_.algorithm}};
  m.arrays = {{"cluster_centers_", centers_}};
  write_model(path, m);
}

KMeans KMeans::load(const std::string& path) {
  const auto m = read_model(path, "KMeans");
  Params p;
  p.n_clusters = static_cast<std::int64_t>(m.number("n_clusters"));
  p.init_max_iter = static_cast<int>(m.number("init_max_iter"));
  p.oversampling_factor = m.number("oversampling_factor");
  p.max_iter = static_cast<int>(m.number("max_iter"));
  p.tol = m.number("tol");
  p.n_init = static_cast<int>(m.number("n_init"));
  p.random_state = static_cast<std::uint64_t>(m.whole_number("random_state"));  // exactly, above 2^53 too
  p.init = m.text("init");
  if (m.strings.count("algorithm")) p.algorithm = m.text("algorithm");  // absent in files from before it existed
  KMeans km(p);
  km.centers_ = m.array("cluster_centers_");
  km.inertia_ = m.number("inertia_");
  km.n_iter_ = static_cast<int>(m.number("n_iter_"));
  km.fitted_ = true;
  return km;
}

}  // namespace rankwise::ml
