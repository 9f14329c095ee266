#pragma once
/// Task: one node of the block-level task graph.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rankwise/graph/value.hpp"
#include "rankwise/runtime/communicator.hpp"
#include "rankwise/runtime/owner_map.hpp"

namespace rankwise::graph {

/// Index of a task in its TaskGraph. Tasks are numbered in insertion order, which is a
/// topological order (inputs are added before their consumers).
using TaskId = std::int64_t;

/// Stable identity of a task: a name and a block index, e.g. ("sum-chunk", {2, 0}). Two tasks
/// with the same key in one graph are the same task (added once, computed once).
struct TaskKey {
  std::string name;
  std::vector<std::int64_t> index;

  bool operator==(const TaskKey&) const = default;
  /// "name(2,0)" or "name" when the index is empty. Local.
  std::string str() const;
};

/// A task's kernel: inputs in the order of Task::inputs, all present on this rank.
using Kernel = std::function<Value(std::span<const Value* const> inputs)>;

/// One input of a collective task, present on this rank.
struct LocalInput {
  std::size_t position;  ///< index into Task::inputs
  const Value* value;
};

/// A collective task's kernel: every rank calls it with the inputs that are on that rank; it
/// combines them with MPI collectives over `comm` and returns the same value on every rank.
/// It must not throw on some ranks only (agree first: runtime/agree.hpp).
using CollectiveKernel =
    std::function<Value(const Communicator& comm, std::span<const LocalInput> local_inputs)>;

/// One unit of work.
struct Task {
  TaskKey key;
  std::string label;            ///< what the trace, progress and errors show ("avg", "sum block 3")
  std::vector<TaskId> inputs;   ///< tasks whose results the kernel needs, in argument order
  Kernel kernel;                ///< for an ordinary task
  CollectiveKernel collective;  ///< for a collective task (runs on every rank); kernel stays empty
  Codec codec;                  ///< how the result crosses ranks
  double cost = 1e-6;           ///< estimated seconds of work (a hint for the partitioner)
  std::int64_t output_bytes = 64;  ///< estimated size of the result
  int pinned_rank = -1;         ///< >= 0: run on this rank, whatever else holds
  std::optional<OwnerMap> owner_map;  ///< with block: owner-computes on owner_map.owner(block)
  std::int64_t block = -1;

  bool is_collective() const noexcept { return static_cast<bool>(collective); }
};

}  // namespace rankwise::graph
