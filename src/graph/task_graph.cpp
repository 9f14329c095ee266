#include "rankwise/graph/task_graph.hpp"

#include <string>

#include "rankwise/error.hpp"

namespace rankwise::graph {

std::string TaskKey::str() const {
  if (index.empty()) return name;
  std::string s = name + "(";
  for (std::size_t i = 0; i < index.size(); ++i) s += (i ? "," : "") + std::to_string(index[i]);
  return s + ")";
}

std::size_t TaskGraph::KeyHash::operator()(const TaskKey& key) const noexcept {
  std::size_t h = std::hash<std::string>{}(key.name);
  for (auto i : key.index) h = (h ^ std::hash<std::int64_t>{}(i)) * 0x100000001b3ULL;
  return h;
}

void TaskGraph::reserve(std::int64_t n) {
  tasks_.reserve(static_cast<std::size_t>(n));
}

void TaskGraph::index_keys() const {
  for (; indexed_ < size(); ++indexed_) by_key_.emplace(task(indexed_).key, indexed_);
}

TaskId TaskGraph::add(Task task) {
  index_keys();
  if (auto it = by_key_.find(task.key); it != by_key_.end()) return it->second;
  const TaskId id = append(std::move(task));
  by_key_.emplace(tasks_.back().key, id);
  indexed_ = size();
  return id;
}

TaskId TaskGraph::append(Task task) {
  const TaskId id = size();
  for (TaskId input : task.inputs)
    RANKWISE_CHECK(input >= 0 && input < id, ValueError,
                   "TaskGraph: task '" + task.key.str() + "' names input " + std::to_string(input) +
                       ", which is not in the graph yet (add inputs first)");
  RANKWISE_CHECK(static_cast<bool>(task.kernel) != task.is_collective(), ValueError,
                 "TaskGraph: task '" + task.key.str() + "' needs exactly one of kernel and collective");
  if (task.label.empty()) task.label = task.key.name;
  tasks_.push_back(std::move(task));
  return id;
}

std::optional<TaskId> TaskGraph::find(const TaskKey& key) const {
  index_keys();
  if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::vector<TaskId>> TaskGraph::consumers() const {
  std::vector<std::vector<TaskId>> out(tasks_.size());
  for (TaskId id = 0; id < size(); ++id)
    for (TaskId input : task(id).inputs) {
      auto& list = out[static_cast<std::size_t>(input)];
      if (list.empty() || list.back() != id) list.push_back(id);  // an input used twice counts once
    }
  return out;
}

}  // namespace rankwise::graph
