// The talk's OLS on a tall-skinny array: the Gram step alone (against a bandwidth probe) and
// the literal formula dot(dot(inv(dot(X.T(), X)), X.T()), y), on persisted data; and the small
// 10,000 x 20 example end to end. One JSON object per measurement on rank 0.
//   mpirun -n 2 build/bench/linalg_ols [rows=10000000] [cols=20] [chunk_rows=1000000]
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <rankwise/rankwise.hpp>

namespace rw = rankwise;

namespace {
double slowest(double s) { return rw::allreduce(rw::default_comm(), s, rw::ReduceOp::max); }
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
void print(const char* name, double seconds, double bytes) {
  if (rw::default_comm().is_root())
    std::printf("{\"name\": \"%s\", \"ranks\": %d, \"seconds\": %.6f, \"gbps\": %.2f}\n", name, rw::default_comm().size(),
                seconds, bytes / seconds / 1e9);
}
}  // namespace

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const std::int64_t cols = argc > 2 ? std::atoll(argv[2]) : 20;
  const std::int64_t chunk = argc > 3 ? std::atoll(argv[3]) : 1'000'000;
  const double bytes = static_cast<double>(rows * cols * 8);
  {
    const auto share = static_cast<std::size_t>(rows * cols / env.size());
    std::vector<double> data(share, 1.0);
    volatile double sink = 0;
    const double t = best_of(5, [&] {
      double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (std::size_t i = 0; i + 8 <= share; i += 8)
        for (int j = 0; j < 8; ++j) s[j] += data[i + static_cast<std::size_t>(j)];
      sink = s[0] + s[7];
    });
    (void)sink;
    print("stream_sum", t, bytes);
  }
  const auto X = rw::random::random({rows, cols}, rw::ChunkSpec{chunk, cols}, 1).persist();
  const auto y = rw::random::random({rows}, chunk, 2).persist();
  print("gram", best_of(5, [&] { (void)rw::dot(X.T(), X).compute(); }), bytes);
  print("ols_formula", best_of(5, [&] {
          (void)rw::dot(rw::dot(rw::linalg::inv(rw::dot(X.T(), X)), X.T()), y).compute();
        }), bytes);
  // The talk's small example: 10,000 x 20 in 1,000-row chunks, from generation to coefficients.
  print("ols_small_end_to_end", best_of(20, [&] {
          const auto Xs = rw::random::random({10000, 20}, rw::ChunkSpec{1000, 20}, 1);
          const auto ys = rw::random::random({10000}, 10000, 2);
          (void)rw::dot(rw::dot(rw::linalg::inv(rw::dot(Xs.T(), Xs)), Xs.T()), ys).compute();
        }), 10000.0 * 20 * 8);
}
