#include "rankwise/runtime/owner_map.hpp"

#include "rankwise/error.hpp"

namespace rankwise::runtime {

OwnerMap::OwnerMap(Kind kind, std::int64_t num_blocks, int num_ranks, int my_rank,
                   std::int64_t run)
    : kind_(kind), num_blocks_(num_blocks), num_ranks_(num_ranks), my_rank_(my_rank), run_(run) {
  RANKWISE_CHECK(num_blocks >= 0, ValueError, "OwnerMap: negative number of blocks");
  RANKWISE_CHECK(num_ranks >= 1, ValueError, "OwnerMap: need at least one rank");
  RANKWISE_CHECK(my_rank >= 0 && my_rank < num_ranks, ValueError,
                 "OwnerMap: rank " + std::to_string(my_rank) + " outside 0.." +
                     std::to_string(num_ranks - 1));
  RANKWISE_CHECK(run >= 1, ValueError, "OwnerMap: block_cyclic run length must be at least 1");
  std::vector<std::int64_t> mine;
  if (kind == Kind::replicated) {
    mine.resize(static_cast<std::size_t>(num_blocks));
    for (std::int64_t b = 0; b < num_blocks; ++b) mine[static_cast<std::size_t>(b)] = b;
  } else {
    mine = blocks_of(my_rank);
  }
  local_ = std::make_shared<const std::vector<std::int64_t>>(std::move(mine));
}

OwnerMap OwnerMap::block(std::int64_t n, int p, int r) { return {Kind::block, n, p, r, 1}; }
OwnerMap OwnerMap::cyclic(std::int64_t n, int p, int r) { return {Kind::cyclic, n, p, r, 1}; }
OwnerMap OwnerMap::block_cyclic(std::int64_t n, int p, int r, std::int64_t run) {
  return {Kind::block_cyclic, n, p, r, run};
}
OwnerMap OwnerMap::replicated(std::int64_t n, int p, int r) {
  return {Kind::replicated, n, p, r, 1};
}

int OwnerMap::owner(std::int64_t b) const {
  if (b < 0 || b >= num_blocks_)
    throw IndexError("OwnerMap: block " + std::to_string(b) + " outside 0.." +
                     std::to_string(num_blocks_ - 1));
  const std::int64_t p = num_ranks_;
  switch (kind_) {
    case Kind::block: {
      const std::int64_t q = num_blocks_ / p, extra = num_blocks_ % p;
      const std::int64_t split = extra * (q + 1);  // blocks held by the ranks with one extra
      return static_cast<int>(b < split ? b / (q + 1) : extra + (b - split) / q);
    }
    case Kind::cyclic:
    case Kind::replicated: return static_cast<int>(b % p);
    case Kind::block_cyclic: return static_cast<int>((b / run_) % p);
  }
  return 0;
}

bool OwnerMap::is_local(std::int64_t b) const {
  if (kind_ == Kind::replicated) return b >= 0 && b < num_blocks_;
  return b >= 0 && b < num_blocks_ && owner(b) == my_rank_;
}

std::vector<std::int64_t> OwnerMap::blocks_of(int r) const {
  RANKWISE_CHECK(r >= 0 && r < num_ranks_, ValueError,
                 "OwnerMap::blocks_of: rank " + std::to_string(r) + " outside the map");
  std::vector<std::int64_t> out;
  const std::int64_t p = num_ranks_;
  if (kind_ == Kind::block) {
    const std::int64_t q = num_blocks_ / p, extra = num_blocks_ % p;
    const std::int64_t first = r * q + std::min<std::int64_t>(r, extra);
    const std::int64_t count = q + (r < extra ? 1 : 0);
    for (std::int64_t b = first; b < first + count; ++b) out.push_back(b);
    return out;
  }
  // cyclic, block_cyclic and replicated: runs of run_ blocks starting at r * run_, stride p * run_.
  for (std::int64_t start = r * run_; start < num_blocks_; start += p * run_)
    for (std::int64_t b = start; b < std::min(start + run_, num_blocks_); ++b) out.push_back(b);
  return out;
}

std::string OwnerMap::describe() const {
  static const char* names[] = {"block", "cyclic", "block_cyclic", "replicated"};
  std::string s = names[static_cast<int>(kind_)];
  if (kind_ == Kind::block_cyclic) s += "(run " + std::to_string(run_) + ")";
  return s + "(" + std::to_string(num_blocks_) + " blocks over " + std::to_string(num_ranks_) +
         " ranks)";
}

}  // namespace rankwise::runtime
