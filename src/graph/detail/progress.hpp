#pragma once
// The progress bar of compute(): rank 0 draws it on stderr, counting tasks done on all ranks.
// Other ranks report their count with small non-blocking messages at most every 0.2 s, so the
// work is not slowed; nothing is sent at all when the bar is off (CI, batch logs).
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/runtime/communicator.hpp"

namespace rankwise::graph::detail {

class Progress {
 public:
  /// Collective the first time (rank 0 decides: a terminal on stderr, or RANKWISE_PROGRESS=1).
  Progress(const Communicator& comm, std::string label, std::int64_t total_tasks);
  ~Progress();

  bool enabled() const noexcept { return enabled_; }
  /// Counts one task done here; true when a report is due (non-root ranks send one).
  bool tick();
  /// rank 0: another rank's count arrived.
  void update(int rank, std::int64_t done);
  std::int64_t local_done() const noexcept { return done_[static_cast<std::size_t>(rank_)]; }
  /// rank 0: redraws the bar if the run has lasted over a second.
  void draw(bool final = false);

 private:
  bool enabled_ = false;
  int rank_ = 0;
  std::string label_;
  std::int64_t total_ = 0;
  std::vector<std::int64_t> done_;
  double start_ = 0, last_report_ = 0;
  bool drawn_ = false;
};

}  // namespace rankwise::graph::detail
