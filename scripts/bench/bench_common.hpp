// Helpers shared by the benchmark programs: timing (slowest rank, best of N) and JSON lines.
#pragma once
#include <algorithm>
#include <cstdio>

#include <rankwise/rankwise.hpp>

namespace bench {

namespace rw = rankwise;

/// The slowest rank's time: what a user waits for.
inline double slowest(double seconds) { return rw::allreduce(rw::default_comm(), seconds, rw::ReduceOp::max); }

/// Best of `repeat` runs of fn, each started together (barrier) and timed on the slowest rank.
template <class Fn>
double best_of(int repeat, Fn fn) {
  double best = 1e300;
  for (int k = 0; k < repeat; ++k) {
    rw::default_comm().barrier();
    rw::Timer t;
    fn();
    best = std::min(best, slowest(t.seconds()));
  }
  return best;
}

/// One JSON line on rank 0: name, ranks, seconds and the rate over `bytes`.
inline void print(const char* name, double seconds, double bytes) {
  if (rw::default_comm().is_root())
    std::printf("{\"name\": \"%s\", \"ranks\": %d, \"seconds\": %.6f, \"gbps\": %.2f}\n", name, rw::default_comm().size(),
                seconds, bytes / seconds / 1e9);
}

/// Every rank sums its share of `bytes` from memory with eight chains: the bandwidth bound.
inline double stream_sum_seconds(double bytes) {
  const auto share = static_cast<std::size_t>(bytes / 8 / rw::default_comm().size());
  std::vector<double> data(share, 1.0);
  volatile double sink = 0;
  const double t = best_of(5, [&] {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t i = 0; i + 8 <= share; i += 8)
      for (int j = 0; j < 8; ++j) s[j] += data[i + static_cast<std::size_t>(j)];
    sink = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
  });
  (void)sink;
  return t;
}

}  // namespace bench
