#pragma once
// rechunk: new block boundaries, moved with one all-to-all. Each rank cuts its input blocks into
// the pieces that overlap each output block, sends every piece to the output block's owner in
// one MPI_Alltoallv, and assembles its output blocks from the pieces it receives.
#include <cstring>
#include <map>

#include "rankwise/array/array.hpp"

namespace rankwise::array_detail {

/// Copies the box `count` (per dimension) from `src` at `src_start` to `dst` at `dst_start`.
template <class T>
void copy_box(const T* src, const Shape& src_shape, const std::vector<std::int64_t>& src_start, T* dst,
              const Shape& dst_shape, const std::vector<std::int64_t>& dst_start, const std::vector<std::int64_t>& count) {
  const auto nd = count.size();
  if (nd == 0) {
    dst[0] = src[0];
    return;
  }
  for (auto c : count)
    if (c == 0) return;
  std::vector<std::int64_t> idx(nd, 0);  // position inside the box, last dimension copied whole
  while (true) {
    std::int64_t s = 0, d = 0;
    for (std::size_t k = 0; k < nd; ++k) {
      s = s * src_shape[k] + src_start[k] + idx[k];
      d = d * dst_shape[k] + dst_start[k] + idx[k];
    }
    std::copy(src + s, src + s + count[nd - 1], dst + d);
    std::size_t k = nd - 1;
    while (k-- > 0) {
      if (++idx[k] < count[k]) break;
      idx[k] = 0;
    }
    if (k == static_cast<std::size_t>(-1)) return;
  }
}

/// The blocks along one dimension whose range [offsets[k], offsets[k+1]) meets [lo, hi).
inline std::pair<std::int64_t, std::int64_t> overlapping(const std::vector<std::int64_t>& offsets, std::int64_t lo,
                                                         std::int64_t hi) {
  const auto first = std::upper_bound(offsets.begin(), offsets.end(), lo) - offsets.begin() - 1;
  auto last = std::lower_bound(offsets.begin(), offsets.end(), hi) - offsets.begin();
  return {std::max<std::int64_t>(first, 0), std::max<std::int64_t>(last, first + 1)};
}

/// The collective kernel: local input blocks in, this rank's output blocks out.
template <class T>
BlockMap<T> redistribute(const Communicator& comm, const BlockGrid& in_grid, const BlockGrid& out_grid,
                         const OwnerMap& out_owners, std::span<const graph::LocalInput> local) {
  const auto nd = static_cast<std::size_t>(in_grid.ndim());
  // Piece header: output block, then start (inside the output block) and count per dimension.
  std::vector<std::vector<char>> outgoing(static_cast<std::size_t>(comm.size()));
  for (const auto& in : local) {
    const auto ib = static_cast<std::int64_t>(in.position);
    const auto& block = in.value->get<NDArray<T>>();
    const auto origin = in_grid.block_origin(ib);
    // Output blocks overlapping this input block, per dimension.
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges(nd);
    for (std::size_t d = 0; d < nd; ++d)
      ranges[d] = overlapping(out_grid.offsets(static_cast<std::int64_t>(d)), origin[d], origin[d] + block.shape()[d]);
    std::vector<std::int64_t> oidx(nd);
    for (std::size_t d = 0; d < nd; ++d) oidx[d] = ranges[d].first;
    while (true) {
      const auto ob = out_grid.linear(oidx);
      const auto oorigin = out_grid.block_origin(ob);
      const auto oshape = out_grid.block_shape(ob);
      std::vector<std::int64_t> src_start(nd), dst_start(nd), count(nd);
      bool empty = false;
      for (std::size_t d = 0; d < nd; ++d) {
        const auto lo = std::max(origin[d], oorigin[d]);
        const auto hi = std::min(origin[d] + block.shape()[d], oorigin[d] + oshape[d]);
        count[d] = hi - lo;
        empty = empty || count[d] <= 0;
        src_start[d] = lo - origin[d];
        dst_start[d] = lo - oorigin[d];
      }
      if (!empty) {
        NDArray<T> piece(count);
        copy_box(block.data(), block.shape(), src_start, piece.data(), count, std::vector<std::int64_t>(nd, 0), count);
        auto& buf = outgoing[static_cast<std::size_t>(out_owners.owner(ob))];
        auto put = [&buf](const void* p, std::size_t n) {
          buf.insert(buf.end(), static_cast<const char*>(p), static_cast<const char*>(p) + n);
        };
        put(&ob, sizeof ob);
        put(dst_start.data(), nd * sizeof(std::int64_t));
        put(count.data(), nd * sizeof(std::int64_t));
        put(piece.data(), static_cast<std::size_t>(piece.size()) * sizeof(T));
      }
      std::size_t d = nd;
      while (d-- > 0) {
        if (++oidx[d] < ranges[d].second) break;
        oidx[d] = ranges[d].first;
      }
      if (d == static_cast<std::size_t>(-1) || nd == 0) break;
    }
  }
  const auto incoming = alltoallv(comm, outgoing);  // the one all-to-all
  std::map<std::int64_t, NDArray<T>> blocks;
  for (auto ob : out_owners.local_blocks()) blocks.emplace(ob, NDArray<T>(out_grid.block_shape(ob)));
  for (const auto& bytes : incoming) {
    std::size_t at = 0;
    auto get = [&](void* p, std::size_t n) {
      std::memcpy(p, bytes.data() + at, n);
      at += n;
    };
    while (at < bytes.size()) {
      std::int64_t ob = 0;
      std::vector<std::int64_t> dst_start(nd), count(nd);
      get(&ob, sizeof ob);
      get(dst_start.data(), nd * sizeof(std::int64_t));
      get(count.data(), nd * sizeof(std::int64_t));
      NDArray<T> piece(count);
      get(piece.data(), static_cast<std::size_t>(piece.size()) * sizeof(T));
      auto& target = blocks.at(ob);
      copy_box(piece.data(), count, std::vector<std::int64_t>(nd, 0), target.data(), target.shape(), dst_start, count);
    }
  }
  BlockMap<T> out;
  for (auto& [ob, block] : blocks) out.emplace(ob, std::make_shared<const NDArray<T>>(std::move(block)));
  return out;
}

}  // namespace rankwise::array_detail

namespace rankwise {

template <class Elem>
Array<Elem> Array<Elem>::rechunk(const ChunkSpec& chunks_spec) const {
  const BlockGrid out_grid(chunks_spec.normalize(shape(), sizeof(Elem)));
  const auto& comm = array_detail::array_comm();
  const auto out_owners = OwnerMap::block(out_grid.size(), comm.size(), comm.rank());
  const auto serial = array_detail::next_serial();
  auto token = std::make_shared<int>(0);
  auto make = [expr = expr_, out_grid, out_owners, serial, token](array_detail::Lowering& lowering, std::int64_t ob) {
    auto& ids = lowering.leaf_tasks[token.get()];
    if (ids.empty()) {
      graph::Task t;
      t.key = {"rechunk-" + std::to_string(serial), {}};
      t.label = "rechunk (all-to-all)";
      t.inputs = array_detail::lower_blocks(lowering, expr);
      const auto in_grid = expr->grid();
      t.collective = [in_grid, out_grid, out_owners](const Communicator& c, std::span<const graph::LocalInput> local) {
        return graph::Value::of(array_detail::redistribute<Elem>(c, in_grid, out_grid, out_owners, local));
      };
      ids.push_back(lowering.graph.append(std::move(t)));
    }
    return array_detail::pick_block<Elem>(lowering, {"rechunk-block-" + std::to_string(serial), {ob}}, "rechunked block",
                                          ids.front(), out_owners, ob,
                                          shape_size(out_grid.block_shape(ob)) * static_cast<std::int64_t>(sizeof(Elem)));
  };
  return Array(std::make_shared<array_detail::Stored<Elem>>("rechunk", shape(), out_grid.chunks(), out_owners, make));
}

}  // namespace rankwise
