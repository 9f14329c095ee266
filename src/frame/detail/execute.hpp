#pragma once
// Running a pass over a frame's partitions through the task graph: one task per partition on
// its owner (the partial), then one collective task that combines the partials.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "frame/detail/plan.hpp"
#include "rankwise/runtime/communicator.hpp"

namespace rankwise::frame_detail {

/// The communicator frames run on (the Environment's).
const Communicator& frame_comm();
/// Which rank owns each partition of `frame`.
OwnerMap owners_of(const FrameNode& frame);

using Bytes = std::vector<char>;
using PartialFn = std::function<Bytes(EvalContext& ctx)>;
/// This rank's partials (partition, bytes) in partition order -> the result, equal on every rank.
using CombineFn = std::function<Bytes(const Communicator& comm, const std::vector<std::pair<std::int64_t, const Bytes*>>& local)>;

/// Runs `partial` on every partition of `frame` where it is owned, then `combine` on every
/// rank. Collective; errors are agreed (the same error on every rank).
Bytes map_combine(const FrameNode& frame, const std::string& label, std::shared_ptr<const Needs> needs,
                  PartialFn partial, CombineFn combine);

/// Every partition's partial on every rank, indexed by partition. Collective (one allgatherv).
std::vector<Bytes> all_partials(const FrameNode& frame, const std::string& label,
                                std::shared_ptr<const Needs> needs, PartialFn partial);

/// Evaluates the partitions of `frame` this rank owns (all columns). Collective.
std::map<std::int64_t, Table> materialize(const FramePtr& frame, const std::string& label);

/// Runs `step` on `owner` only, then broadcasts its Table; a failure there is raised on every
/// rank. Collective.
Table on_owner(int owner, const std::string& label, const std::function<Table()>& step);

}  // namespace rankwise::frame_detail
