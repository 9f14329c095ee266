#pragma once
/// The static partitioner: which rank runs each task, as a pure function of (graph, ranks).
#include <vector>

#include "rankwise/graph/task_graph.hpp"

namespace rankwise::graph {

/// Rank of a collective task in a Partition: it runs on every rank.
inline constexpr int kEveryRank = -1;

/// The assignment of every task to a rank.
struct Partition {
  int num_ranks = 1;
  std::vector<int> rank_of;  ///< per task: a rank, or kEveryRank for collective tasks
  double makespan = 0;       ///< the partitioner's own estimate of the run time (seconds)
};

/// Cost model constants of the partitioner (seconds; bytes per second).
struct CostModel {
  double message_latency = 2e-6;
  double bandwidth = 5e9;
};

/// Assigns every task to a rank. Local and pure: the same graph and rank count give the same
/// partition on every rank, in every run, whatever the timing.
///
/// Rules, in order:
/// 1. a collective task runs everywhere; a pinned task on its pin; a task bound to a block on
///    the block's owner (owner-computes);
/// 2. a free task fed only by tasks placed by rule 1 follows its data: the rank that holds most
///    of its input bytes;
/// 3. the other free tasks (delayed graphs) are listed in depth-first post-order from the sinks,
///    which keeps every subtree contiguous, and that list is cut into `num_ranks` runs of equal
///    estimated cost: balance by cost, locality by keeping producers beside their consumers
///    (siblings feeding one consumer share a rank, like Dask's root-task co-assignment).
/// `makespan` estimates the run time of the result with `model`'s message costs.
/// Throws ValueError for a pin or an owner map that does not fit `num_ranks`.
Partition partition(const TaskGraph& graph, int num_ranks, const CostModel& model = {});

}  // namespace rankwise::graph
