// The talk's taxi workflow on CSV files: open (schema inference), total_amount.mean(),
// groupby(passenger_count).tip_amount.mean(), head(), every column parsed (count()), plus a
// newline-count floor over the same bytes and the peak resident memory per rank.
//   mpirun -n 2 build/bench/frame_taxi 'DIR/yellow_tripdata_2016-*.csv'
#include <fcntl.h>
#include <glob.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace rw = rankwise;

namespace {

// Counts line breaks in this rank's even share of all bytes: the floor of any CSV reader.
double newline_floor_seconds(const std::vector<std::string>& files, double& total_bytes) {
  std::vector<std::int64_t> sizes;
  std::int64_t total = 0;
  for (const auto& f : files) {
    struct stat st {};
    ::stat(f.c_str(), &st);
    sizes.push_back(st.st_size);
    total += st.st_size;
  }
  total_bytes = static_cast<double>(total);
  const auto& comm = rw::default_comm();
  const std::int64_t lo = total * comm.rank() / comm.size(), hi = total * (comm.rank() + 1) / comm.size();
  volatile std::int64_t sink = 0;
  return bench::best_of(3, [&] {
    std::int64_t base = 0, lines = 0;
    for (std::size_t k = 0; k < files.size(); ++k) {
      const std::int64_t b = std::max(lo, base), e = std::min(hi, base + sizes[k]);
      if (b < e) {
        const int fd = ::open(files[k].c_str(), O_RDONLY);
        auto* p = static_cast<const char*>(::mmap(nullptr, static_cast<std::size_t>(sizes[k]), PROT_READ, MAP_PRIVATE, fd, 0));
        ::close(fd);
        const char* q = p + (b - base);
        const char* end = p + (e - base);
        while ((q = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(end - q))))) {
          ++lines;
          ++q;
        }
        ::munmap(const_cast<char*>(p), static_cast<std::size_t>(sizes[k]));
      }
      base += sizes[k];
    }
    sink = lines;
  });
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return rw::allreduce(rw::default_comm(), static_cast<double>(usage.ru_maxrss) / 1024.0, rw::ReduceOp::max);
}

}  // namespace

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  if (argc < 2) return 2;
  const std::string pattern = argv[1];
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string only = argc > 3 ? argv[3] : "";  // run one measurement (for profiling)
  const auto wanted = [&](const char* name) { return only.empty() || only == name; };
  std::vector<std::string> files;
  glob_t g{};
  ::glob(pattern.c_str(), 0, nullptr, &g);
  for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  double bytes = 0;
  const double floor_seconds = newline_floor_seconds(files, bytes);
  bench::print("newline_floor", floor_seconds, bytes);

  double mean = 0;
  if (wanted("open")) bench::print("open", bench::best_of(repeat, [&] { (void)rw::read_csv(pattern); }), bytes);
  if (wanted("mean")) bench::print("mean", bench::best_of(repeat, [&] { mean = rw::read_csv(pattern)["total_amount"].mean().compute(); }), bytes);
  const double mean_peak = peak_rss_mb();
  if (wanted("groupby")) bench::print("groupby", bench::best_of(repeat, [&] {
    (void)rw::read_csv(pattern).groupby("passenger_count")["tip_amount"].mean().compute();
  }), bytes);
  if (wanted("head")) bench::print("head", bench::best_of(repeat, [&] { (void)rw::read_csv(pattern).head(); }), bytes);
  std::int64_t rows = 0;
  if (wanted("all_columns")) bench::print("all_columns", bench::best_of(repeat, [&] {
    const auto counts = rw::read_csv(pattern).count().compute();
    rows = counts.column<std::int64_t>("count")[0];
  }), bytes);
  const double final_peak = peak_rss_mb();
  if (env.comm().is_root())
    std::printf("{\"name\": \"facts\", \"ranks\": %d, \"mean\": %.9f, \"rows\": %lld, \"bytes\": %.0f, \"peak_rss_mb_after_mean\": %.1f, "
                "\"peak_rss_mb\": %.1f}\n",
                env.size(), mean, static_cast<long long>(rows), bytes, mean_peak, final_peak);
}
