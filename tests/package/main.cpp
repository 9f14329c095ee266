// Uses the installed headers and library: starts MPI, reduces, prints one line on rank 0.
#include <iostream>

#include <rankwise/rankwise.hpp>

int main(int argc, char** argv) {
  namespace rw = rankwise;
  rw::Environment env(argc, argv);
  const int ranks = rw::allreduce(env.comm(), 1, rw::ReduceOp::sum);
  if (env.comm().is_root()) std::cout << "consumer ok: " << ranks << " rank(s)\n";
  return ranks == env.size() ? 0 : 1;
}
