// ScaLAPACK pdgemm through rw::dot on two n x n arrays (results kept distributed), against one
// rank's OpenBLAS dgemm on the same size. GFLOP/s = 2 n³ / seconds.
//   mpirun -n 2 build/bench/pdgemm [n=4096]
#include <cblas.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <rankwise/rankwise.hpp>

#include "bench_common.hpp"

namespace rw = rankwise;

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 4096;
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  const auto A = rw::random::random({n, n}, rw::ChunkSpec{1024, 1024}, 1).persist();
  const auto B = rw::random::random({n, n}, rw::ChunkSpec{1024, 1024}, 2).persist();
  rw::linalg::set_scalapack_threshold(0);
  const double t = bench::best_of(3, [&] { (void)rw::dot(A, B).persist(); });
  // One rank's dgemm on the same size, the others waiting: the single-core reference.
  double single = 0;
  if (env.comm().is_root()) {
    std::vector<double> a(static_cast<std::size_t>(n * n), 0.5), b(a), c(a.size());
    rw::Timer timer;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(n), static_cast<int>(n), static_cast<int>(n),
                1.0, a.data(), static_cast<int>(n), b.data(), static_cast<int>(n), 0.0, c.data(), static_cast<int>(n));
    single = timer.seconds();
  }
  env.comm().barrier();
  if (env.comm().is_root())
    std::printf("{\"name\": \"pdgemm\", \"ranks\": %d, \"n\": %lld, \"seconds\": %.4f, \"gflops\": %.1f, "
                "\"dgemm_one_rank_seconds\": %.4f, \"dgemm_one_rank_gflops\": %.1f}\n",
                env.size(), static_cast<long long>(n), t, flops / t / 1e9, single, flops / single / 1e9);
}
