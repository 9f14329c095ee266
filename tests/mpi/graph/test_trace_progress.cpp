// The trace file and the progress bar. ctest runs this binary with RANKWISE_TRACE=<file> and
// RANKWISE_PROGRESS=1 in its environment.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "rankwise/graph/executor.hpp"
#include "support/graph_builders.hpp"
#include "support/mpi_test.hpp"

using namespace rankwise;
using namespace rankwise::graph;
using rankwise::testing::comm;
using rankwise::testing::make_task;

// Every rank's tasks appear in rank 0's Chrome trace, with bytes moved on cross-rank edges.
TEST(Trace, RankZeroWritesEveryRanksTasks) {
  const char* path = std::getenv("RANKWISE_TRACE");
  ASSERT_NE(path, nullptr) << "run through ctest, which sets RANKWISE_TRACE";
  TaskGraph g;
  std::vector<TaskId> parts;
  for (int r = 0; r < comm().size(); ++r)
    parts.push_back(g.add(make_task<std::int64_t>("part", r, {}, [r](auto&) { return std::int64_t{r}; }, r)));
  const auto total = g.add(make_task<std::int64_t>("total", 0, parts, [](auto& a) {
    std::int64_t s = 0;
    for (auto x : a) s += x;
    return s;
  }, 0));
  const TaskId outputs[] = {total};
  EXPECT_EQ(compute(g, outputs, comm()).front().get<std::int64_t>(),
            comm().size() * (comm().size() - 1) / 2);
  if (!comm().is_root()) return;
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const auto trace = nlohmann::json::parse(in);
  std::set<int> ranks_with_parts;
  std::int64_t bytes_out = 0, bytes_in = 0;
  bool saw_total = false;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.at("ph") != "X") continue;
    EXPECT_GE(e.at("dur").get<double>(), 0.0);
    if (e.at("name") == "part") ranks_with_parts.insert(e.at("tid").get<int>());
    if (e.at("name") == "total") saw_total = true;
    bytes_out += e.at("args").at("bytes_out").get<std::int64_t>();
    bytes_in += e.at("args").at("bytes_in").get<std::int64_t>();
  }
  EXPECT_EQ(static_cast<int>(ranks_with_parts.size()), comm().size());
  EXPECT_TRUE(saw_total);
  if (comm().size() > 1) {
    EXPECT_GT(bytes_out, 0);
    EXPECT_GT(bytes_in, 0);
  }
}

// A run of over a second draws the bar on rank 0's stderr, counting every rank's tasks.
TEST(Progress, LongRunDrawsABarOnRankZero) {
  const int per_rank = 12;
  TaskGraph g;
  std::vector<TaskId> naps;
  for (int r = 0; r < comm().size(); ++r)
    for (int k = 0; k < per_rank; ++k)
      naps.push_back(g.add(make_task<std::int64_t>("nap", r * per_rank + k, {}, [](auto&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return std::int64_t{1};
      }, r)));
  const auto total = g.add(make_task<std::int64_t>("count", 0, naps, [](auto& a) {
    return static_cast<std::int64_t>(a.size());
  }));
  const TaskId outputs[] = {total};
  ::testing::internal::CaptureStderr();
  const auto value = compute(g, outputs, comm()).front().get<std::int64_t>();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(value, per_rank * comm().size());
  if (comm().is_root()) {
    const std::string all = std::to_string(per_rank * comm().size() + 1);
    EXPECT_NE(err.find("[##############################] " + all + "/" + all + " tasks"), std::string::npos) << err;
  }
}
