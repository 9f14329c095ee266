// Per-task overhead of the task graph: N tiny tasks (increment), then a binary tree sum, through
// rankwise::delayed and through the raw graph API; and the talk's avg/avg/add example.
// Prints one JSON object per measurement on rank 0. Times are the slowest rank's, best of 5.
//   mpirun -n 2 build/bench/graph_overhead [tasks=100000] [sleep_seconds=1.0]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <thread>

#include <rankwise/rankwise.hpp>

#include "bench_common.hpp"

namespace rw = rankwise;

namespace {

using bench::best_of;

rw::Delayed<std::int64_t> delayed_tree(std::int64_t n) {
  auto inc = rw::delayed([](std::int64_t x) { return x + 1; }, {.name = "inc"});
  auto add = rw::delayed([](std::int64_t a, std::int64_t b) { return a + b; }, {.name = "add"});
  std::vector<rw::Delayed<std::int64_t>> level;
  level.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) level.push_back(inc(i));
  while (level.size() > 1) {
    std::vector<rw::Delayed<std::int64_t>> next;
    for (std::size_t k = 0; k + 1 < level.size(); k += 2) next.push_back(add(level[k], level[k + 1]));
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  return level.front();
}

rw::graph::TaskGraph raw_tree(std::int64_t n, rw::graph::TaskId& root) {
  using namespace rw::graph;
  TaskGraph g;
  std::vector<TaskId> level;
  auto task = [](std::string name, std::int64_t i, std::vector<TaskId> in, Kernel k) {
    Task t;
    t.key = {std::move(name), {i}};
    t.inputs = std::move(in);
    t.kernel = std::move(k);
    t.codec = Codec::of<std::int64_t>();
    t.output_bytes = 8;
    return t;
  };
  for (std::int64_t i = 0; i < n; ++i)
    level.push_back(g.add(task("inc", i, {}, [i](std::span<const Value* const>) { return Value::of<std::int64_t>(i + 1); })));
  std::int64_t serial = 0;
  while (level.size() > 1) {
    std::vector<TaskId> next;
    for (std::size_t k = 0; k + 1 < level.size(); k += 2)
      next.push_back(g.add(task("add", serial++, {level[k], level[k + 1]}, [](std::span<const Value* const> in) {
        return Value::of<std::int64_t>(in[0]->get<std::int64_t>() + in[1]->get<std::int64_t>());
      })));
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  root = level.front();
  return g;
}

void print(const char* name, std::int64_t tasks, double seconds) {
  if (rw::default_comm().is_root())
    std::printf("{\"name\": \"%s\", \"ranks\": %d, \"tasks\": %lld, \"seconds\": %.9f, \"us_per_task\": %.4f}\n",
                name, rw::default_comm().size(), static_cast<long long>(tasks), seconds,
                seconds / static_cast<double>(tasks) * 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  rw::Environment env(argc, argv);
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 100000;
  const double nap = argc > 2 ? std::atof(argv[2]) : 1.0;
  const std::int64_t tasks = 2 * n - 1;
  const std::int64_t expected = n * (n + 1) / 2;

  // Delayed API: building the graph, and compute() (lowering + partition + run + broadcast).
  double build = best_of(5, [&] { (void)delayed_tree(n); });
  print("delayed_build", tasks, build);
  auto root = delayed_tree(n);
  double run = best_of(5, [&] {
    if (root.compute() != expected) std::abort();
  });
  print("delayed_compute", tasks, run);

  // Raw graph API: the engine alone (partition + execute + broadcast).
  rw::graph::TaskId id = 0;
  const auto g = raw_tree(n, id);
  const rw::graph::TaskId outputs[] = {id};
  double engine = best_of(5, [&] {
    if (rw::graph::compute(g, outputs, env.comm()).front().get<std::int64_t>() != expected) std::abort();
  });
  print("graph_compute", tasks, engine);

  // The talk's example: avg(l1), avg(l2) sleeping `nap` s each, then add sleeping `nap` s.
  if (nap > 0) {
    auto avg = rw::delayed([nap](const std::vector<double>& xs) {
      std::this_thread::sleep_for(std::chrono::duration<double>(nap));
      return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
    }, {.name = "avg", .cost = nap});
    auto add = rw::delayed([nap](double a, double b) {
      std::this_thread::sleep_for(std::chrono::duration<double>(nap));
      return a + b;
    }, {.name = "add", .cost = nap});
    const std::vector<double> l1{1, 2, 3, 4, 5}, l2{6, 7, 8};
    rw::default_comm().barrier();
    rw::Timer t;
    const double value = add(avg(l1), avg(l2)).compute();
    const double seconds = bench::slowest(t.seconds());
    if (value != 3.0 + 7.0) std::abort();
    print("talk_avg_avg_add", 3, seconds);
  }
}
