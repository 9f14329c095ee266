#include "graph/detail/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <numeric>

#include <mpi.h>

#include "rankwise/runtime/collectives.hpp"

namespace rankwise::graph::detail {

namespace {
// Decided once per process by rank 0 and shared, so every rank agrees on sending reports.
bool progress_wanted(const Communicator& comm) {
  static int wanted = -1;
  if (wanted < 0) {
    if (comm.is_root()) {
      const char* env = std::getenv("RANKWISE_PROGRESS");
      wanted = env ? (std::atoi(env) != 0) : isatty(STDERR_FILENO) != 0;
    }
    bcast(comm, wanted, 0);
  }
  return wanted == 1;
}
}  // namespace

Progress::Progress(const Communicator& comm, std::string label, std::int64_t total_tasks)
    : enabled_(progress_wanted(comm)),
      rank_(comm.rank()),
      label_(std::move(label)),
      total_(total_tasks),
      done_(static_cast<std::size_t>(comm.size()), 0),
      start_(MPI_Wtime()),
      last_report_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fputc('\n', stderr);
}

bool Progress::tick() {
  ++done_[static_cast<std::size_t>(rank_)];
  if (!enabled_) return false;
  const double now = MPI_Wtime();
  if (now - last_report_ < 0.2) return false;
  last_report_ = now;
  return true;
}

void Progress::update(int rank, std::int64_t done) { done_[static_cast<std::size_t>(rank)] = done; }

void Progress::draw(bool final) {
  if (!enabled_ || rank_ != 0) return;
  const double elapsed = MPI_Wtime() - start_;
  if (elapsed < 1.0 && !drawn_) return;  // short runs stay silent
  const auto done = std::min(total_, std::accumulate(done_.begin(), done_.end(), std::int64_t{0}));
  const int width = 30;
  const int filled = total_ ? static_cast<int>(width * done / total_) : width;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '-');
  std::fprintf(stderr, "\r%s [%s] %lld/%lld tasks %.1f s", label_.c_str(), bar.c_str(),
               static_cast<long long>(final ? total_ : done), static_cast<long long>(total_),
               elapsed);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace rankwise::graph::detail
