// The talk's OLS on a tall-skinny array: the Gram step alone (against a bandwidth probe) and
// the literal formula dot(dot(inv(dot(X.T(), X)), X.T()), y), on persisted data; and the small
// 10,000 x 20 example end to end. One JSON object per measurement on rank 0.
//   mpirun -n 2 build/bench/linalg_ols [rows=10000000] [cols=20] [chunk_rows=1000000]
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <rankwise/rankwise.hpp>

#include "bench_common.hpp"

namespace rw = rankwise;
using bench::best_of;
using bench::print;

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const std::int64_t cols = argc > 2 ? std::atoll(argv[2]) : 20;
  const std::int64_t chunk = argc > 3 ? std::atoll(argv[3]) : 1'000'000;
  const double bytes = static_cast<double>(rows * cols * 8);
  print("stream_sum", bench::stream_sum_seconds(bytes), bytes);  // the bandwidth bound
  const auto X = rw::random::random({rows, cols}, rw::ChunkSpec{chunk, cols}, 1).persist();
  const auto y = rw::random::random({rows}, chunk, 2).persist();
  print("gram", best_of(5, [&] { (void)rw::dot(X.T(), X).compute(); }), bytes);
  print("ols_formula", best_of(5, [&] {
          (void)rw::dot(rw::dot(rw::linalg::inv(rw::dot(X.T(), X)), X.T()), y).compute();
        }), bytes);
  print("lstsq", best_of(3, [&] { (void)rw::linalg::lstsq(X, y); }), bytes);
  // The talk's small example: 10,000 x 20 in 1,000-row chunks, from generation to coefficients.
  print("ols_small_end_to_end", best_of(20, [&] {
          const auto Xs = rw::random::random({10000, 20}, rw::ChunkSpec{1000, 20}, 1);
          const auto ys = rw::random::random({10000}, 10000, 2);
          (void)rw::dot(rw::dot(rw::linalg::inv(rw::dot(Xs.T(), Xs)), Xs.T()), ys).compute();
        }), 10000.0 * 20 * 8);
}
