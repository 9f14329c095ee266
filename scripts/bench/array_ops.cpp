// dask.array workloads on a 10,000,000 x 10 float64 array with 1,000,000-row chunks, plus a
// STREAM-like bandwidth probe in the same run. One JSON object per measurement on rank 0;
// times are the slowest rank's, best of 5.
//   mpirun -n 2 build/bench/array_ops [rows=10000000] [cols=10] [chunk_rows=1000000] [file.h5]
// With a file: writes a rows x cols dataset /X there (once) and times reading it back + sum.
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
    std::printf("{\"name\": \"%s\", \"ranks\": %d, \"seconds\": %.6f, \"gbps\": %.2f}\n", name,
                rw::default_comm().size(), seconds, bytes / seconds / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const std::int64_t cols = argc > 2 ? std::atoll(argv[2]) : 10;
  const std::int64_t chunk = argc > 3 ? std::atoll(argv[3]) : 1'000'000;
  const double bytes = static_cast<double>(rows * cols * 8);

  // Bandwidth probe: every rank sums its share of the data from memory (the aggregate rate).
  {
    const auto share = static_cast<std::size_t>(rows * cols / env.size());
    std::vector<double> data(share, 1.0);
    volatile double sink = 0;
    const double t = best_of(5, [&] {
      double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // eight chains: bound by memory, not by adds
      for (std::size_t i = 0; i + 8 <= share; i += 8)
        for (int j = 0; j < 8; ++j) s[j] += data[i + static_cast<std::size_t>(j)];
      sink = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
    });
    (void)sink;
    print("stream_sum", t, bytes);
  }

  auto X = rw::random::random({rows, cols}, rw::ChunkSpec{chunk, cols}, 0);
  print("generate_sum", best_of(5, [&] { (void)X.sum().compute(); }), bytes);
  auto P = X.persist();
  print("persisted_sum", best_of(5, [&] { (void)P.sum().compute(); }), bytes);
  print("persisted_mean", best_of(5, [&] { (void)P.mean().compute(); }), bytes);
  print("persisted_std", best_of(5, [&] { (void)P.std().compute(); }), bytes);
  print("persisted_fused", best_of(5, [&] { (void)rw::pow(P * 2 + 1, 2).sum().compute(); }), bytes);
  print("persisted_mean_axis0", best_of(5, [&] { (void)P.mean(0).compute(); }), bytes);

  if (argc > 4) {
    const std::string path = argv[4];
    rw::io::Hdf5WriteOptions options;
    options.overwrite = true;
    print("hdf5_write", best_of(1, [&] { rw::to_hdf5(X, path, "/X", options); }), bytes);
    auto H = rw::read_hdf5<double>(path, "/X", rw::ChunkSpec{chunk, cols});
    print("hdf5_read_sum", best_of(5, [&] { (void)H.sum().compute(); }), bytes);
  }
}
