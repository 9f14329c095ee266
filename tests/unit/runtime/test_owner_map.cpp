#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "rankwise/error.hpp"
#include "rankwise/runtime/owner_map.hpp"

using rankwise::OwnerMap;

namespace {

OwnerMap make(OwnerMap::Kind kind, std::int64_t n, int p, int r) {
  switch (kind) {
    case OwnerMap::Kind::block: return OwnerMap::block(n, p, r);
    case OwnerMap::Kind::cyclic: return OwnerMap::cyclic(n, p, r);
    case OwnerMap::Kind::block_cyclic: return OwnerMap::block_cyclic(n, p, r, 3);
    case OwnerMap::Kind::replicated: return OwnerMap::replicated(n, p, r);
  }
  return OwnerMap::block(n, p, r);
}

}  // namespace

// Every block has exactly one owner, blocks_of() agrees with owner(), and local_blocks() is
// this rank's share, for many (blocks, ranks) pairs including more ranks than blocks.
TEST(OwnerMap, EveryBlockHasExactlyOneOwner) {
  for (auto kind : {OwnerMap::Kind::block, OwnerMap::Kind::cyclic, OwnerMap::Kind::block_cyclic,
                    OwnerMap::Kind::replicated}) {
    for (std::int64_t n : {0, 1, 2, 3, 7, 10, 64, 101}) {
      for (int p : {1, 2, 3, 4, 5, 16}) {
        std::vector<int> owners_seen(static_cast<std::size_t>(n), 0);
        for (int r = 0; r < p; ++r) {
          const auto map = make(kind, n, p, r);
          for (auto b : map.blocks_of(r)) {
            EXPECT_EQ(map.owner(b), r) << map.describe() << " block " << b;
            ++owners_seen[static_cast<std::size_t>(b)];
          }
          if (kind != OwnerMap::Kind::replicated) {
            const auto local = map.local_blocks();
            const auto expected = map.blocks_of(r);
            EXPECT_TRUE(std::equal(local.begin(), local.end(), expected.begin(), expected.end()));
          } else {
            EXPECT_EQ(static_cast<std::int64_t>(map.local_blocks().size()), n);
          }
        }
        for (std::int64_t b = 0; b < n; ++b)
          EXPECT_EQ(owners_seen[static_cast<std::size_t>(b)], 1) << "block " << b;
      }
    }
  }
}

// Block and cyclic maps are balanced within one block.
TEST(OwnerMap, CountsBalancedWithinOneBlock) {
  for (auto kind : {OwnerMap::Kind::block, OwnerMap::Kind::cyclic}) {
    for (std::int64_t n : {0, 1, 5, 9, 10, 11, 1000}) {
      for (int p : {1, 2, 3, 7}) {
        std::size_t lo = SIZE_MAX, hi = 0;
        for (int r = 0; r < p; ++r) {
          const auto count = make(kind, n, p, 0).blocks_of(r).size();
          lo = std::min(lo, count);
          hi = std::max(hi, count);
        }
        EXPECT_LE(hi - lo, 1u) << "n=" << n << " p=" << p;
      }
    }
  }
}

// The block layout is PETSc's: contiguous, the first n % p ranks get one block more.
TEST(OwnerMap, BlockLayoutIsContiguousWithExtrasFirst) {
  const auto map = OwnerMap::block(10, 3, 0);
  const std::vector<int> expected{0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  for (std::int64_t b = 0; b < 10; ++b) EXPECT_EQ(map.owner(b), expected[static_cast<std::size_t>(b)]);
  EXPECT_EQ(OwnerMap::block_cyclic(10, 2, 0, 3).owner(4), 1);
  EXPECT_EQ(OwnerMap::block_cyclic(10, 2, 0, 3).owner(6), 0);
  EXPECT_TRUE(OwnerMap::replicated(4, 3, 2).is_local(0));
  EXPECT_FALSE(OwnerMap::block(4, 2, 1).is_local(0));
}

TEST(OwnerMap, RejectsOutOfRange) {
  const auto map = OwnerMap::block(4, 2, 0);
  EXPECT_THROW((void)map.owner(4), rankwise::IndexError);
  EXPECT_THROW((void)map.owner(-1), rankwise::IndexError);
  EXPECT_THROW((void)OwnerMap::block(4, 0, 0), rankwise::ValueError);
  EXPECT_THROW((void)OwnerMap::block(4, 2, 2), rankwise::ValueError);
}
