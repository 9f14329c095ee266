#pragma once
// The nearest-center search at the heart of KMeans (every Lloyd iteration, the k-means||
// rounds, labels, predict): for each row x, the index j of the nearest center and
// ||c_j||² − 2 x·c_j, the squared distance minus ||x||² (the same for every center, so it is
// left out of the argmin and added once per row by the caller).
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

  /// For the m rows of x (row-major, m × d): label[i] in [0, k) and partial[i] = min over j
  /// of ||c_j||² − 2 x_i·c_j. Local.
  void search(const double* x, std::int64_t m, std::int64_t* label, double* partial) const;

  /// Searches the m rows of x and adds each to its nearest center's sums[j·d ...] and counts[j];
  /// returns Σ max(0, partial + ||x||²). One walk over the rows (search and accumulation while
  /// they are in L1); the same sums, in the same order, as `search` then `accumulate_clusters`.
  /// Local.
  double assign(const double* x, std::int64_t m, double* sums, double* counts) const;

  /// The two implementations, for tests; `search` picks one.
  void search_simd(const double* x, std::int64_t m, std::int64_t* label, double* partial) const;
  void search_portable(const double* x, std::int64_t m, std::int64_t* label, double* partial) const;
  static bool simd_available();

  std::int64_t k() const { return k_; }
  std::int64_t d() const { return d_; }

 private:
  std::int64_t k_, d_;
  std::vector<double> centers_;  // k × d as given (the portable path)
  std::vector<double> norms_;    // ||c_j||², padded with +inf to whole groups of eight
  std::vector<double> panels_;   // per group of eight centers: d × 8 values of −2c, transposed
};

/// Rows per tile so that a tile of x (and its labels) stays in L1 between the search and the
/// caller's second look at the same rows. A multiple of four.
std::int64_t nearest_tile_rows(std::int64_t d);

/// Adds each of the m rows of x to sums[label·d ...] and one to counts[label]; returns
/// Σ max(0, partial + ||x||²), the squared distances of the rows to their centers. Local.
double accumulate_clusters(const double* x, std::int64_t m, std::int64_t d, const std::int64_t* label, const double* partial,
                           double* sums, double* counts);

}  // namespace rankwise::ml::detail
