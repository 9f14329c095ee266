// Collective error agreement: an exception on one rank surfaces as the same error on all ranks.
// A hang would be caught by the ctest timeout of this test.
#include <string>

#include "rankwise/runtime/agree.hpp"
#include "support/mpi_test.hpp"

using namespace rankwise;
using rankwise::testing::comm;

TEST(Agree, ReturnsTheValueWhenNoRankFails) {
  const int value = agree(comm(), "double", [] { return 2 * comm().rank(); });
  EXPECT_EQ(value, 2 * comm().rank());
  EXPECT_NO_THROW(agree(comm(), "nothing", [] {}));
}

TEST(Agree, AnErrorOnTheLastRankSurfacesEverywhere) {
  const int culprit = comm().size() - 1;  // rank 1 at np 2, rank 2 at np 3, rank 0 alone
  try {
    agree(comm(), "load", [&] {
      if (comm().rank() == culprit) throw IoError("no such file: missing.h5");
      return 0;
    });
    ADD_FAILURE() << "no error raised";
  } catch (const IoError& e) {
    EXPECT_EQ(e.origin_rank(), culprit);
    EXPECT_EQ(std::string(e.what()),
              "load: rank " + std::to_string(culprit) + ": no such file: missing.h5");
    EXPECT_TRUE(rankwise::testing::same_on_all_ranks(std::string(e.what())));
  }
}

TEST(Agree, TheLowestFailingRankWinsAndPlainExceptionsBecomeErrors) {
  try {
    agree(comm(), "", [&] { throw std::runtime_error("boom on " + std::to_string(comm().rank())); });
    ADD_FAILURE() << "no error raised";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::generic);
    EXPECT_EQ(e.origin_rank(), 0);
    EXPECT_STREQ(e.what(), "rank 0: boom on 0");
  }
}

TEST(Agree, AnAgreedErrorKeepsItsOriginWhenAgreedAgain) {
  const int culprit = comm().size() - 1;
  try {
    agree(comm(), "outer", [&] {
      // An inner agreement already happened; re-agreeing must not re-label it.
      if (comm().rank() == culprit) throw ShapeError("inner: rank 7: shapes differ", 7);
    });
    ADD_FAILURE() << "no error raised";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.origin_rank(), 7);
    EXPECT_STREQ(e.what(), "inner: rank 7: shapes differ");
  }
}
