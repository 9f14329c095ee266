#include "rankwise/runtime/environment.hpp"

#include <malloc.h>

#include <cstdlib>
#include <string>

#include "rankwise/error.hpp"
#include "rankwise/runtime/log.hpp"

extern "C" void openblas_set_num_threads(int num_threads);

namespace rankwise::runtime {

namespace {
Environment* live = nullptr;

int to_mpi(ThreadLevel level) {
  switch (level) {
    case ThreadLevel::single: return MPI_THREAD_SINGLE;
    case ThreadLevel::funneled: return MPI_THREAD_FUNNELED;
    case ThreadLevel::serialized: return MPI_THREAD_SERIALIZED;
    case ThreadLevel::multiple: return MPI_THREAD_MULTIPLE;
  }
  return MPI_THREAD_FUNNELED;
}

ThreadLevel from_mpi(int level) {
  if (level >= MPI_THREAD_MULTIPLE) return ThreadLevel::multiple;
  if (level >= MPI_THREAD_SERIALIZED) return ThreadLevel::serialized;
  if (level >= MPI_THREAD_FUNNELED) return ThreadLevel::funneled;
  return ThreadLevel::single;
}

// One BLAS thread per rank unless the user said otherwise: ranks already fill the cores.
void set_blas_threads() {
  if (const char* n = std::getenv("RANKWISE_BLAS_THREADS")) {
    openblas_set_num_threads(std::max(1, std::atoi(n)));
  } else if (!std::getenv("OPENBLAS_NUM_THREADS") && !std::getenv("OMP_NUM_THREADS")) {
    openblas_set_num_threads(1);
  }
}
// Blocks are large and short-lived: by default glibc returns each freed block to the kernel and
// the next block pays for fresh pages (first touch runs at 1-3 GB/s, a tenth of memory
// bandwidth). Keeping freed memory in the heap lets the next block reuse warm pages.
void keep_freed_memory() {
  if (std::getenv("RANKWISE_KEEP_MALLOC")) return;  // leave the allocator as the user set it
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}
}  // namespace

Environment::Environment(int& argc, char**& argv, ThreadLevel level) { start(&argc, &argv, level); }
Environment::Environment() { start(nullptr, nullptr, ThreadLevel::funneled); }

void Environment::start(int* argc, char*** argv, ThreadLevel level) {
  if (live) throw ValueError("rankwise::Environment: only one Environment may live at a time");
  int initialized = 0;
  MPI_Initialized(&initialized);
  int provided = MPI_THREAD_SINGLE;
  if (!initialized) {
    check_mpi(MPI_Init_thread(argc, argv, to_mpi(level), &provided), "MPI_Init_thread");
    owns_mpi_ = true;
  } else {
    MPI_Query_thread(&provided);
  }
  provided_ = from_mpi(provided);
  // Errors come back as codes that check_mpi turns into exceptions, instead of aborting.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  comm_ = std::make_unique<Communicator>();
  set_blas_threads();
  keep_freed_memory();
  set_log_rank(comm_->rank(), comm_->size());
  logger().debug("MPI started: {} ranks, thread level {}", comm_->size(), provided);
  live = this;
}

Environment::~Environment() {
  live = nullptr;
  comm_.reset();  // frees the duplicate while MPI is still up
  if (owns_mpi_ && mpi_active()) MPI_Finalize();
}

Environment& Environment::current() {
  if (!live) throw Error("rankwise needs a live rankwise::Environment (create one at the top of main)");
  return *live;
}

bool Environment::mpi_active() noexcept {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

namespace {
const Communicator*& scoped_default() {
  static const Communicator* comm = nullptr;
  return comm;
}
}  // namespace

const Communicator& default_comm() {
  if (const auto* scoped = scoped_default()) return *scoped;
  return Environment::current().comm();
}

DefaultCommScope::DefaultCommScope(const Communicator& comm) : previous_(scoped_default()) { scoped_default() = &comm; }
DefaultCommScope::~DefaultCommScope() { scoped_default() = previous_; }

}  // namespace rankwise::runtime
