#include "rankwise/array/chunks.hpp"

#include <algorithm>
#include <cmath>

namespace rankwise {

std::vector<std::int64_t> regular_chunks(std::int64_t extent, std::int64_t size) {
  RANKWISE_CHECK(size >= 1, ValueError, "chunk size must be at least 1, got " + std::to_string(size));
  std::vector<std::int64_t> out;
  for (std::int64_t start = 0; start < extent; start += size) out.push_back(std::min(size, extent - start));
  if (extent == 0) out.push_back(0);  // Dask keeps one empty block for an empty dimension
  return out;
}

Chunks ChunkSpec::normalize(const Shape& shape, std::size_t itemsize) const {
  const auto ndim = shape.size();
  for (auto e : shape) RANKWISE_CHECK(e >= 0, ValueError, "negative extent in shape " + shape_str(shape));
  Chunks out(ndim);
  if (const auto* one = std::get_if<std::int64_t>(&spec_)) {
    for (std::size_t d = 0; d < ndim; ++d) out[d] = regular_chunks(shape[d], *one == -1 ? std::max<std::int64_t>(shape[d], 1) : *one);
  } else if (const auto* per_dim = std::get_if<std::vector<std::int64_t>>(&spec_)) {
    RANKWISE_CHECK(per_dim->size() == ndim, ValueError,
                   "chunks give " + std::to_string(per_dim->size()) + " sizes for a " +
                       std::to_string(ndim) + "-d shape " + shape_str(shape));
    for (std::size_t d = 0; d < ndim; ++d)
      out[d] = regular_chunks(shape[d], (*per_dim)[d] == -1 ? std::max<std::int64_t>(shape[d], 1) : (*per_dim)[d]);
  } else if (const auto* explicit_chunks = std::get_if<Chunks>(&spec_)) {
    RANKWISE_CHECK(explicit_chunks->size() == ndim, ValueError,
                   "chunks give " + std::to_string(explicit_chunks->size()) + " dimensions for shape " +
                       shape_str(shape));
    for (std::size_t d = 0; d < ndim; ++d) {
      std::int64_t total = 0;
      for (auto c : (*explicit_chunks)[d]) {
        RANKWISE_CHECK(c >= 0, ValueError, "negative chunk size in " + chunks_str(*explicit_chunks));
        total += c;
      }
      RANKWISE_CHECK(total == shape[d], ShapeError,
                     "chunks " + chunks_str(*explicit_chunks) + " do not add up to shape " + shape_str(shape));
      out[d] = (*explicit_chunks)[d];
    }
  } else {
    const auto& word = std::get<std::string>(spec_);
    RANKWISE_CHECK(word == "auto", ValueError, "unknown chunks '" + word + "' (use a size, sizes, or \"auto\")");
    // Dask's auto_chunks (without previous chunks): blocks of about kAutoChunkBytes, as close
    // to cubes as the shape allows. A dimension shorter than the cube's edge is taken whole and
    // the edge recomputed for the others; each remaining dimension gets the edge (rounded down),
    // the last block smaller. So a tall-skinny array gets whole rows.
    std::vector<bool> whole(ndim, false);
    double block = 1;  // elements of a block along the dimensions taken whole
    for (std::size_t left = ndim; left > 0;) {
      const double edge =
          std::pow(static_cast<double>(kAutoChunkBytes) / static_cast<double>(itemsize) / block, 1.0 / static_cast<double>(left));
      bool took = false;
      for (std::size_t d = 0; d < ndim; ++d)
        if (!whole[d] && static_cast<double>(shape[d]) < edge) {
          whole[d] = took = true;
          block *= static_cast<double>(std::max<std::int64_t>(shape[d], 1));
          out[d] = regular_chunks(shape[d], std::max<std::int64_t>(shape[d], 1));
          --left;
        }
      if (took) continue;
      for (std::size_t d = 0; d < ndim; ++d)
        if (!whole[d]) out[d] = regular_chunks(shape[d], std::max<std::int64_t>(1, static_cast<std::int64_t>(edge)));
      break;
    }
  }
  return out;
}

BlockGrid::BlockGrid(Chunks chunks) : chunks_(std::move(chunks)) {
  for (const auto& c : chunks_) {
    numblocks_.push_back(static_cast<std::int64_t>(c.size()));
    std::vector<std::int64_t> off{0};
    for (auto s : c) off.push_back(off.back() + s);
    offsets_.push_back(std::move(off));
    size_ *= static_cast<std::int64_t>(c.size());
  }
}

std::vector<std::int64_t> BlockGrid::index(std::int64_t b) const {
  std::vector<std::int64_t> idx(chunks_.size());
  for (std::size_t d = chunks_.size(); d-- > 0;) {
    idx[d] = b % numblocks_[d];
    b /= numblocks_[d];
  }
  return idx;
}

std::int64_t BlockGrid::linear(const std::vector<std::int64_t>& index) const {
  std::int64_t b = 0;
  for (std::size_t d = 0; d < chunks_.size(); ++d) b = b * numblocks_[d] + index[d];
  return b;
}

Shape BlockGrid::block_shape(std::int64_t b) const {
  const auto idx = index(b);
  Shape s(chunks_.size());
  for (std::size_t d = 0; d < chunks_.size(); ++d) s[d] = chunks_[d][static_cast<std::size_t>(idx[d])];
  return s;
}

std::vector<std::int64_t> BlockGrid::block_origin(std::int64_t b) const {
  const auto idx = index(b);
  std::vector<std::int64_t> o(chunks_.size());
  for (std::size_t d = 0; d < chunks_.size(); ++d) o[d] = offsets_[d][static_cast<std::size_t>(idx[d])];
  return o;
}

std::string chunks_str(const Chunks& chunks) {
  std::string s = "(";
  for (std::size_t d = 0; d < chunks.size(); ++d) {
    s += d ? ", (" : "(";
    for (std::size_t k = 0; k < chunks[d].size(); ++k) s += (k ? ", " : "") + std::to_string(chunks[d][k]);
    s += chunks[d].size() == 1 ? ",)" : ")";
  }
  return s + (chunks.size() == 1 ? ",)" : ")");
}

}  // namespace rankwise
