#pragma once
/// The trace: with RANKWISE_TRACE=trace.json, every compute() records each task and each
/// collective per rank, and rank 0 writes one Chrome trace-event file (open it in Perfetto or
/// chrome://tracing): one row per rank, one box per task.
#include <cstdint>
#include <string>
#include <vector>

#include "rankwise/runtime/communicator.hpp"

namespace rankwise::graph {

/// One box in the trace.
struct TraceEvent {
  std::string name;      ///< the task or collective label
  std::string category;  ///< "task", "collective", "compute"
  double start = 0;      ///< seconds since the trace origin
  double duration = 0;   ///< seconds
  std::int64_t bytes_in = 0;   ///< bytes received for it from other ranks
  std::int64_t bytes_out = 0;  ///< bytes sent to other ranks
  int rank = 0;

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & name & category & start & duration & bytes_in & bytes_out & rank;
  }
};

/// Process-wide trace recorder (one per process; off unless RANKWISE_TRACE is set).
class Trace {
 public:
  /// True when RANKWISE_TRACE names an output file. Local.
  static bool enabled();
  /// Seconds since the trace origin (set by begin()). Local.
  static double now();
  /// Sets the common time origin on first use (one barrier). Collective.
  static void begin(const Communicator& comm);
  /// Appends an event of this rank. Local.
  static void record(TraceEvent event);
  /// Gathers every rank's new events to rank 0, which rewrites the trace file with all events
  /// so far (atomically: a temporary file renamed). Collective.
  static void flush(const Communicator& comm);
  /// Renders events as Chrome trace-event JSON. Local.
  static std::string to_json(const std::vector<TraceEvent>& events, int num_ranks);
};

}  // namespace rankwise::graph
