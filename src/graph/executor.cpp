#include "rankwise/graph/executor.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <queue>

#include <mpi.h>

#include "graph/detail/progress.hpp"
#include "rankwise/graph/trace.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/collectives.hpp"

namespace rankwise::graph {

namespace {

// Point-to-point tags of the executor. Every message sent in a run is received in that run
// (on failure, by the drain), so tags never leak into the next run.
constexpr int kDataTag = 0x5257;      // [task id : int64][encoded value]
constexpr int kAbortTag = 0x5258;     // [serialized Failure]: a task failed on the sender
constexpr int kProgressTag = 0x5259;  // [tasks done : int64][final : int64]
constexpr std::int64_t kPollEvery = 256;  // tasks between checks for an abort when idle of input

using runtime::check_mpi;
using runtime::Failure;

class Run {
 public:
  Run(const TaskGraph& graph, const Partition& plan, std::span<const TaskId> keep,
      const Communicator& comm, const ExecuteOptions& options)
      : graph_(graph),
        plan_(plan),
        comm_(comm),
        options_(options),
        me_(comm.rank()),
        n_(static_cast<std::size_t>(graph.size())),
        store_(n_),
        missing_(n_, 0),
        uses_left_(n_, 0),
        keep_(n_, false),
        done_(n_, false),
        received_bytes_(n_, 0),
        sent_to_(static_cast<std::size_t>(comm.size()), 0),
        received_from_(static_cast<std::size_t>(comm.size()), 0),
        progress_(comm, options.label, graph.size()),
        tracing_(Trace::enabled()),
        first_failed_(comm.size()) {
    RANKWISE_CHECK(plan.num_ranks == comm.size() && plan.rank_of.size() == n_, ValueError,
                   options.label + ": the partition was made for " +
                       std::to_string(plan.num_ranks) + " ranks and " +
                       std::to_string(plan.rank_of.size()) + " tasks, not " +
                       std::to_string(comm.size()) + " ranks and " + std::to_string(n_) + " tasks");
    for (TaskId id : keep) keep_.at(static_cast<std::size_t>(id)) = true;
    prepare();
  }

  std::unordered_map<TaskId, Value> run() {
    if (tracing_) Trace::begin(comm_);
    const double started = tracing_ ? Trace::now() : 0;
    try {
      loop();
    } catch (...) {  // a failure of the executor itself (MPI, decoding): treat like a task's
      fail(runtime::capture_current_exception());
    }
    // The final checkpoint, unless a checkpoint before a collective already found a failure.
    const double checkpoint_start = tracing_ ? Trace::now() : 0;
    const int first_failed = first_failed_ != comm_.size()
                                 ? first_failed_
                                 : runtime::lowest_failed_rank(comm_, failure_.has_value());
    if (tracing_)
      Trace::record({"checkpoint (allreduce)", "collective", checkpoint_start,
                     Trace::now() - checkpoint_start, 0, 0, me_});
    if (first_failed != comm_.size()) {
      drain();
      runtime::raise_agreed_failure(comm_, options_.label, failure_, first_failed);
    }
    finish_progress();
    wait_sends();
    if (tracing_) {
      Trace::record({options_.label, "compute", started, Trace::now() - started, 0, 0, me_});
      Trace::flush(comm_);
    }
    std::unordered_map<TaskId, Value> kept;
    for (std::size_t i = 0; i < n_; ++i)
      if (keep_[i] && !store_[i].empty()) kept.emplace(static_cast<TaskId>(i), store_[i]);
    return kept;
  }

 private:
  bool is_local(std::size_t i) const {
    return plan_.rank_of[i] == me_ || plan_.rank_of[i] == kEveryRank;
  }

  // Counts inputs to wait for, local uses of every value, destinations of every result.
  void prepare() {
    destinations_.resize(n_);
    local_consumers_.resize(n_);
    std::vector<TaskId> distinct;
    for (std::size_t i = 0; i < n_; ++i) {
      const Task& t = graph_.task(static_cast<TaskId>(i));
      const int where = plan_.rank_of[i];
      if (where == kEveryRank) {
        collectives_.push_back(static_cast<TaskId>(i));
      } else if (where == me_) {
        local_order_.push_back(static_cast<TaskId>(i));
      }
      distinct.assign(t.inputs.begin(), t.inputs.end());
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      for (TaskId in : distinct) {
        const auto j = static_cast<std::size_t>(in);
        const int from = plan_.rank_of[j];
        if (where == kEveryRank) {  // collective: uses whatever inputs live here; nothing moves
          if (is_local(j)) ++uses_left_[j];
          continue;
        }
        if (from != where && from != kEveryRank) {  // a cross-rank edge
          auto& dest = destinations_[j];
          if (std::find(dest.begin(), dest.end(), where) == dest.end()) dest.push_back(where);
          if (where == me_ && uses_left_[j]++ == 0) ++expected_messages_;
        } else if (where == me_) {
          ++uses_left_[j];
        }
        if (where == me_) {
          ++missing_[i];
          local_consumers_[j].push_back(static_cast<TaskId>(i));
        }
      }
      if (where == me_ && missing_[i] == 0) ready_.push(static_cast<TaskId>(i));
    }
    for (std::size_t i = 0; i < n_; ++i)
      if (keep_[i] && is_local(i)) ++uses_left_[i];
  }

  void loop() {
    std::size_t next_collective = 0, lowest_unrun = 0;
    std::int64_t since_poll = 0;
    while (!stopped_) {
      while (lowest_unrun < local_order_.size() &&
             done_[static_cast<std::size_t>(local_order_[lowest_unrun])])
        ++lowest_unrun;
      const bool tasks_left = lowest_unrun < local_order_.size();
      if (next_collective < collectives_.size()) {
        const TaskId c = collectives_[next_collective];
        // A collective starts once every local task before it has run (deadlock freedom), and
        // after a checkpoint, so no rank enters it while another has failed.
        if (!tasks_left || local_order_[lowest_unrun] > c) {
          const double checkpoint_start = tracing_ ? Trace::now() : 0;
          first_failed_ = runtime::lowest_failed_rank(comm_, false);
          if (tracing_)
            Trace::record({"checkpoint (allreduce)", "collective", checkpoint_start,
                           Trace::now() - checkpoint_start, 0, 0, me_});
          if (first_failed_ != comm_.size()) return;
          run_collective(c);
          ++next_collective;
          continue;
        }
      } else if (!tasks_left) {
        return;
      }
      const bool waiting_for_input = received_messages_ < expected_messages_;
      if ((waiting_for_input || progress_.enabled() || ++since_poll >= kPollEvery)) {
        since_poll = 0;
        poll(/*block=*/ready_.empty() && waiting_for_input);
        if (stopped_) return;
      }
      if (!ready_.empty()) {
        const TaskId id = ready_.top();
        ready_.pop();
        run_task(id);
      }
    }
  }

  void run_task(TaskId id) {
    const auto i = static_cast<std::size_t>(id);
    const Task& t = graph_.task(id);
    inputs_.clear();
    std::int64_t bytes_in = 0;
    for (TaskId in : t.inputs) {
      inputs_.push_back(&store_[static_cast<std::size_t>(in)]);
      bytes_in += received_bytes_[static_cast<std::size_t>(in)];
    }
    const double start = tracing_ ? Trace::now() : 0;
    Value result;
    try {
      result = t.kernel(inputs_);
    } catch (...) {
      auto failure = runtime::capture_current_exception();
      if (failure.origin_rank < 0) failure.message = "task '" + t.label + "': " + failure.message;
      fail(std::move(failure));
      return;
    }
    std::int64_t bytes_out = 0;
    if (!destinations_[i].empty()) bytes_out = send_result(id, result);
    finish(id, std::move(result));
    if (tracing_) Trace::record({t.label, "task", start, Trace::now() - start, bytes_in, bytes_out, me_});
  }

  void run_collective(TaskId id) {
    const Task& t = graph_.task(id);
    std::vector<LocalInput> local;
    for (std::size_t k = 0; k < t.inputs.size(); ++k) {
      const auto j = static_cast<std::size_t>(t.inputs[k]);
      if (is_local(j)) local.push_back({k, &store_[j]});
    }
    const double start = tracing_ ? Trace::now() : 0;
    Value result;
    try {
      result = t.collective(comm_, local);
    } catch (...) {
      // Collective kernels agree on their errors, so every rank is here with the same error.
      auto failure = runtime::capture_current_exception();
      stopped_ = true;
      throw Error(failure.message, failure.kind, failure.origin_rank >= 0 ? failure.origin_rank : me_);
    }
    finish(id, std::move(result));
    if (tracing_) Trace::record({t.label, "collective", start, Trace::now() - start, 0, 0, me_});
  }

  // Stores a result here, wakes local consumers, frees inputs that have no use left.
  void finish(TaskId id, Value result) {
    const auto i = static_cast<std::size_t>(id);
    done_[i] = true;
    if (uses_left_[i] > 0) store_[i] = std::move(result);
    for (TaskId consumer : local_consumers_[i])
      if (--missing_[static_cast<std::size_t>(consumer)] == 0) ready_.push(consumer);
    const Task& t = graph_.task(id);
    const auto first = t.inputs.begin();
    for (auto it = first; it != t.inputs.end(); ++it) {
      const auto j = static_cast<std::size_t>(*it);
      if (std::find(first, it, *it) != it) continue;  // an input used twice is one use
      if (t.is_collective() && !is_local(j)) continue;  // a collective used only local inputs
      if (uses_left_[j] > 0 && --uses_left_[j] == 0) store_[j] = Value{};
    }
    if (plan_.rank_of[i] != kEveryRank && progress_.tick()) report_progress(false);
    if (me_ == 0) progress_.draw();
  }

  std::int64_t send_result(TaskId id, const Value& result) {
    const Codec& codec = graph_.task(id).codec;
    RANKWISE_CHECK(codec.encode, Error,
                   "task '" + graph_.task(id).label + "' has no codec but its result is needed on another rank");
    auto payload = codec.encode(result);
    std::vector<char> message(sizeof(std::int64_t) + payload.size());
    const std::int64_t id64 = id;
    std::memcpy(message.data(), &id64, sizeof id64);
    if (!payload.empty()) std::memcpy(message.data() + sizeof id64, payload.data(), payload.size());
    const auto& dests = destinations_[static_cast<std::size_t>(id)];
    auto shared = std::make_shared<std::vector<char>>(std::move(message));
    for (int dest : dests) post_send(dest, kDataTag, shared);
    return static_cast<std::int64_t>(shared->size() * dests.size());
  }

  void post_send(int dest, int tag, std::shared_ptr<std::vector<char>> buffer) {
    MPI_Request request;
    check_mpi(MPI_Isend(buffer->data(),
                        runtime::detail::mpi_count(buffer->size(), "MPI_Isend"), MPI_BYTE, dest,
                        tag, comm_.native(), &request),
              "MPI_Isend");
    ++sent_to_[static_cast<std::size_t>(dest)];
    sends_.push_back(request);
    send_buffers_.push_back(std::move(buffer));
    if (sends_.size() >= 64) reap_sends();
  }

  // Frees the buffers of sends that completed.
  void reap_sends() {
    std::vector<int> indices(sends_.size());
    int count = 0;
    check_mpi(MPI_Testsome(static_cast<int>(sends_.size()), sends_.data(), &count, indices.data(),
                           MPI_STATUSES_IGNORE),
              "MPI_Testsome");
    if (count <= 0) return;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < sends_.size(); ++k)
      if (sends_[k] != MPI_REQUEST_NULL) {
        sends_[kept] = sends_[k];
        send_buffers_[kept] = std::move(send_buffers_[k]);
        ++kept;
      }
    sends_.resize(kept);
    send_buffers_.resize(kept);
  }

  void wait_sends() {
    if (!sends_.empty())
      check_mpi(MPI_Waitall(static_cast<int>(sends_.size()), sends_.data(), MPI_STATUSES_IGNORE),
                "MPI_Waitall");
    sends_.clear();
    send_buffers_.clear();
  }

  // Receives what has arrived; with `block`, waits for at least one message.
  void poll(bool block) {
    while (true) {
      MPI_Message message;
      MPI_Status status;
      int found = 0;
      if (block) {
        check_mpi(MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_.native(), &message, &status),
                  "MPI_Mprobe");
        found = 1;
        block = false;
      } else {
        check_mpi(MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_.native(), &found, &message, &status),
                  "MPI_Improbe");
      }
      if (!found) return;
      receive(message, status);
      if (stopped_) return;
    }
  }

  void receive(MPI_Message& message, const MPI_Status& status) {
    int size = 0;
    check_mpi(MPI_Get_count(&status, MPI_BYTE, &size), "MPI_Get_count");
    std::vector<char> bytes(static_cast<std::size_t>(size));
    check_mpi(MPI_Mrecv(bytes.data(), size, MPI_BYTE, &message, MPI_STATUS_IGNORE), "MPI_Mrecv");
    ++received_from_[static_cast<std::size_t>(status.MPI_SOURCE)];
    if (status.MPI_TAG == kAbortTag) {
      stopped_ = true;  // the sender failed; its error is agreed at the checkpoint
      return;
    }
    if (status.MPI_TAG == kProgressTag) {
      std::int64_t done = 0;
      std::memcpy(&done, bytes.data(), sizeof done);
      progress_.update(status.MPI_SOURCE, done);
      progress_.draw();
      return;
    }
    std::int64_t id = 0;
    std::memcpy(&id, bytes.data(), sizeof id);
    const auto i = static_cast<std::size_t>(id);
    const Codec& codec = graph_.task(id).codec;
    store_[i] = codec.decode(std::span<const char>(bytes).subspan(sizeof id));
    received_bytes_[i] = size;
    ++received_messages_;
    for (TaskId consumer : local_consumers_[i])
      if (--missing_[static_cast<std::size_t>(consumer)] == 0) ready_.push(consumer);
  }

  void report_progress(bool final) {
    if (me_ == 0) return;
    auto buffer = std::make_shared<std::vector<char>>(2 * sizeof(std::int64_t));
    const std::int64_t fields[2] = {progress_.local_done(), final ? 1 : 0};
    std::memcpy(buffer->data(), fields, sizeof fields);
    post_send(0, kProgressTag, std::move(buffer));
  }

  // Success path: rank 0 collects each rank's last report, so no report is left unreceived.
  void finish_progress() {
    if (!progress_.enabled()) return;
    if (me_ != 0) {
      report_progress(true);
      return;
    }
    for (int r = 1; r < comm_.size(); ++r) {
      bool final = false;
      while (!final) {
        MPI_Message message;
        MPI_Status status;
        check_mpi(MPI_Mprobe(r, kProgressTag, comm_.native(), &message, &status), "MPI_Mprobe");
        std::int64_t fields[2] = {0, 0};
        check_mpi(MPI_Mrecv(fields, sizeof fields, MPI_BYTE, &message, MPI_STATUS_IGNORE), "MPI_Mrecv");
        progress_.update(r, fields[0]);
        final = fields[1] != 0;
      }
    }
    progress_.draw(/*final=*/true);
  }

  // A task here failed: tell every other rank to stop, then go to the checkpoint.
  void fail(Failure failure) {
    stopped_ = true;
    if (failure_) return;
    failure_ = std::move(failure);
    auto buffer = std::make_shared<std::vector<char>>(runtime::to_bytes(*failure_));
    for (int r = 0; r < comm_.size(); ++r)
      if (r != me_) post_send(r, kAbortTag, buffer);
  }

  // Failure path: receive every message still in flight, so none leaks into a later run.
  void drain() {
    const auto p = static_cast<std::size_t>(comm_.size());
    std::vector<std::int64_t> incoming(p);
    check_mpi(MPI_Alltoall(sent_to_.data(), 1, MPI_INT64_T, incoming.data(), 1, MPI_INT64_T,
                           comm_.native()),
              "MPI_Alltoall");
    for (std::size_t r = 0; r < p; ++r)
      for (auto k = received_from_[r]; k < incoming[r]; ++k) {
        MPI_Message message;
        MPI_Status status;
        check_mpi(MPI_Mprobe(static_cast<int>(r), MPI_ANY_TAG, comm_.native(), &message, &status),
                  "MPI_Mprobe");
        int size = 0;
        MPI_Get_count(&status, MPI_BYTE, &size);
        std::vector<char> discard(static_cast<std::size_t>(size));
        check_mpi(MPI_Mrecv(discard.data(), size, MPI_BYTE, &message, MPI_STATUS_IGNORE), "MPI_Mrecv");
      }
    wait_sends();
  }

  const TaskGraph& graph_;
  const Partition& plan_;
  const Communicator& comm_;
  const ExecuteOptions& options_;
  const int me_;
  const std::size_t n_;

  std::vector<Value> store_;              // results present on this rank, by task id
  std::vector<int> missing_;              // local tasks: distinct inputs not yet present
  std::vector<int> uses_left_;            // values here: local uses still to come (+1 if kept)
  std::vector<bool> keep_, done_;
  std::vector<std::int64_t> received_bytes_;
  std::vector<std::vector<int>> destinations_;        // other ranks that need each result
  std::vector<std::vector<TaskId>> local_consumers_;  // this rank's consumers of each value
  std::vector<TaskId> local_order_, collectives_;
  std::priority_queue<TaskId, std::vector<TaskId>, std::greater<>> ready_;
  std::vector<const Value*> inputs_;

  std::vector<MPI_Request> sends_;
  std::vector<std::shared_ptr<std::vector<char>>> send_buffers_;
  std::vector<std::int64_t> sent_to_, received_from_;
  std::int64_t expected_messages_ = 0, received_messages_ = 0;

  detail::Progress progress_;
  const bool tracing_;
  bool stopped_ = false;
  int first_failed_ = -1;  // set by a failed checkpoint before a collective
  std::optional<Failure> failure_;
};

// A cheap fingerprint of the graph's shape (sizes, key indices, edges, placement). Every rank
// must build the same graph; a program that builds different graphs on different ranks would
// otherwise hang or mix results.
std::uint64_t fingerprint(const TaskGraph& graph, const Partition& plan) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  mix(static_cast<std::uint64_t>(graph.size()));
  for (TaskId id = 0; id < graph.size(); ++id) {
    const Task& t = graph.task(id);
    mix(t.key.name.size());
    for (auto i : t.key.index) mix(static_cast<std::uint64_t>(i));
    for (auto in : t.inputs) mix(static_cast<std::uint64_t>(in));
    mix(static_cast<std::uint64_t>(plan.rank_of[static_cast<std::size_t>(id)] + 2));
  }
  return h;
}

void check_same_graph(const TaskGraph& graph, const Partition& plan, const Communicator& comm,
                      const std::string& label) {
  const std::uint64_t h = fingerprint(graph, plan);
  std::uint64_t both[2] = {h, ~h};  // max of h and of ~h: equal to (h, ~h) only if all agree
  runtime::allreduce_inplace<std::uint64_t>(comm, both, ReduceOp::max);
  if (both[0] != h || both[1] != ~h)
    throw ValueError(label + ": the ranks built different task graphs; every rank must run the "
                     "same program and build the same collections in the same order");
}

}  // namespace

std::unordered_map<TaskId, Value> execute(const TaskGraph& graph, const Partition& plan,
                                          std::span<const TaskId> keep, const Communicator& comm,
                                          const ExecuteOptions& options) {
  check_same_graph(graph, plan, comm, options.label);
  return Run(graph, plan, keep, comm, options).run();
}

std::vector<Value> compute(const TaskGraph& graph, std::span<const TaskId> outputs,
                           const Communicator& comm, const ExecuteOptions& options) {
  const auto plan = partition(graph, comm.size());
  auto kept = execute(graph, plan, outputs, comm, options);
  const bool tracing = Trace::enabled();
  const double start = tracing ? Trace::now() : 0;
  std::int64_t bytes = 0;
  std::vector<Value> values;
  values.reserve(outputs.size());
  for (TaskId id : outputs) {
    const int owner = plan.rank_of.at(static_cast<std::size_t>(id));
    if (owner == kEveryRank) {
      values.push_back(kept.at(id));
      continue;
    }
    const Codec& codec = graph.task(id).codec;
    std::vector<char> payload;
    if (comm.rank() == owner) payload = codec.encode(kept.at(id));
    runtime::detail::bcast_bytes(comm, payload, owner);
    bytes += static_cast<std::int64_t>(payload.size());
    values.push_back(comm.rank() == owner ? kept.at(id) : codec.decode(payload));
  }
  if (tracing) {
    Trace::record({"broadcast results", "collective", start, Trace::now() - start,
                   comm.rank() == 0 ? 0 : bytes, 0, comm.rank()});
    Trace::flush(comm);
  }
  return values;
}

}  // namespace rankwise::graph
