#pragma once
// The nearest-center search at the heart of KMeans (every Lloyd iteration, the k-means||
// rounds, labels, predict): for each row x, the index j of the nearest center and its
// "partial" ||x − c_j||² − ||x − s||², where s is the centers' mean (center_shift): computed as
// ||c'_j||² + 2s·c'_j − 2x·c'_j with c' = c − s (the row's own term is the same for every
// center, so it is left out of the argmin and added once per row: row_offset). Centering keeps
// the rounding error proportional to the distances to s rather than to the origin.
#include <cstdint>
#include <vector>

namespace rankwise::ml::detail {

/// k centers of d features, laid out for the search. Ties go to the lowest index, as in
/// np.argmin. On x86-64 CPUs with AVX2 + FMA (chosen at run time; the library stays generic
/// x86-64) the search is a register-tiled kernel that keeps four rows against eight centers in
/// registers, with a branch-free argmin; elsewhere a GEMM per tile of rows then a scalar argmin.
/// Both are deterministic per row, so results never depend on the rank count.
class NearestCenters {
 public:
  NearestCenters(const double* centers, std::int64_t k, std::int64_t d);

  /// For the m rows of x (row-major, m × d): label[i] in [0, k) and partial[i], the smallest
  /// partial over the centers. Local.
  void search(const double* x, std::int64_t m, std::int64_t* label, double* partial) const;

  /// Searches the m rows of x and adds each to its nearest center's sums[j·d ...] and counts[j];
  /// returns Σ max(0, partial + row_offset(x)). One walk over the rows (search and accumulation while
  /// they are in L1); the same sums, in the same order, as `search` then `accumulate_clusters`.
  /// Local.
  double assign(const double* x, std::int64_t m, double* sums, double* counts) const;

  /// The two implementations, for tests; `search` picks one.
  void search_simd(const double* x, std::int64_t m, std::int64_t* label, double* partial) const;
  void search_portable(const double* x, std::int64_t m, std::int64_t* label, double* partial) const;
  static bool simd_available();

  /// ||row − s||²: a partial plus this is the squared distance. Local.
  double row_offset(const double* row) const;
  /// s, the centers' mean rounded as center_shift does (d values).
  const double* shift() const { return shift_.data(); }

  std::int64_t k() const { return k_; }
  std::int64_t d() const { return d_; }

 private:
  std::int64_t k_, d_;
  std::vector<double> shift_;    // s = center_shift(centers)
  std::vector<double> centers_;  // k × d, c − s (the portable path)
  std::vector<double> norms_;    // ||c'_j||² + 2s·c'_j, padded with +inf to whole groups of eight
  std::vector<double> panels_;   // per group of eight centers: d × 8 values of −2c', transposed
};

/// The shift s of NearestCenters for these k centers: their mean, rounded to 20 significant
/// bits. Local.
std::vector<double> center_shift(const double* centers, std::int64_t k, std::int64_t d);

/// Rows per tile so that a tile of x (and its labels) stays in L1 between the search and the
/// caller's second look at the same rows. A multiple of four.
std::int64_t nearest_tile_rows(std::int64_t d);

/// Adds each of the m rows of x to sums[label·d ...] and one to counts[label]; returns
/// Σ max(0, partial + ||x − shift||²), the squared distances of the rows to their centers
/// (shift: the searching NearestCenters' shift()). Local.
double accumulate_clusters(const double* x, std::int64_t m, std::int64_t d, const double* shift, const std::int64_t* label,
                           const double* partial, double* sums, double* counts);

}  // namespace rankwise::ml::detail
