// The SPMD executor at 1, 2 and 3 ranks: values cross ranks, errors are agreed, nothing hangs.
#include <map>
#include <thread>

#include "rankwise/graph/executor.hpp"
#include "support/graph_builders.hpp"
#include "support/mpi_test.hpp"

using namespace rankwise;
using namespace rankwise::graph;
using rankwise::testing::comm;
using rankwise::testing::make_task;

namespace {

int last_rank() { return comm().size() - 1; }

template <class T>
T compute_one(const TaskGraph& g, TaskId id) {
  const TaskId outputs[] = {id};
  return compute(g, outputs, comm()).front().get<T>();
}

struct Particle {
  std::string name;
  std::vector<double> position;
  std::map<std::string, int> tags;
  bool operator==(const Particle&) const = default;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & name & position & tags;
  }
};

// A task producing T on `from` and a consumer on `to` that returns it unchanged.
template <class T>
T round_trip(T value, int from, int to) {
  TaskGraph g;
  Task produce;
  produce.key = {"produce", {}};
  produce.codec = Codec::of<T>();
  produce.pinned_rank = from;
  produce.kernel = [value](std::span<const Value* const>) { return Value::of<T>(value); };
  const auto p = g.add(produce);
  Task consume = produce;
  consume.key = {"consume", {}};
  consume.inputs = {p};
  consume.pinned_rank = to;
  consume.kernel = [](std::span<const Value* const> in) { return Value::of<T>(in[0]->get<T>()); };
  return compute_one<T>(g, g.add(consume));
}

}  // namespace

TEST(Executor, ValuesCrossRanksRawAndSerialized) {
  const int from = last_rank(), to = 0;
  EXPECT_EQ(round_trip(42.5, from, to), 42.5);
  EXPECT_EQ(round_trip(std::string(10000, 'q'), from, to), std::string(10000, 'q'));
  const std::map<std::string, int> m{{"a", 1}, {"b", 2}};
  EXPECT_EQ(round_trip(m, from, to), m);
  const std::vector<double> v{1.5, -2.0, 3.25};
  EXPECT_EQ(round_trip(v, from, to), v);
  EXPECT_EQ(round_trip(std::vector<double>{}, from, to), std::vector<double>{});
  const Particle particle{"p", {0.1, 0.2}, {{"x", 3}}};
  EXPECT_EQ(round_trip(particle, from, to), particle);
}

// A chain hopping across every rank: each link adds its own index.
TEST(Executor, ChainAcrossRanks) {
  TaskGraph g;
  TaskId last = g.add(make_task<std::int64_t>("start", 0, {}, [](auto&) { return std::int64_t{0}; }));
  for (std::int64_t k = 1; k <= 20; ++k)
    last = g.add(make_task<std::int64_t>("link", k, {last}, [k](auto& a) { return a[0] + k; },
                                         static_cast<int>(k % comm().size())));
  EXPECT_EQ(compute_one<std::int64_t>(g, last), 210);
}

TEST(Executor, DiamondAndInputUsedTwice) {
  TaskGraph g;
  const auto a = g.add(make_task<std::int64_t>("a", 0, {}, [](auto&) { return std::int64_t{3}; }, 0));
  const auto b = g.add(make_task<std::int64_t>("b", 0, {a}, [](auto& x) { return x[0] * 2; }, last_rank()));
  const auto c = g.add(make_task<std::int64_t>("c", 0, {a}, [](auto& x) { return x[0] + 1; }, comm().size() / 2));
  const auto d = g.add(make_task<std::int64_t>("d", 0, {b, c, b}, [](auto& x) { return x[0] * x[1] + x[2]; }, 0));
  EXPECT_EQ(compute_one<std::int64_t>(g, d), 6 * 4 + 6);
}

TEST(Executor, FanInOfOneThousandInputs) {
  TaskGraph g;
  std::vector<TaskId> inputs;
  for (std::int64_t i = 0; i < 1000; ++i)
    inputs.push_back(g.add(make_task<std::int64_t>("leaf", i, {}, [i](auto&) { return i * i; })));
  const auto total = g.add(make_task<std::int64_t>("sum", 0, inputs, [](auto& a) {
    std::int64_t s = 0;
    for (auto x : a) s += x;
    return s;
  }));
  EXPECT_EQ(compute_one<std::int64_t>(g, total), 999LL * 1000 * 1999 / 6);
}

TEST(Executor, TreeSumOfManyTasks) {
  TaskGraph g;
  const auto root = rankwise::testing::add_tree_sum(g, 5000);
  EXPECT_EQ(compute_one<std::int64_t>(g, root), 4999LL * 5000 / 2);
}

TEST(Executor, MoreRanksThanTasksAndSeveralOutputs) {
  TaskGraph g;
  const auto a = g.add(make_task<std::int64_t>("a", 0, {}, [](auto&) { return std::int64_t{5}; }));
  const auto b = g.add(make_task<std::int64_t>("b", 0, {a}, [](auto& x) { return x[0] + 1; }));
  const TaskId outputs[] = {b, a};
  const auto values = compute(g, outputs, comm());
  EXPECT_EQ(values[0].get<std::int64_t>(), 6);
  EXPECT_EQ(values[1].get<std::int64_t>(), 5);
}

// Block tasks on their owners, combined by one collective task in block order.
TEST(Executor, CollectiveTaskCombinesOwnedBlocksInBlockOrder) {
  const std::int64_t blocks = 7;
  const auto map = OwnerMap::block(blocks, comm().size(), comm().rank());
  TaskGraph g;
  std::vector<TaskId> parts;
  for (std::int64_t b = 0; b < blocks; ++b) {
    auto t = make_task<std::int64_t>("part", b, {}, [b](auto&) { return b + 1; });
    t.owner_map = map;
    t.block = b;
    parts.push_back(g.add(t));
  }
  Task combine;
  combine.key = {"combine", {}};
  combine.inputs = parts;
  combine.codec = Codec::of<std::string>();
  combine.collective = [](const Communicator& c, std::span<const LocalInput> local) {
    std::vector<std::pair<std::int64_t, std::int64_t>> mine;  // (block, value)
    for (const auto& in : local) mine.push_back({static_cast<std::int64_t>(in.position), in.value->get<std::int64_t>()});
    auto all = allgatherv<std::pair<std::int64_t, std::int64_t>>(c, mine).values;
    std::sort(all.begin(), all.end());
    std::string s;
    for (auto [block, value] : all) s += std::to_string(value);
    return Value::of<std::string>(s);
  };
  const auto id = g.add(combine);
  const auto after = g.add(make_task<std::string>("after", 0, {id}, [](auto& a) { return a[0] + "!"; }, last_rank()));
  EXPECT_EQ(compute_one<std::string>(g, id), "1234567");
  EXPECT_EQ(compute_one<std::string>(g, after), "1234567!");
}

// A task fails on the last rank only, while rank 0 waits for its result: every rank gets the
// same error naming the task and the rank. The ctest timeout proves there is no hang.
TEST(Executor, ATaskThatThrowsOnOneRankFailsEveryRank) {
  for (int repeat = 0; repeat < 3; ++repeat) {
    TaskGraph g;
    const auto bad = g.add(make_task<std::int64_t>("load", 0, {}, [](auto&) -> std::int64_t {
      throw IoError("no such file: data.h5");
    }, last_rank()));
    const auto slow = g.add(make_task<std::int64_t>("slow", 0, {}, [](auto&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return std::int64_t{1};
    }, 0));
    const auto use = g.add(make_task<std::int64_t>("use", 0, {bad, slow}, [](auto& a) { return a[0] + a[1]; }, 0));
    try {
      (void)compute_one<std::int64_t>(g, use);
      ADD_FAILURE() << "no error";
    } catch (const IoError& e) {
      EXPECT_EQ(e.origin_rank(), last_rank());
      EXPECT_EQ(std::string(e.what()), "compute: rank " + std::to_string(last_rank()) +
                                           ": task 'load': no such file: data.h5");
    }
  }
  // The executor is clean afterwards: a new run works.
  TaskGraph ok;
  const auto root = rankwise::testing::add_tree_sum(ok, 100);
  EXPECT_EQ(compute_one<std::int64_t>(ok, root), 4950);
}

TEST(Executor, AFailureBeforeACollectiveDoesNotHang) {
  TaskGraph g;
  const auto bad = g.add(make_task<std::int64_t>("bad", 0, {}, [](auto&) -> std::int64_t {
    throw ValueError("negative count");
  }, last_rank()));
  Task reduce;
  reduce.key = {"reduce", {}};
  reduce.inputs = {bad};
  reduce.codec = Codec::of<std::int64_t>();
  reduce.collective = [](const Communicator& c, std::span<const LocalInput>) {
    return Value::of<std::int64_t>(allreduce(c, std::int64_t{1}, ReduceOp::sum));
  };
  const auto id = g.add(reduce);
  EXPECT_THROW((void)compute_one<std::int64_t>(g, id), ValueError);
}

// An intermediate is freed after its last consumer: `c` sees `a`'s value gone.
TEST(Executor, IntermediatesAreFreedAfterTheirLastConsumer) {
  static std::weak_ptr<int> watched;
  TaskGraph g;
  Task a;
  a.key = {"a", {}};
  a.pinned_rank = 0;
  a.codec = Codec::of<std::int64_t>();
  a.kernel = [](std::span<const Value* const>) {
    auto token = std::make_shared<int>(1);
    watched = token;
    return Value::of<std::shared_ptr<int>>(token);
  };
  const auto ia = g.add(a);
  const auto ib = g.add(make_task<std::int64_t>("b", 0, {}, [](auto&) { return std::int64_t{0}; }, 0));
  Task b;
  b.key = {"use-a", {}};
  b.inputs = {ia};
  b.pinned_rank = 0;
  b.codec = Codec::of<std::int64_t>();
  b.kernel = [](std::span<const Value* const> in) {
    return Value::of<std::int64_t>(*in[0]->get<std::shared_ptr<int>>());
  };
  const auto use = g.add(b);
  const auto check = g.add(make_task<std::int64_t>("check", 0, {use, ib}, [](auto& x) {
    return x[0] * 10 + (watched.expired() ? 1 : 0);
  }, 0));
  EXPECT_EQ(compute_one<std::int64_t>(g, check), 11);
}

// A program that builds a different graph on one rank gets a clear error, not a hang.
TEST(Executor, DifferentGraphsOnDifferentRanksAreRejected) {
  TaskGraph g;
  const auto a = g.add(make_task<std::int64_t>("a", 0, {}, [](auto&) { return std::int64_t{1}; }));
  if (comm().rank() == last_rank() && comm().size() > 1)
    g.add(make_task<std::int64_t>("extra", 0, {a}, [](auto& x) { return x[0]; }));
  const TaskId outputs[] = {a};
  if (comm().size() > 1) {
    EXPECT_THROW((void)compute(g, outputs, comm()), ValueError);
  } else {
    EXPECT_EQ(compute(g, outputs, comm()).front().get<std::int64_t>(), 1);
  }
}
