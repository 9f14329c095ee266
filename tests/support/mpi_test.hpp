#pragma once
// Helpers for MPI tests. The main (mpi_test_main.cpp) starts the Environment, lets only rank 0
// print GoogleTest's report (other ranks print their failures, tagged with the rank) and
// all-reduces the verdict so every rank exits alike.
#include <gtest/gtest.h>

#include <string>

#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/environment.hpp"

namespace rankwise::testing {

/// The test run's communicator.
inline const Communicator& comm() { return default_comm(); }

/// Path of a committed fixture in tests/data.
inline std::string data_path(const std::string& name) {
  return std::string(RANKWISE_TEST_DATA_DIR) + "/" + name;
}

/// True when `value` is the same on every rank (compares rank 0's bytes).
template <class T>
bool same_on_all_ranks(const T& value) {
  T root_value = value;
  bcast(comm(), root_value, 0);
  const int same = root_value == value ? 1 : 0;
  return allreduce(comm(), same, ReduceOp::min) == 1;
}

/// Runs f, which must throw E with a message containing `words`, the same message on every rank.
template <class E, class F>
void expect_error(F&& f, const std::string& words) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one saying '" << words << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    EXPECT_TRUE(same_on_all_ranks(std::string(e.what())));
  }
}

}  // namespace rankwise::testing
