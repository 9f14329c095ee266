// Collectives give closed-form values at every rank count, for raw and serialized types.
#include <map>
#include <string>
#include <vector>

#include "support/mpi_test.hpp"

using namespace rankwise;
using rankwise::testing::comm;

namespace {

// A user type that travels through Boost.Serialization.
struct Sample {
  std::string name;
  std::vector<double> values;
  int rank = -1;
  bool operator==(const Sample&) const = default;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & name & values & rank;
  }
};

Sample sample_of(int r) {
  return {"rank-" + std::to_string(r), std::vector<double>(static_cast<std::size_t>(r), 0.5 * r), r};
}

}  // namespace

TEST(Collectives, AllreduceScalarsMatchClosedForms) {
  const int p = comm().size(), r = comm().rank();
  EXPECT_EQ(allreduce(comm(), r + 1, ReduceOp::sum), p * (p + 1) / 2);
  EXPECT_EQ(allreduce(comm(), std::int64_t{r}, ReduceOp::max), p - 1);
  EXPECT_EQ(allreduce(comm(), 10 - r, ReduceOp::min), 10 - (p - 1));
  EXPECT_DOUBLE_EQ(allreduce(comm(), 0.25 * (r + 1), ReduceOp::sum), 0.25 * p * (p + 1) / 2);
  double factorial = 1;
  for (int k = 2; k <= p; ++k) factorial *= k;
  EXPECT_DOUBLE_EQ(allreduce(comm(), double(r + 1), ReduceOp::prod), factorial);
  EXPECT_TRUE(allreduce(comm(), true, ReduceOp::logical_and));
  EXPECT_EQ(allreduce(comm(), r == p - 1, ReduceOp::logical_or), true);
}

TEST(Collectives, AllreduceSpansElementwise) {
  const int p = comm().size(), r = comm().rank();
  std::vector<double> in{1.0 * r, 2.0, -1.0 * r};
  std::vector<double> out(3);
  allreduce<double>(comm(), in, out, ReduceOp::sum);
  EXPECT_DOUBLE_EQ(out[0], p * (p - 1) / 2.0);
  EXPECT_DOUBLE_EQ(out[1], 2.0 * p);
  EXPECT_DOUBLE_EQ(out[2], -p * (p - 1) / 2.0);
  std::vector<std::int64_t> counts{r, 1};
  allreduce_inplace<std::int64_t>(comm(), counts, ReduceOp::max);
  EXPECT_EQ(counts[0], p - 1);
  EXPECT_EQ(counts[1], 1);
}

TEST(Collectives, BcastRawAndSerialized) {
  for (int root = 0; root < comm().size(); ++root) {
    int value = comm().rank() == root ? 42 + root : -1;
    bcast(comm(), value, root);
    EXPECT_EQ(value, 42 + root);

    std::vector<double> block(4, comm().rank() == root ? 1.5 : 0.0);
    bcast<double>(comm(), std::span<double>(block), root);
    EXPECT_EQ(block, std::vector<double>(4, 1.5));

    std::string text = comm().rank() == root ? std::string(1000 + root, 'x') : "";
    bcast(comm(), text, root);
    EXPECT_EQ(text, std::string(1000 + root, 'x'));

    Sample s = comm().rank() == root ? sample_of(root) : Sample{};
    bcast(comm(), s, root);
    EXPECT_EQ(s, sample_of(root));

    std::map<std::string, int> m;
    if (comm().rank() == root) m = {{"a", 1}, {"b", root}};
    bcast(comm(), m, root);
    EXPECT_EQ(m, (std::map<std::string, int>{{"a", 1}, {"b", root}}));
  }
}

TEST(Collectives, AllgatherAndAllgathervKeepRankOrder) {
  const int p = comm().size(), r = comm().rank();
  EXPECT_EQ(allgather(comm(), r * r), [&] {
    std::vector<int> v;
    for (int k = 0; k < p; ++k) v.push_back(k * k);
    return v;
  }());

  // Rank r contributes r copies of r (rank 0 contributes nothing).
  std::vector<double> mine(static_cast<std::size_t>(r), double(r));
  const auto all = allgatherv<double>(comm(), mine);
  ASSERT_EQ(all.offsets.size(), static_cast<std::size_t>(p + 1));
  EXPECT_EQ(all.values.size(), static_cast<std::size_t>(p * (p - 1) / 2));
  for (int k = 0; k < p; ++k) {
    const auto part = all.part(k);
    EXPECT_EQ(part.size(), static_cast<std::size_t>(k));
    for (double v : part) EXPECT_EQ(v, k);
  }

  const auto samples = allgather(comm(), sample_of(r));
  for (int k = 0; k < p; ++k) EXPECT_EQ(samples[static_cast<std::size_t>(k)], sample_of(k));

  std::vector<std::string> words(static_cast<std::size_t>(r + 1), "w" + std::to_string(r));
  const auto all_words = allgatherv<std::string>(comm(), words);
  EXPECT_EQ(all_words.values.size(), static_cast<std::size_t>(p * (p + 1) / 2));
  for (int k = 0; k < p; ++k)
    for (const auto& w : all_words.part(k)) EXPECT_EQ(w, "w" + std::to_string(k));
}

TEST(Collectives, GathervReachesOnlyTheRoot) {
  const int p = comm().size(), r = comm().rank();
  for (int root = 0; root < p; ++root) {
    std::vector<std::string> mine(static_cast<std::size_t>(r + 1), std::to_string(r));
    const auto got = gatherv<std::string>(comm(), mine, root);
    if (r == root) {
      ASSERT_EQ(got.offsets.size(), static_cast<std::size_t>(p + 1));
      for (int k = 0; k < p; ++k) EXPECT_EQ(got.part(k).size(), static_cast<std::size_t>(k + 1));
    } else {
      EXPECT_TRUE(got.values.empty());
    }
  }
}

TEST(Collectives, AlltoallvRawAndSerialized) {
  const int p = comm().size(), r = comm().rank();
  // Rank r sends (d + 1) values r * 100 + d to rank d.
  std::vector<std::vector<std::int64_t>> send(static_cast<std::size_t>(p));
  std::vector<std::vector<std::string>> send_text(static_cast<std::size_t>(p));
  for (int d = 0; d < p; ++d) {
    send[static_cast<std::size_t>(d)].assign(static_cast<std::size_t>(d + 1), r * 100 + d);
    send_text[static_cast<std::size_t>(d)] = {std::to_string(r) + "->" + std::to_string(d)};
  }
  const auto got = alltoallv(comm(), send);
  const auto got_text = alltoallv(comm(), send_text);
  for (int s = 0; s < p; ++s) {
    EXPECT_EQ(got[static_cast<std::size_t>(s)],
              std::vector<std::int64_t>(static_cast<std::size_t>(r + 1), s * 100 + r));
    EXPECT_EQ(got_text[static_cast<std::size_t>(s)],
              std::vector<std::string>{std::to_string(s) + "->" + std::to_string(r)});
  }
  EXPECT_THROW((void)alltoallv(comm(), std::vector<std::vector<int>>(static_cast<std::size_t>(p + 1))),
               ValueError);
}

// The generic reduction folds in rank order: string concatenation is not commutative.
TEST(Collectives, GenericAllreduceFoldsInRankOrder) {
  const auto joined = allreduce(comm(), std::to_string(comm().rank()),
                                [](std::string a, std::string b) { return a + "," + b; });
  std::string expected = "0";
  for (int k = 1; k < comm().size(); ++k) expected += "," + std::to_string(k);
  EXPECT_EQ(joined, expected);
}
