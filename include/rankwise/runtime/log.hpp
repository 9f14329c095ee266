#pragma once
/// Rank-aware logging through spdlog.
///
/// Lines go to stderr as "[rankwise rank R/P level] message". The level comes from RANKWISE_LOG
/// (trace, debug, info, warn, error, off; default warn). Messages are per rank: guard with
/// `comm.is_root()` for something only rank 0 should say.
#include <memory>

#include <spdlog/spdlog.h>

namespace rankwise::runtime {

/// The rankwise logger; usable before MPI starts (then without a rank). Local.
spdlog::logger& logger();

/// Re-labels the logger with this rank and the communicator size; called by Environment. Local.
void set_log_rank(int rank, int size);

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::logger;
}
