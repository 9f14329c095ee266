#pragma once
/// The SPMD executor: every rank runs its own tasks of a partitioned graph.
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rankwise/graph/partition.hpp"
#include "rankwise/graph/task_graph.hpp"
#include "rankwise/runtime/communicator.hpp"

namespace rankwise::graph {

struct ExecuteOptions {
  std::string label = "compute";  ///< names this run in errors, the trace and the progress bar
};

/// Runs `graph` as `plan` assigns it and returns, on each rank, the values of the `keep` tasks
/// that ran there (collective tasks: on every rank). This is persist(): results stay where
/// they were computed.
///
/// Collective. Each rank runs its tasks in a topological order, preferring lower ids among those
/// whose inputs are present; a result needed elsewhere is sent (non-blocking) as soon as it
/// exists, once per destination rank; incoming results are matched while waiting; a value is
/// freed after its last local consumer. An exception in a task stops every rank: each throws
/// the same error, "<label>: rank R: task '<task label>': <message>", of the original class.
std::unordered_map<TaskId, Value> execute(const TaskGraph& graph, const Partition& plan,
                                          std::span<const TaskId> keep, const Communicator& comm,
                                          const ExecuteOptions& options = {});

/// Partitions and runs `graph`, then returns the values of `outputs` on every rank (each one
/// broadcast from where it was computed). This is compute(): for small results.
/// Collective; one broadcast per output beyond execute().
std::vector<Value> compute(const TaskGraph& graph, std::span<const TaskId> outputs,
                           const Communicator& comm, const ExecuteOptions& options = {});

}  // namespace rankwise::graph
