#include "rankwise/graph/partition.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "rankwise/error.hpp"

namespace rankwise::graph {

namespace {

// Depth-first post-order from the sinks (in id order), inputs in argument order. Subtrees come
// out contiguous, so cutting this order into runs keeps producers next to their consumers.
std::vector<TaskId> locality_order(const TaskGraph& graph) {
  const auto n = static_cast<std::size_t>(graph.size());
  std::vector<bool> has_consumer(n, false), visited(n, false);
  for (const auto& t : graph.tasks())
    for (TaskId in : t.inputs) has_consumer[static_cast<std::size_t>(in)] = true;
  std::vector<TaskId> order;
  order.reserve(n);
  std::vector<std::pair<TaskId, std::size_t>> stack;  // (task, next input to visit)
  for (TaskId sink = 0; sink < graph.size(); ++sink) {
    if (has_consumer[static_cast<std::size_t>(sink)]) continue;
    stack.push_back({sink, 0});
    visited[static_cast<std::size_t>(sink)] = true;
    while (!stack.empty()) {
      auto& [id, next] = stack.back();
      const auto& inputs = graph.task(id).inputs;
      if (next < inputs.size()) {
        const TaskId in = inputs[next++];
        if (!visited[static_cast<std::size_t>(in)]) {
          visited[static_cast<std::size_t>(in)] = true;
          stack.push_back({in, 0});
        }
        continue;
      }
      order.push_back(id);
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace

Partition partition(const TaskGraph& graph, int num_ranks, const CostModel& model) {
  RANKWISE_CHECK(num_ranks >= 1, ValueError, "partition: need at least one rank");
  const auto n = static_cast<std::size_t>(graph.size());
  Partition out;
  out.num_ranks = num_ranks;
  out.rank_of.assign(n, 0);

  // 1. Fixed placements: collective, pinned, owner-computes.
  std::vector<bool> placed(n, false);
  for (TaskId id = 0; id < graph.size(); ++id) {
    const Task& t = graph.task(id);
    const auto i = static_cast<std::size_t>(id);
    if (t.is_collective()) {
      out.rank_of[i] = kEveryRank;
    } else if (t.pinned_rank >= 0) {
      RANKWISE_CHECK(t.pinned_rank < num_ranks, ValueError,
                     "task '" + t.label + "' is pinned to rank " + std::to_string(t.pinned_rank) +
                         " but only " + std::to_string(num_ranks) + " ranks run");
      out.rank_of[i] = t.pinned_rank;
    } else if (t.owner_map) {
      RANKWISE_CHECK(t.owner_map->num_ranks() == num_ranks, ValueError,
                     "task '" + t.label + "' is bound to " + t.owner_map->describe() +
                         " but the graph runs on " + std::to_string(num_ranks) + " ranks");
      out.rank_of[i] = t.owner_map->owner(t.block);
    } else {
      continue;
    }
    placed[i] = true;
  }

  // 2. Free tasks fed only by placed tasks follow their data: the rank holding most input bytes
  //    (ties: the lower rank). A collective's output is everywhere, so it attracts nothing.
  const auto order = locality_order(graph);
  std::vector<TaskId> dealt;  // free tasks left to deal, in locality order
  for (TaskId id : order) {
    const Task& t = graph.task(id);
    const auto i = static_cast<std::size_t>(id);
    if (placed[i]) continue;
    bool fed_by_placed = !t.inputs.empty();
    for (TaskId in : t.inputs) fed_by_placed = fed_by_placed && placed[static_cast<std::size_t>(in)];
    if (!fed_by_placed) {
      dealt.push_back(id);
      continue;
    }
    std::vector<std::int64_t> bytes(static_cast<std::size_t>(num_ranks), 0);
    for (TaskId in : t.inputs) {
      const int where = out.rank_of[static_cast<std::size_t>(in)];
      if (where != kEveryRank) bytes[static_cast<std::size_t>(where)] += graph.task(in).output_bytes + 1;
    }
    out.rank_of[i] = static_cast<int>(std::max_element(bytes.begin(), bytes.end()) - bytes.begin());
    placed[i] = true;
  }

  // 3. The other free tasks: the locality order cut into num_ranks contiguous runs of equal
  //    estimated cost. Contiguous runs keep subtrees (and siblings feeding one consumer) on one
  //    rank; equal cost balances the work.
  double total = 0;
  for (TaskId id : dealt) total += std::max(graph.task(id).cost, 0.0);
  const bool by_count = !(total > 0);
  if (by_count) total = static_cast<double>(dealt.size());
  double prefix = 0;
  for (TaskId id : dealt) {
    const double weight = by_count ? 1.0 : std::max(graph.task(id).cost, 0.0);
    const double middle = prefix + weight / 2;
    prefix += weight;
    out.rank_of[static_cast<std::size_t>(id)] =
        std::min(num_ranks - 1, static_cast<int>(std::floor(middle * num_ranks / total)));
  }

  // 4. The makespan this placement implies: each rank runs its tasks in id order; an input from
  //    another rank arrives after latency + bytes / bandwidth.
  std::vector<double> finish(n, 0.0), free_at(static_cast<std::size_t>(num_ranks), 0.0);
  for (TaskId id = 0; id < graph.size(); ++id) {
    const Task& t = graph.task(id);
    const auto i = static_cast<std::size_t>(id);
    const int rank = out.rank_of[i];
    double ready = 0;
    for (TaskId in : t.inputs) {
      const auto j = static_cast<std::size_t>(in);
      const bool local = rank == kEveryRank || out.rank_of[j] == rank || out.rank_of[j] == kEveryRank;
      ready = std::max(ready, finish[j] + (local ? 0.0
                                                 : model.message_latency +
                                                       static_cast<double>(graph.task(in).output_bytes) /
                                                           model.bandwidth));
    }
    if (rank == kEveryRank) {
      const double start = std::max(ready, *std::max_element(free_at.begin(), free_at.end()));
      finish[i] = start + std::max(t.cost, 0.0);
      std::fill(free_at.begin(), free_at.end(), finish[i]);
    } else {
      auto& at = free_at[static_cast<std::size_t>(rank)];
      finish[i] = std::max(ready, at) + std::max(t.cost, 0.0);
      at = finish[i];
    }
  }
  out.makespan = n ? *std::max_element(finish.begin(), finish.end()) : 0.0;
  return out;
}

}  // namespace rankwise::graph
