#pragma once
// Small task graphs shared by the graph tests.
#include <cstdint>
#include <string>

#include "rankwise/graph/task_graph.hpp"

namespace rankwise::testing {

/// A task computing `fn` of its inputs (all T), returning R.
template <class R, class T = R, class Fn>
graph::Task make_task(std::string name, std::int64_t index, std::vector<graph::TaskId> inputs,
                      Fn fn, int pin = -1) {
  graph::Task t;
  t.key = {std::move(name), {index}};
  t.inputs = std::move(inputs);
  t.pinned_rank = pin;
  t.codec = graph::Codec::of<R>();
  t.output_bytes = sizeof(R);
  t.kernel = [fn](std::span<const graph::Value* const> in) {
    std::vector<T> args;
    for (const auto* v : in) args.push_back(v->get<T>());
    return graph::Value::of<R>(fn(args));
  };
  return t;
}

/// `leaves` tasks returning i (i = 0..leaves-1), summed by a binary tree; returns the root id.
inline graph::TaskId add_tree_sum(graph::TaskGraph& g, std::int64_t leaves) {
  std::vector<graph::TaskId> level;
  for (std::int64_t i = 0; i < leaves; ++i)
    level.push_back(g.add(make_task<std::int64_t>("leaf", i, {}, [i](auto&) { return i; })));
  std::int64_t serial = 0;
  while (level.size() > 1) {
    std::vector<graph::TaskId> next;
    for (std::size_t k = 0; k < level.size(); k += 2) {
      if (k + 1 == level.size()) {
        next.push_back(level[k]);
        continue;
      }
      next.push_back(g.add(make_task<std::int64_t>(
          "add", serial++, {level[k], level[k + 1]}, [](auto& a) { return a[0] + a[1]; })));
    }
    level = std::move(next);
  }
  return level.front();
}

}  // namespace rankwise::testing
