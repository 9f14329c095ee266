#pragma once
/// Environment: MPI's lifetime as an object (RAII), plus the process-wide settings of rankwise.
#include <memory>

#include "rankwise/runtime/communicator.hpp"

namespace rankwise::runtime {

/// MPI thread support levels (MPI_THREAD_*).
enum class ThreadLevel { single, funneled, serialized, multiple };

/// Initialises MPI on construction and finalises it on destruction, once per process.
///
/// It also
/// - makes the library's communicator (a duplicate of MPI_COMM_WORLD, see comm());
/// - sets one BLAS thread per rank (one rank per core is the baseline layout), unless the user
///   chose otherwise with OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or RANKWISE_BLAS_THREADS;
/// - sets up rank-aware logging (RANKWISE_LOG=debug|info|warn|error|off; default warn).
///
/// When MPI was already initialised by the caller, the Environment neither initialises nor
/// finalises it. Collective over MPI_COMM_WORLD (construction and destruction).
///
///     int main(int argc, char** argv) {
///       rw::Environment env(argc, argv);
///       ...
///     }
class Environment {
 public:
  Environment(int& argc, char**& argv, ThreadLevel level = ThreadLevel::funneled);
  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  /// The library's communicator (a duplicate of MPI_COMM_WORLD). Local.
  const Communicator& comm() const noexcept { return *comm_; }
  /// The thread level MPI granted. Local.
  ThreadLevel thread_level() const noexcept { return provided_; }
  /// This rank in comm(). Local.
  int rank() const noexcept { return comm_->rank(); }
  /// Number of ranks in comm(). Local.
  int size() const noexcept { return comm_->size(); }

  /// The live Environment; throws Error when there is none. Local.
  static Environment& current();
  /// True between MPI_Init and MPI_Finalize. Local.
  static bool mpi_active() noexcept;

 private:
  void start(int* argc, char*** argv, ThreadLevel level);
  bool owns_mpi_ = false;
  ThreadLevel provided_ = ThreadLevel::single;
  std::unique_ptr<Communicator> comm_;
};

/// The communicator every collection runs on: the live Environment's, or the one a
/// DefaultCommScope installed. Local.
const Communicator& default_comm();

/// Runs the collections created and computed inside this scope on `comm` (for example a
/// communicator split from the Environment's) instead of the Environment's; scopes nest, and
/// the previous default returns when this one ends. Local (the ranks of `comm` should all
/// enter it).
///
///     auto half = rw::default_comm().split(rank % 2, rank);
///     { rw::DefaultCommScope scope(half); km.fit(X); }
class DefaultCommScope {
 public:
  explicit DefaultCommScope(const Communicator& comm);
  ~DefaultCommScope();
  DefaultCommScope(const DefaultCommScope&) = delete;
  DefaultCommScope& operator=(const DefaultCommScope&) = delete;

 private:
  const Communicator* previous_;
};

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::default_comm;
using runtime::DefaultCommScope;
using runtime::Environment;
using runtime::ThreadLevel;
}  // namespace rankwise
