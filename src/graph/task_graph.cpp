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

TaskId TaskGraph::add(Task task) {
  auto key = task.key.str();
  if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  const TaskId id = size();
  for (TaskId input : task.inputs)
    RANKWISE_CHECK(input >= 0 && input < id, ValueError,
                   "TaskGraph: task '" + key + "' names input " + std::to_string(input) +
                       ", which is not in the graph yet (add inputs first)");
  RANKWISE_CHECK(static_cast<bool>(task.kernel) != task.is_collective(), ValueError,
                 "TaskGraph: task '" + key + "' needs exactly one of kernel and collective");
  if (task.label.empty()) task.label = task.key.name;
  by_key_.emplace(std::move(key), id);
  tasks_.push_back(std::move(task));
  return id;
}

std::optional<TaskId> TaskGraph::find(const TaskKey& key) const {
  if (auto it = by_key_.find(key.str()); it != by_key_.end()) return it->second;
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
