// dask.delayed on rankwise, at 1, 2 and 3 ranks.
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "rankwise/delayed/delayed.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;
using rankwise::testing::comm;

namespace {

double avg(const std::vector<double>& xs) {
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}
double add(double a, double b) { return a + b; }

std::atomic<int> calls{0};
double counted_square(double x) {
  ++calls;
  return x * x;
}

int calls_on_all_ranks() { return rw::allreduce(comm(), calls.load(), rw::ReduceOp::sum); }

}  // namespace

TEST(Delayed, TheTalksAverageExample) {
  const std::vector<double> l1{1, 2, 3, 4}, l2{10, 20};
  auto l1_avg = rw::delayed(avg, {.name = "avg"})(l1);
  auto l2_avg = rw::delayed(avg, {.name = "avg"})(l2);
  auto result = rw::delayed(add, {.name = "add"})(l1_avg, l2_avg);
  EXPECT_DOUBLE_EQ(result.compute(), 2.5 + 15.0);
  EXPECT_EQ(result.label(), "add");
}

// compute(a, b) shares the work they have in common: the square runs once in all.
TEST(Delayed, ComputeSeveralSharesWork) {
  calls = 0;
  auto sq = rw::delayed(counted_square, {.name = "square"})(3.0);
  auto plus = rw::delayed([](double s) { return s + 1; })(sq);
  auto times = rw::delayed([](double s, int k) { return s * k; })(sq, 2);
  auto [a, b] = rw::compute(plus, times);
  EXPECT_EQ(a, 10.0);
  EXPECT_EQ(b, 18.0);
  EXPECT_EQ(calls_on_all_ranks(), 1);
}

// A list of delayed values as one argument, like dask's delayed(sum)(list).
TEST(Delayed, ListOfDelayedArgument) {
  std::vector<rw::Delayed<std::int64_t>> parts;
  for (std::int64_t i = 1; i <= 100; ++i)
    parts.push_back(rw::delayed([](std::int64_t x) { return x * x; }, {.name = "square"})(i));
  auto total = rw::delayed([](const std::vector<std::int64_t>& xs) {
    return std::accumulate(xs.begin(), xs.end(), std::int64_t{0});
  }, {.name = "sum"})(parts);
  EXPECT_EQ(total.compute(), 100 * 101 * 201 / 6);
}

// The talk's nested loop: for each record and feature, a simple or a complex function
// depending on a threshold, then one sum.
TEST(Delayed, TheTalksNestedLoop) {
  auto simple = [](double x, int f) { return x + f; };
  auto complex = [](double x, int f) { return std::sqrt(x) * f; };
  const std::vector<double> data{1, 4, 9, 16, 25, 36};
  const std::vector<int> features{1, 2, 3};
  const double threshold = 10;
  std::vector<rw::Delayed<double>> results;
  double expected = 0;
  for (double x : data)
    for (int f : features) {
      if (x > threshold) {
        results.push_back(rw::delayed(complex, {.name = "complex"})(x, f));
        expected += std::sqrt(x) * f;
      } else {
        results.push_back(rw::delayed(simple, {.name = "simple"})(x, f));
        expected += x + f;
      }
    }
  auto total = rw::delayed([](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
  }, {.name = "sum"})(results);
  EXPECT_NEAR(total.compute(), expected, 1e-12);
}

TEST(Delayed, ResultsOfEveryKind) {
  auto words = rw::delayed([](int n) { return std::vector<std::string>(static_cast<std::size_t>(n), "w"); })(3);
  auto joined = rw::delayed([](const std::vector<std::string>& w) {
    std::map<std::string, int> m;
    for (const auto& s : w) ++m[s];
    return m;
  })(words);
  EXPECT_EQ(joined.compute(), (std::map<std::string, int>{{"w", 3}}));
}

TEST(Delayed, PinnedTasksRunWhereAsked) {
  const int target = comm().size() - 1;
  auto where = rw::delayed([](int) { return rw::default_comm().rank(); }, {.name = "where", .pin = target})(0);
  EXPECT_EQ(where.compute(), target);
}

TEST(Delayed, AnExceptionInOneTaskReachesEveryRank) {
  auto ok = rw::delayed([](int x) { return x; }, {.name = "ok"})(1);
  auto bad = rw::delayed([](int x) -> int {
    if (rw::default_comm().rank() >= 0) throw rw::ValueError("bad record " + std::to_string(x));
    return x;
  }, {.name = "parse", .pin = comm().size() - 1})(7);
  auto both = rw::delayed([](int a, int b) { return a + b; }, {.name = "both"})(ok, bad);
  try {
    (void)both.compute();
    ADD_FAILURE() << "no error";
  } catch (const rw::ValueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "compute: rank " + std::to_string(comm().size() - 1) + ": task 'parse': bad record 7");
    EXPECT_TRUE(rankwise::testing::same_on_all_ranks(std::string(e.what())));
  }
}

TEST(Delayed, VisualizeWritesDotOnRankZeroAndRejectsBadNames) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rankwise-visualize-" + std::to_string(comm().size()));
  if (comm().is_root()) std::filesystem::create_directories(dir);
  comm().barrier();
  auto a = rw::delayed(avg, {.name = "avg"})(std::vector<double>{1, 2});
  auto b = rw::delayed(avg, {.name = "avg"})(std::vector<double>{3, 4});
  auto c = rw::delayed(add, {.name = "add"})(a, b);
  const auto dot = (dir / "graph.dot").string();
  c.visualize(dot);
  if (comm().is_root()) {
    std::ifstream in(dot);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("add\\nrank "), std::string::npos) << text.str();
    EXPECT_EQ(text.str().find("->"), text.str().rfind("->") - 12) << "two edges";
    EXPECT_FALSE(std::filesystem::exists(dot + ".partial"));
  }
  EXPECT_THROW(c.visualize((dir / "graph.jpeg").string()), rw::ValueError);
  const auto svg = (dir / "graph.svg").string();
  c.visualize(svg);
  if (comm().is_root()) {
    EXPECT_GT(std::filesystem::file_size(svg), 100u);
  }
  comm().barrier();
  if (comm().is_root()) std::filesystem::remove_all(dir);
}

TEST(Delayed, VisualizeWithoutGraphvizIsOneClearError) {
  const std::string saved = std::getenv("PATH");
  setenv("PATH", "/nonexistent", 1);
  auto a = rw::delayed(add, {.name = "add"})(1.0, 2.0);
  try {
    a.visualize("/tmp/rankwise-no-graphviz.svg");
    ADD_FAILURE() << "no error";
  } catch (const rw::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("graphviz"), std::string::npos) << e.what();
  }
  setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(std::filesystem::exists("/tmp/rankwise-no-graphviz.svg"));
}
