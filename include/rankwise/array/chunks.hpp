#pragma once
/// Chunks: how an array's shape is cut into blocks, normalised as Dask's normalize_chunks.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "rankwise/array/ndarray.hpp"

namespace rankwise {

/// Block sizes per dimension: chunks[d] lists the extents of the blocks along dimension d.
using Chunks = std::vector<std::vector<std::int64_t>>;

/// The ways a user can ask for chunks (all convert implicitly):
/// - one size for every dimension: `1000`
/// - one size per dimension: `{1000, 20}` (-1 means the whole dimension)
/// - explicit block sizes per dimension: `Chunks{{600, 400}, {20}}`
/// - `"auto"`: blocks of about 128 MiB as Dask's normalize_chunks("auto") makes them: as
///   close to cubes as the shape allows, short dimensions whole (so a tall-skinny array gets
///   whole rows: 10,000,000 x 10 float64 -> 1,677,721-row blocks).
class ChunkSpec {
 public:
  ChunkSpec(std::int64_t size) : spec_(size) {}  // NOLINT(google-explicit-constructor)
  ChunkSpec(int size) : spec_(static_cast<std::int64_t>(size)) {}  // NOLINT
  ChunkSpec(std::initializer_list<std::int64_t> sizes) : spec_(std::vector<std::int64_t>(sizes)) {}
  ChunkSpec(std::vector<std::int64_t> sizes) : spec_(std::move(sizes)) {}  // NOLINT
  ChunkSpec(Chunks chunks) : spec_(std::move(chunks)) {}  // NOLINT
  ChunkSpec(const char* word) : spec_(std::string(word)) {}  // NOLINT

  /// The normalised chunks of an array of `shape` with elements of `itemsize` bytes. Local.
  /// Throws ValueError for sizes < 1 or a wrong number of dimensions, ShapeError when explicit
  /// chunks do not add up to the shape.
  Chunks normalize(const Shape& shape, std::size_t itemsize) const;

 private:
  std::variant<std::int64_t, std::vector<std::int64_t>, Chunks, std::string> spec_;
};

/// Target block size of "auto" chunks (Dask's array.chunk-size default).
inline constexpr std::int64_t kAutoChunkBytes = 128 << 20;

/// Blocks of `size` along an extent of `extent`, the last one smaller. Local.
std::vector<std::int64_t> regular_chunks(std::int64_t extent, std::int64_t size);

/// The block grid of an array: numbers of blocks, offsets, and block index <-> multi-index.
class BlockGrid {
 public:
  BlockGrid() = default;
  explicit BlockGrid(Chunks chunks);

  const Chunks& chunks() const noexcept { return chunks_; }
  std::int64_t ndim() const noexcept { return static_cast<std::int64_t>(chunks_.size()); }
  /// Blocks along each dimension.
  const Shape& numblocks() const noexcept { return numblocks_; }
  /// Total number of blocks.
  std::int64_t size() const noexcept { return size_; }
  /// Block `b`'s multi-index (row-major over the grid).
  std::vector<std::int64_t> index(std::int64_t b) const;
  /// The linear block number of a multi-index.
  std::int64_t linear(const std::vector<std::int64_t>& index) const;
  /// Block `b`'s shape and its first element's global coordinates.
  Shape block_shape(std::int64_t b) const;
  std::vector<std::int64_t> block_origin(std::int64_t b) const;
  /// Start of block k along dimension d (offsets(d)[k]; offsets(d).back() is the extent).
  const std::vector<std::int64_t>& offsets(std::int64_t d) const { return offsets_[static_cast<std::size_t>(d)]; }

 private:
  Chunks chunks_;
  Shape numblocks_;
  std::vector<std::vector<std::int64_t>> offsets_;
  std::int64_t size_ = 1;
};

/// "((600, 400), (20,))" for messages. Local.
std::string chunks_str(const Chunks& chunks);

}  // namespace rankwise
