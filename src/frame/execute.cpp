// Passes over partitions as task graphs (see detail/execute.hpp).
#include "frame/detail/execute.hpp"

#include "rankwise/graph/executor.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/environment.hpp"

namespace rankwise::frame_detail {

const Communicator& frame_comm() { return default_comm(); }

OwnerMap owners_of(const FrameNode& frame) {
  const auto& comm = frame_comm();
  if (frame.owners && frame.owners->num_blocks() == frame.nparts && frame.owners->num_ranks() == comm.size())
    return *frame.owners;
  return OwnerMap::block(frame.nparts, comm.size(), comm.rank());
}

namespace {
// One task per partition computing `partial`; returns the task ids, in partition order.
std::vector<graph::TaskId> add_partition_tasks(graph::TaskGraph& g, const FrameNode& frame, const std::string& label,
                                               std::shared_ptr<const Needs> needs, PartialFn partial) {
  const auto owners = owners_of(frame);
  std::vector<graph::TaskId> ids;
  for (std::int64_t p = 0; p < frame.nparts; ++p) {
    graph::Task t;
    t.key = {label, {p}};
    t.label = label;
    t.kernel = [p, needs, partial](std::span<const graph::Value* const>) {
      EvalContext ctx(p, *needs);
      return graph::Value::of(partial(ctx));
    };
    t.codec = graph::Codec::of<Bytes>();
    t.owner_map = owners;
    t.block = p;
    t.cost = 1e-2;
    ids.push_back(g.append(std::move(t)));
  }
  return ids;
}
}  // namespace

Bytes map_combine(const FrameNode& frame, const std::string& label, std::shared_ptr<const Needs> needs,
                  PartialFn partial, CombineFn combine) {
  graph::TaskGraph g;
  const auto ids = add_partition_tasks(g, frame, label, std::move(needs), std::move(partial));
  graph::Task c;
  c.key = {label + "-combine", {}};
  c.label = label + " (combine)";
  c.inputs = ids;
  c.codec = graph::Codec::of<Bytes>();
  c.collective = [combine](const Communicator& comm, std::span<const graph::LocalInput> in) {
    std::vector<std::pair<std::int64_t, const Bytes*>> local;
    for (const auto& i : in) local.emplace_back(static_cast<std::int64_t>(i.position), &i.value->get<Bytes>());
    std::sort(local.begin(), local.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return graph::Value::of(combine(comm, local));
  };
  const auto id = g.append(std::move(c));
  const std::vector<graph::TaskId> out{id};
  auto values = graph::compute(g, out, frame_comm(), {.label = label});
  return values[0].get<Bytes>();
}

std::vector<Bytes> all_partials(const FrameNode& frame, const std::string& label, std::shared_ptr<const Needs> needs,
                                PartialFn partial) {
  const auto nparts = frame.nparts;
  const Bytes all = map_combine(frame, label, std::move(needs), std::move(partial),
                                [](const Communicator& comm, const std::vector<std::pair<std::int64_t, const Bytes*>>& local) {
    // (partition, size, bytes) records from every rank.
    Bytes mine;
    for (const auto& [p, b] : local) {
      const std::int64_t head[2] = {p, static_cast<std::int64_t>(b->size())};
      mine.insert(mine.end(), reinterpret_cast<const char*>(head), reinterpret_cast<const char*>(head) + sizeof head);
      mine.insert(mine.end(), b->begin(), b->end());
    }
    std::vector<std::int64_t> offsets;
    return runtime::detail::allgatherv_bytes(comm, mine, offsets);
  });
  std::vector<Bytes> out(static_cast<std::size_t>(nparts));
  for (std::size_t at = 0; at < all.size();) {
    std::int64_t head[2];
    std::memcpy(head, all.data() + at, sizeof head);
    at += sizeof head;
    out[static_cast<std::size_t>(head[0])].assign(all.begin() + static_cast<std::ptrdiff_t>(at),
                                                  all.begin() + static_cast<std::ptrdiff_t>(at + static_cast<std::size_t>(head[1])));
    at += static_cast<std::size_t>(head[1]);
  }
  return out;
}

std::map<std::int64_t, Table> materialize(const FramePtr& frame, const std::string& label) {
  auto needs = std::make_shared<Needs>();
  needs->add_all(*frame);
  const auto owners = owners_of(*frame);
  graph::TaskGraph g;
  std::vector<graph::TaskId> ids;
  for (std::int64_t p = 0; p < frame->nparts; ++p) {
    graph::Task t;
    t.key = {label, {p}};
    t.label = label;
    t.kernel = [p, needs, frame](std::span<const graph::Value* const>) {
      EvalContext ctx(p, *needs);
      return graph::Value::of(ctx.frame(*frame));
    };
    t.codec = graph::Codec::of<Table>();
    t.owner_map = owners;
    t.block = p;
    t.cost = 1e-2;
    ids.push_back(g.append(std::move(t)));
  }
  const auto plan = graph::partition(g, frame_comm().size());
  auto values = graph::execute(g, plan, ids, frame_comm(), {.label = label});
  std::map<std::int64_t, Table> out;
  for (std::int64_t p = 0; p < frame->nparts; ++p)
    if (auto it = values.find(ids[static_cast<std::size_t>(p)]); it != values.end()) out.emplace(p, it->second.get<Table>());
  return out;
}

Table on_owner(int owner, const std::string& label, const std::function<Table()>& step) {
  const auto& comm = frame_comm();
  Bytes bytes = agree(comm, label, [&] { return comm.rank() == owner ? step().encode() : Bytes{}; });
  runtime::detail::bcast_bytes(comm, bytes, owner);
  return Table::decode(bytes);
}

}  // namespace rankwise::frame_detail
