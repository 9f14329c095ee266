#pragma once
/// OwnerMap: which rank owns which block, in O(1), shared by arrays, frames and the partitioner.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace rankwise::runtime {

/// Maps each of `num_blocks()` blocks to the rank that owns (stores and computes) it.
///
/// Four layouts:
/// - block: contiguous runs of blocks per rank; the first `num_blocks % num_ranks` ranks get one
///   block more (PETSc's ownership ranges);
/// - cyclic: block b on rank b % P;
/// - block_cyclic(k): runs of k blocks dealt round-robin (ScaLAPACK's layout);
/// - replicated: every rank holds every block; owner(b) is b % P, the rank that computes it.
///
/// A map is an immutable value (cheap to copy; copies share the cached local list). It knows the
/// calling rank, so `is_local(b)` and `local_blocks()` need no argument.
class OwnerMap {
 public:
  enum class Kind { block, cyclic, block_cyclic, replicated };

  /// Contiguous runs of blocks per rank. Local.
  static OwnerMap block(std::int64_t num_blocks, int num_ranks, int my_rank);
  /// Block b on rank b % num_ranks. Local.
  static OwnerMap cyclic(std::int64_t num_blocks, int num_ranks, int my_rank);
  /// Runs of `run` blocks dealt round-robin. Local.
  static OwnerMap block_cyclic(std::int64_t num_blocks, int num_ranks, int my_rank,
                               std::int64_t run);
  /// Every rank holds a copy of every block. Local.
  static OwnerMap replicated(std::int64_t num_blocks, int num_ranks, int my_rank);

  Kind kind() const noexcept { return kind_; }
  std::int64_t num_blocks() const noexcept { return num_blocks_; }
  int num_ranks() const noexcept { return num_ranks_; }
  int my_rank() const noexcept { return my_rank_; }

  /// The rank that owns block `b`, in O(1). Local. Throws IndexError when b is out of range.
  int owner(std::int64_t b) const;
  /// True when this rank holds block `b` (for replicated maps: always). Local.
  bool is_local(std::int64_t b) const;
  /// The blocks rank `r` owns, ascending (for replicated maps: the blocks it computes). Local.
  std::vector<std::int64_t> blocks_of(int r) const;
  /// The blocks this rank holds, ascending; computed once and cached. Local.
  std::span<const std::int64_t> local_blocks() const { return *local_; }
  /// "block(10 blocks over 3 ranks)" and similar, for messages and the trace. Local.
  std::string describe() const;

 private:
  OwnerMap(Kind kind, std::int64_t num_blocks, int num_ranks, int my_rank, std::int64_t run);
  Kind kind_;
  std::int64_t num_blocks_;
  int num_ranks_;
  int my_rank_;
  std::int64_t run_;  ///< block_cyclic run length; 1 for cyclic
  std::shared_ptr<const std::vector<std::int64_t>> local_;
};

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::OwnerMap;
}
