#pragma once
/// TaskGraph: tasks in a topological order, with keys for de-duplication.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rankwise/graph/task.hpp"

namespace rankwise::graph {

/// A directed acyclic graph of tasks. Every rank builds the same graph from the same program,
/// so the graph itself is never communicated. Ids are insertion order, a topological order.
class TaskGraph {
 public:
  /// Adds `task` and returns its id; a task whose key is already present is not added again and
  /// the existing id is returned. Throws ValueError when an input id does not exist yet. Local.
  TaskId add(Task task);
  /// Appends `task`, whose key the caller guarantees is not in the graph yet (as when keys carry
  /// a serial number); skips the duplicate check that add() makes. Local.
  TaskId append(Task task);
  /// Makes room for `n` tasks (saves re-allocation when the size is known). Local.
  void reserve(std::int64_t n);
  /// The id of the task with `key`, if any. Local.
  std::optional<TaskId> find(const TaskKey& key) const;

  std::int64_t size() const noexcept { return static_cast<std::int64_t>(tasks_.size()); }
  const Task& task(TaskId id) const { return tasks_.at(static_cast<std::size_t>(id)); }
  Task& task(TaskId id) { return tasks_.at(static_cast<std::size_t>(id)); }
  const std::vector<Task>& tasks() const noexcept { return tasks_; }
  /// For each task, the tasks that consume it (ascending). Computed on demand. Local.
  std::vector<std::vector<TaskId>> consumers() const;

 private:
  std::vector<Task> tasks_;
  struct KeyHash {
    std::size_t operator()(const TaskKey& key) const noexcept;
  };
  // Index of keys, built lazily: covers tasks [0, indexed_) so append() never hashes.
  void index_keys() const;
  mutable std::unordered_map<TaskKey, TaskId, KeyHash> by_key_;
  mutable std::int64_t indexed_ = 0;
};

}  // namespace rankwise::graph
