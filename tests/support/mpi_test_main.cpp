// GoogleTest main for MPI tests: one report (rank 0), failures from any rank, one verdict.
#include <gtest/gtest.h>

#include <iostream>

#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/environment.hpp"

namespace {

// On ranks other than 0: print only failed assertions, tagged with the rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::cerr << "[rank " << rank_ << "] " << (result.file_name() ? result.file_name() : "?") << ":"
              << result.line_number() << ": Failure\n"
              << result.message() << std::endl;
  }

 private:
  int rank_;
};

}  // namespace

int main(int argc, char** argv) {
  rankwise::Environment env(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const auto& comm = env.comm();
  if (!comm.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(comm.rank()));
  }
  const int local = RUN_ALL_TESTS();
  const int verdict = rankwise::allreduce(comm, local, rankwise::ReduceOp::max);
  if (comm.is_root() && verdict != local)
    std::cerr << "[rank 0] another rank failed: see its [rank N] lines above" << std::endl;
  return verdict;
}
