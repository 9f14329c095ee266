// Peak memory of a reduction over an HDF5 dataset: the dataset streams through in blocks, so
// a rank's peak resident memory stays near a few blocks, not its share of the data.
//   mpirun -n 2 build/bench/hdf5_stream FILE DATASET CHUNK_ROWS
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include <rankwise/rankwise.hpp>

namespace rw = rankwise;

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  if (argc < 4) return 2;
  const auto info = rw::io::hdf5_info(argv[1], argv[2]);
  const auto X = rw::read_hdf5<double>(argv[1], argv[2], rw::ChunkSpec{std::atoll(argv[3]), -1});
  rw::Timer t;
  const double s = X.mean().compute();
  const double seconds = rw::allreduce(env.comm(), t.seconds(), rw::ReduceOp::max);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double peak_mb = rw::allreduce(env.comm(), static_cast<double>(usage.ru_maxrss) / 1024.0, rw::ReduceOp::max);
  const double share_mb = static_cast<double>(X.nbytes()) / env.size() / 1e6;
  const double block_mb = static_cast<double>(std::atoll(argv[3]) * (info.shape.size() > 1 ? info.shape[1] : 1) * 8) / 1e6;
  if (env.comm().is_root())
    std::printf("{\"name\": \"hdf5_stream\", \"ranks\": %d, \"seconds\": %.4f, \"mean\": %.6f, \"peak_rss_mb\": %.1f, "
                "\"share_mb\": %.1f, \"block_mb\": %.1f}\n",
                env.size(), seconds, s, peak_mb, share_mb, block_mb);
}
