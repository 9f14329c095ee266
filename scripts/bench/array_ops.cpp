// dask.array workloads on a 10,000,000 x 10 float64 array with 1,000,000-row chunks, plus a
// STREAM-like bandwidth probe in the same run. One JSON object per measurement on rank 0;
// times are the slowest rank's, best of 5.
//   mpirun -n 2 build/bench/array_ops [rows=10000000] [cols=10] [chunk_rows=1000000] [file.h5]
// With a file: writes a rows x cols dataset /X there (once) and times reading it back + sum.
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
  const std::int64_t cols = argc > 2 ? std::atoll(argv[2]) : 10;
  const std::int64_t chunk = argc > 3 ? std::atoll(argv[3]) : 1'000'000;
  const double bytes = static_cast<double>(rows * cols * 8);

  print("stream_sum", bench::stream_sum_seconds(bytes), bytes);  // the bandwidth bound

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
