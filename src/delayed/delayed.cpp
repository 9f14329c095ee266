#include "rankwise/delayed/delayed.hpp"

#include <atomic>
#include <filesystem>

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
  static std::uint64_t passes = 0;
  const std::uint64_t pass = ++passes;
  auto lowered = [pass](const Node* node) { return node->lowered_in == pass; };
  graph::TaskGraph g;
  // Iterative post-order walk: a chain of a million delayed calls must not overflow the stack.
  struct Frame {
    const NodePtr* node;
    std::size_t next_input;
  };
  std::vector<Frame> stack;
  for (const auto& root : roots) {
    if (!lowered(root.get())) stack.push_back({&root, 0});
    while (!stack.empty()) {
      auto& top = stack.back();
      const Node& node = **top.node;
      if (top.next_input < node.inputs.size()) {
        const NodePtr& input = node.inputs[top.next_input++];
        if (!lowered(input.get())) stack.push_back({&input, 0});
        continue;
      }
      const NodePtr& shared = *top.node;
      stack.pop_back();
      if (lowered(&node)) continue;  // reached twice before it was finished
      graph::Task task;
      task.key = node.key;
      task.label = node.label;
      // Capturing the node (16 bytes) keeps std::function from allocating a copy of the kernel.
      task.kernel = [n = shared](std::span<const graph::Value* const> in) { return n->kernel(in); };
      task.codec = node.codec;
      task.cost = node.cost;
      task.pinned_rank = node.pin;
      task.output_bytes = node.output_bytes;
      task.inputs.reserve(node.inputs.size());
      for (const auto& input : node.inputs) task.inputs.push_back(input->lowered_id);
      node.lowered_id = g.append(std::move(task));  // keys carry a serial: always new
      node.lowered_in = pass;
    }
    ids.push_back(root->lowered_id);
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
