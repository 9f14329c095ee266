#include "rankwise/delayed/delayed.hpp"

#include <atomic>
#include <filesystem>
#include <unordered_map>

#include "rankwise/graph/dot.hpp"
#include "rankwise/graph/executor.hpp"
#include "rankwise/graph/partition.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::delayed_detail {

std::int64_t next_serial() {
  static std::atomic<std::int64_t> serial{0};
  return serial++;
}

std::string default_name(const std::source_location& where) {
  return "delayed@" + std::filesystem::path(where.file_name()).filename().string() + ":" +
         std::to_string(where.line());
}

graph::TaskGraph lower(std::span<const NodePtr> roots, std::vector<graph::TaskId>& ids) {
  graph::TaskGraph g;
  std::unordered_map<const Node*, graph::TaskId> done;
  // Iterative post-order walk: a chain of a million delayed calls must not overflow the stack.
  struct Frame {
    const Node* node;
    std::size_t next_input;
  };
  std::vector<Frame> stack;
  for (const auto& root : roots) {
    if (!done.count(root.get())) stack.push_back({root.get(), 0});
    while (!stack.empty()) {
      auto& top = stack.back();
      if (top.next_input < top.node->inputs.size()) {
        const Node* input = top.node->inputs[top.next_input++].get();
        if (!done.count(input)) stack.push_back({input, 0});
        continue;
      }
      const Node* node = top.node;
      stack.pop_back();
      if (done.count(node)) continue;
      graph::Task task;
      task.key = node->key;
      task.label = node->label;
      task.kernel = node->kernel;
      task.codec = node->codec;
      task.cost = node->cost;
      task.pinned_rank = node->pin;
      task.output_bytes = node->output_bytes;
      task.inputs.reserve(node->inputs.size());
      for (const auto& input : node->inputs) task.inputs.push_back(done.at(input.get()));
      done.emplace(node, g.add(std::move(task)));
    }
    ids.push_back(done.at(root.get()));
  }
  return g;
}

std::vector<graph::Value> compute_nodes(std::span<const NodePtr> roots, const Communicator& comm) {
  std::vector<graph::TaskId> ids;
  const auto g = lower(roots, ids);
  return graph::compute(g, ids, comm, {.label = "compute"});
}

void visualize_node(const NodePtr& root, const std::string& path, const Communicator& comm) {
  std::vector<graph::TaskId> ids;
  const NodePtr roots[] = {root};
  const auto g = lower(roots, ids);
  agree(comm, "visualize", [&] {
    const auto plan = graph::partition(g, comm.size());
    if (comm.is_root()) graph::write_graph_picture(g, plan, path);
  });
}

}  // namespace rankwise::delayed_detail
