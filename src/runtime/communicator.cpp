#include "rankwise/runtime/communicator.hpp"

#include <string>

#include "rankwise/error.hpp"

namespace rankwise::runtime {

void check_mpi(int code, const char* routine) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw MpiError(std::string(routine) + " failed: " + std::string(text, static_cast<size_t>(length)));
}

struct Communicator::Handle {
  MPI_Comm comm = MPI_COMM_NULL;
  bool owned = false;
  ~Handle() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owned && !finalized && comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  }
};

Communicator::Communicator() : Communicator(duplicate(MPI_COMM_WORLD)) {}

Communicator::Communicator(std::shared_ptr<Handle> handle) : handle_(std::move(handle)) {
  check_mpi(MPI_Comm_rank(handle_->comm, &rank_), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(handle_->comm, &size_), "MPI_Comm_size");
}

Communicator Communicator::duplicate(MPI_Comm comm) {
  auto handle = std::make_shared<Handle>();
  check_mpi(MPI_Comm_dup(comm, &handle->comm), "MPI_Comm_dup");
  handle->owned = true;
  return Communicator(std::move(handle));
}

Communicator Communicator::attach(MPI_Comm comm) {
  auto handle = std::make_shared<Handle>();
  handle->comm = comm;
  return Communicator(std::move(handle));
}

MPI_Comm Communicator::native() const noexcept { return handle_->comm; }

void Communicator::barrier() const { check_mpi(MPI_Barrier(native()), "MPI_Barrier"); }

Communicator Communicator::split(int color, int key) const {
  auto handle = std::make_shared<Handle>();
  check_mpi(MPI_Comm_split(native(), color, key, &handle->comm), "MPI_Comm_split");
  handle->owned = true;
  return Communicator(std::move(handle));
}

Communicator Communicator::dup() const { return duplicate(native()); }

}  // namespace rankwise::runtime
