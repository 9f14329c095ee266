#pragma once
/// dask.delayed for rankwise: wrap a function, call it lazily, compute the graph on all ranks.
///
///     auto l1_avg = rw::delayed(avg, {.name = "avg"})(l1);
///     auto l2_avg = rw::delayed(avg, {.name = "avg"})(l2);
///     auto total  = rw::delayed(add, {.name = "add"})(l1_avg, l2_avg);
///     double v = total.compute();        // avg and avg run on two ranks at once
#include <cstdint>
#include <memory>
#include <source_location>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "rankwise/graph/task_graph.hpp"
#include "rankwise/runtime/communicator.hpp"
#include "rankwise/runtime/environment.hpp"

// The delayed module's names live in namespace rankwise itself: `rw::delayed(f)` is a function,
// so no namespace may be called rankwise::delayed. Internals are in rankwise::delayed_detail.
namespace rankwise {

/// How a delayed call becomes a task. Members in the order a designated initialiser lists them.
struct DelayedOptions {
  std::string name;              ///< label in graphs, traces, errors (default "delayed@file:line")
  double cost = -1;              ///< estimated seconds of work; < 0: unknown (the default 1 µs)
  int pin = -1;                  ///< >= 0: always run on this rank
  std::int64_t output_bytes = -1;  ///< estimated result size; < 0: sizeof the result type
};

namespace delayed_detail {

struct Node {
  graph::TaskKey key;
  std::string label;
  std::vector<std::shared_ptr<const Node>> inputs;
  graph::Kernel kernel;
  graph::Codec codec;
  double cost = 1e-6;
  int pin = -1;
  std::int64_t output_bytes = 64;
  // Lowering bookkeeping: the task id this node got in lowering pass `lowered_in`. Saves a hash
  // map lookup per node; lowering is single-threaded, like graph building in every rank.
  mutable std::uint64_t lowered_in = 0;
  mutable graph::TaskId lowered_id = -1;
};
using NodePtr = std::shared_ptr<const Node>;

/// A process-wide serial number: every rank makes the same delayed calls in the same order, so
/// the n-th call has the same key everywhere.
std::int64_t next_serial();
/// Builds one task graph from the nodes reachable from `roots` (shared nodes once); `ids`
/// receives each root's task id.
graph::TaskGraph lower(std::span<const NodePtr> roots, std::vector<graph::TaskId>& ids);
/// Computes the roots on every rank. Collective.
std::vector<graph::Value> compute_nodes(std::span<const NodePtr> roots, const Communicator& comm);
/// Draws the graph of `root` (partitioned for comm.size() ranks) on rank 0. Collective.
void visualize_node(const NodePtr& root, const std::string& path, const Communicator& comm);
std::string default_name(const std::source_location& where);

}  // namespace delayed_detail

/// A lazy value of type R: the result of a delayed call. Cheap to copy (shares its node).
template <class R>
class Delayed {
 public:
  using value_type = R;

  explicit Delayed(delayed_detail::NodePtr node) : node_(std::move(node)) {}

  /// Runs the graph behind this value and returns it on every rank. Collective.
  R compute(const Communicator& comm = default_comm()) const {
    const delayed_detail::NodePtr roots[] = {node_};
    return delayed_detail::compute_nodes(roots, comm).front().template get<R>();
  }

  /// Draws the graph (`.dot`, `.svg` or `.png`) with each task's label and rank; rank 0 writes
  /// the file. Collective (errors such as a missing Graphviz are raised on every rank).
  void visualize(const std::string& path, const Communicator& comm = default_comm()) const {
    delayed_detail::visualize_node(node_, path, comm);
  }

  /// The task's label and key. Local.
  const std::string& label() const noexcept { return node_->label; }
  const graph::TaskKey& key() const noexcept { return node_->key; }
  const delayed_detail::NodePtr& node() const noexcept { return node_; }

 private:
  delayed_detail::NodePtr node_;
};

namespace delayed_detail {

// How each argument of a delayed call reaches the function: a plain value is stored; a Delayed
// is an input of the task; a vector of Delayed is a run of inputs, handed over as a vector.
template <class A>
struct Slot {
  A value;
  const A& resolve(std::span<const graph::Value* const>) const { return value; }
};
template <class U>
struct Slot<Delayed<U>> {
  std::size_t index;
  const U& resolve(std::span<const graph::Value* const> in) const { return in[index]->get<U>(); }
};
template <class U>
struct Slot<std::vector<Delayed<U>>> {
  std::size_t first, count;
  std::vector<U> resolve(std::span<const graph::Value* const> in) const {
    std::vector<U> out;
    out.reserve(count);
    for (std::size_t k = 0; k < count; ++k) out.push_back(in[first + k]->get<U>());
    return out;
  }
};

template <class T>
struct is_delayed : std::false_type {};
template <class U>
struct is_delayed<Delayed<U>> : std::true_type {};
template <class T>
struct is_delayed_list : std::false_type {};
template <class U, class Alloc>
struct is_delayed_list<std::vector<Delayed<U>, Alloc>> : std::true_type {};

template <class A>
Slot<std::decay_t<A>> make_slot(A&& arg, std::vector<NodePtr>& inputs) {
  using D = std::decay_t<A>;
  if constexpr (is_delayed<D>::value) {
    inputs.push_back(arg.node());
    return {inputs.size() - 1};
  } else if constexpr (is_delayed_list<D>::value) {
    const std::size_t first = inputs.size();
    for (const auto& d : arg) inputs.push_back(d.node());
    return {first, arg.size()};
  } else {
    return {std::forward<A>(arg)};
  }
}

template <class Slot>
using resolved_t = decltype(std::declval<const Slot&>().resolve({}));

}  // namespace delayed_detail

/// A function wrapped by delayed(): calling it records a task instead of running it.
template <class F>
class DelayedFunction {
 public:
  DelayedFunction(F f, DelayedOptions options, std::source_location where)
      : f_(std::make_shared<const F>(std::move(f))), options_(std::move(options)) {
    if (options_.name.empty()) options_.name = delayed_detail::default_name(where);
  }

  /// Records a call: arguments are plain values, Delayed<U>, or std::vector<Delayed<U>>;
  /// returns the lazy result. Local (nothing runs until compute()).
  template <class... Args>
  auto operator()(Args&&... args) const {
    std::vector<delayed_detail::NodePtr> inputs;
    // Braced initialisation evaluates the slots left to right, so inputs keep argument order.
    auto slots = std::tuple<decltype(delayed_detail::make_slot(std::forward<Args>(args), inputs))...>{
        delayed_detail::make_slot(std::forward<Args>(args), inputs)...};
    using Result = std::decay_t<std::invoke_result_t<
        const F&, delayed_detail::resolved_t<decltype(delayed_detail::make_slot(std::declval<Args>(), inputs))>...>>;
    static_assert(!std::is_void_v<Result>, "a delayed function must return a value");

    auto node = std::make_shared<delayed_detail::Node>();
    node->key = {options_.name, {delayed_detail::next_serial()}};
    node->label = options_.name;
    node->inputs = std::move(inputs);
    node->codec = graph::Codec::of<Result>();
    if (options_.cost >= 0) node->cost = options_.cost;
    node->pin = options_.pin;
    node->output_bytes = options_.output_bytes >= 0 ? options_.output_bytes
                                                    : static_cast<std::int64_t>(sizeof(Result));
    node->kernel = [f = f_, slots = std::move(slots)](std::span<const graph::Value* const> in) {
      return graph::Value::of<Result>(
          std::apply([&](const auto&... slot) { return (*f)(slot.resolve(in)...); }, slots));
    };
    return Delayed<Result>(std::move(node));
  }

 private:
  std::shared_ptr<const F> f_;
  DelayedOptions options_;
};

/// Wraps `f` so that calling it builds the task graph lazily (dask.delayed). Local.
template <class F>
DelayedFunction<std::decay_t<F>> delayed(F&& f, DelayedOptions options = {},
                                         std::source_location where = std::source_location::current()) {
  return {std::forward<F>(f), std::move(options), where};
}

/// Computes several delayed values at once, sharing common work; returns a tuple (C++17
/// structured bindings unpack it). Collective.
template <class... Rs>
std::tuple<Rs...> compute(const Delayed<Rs>&... values) {
  const delayed_detail::NodePtr roots[] = {values.node()...};
  const auto results = delayed_detail::compute_nodes(roots, default_comm());
  return [&]<std::size_t... K>(std::index_sequence<K...>) {
    return std::tuple<Rs...>{results[K].template get<Rs>()...};
  }(std::index_sequence_for<Rs...>{});
}

}  // namespace rankwise
