#pragma once
// Reduction operators: an accumulator per output element, filled block by block, merged across
// blocks in block order (so the result does not depend on the number of ranks), then finished.
// Sums are compensated (pairwise inside a tile, Neumaier across tiles); variance uses Welford
// inside a block and Chan's merge across blocks.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace rankwise::array_detail {

template <class T>
using sum_t = std::conditional_t<std::is_floating_point_v<T>, T,
                                 std::conditional_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>, std::uint64_t, std::int64_t>>;
template <class T>
using mean_t = std::conditional_t<std::is_floating_point_v<T>, T, double>;

/// tile_sum for doubles, compiled into the library: the hot loop of every full sum runs at
/// the library's optimisation level, not the caller's (at -O2, GCC 12 leaves it scalar). Local.
double tile_sum_f64(const double* x, std::int64_t n);

/// Sum of a tile with eight independent partial sums (vectorises; pairwise-like error).
template <class T>
double tile_sum(const T* x, std::int64_t n) {
  if constexpr (std::is_same_v<T, double>) {
    return tile_sum_f64(x, n);
  } else {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::int64_t k = 0;
    for (; k + 8 <= n; k += 8)
      for (int j = 0; j < 8; ++j) s[j] += static_cast<double>(x[k + j]);
    double rest = 0;
    for (; k < n; ++k) rest += static_cast<double>(x[k]);
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) + rest;
  }
}

/// Whether reducer Op folds plain per-tile sums (`add_sum`) into its accumulator: sums and
/// means (without NaN skipping) do; the others see every value.
template <class Op>
constexpr bool sums_tiles() {
  if constexpr (requires { Op::sums_tiles; }) return Op::sums_tiles;
  else return false;
}

/// Neumaier-compensated running sum.
struct Compensated {
  double sum = 0, carry = 0;
  void add(double x) {
    const double t = sum + x;
    carry += std::abs(sum) >= std::abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  double value() const { return sum + carry; }
};

template <class T, bool SkipNan = false>
struct SumOp {
  static constexpr bool floating = std::is_floating_point_v<T>;
  using Acc = std::conditional_t<floating, Compensated, sum_t<T>>;
  using Out = sum_t<T>;
  static Acc init() { return {}; }
  static void add(Acc& a, T x, std::int64_t) {
    if constexpr (floating) {
      if (!(SkipNan && std::isnan(x))) a.add(static_cast<double>(x));
    } else {
      a += static_cast<Acc>(x);
    }
  }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    if constexpr (floating && !SkipNan) {
      a.add(tile_sum(x, n));
    } else {
      for (std::int64_t k = 0; k < n; ++k) add(a, x[k], 0);
    }
  }
  /// Folds in a plain sum of `count` values (axis reductions sum a tile's values per output
  /// element first, then fold once: compensated across tiles, plain within one).
  static constexpr bool sums_tiles = floating && !SkipNan;
  static void add_sum(Acc& a, double sum, double) {
    if constexpr (floating) a.add(sum);
  }
  static void merge(Acc& a, const Acc& b) {
    if constexpr (floating) {
      a.add(b.sum);
      a.add(b.carry);
    } else {
      a += b;
    }
  }
  static Out finish(const Acc& a) {
    if constexpr (floating) return static_cast<Out>(a.value());
    else return a;
  }
};

template <class T>
struct ProdOp {
  using Out = sum_t<T>;
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, Out>;
  static Acc init() { return 1; }
  static void add(Acc& a, T x, std::int64_t) { a *= static_cast<Acc>(x); }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    for (std::int64_t k = 0; k < n; ++k) a *= static_cast<Acc>(x[k]);
  }
  static void merge(Acc& a, const Acc& b) { a *= b; }
  static Out finish(const Acc& a) { return static_cast<Out>(a); }
};

/// Count, mean and sum of squared deviations: Welford per element, Chan et al. to merge.
struct Moments {
  double count = 0, mean = 0, m2 = 0;
  void add(double x) {
    count += 1;
    const double d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
  }
  void merge(const Moments& o) {
    if (o.count == 0) return;
    if (count == 0) {
      *this = o;
      return;
    }
    const double n = count + o.count, d = o.mean - mean;
    mean += d * o.count / n;
    m2 += o.m2 + d * d * count * o.count / n;
    count = n;
  }
};

template <class T, bool SkipNan = false>
struct MeanOp {
  struct Acc {
    Compensated sum;
    double count = 0;
  };
  using Out = mean_t<T>;
  static Acc init() { return {}; }
  static void add(Acc& a, T x, std::int64_t) {
    if constexpr (SkipNan && std::is_floating_point_v<T>)
      if (std::isnan(x)) return;
    a.sum.add(static_cast<double>(x));
    a.count += 1;
  }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    if constexpr (!SkipNan) {
      a.sum.add(tile_sum(x, n));
      a.count += static_cast<double>(n);
    } else {
      for (std::int64_t k = 0; k < n; ++k) add(a, x[k], 0);
    }
  }
  static constexpr bool sums_tiles = !SkipNan;
  static void add_sum(Acc& a, double sum, double count) {
    a.sum.add(sum);
    a.count += count;
  }
  static void merge(Acc& a, const Acc& b) {
    a.sum.add(b.sum.sum);
    a.sum.add(b.sum.carry);
    a.count += b.count;
  }
  static Out finish(const Acc& a) {
    return static_cast<Out>(a.count > 0 ? a.sum.value() / a.count : std::numeric_limits<double>::quiet_NaN());
  }
};

template <class T>
struct VarOp {
  using Acc = Moments;
  using Out = mean_t<T>;
  double ddof = 0;
  bool take_sqrt = false;
  static Acc init() { return {}; }
  static void add(Acc& a, T x, std::int64_t) { a.add(static_cast<double>(x)); }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    // A tile's own moments in one vectorised pass, shifted by its first element (so the
    // sum-of-squares formula does not cancel), then merged into the running ones.
    if (n == 0) return;
    const double shift = static_cast<double>(x[0]);
    double s1[4] = {0, 0, 0, 0}, s2[4] = {0, 0, 0, 0};
    std::int64_t k = 0;
    for (; k + 4 <= n; k += 4)
      for (int j = 0; j < 4; ++j) {
        const double d = static_cast<double>(x[k + j]) - shift;
        s1[j] += d;
        s2[j] += d * d;
      }
    for (; k < n; ++k) {
      const double d = static_cast<double>(x[k]) - shift;
      s1[0] += d;
      s2[0] += d * d;
    }
    const double sum = (s1[0] + s1[1]) + (s1[2] + s1[3]), sq = (s2[0] + s2[1]) + (s2[2] + s2[3]);
    Moments t;
    t.count = static_cast<double>(n);
    t.mean = shift + sum / t.count;
    t.m2 = std::max(0.0, sq - sum * sum / t.count);
    a.merge(t);
  }
  static void merge(Acc& a, const Acc& b) { a.merge(b); }
  Out finish(const Acc& a) const {
    const double v = a.count - ddof > 0 ? a.m2 / (a.count - ddof) : std::numeric_limits<double>::quiet_NaN();
    return static_cast<Out>(take_sqrt ? std::sqrt(v) : v);
  }
};

template <class T, bool Max>
struct ExtremumOp {
  struct Acc {
    T value;
    bool seen = false;
  };
  using Out = T;
  static Acc init() { return {T{}, false}; }
  static bool better(T x, T best) {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(x)) return !std::isnan(best);  // NaN propagates, as in numpy
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(best)) return false;
    return Max ? x > best : x < best;
  }
  static void add(Acc& a, T x, std::int64_t) {
    if (!a.seen || better(x, a.value)) a = {x, true};
  }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    for (std::int64_t k = 0; k < n; ++k) add(a, x[k], 0);
  }
  static void merge(Acc& a, const Acc& b) {
    if (b.seen) add(a, b.value, 0);
  }
  static Out finish(const Acc& a) { return a.value; }
};

template <class T, bool Max>
struct ArgExtremumOp {
  static constexpr bool needs_position = true;
  struct Acc {
    T value;
    std::int64_t index = -1;
  };
  using Out = std::int64_t;
  static Acc init() { return {T{}, -1}; }
  static void add(Acc& a, T x, std::int64_t pos) {
    // Ties keep the first position, as numpy does; merge order is block order.
    if (a.index < 0 || ExtremumOp<T, Max>::better(x, a.value)) a = {x, pos};
  }
  // Blocks along a non-first axis interleave flat positions, so a tie between
  // partials goes to the smaller position, not to the earlier block.
  static void merge(Acc& a, const Acc& b) {
    if (b.index < 0) return;
    using E = ExtremumOp<T, Max>;
    const bool tie = !E::better(b.value, a.value) && !E::better(a.value, b.value);
    if (a.index < 0 || E::better(b.value, a.value) || (tie && b.index < a.index)) a = b;
  }
  static Out finish(const Acc& a) { return a.index; }
};

template <class T, bool All>
struct LogicalOp {
  using Acc = bool;
  using Out = bool;
  static Acc init() { return All; }
  static void add(Acc& a, T x, std::int64_t) { a = All ? (a && x != T{}) : (a || x != T{}); }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    for (std::int64_t k = 0; k < n; ++k) add(a, x[k], 0);
  }
  static void merge(Acc& a, const Acc& b) { a = All ? (a && b) : (a || b); }
  static Out finish(const Acc& a) { return a; }
};

template <class T>
struct CountNonzeroOp {
  using Acc = std::int64_t;
  using Out = std::int64_t;
  static Acc init() { return 0; }
  static void add(Acc& a, T x, std::int64_t) { a += x != T{}; }
  static void add_tile(Acc& a, const T* x, std::int64_t n) {
    for (std::int64_t k = 0; k < n; ++k) a += x[k] != T{};
  }
  static void merge(Acc& a, const Acc& b) { a += b; }
  static Out finish(const Acc& a) { return a; }
};

}  // namespace rankwise::array_detail
