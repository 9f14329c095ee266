#pragma once
/// Communicator: a value type around an MPI communicator with stated ownership.
#include <memory>

#include <mpi.h>

namespace rankwise::runtime {

/// Throws MpiError naming `routine` when `code` is not MPI_SUCCESS. Local.
void check_mpi(int code, const char* routine);

/// An MPI communicator as a value: copies share one handle; the last copy frees a communicator
/// that this object created (duplicated or split). rank() and size() are cached.
///
/// Library traffic runs on a duplicate so it never matches the user's own messages: the default
/// constructor duplicates MPI_COMM_WORLD.
class Communicator {
 public:
  /// Duplicates MPI_COMM_WORLD. Collective over MPI_COMM_WORLD.
  Communicator();
  /// Duplicates `comm`; the duplicate is freed with the last copy. Collective over `comm`.
  static Communicator duplicate(MPI_Comm comm);
  /// Wraps `comm` without duplicating or freeing it (the caller keeps ownership). Local.
  static Communicator attach(MPI_Comm comm);

  /// This process's rank in the communicator. Local.
  int rank() const noexcept { return rank_; }
  /// Number of ranks. Local.
  int size() const noexcept { return size_; }
  /// True on `root`. Local.
  bool is_root(int root = 0) const noexcept { return rank_ == root; }
  /// The underlying handle, for calling MPI directly. Local.
  MPI_Comm native() const noexcept;

  /// Waits for every rank. Collective.
  void barrier() const;
  /// Splits into sub-communicators of equal `color`, ordered by `key`. Collective.
  Communicator split(int color, int key) const;
  /// A new duplicate of this communicator. Collective.
  Communicator dup() const;

 private:
  struct Handle;
  explicit Communicator(std::shared_ptr<Handle> handle);
  std::shared_ptr<Handle> handle_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::Communicator;
}
