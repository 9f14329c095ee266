#include <mpi.h>

#include "support/mpi_test.hpp"

using namespace rankwise;
using rankwise::testing::comm;

TEST(Communicator, DefaultDuplicatesWorld) {
  Communicator c;
  int world_rank = 0, world_size = 0, relation = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  EXPECT_EQ(c.rank(), world_rank);
  EXPECT_EQ(c.size(), world_size);
  MPI_Comm_compare(c.native(), MPI_COMM_WORLD, &relation);
  EXPECT_EQ(relation, MPI_CONGRUENT);  // same group, different context: no message collisions
  MPI_Comm_compare(comm().native(), MPI_COMM_WORLD, &relation);
  EXPECT_EQ(relation, MPI_CONGRUENT);
}

TEST(Communicator, CopiesShareOneHandleAndAttachDoesNotOwn) {
  Communicator a;
  Communicator b = a;
  EXPECT_EQ(a.native(), b.native());
  const auto view = Communicator::attach(MPI_COMM_WORLD);
  EXPECT_EQ(view.native(), MPI_COMM_WORLD);
  EXPECT_EQ(view.size(), comm().size());
}

TEST(Communicator, SplitByParity) {
  const auto half = comm().split(comm().rank() % 2, comm().rank());
  const int p = comm().size();
  const int expected = comm().rank() % 2 == 0 ? (p + 1) / 2 : p / 2;
  EXPECT_EQ(half.size(), expected);
  EXPECT_EQ(half.rank(), comm().rank() / 2);
  EXPECT_EQ(allreduce(half, 1, ReduceOp::sum), expected);
}
