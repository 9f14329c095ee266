#pragma once
/// Shape operations beyond slicing: concatenate, stack, broadcast_to, reshape, take and
/// boolean row masks.
#include <algorithm>
#include <numeric>

#include "rankwise/array/array.hpp"
#include "rankwise/array/detail/reindex.hpp"
#include "rankwise/array/detail/broadcast.hpp"

namespace rankwise {

/// The arrays joined along `axis` (numpy.concatenate). Other dimensions must agree; an array
/// chunked differently there is rechunked to the first one's chunks. Local (records), except
/// that a needed rechunk is recorded too. Throws ShapeError naming the shapes, ValueError for
/// no arrays.
template <class T>
Array<T> concatenate(const std::vector<Array<T>>& arrays, int axis = 0) {
  RANKWISE_CHECK(!arrays.empty(), ValueError, "concatenate: need at least one array");
  const auto& first = arrays.front();
  const auto a = static_cast<std::size_t>(array_detail::normalize_axis(axis, first.ndim()));
  Shape shape = first.shape();
  shape[a] = 0;
  Chunks chunks = first.chunks();
  chunks[a].clear();
  std::vector<array_detail::ExprPtr<T>> parts;
  for (const auto& x : arrays) {
    bool fits = x.ndim() == first.ndim();
    for (std::size_t d = 0; fits && d < shape.size(); ++d) fits = d == a || x.shape()[d] == first.shape()[d];
    if (!fits)
      throw ShapeError("concatenate: shapes " + shape_str(first.shape()) + " and " + shape_str(x.shape()) +
                       " differ outside axis " + std::to_string(axis));
    Chunks wanted = first.chunks();
    wanted[a] = x.chunks()[a];
    const auto& y = x.chunks() == wanted ? x : x.rechunk(ChunkSpec(wanted));
    parts.push_back(y.expr());
    shape[a] += x.shape()[a];
    chunks[a].insert(chunks[a].end(), x.chunks()[a].begin(), x.chunks()[a].end());
  }
  return Array<T>(std::make_shared<array_detail::Concat<T>>(std::move(parts), a, shape, chunks));
}

/// The arrays (all of one shape) stacked along a new axis (numpy.stack). Local.
template <class T>
Array<T> stack(const std::vector<Array<T>>& arrays, int axis = 0) {
  RANKWISE_CHECK(!arrays.empty(), ValueError, "stack: need at least one array");
  const auto nd = arrays.front().ndim() + 1;
  const auto a = static_cast<std::size_t>(array_detail::normalize_axis(axis, nd));
  std::vector<Array<T>> expanded;
  for (const auto& x : arrays) {
    if (x.shape() != arrays.front().shape())
      throw ShapeError("stack: all arrays need one shape, got " + shape_str(arrays.front().shape()) + " and " +
                       shape_str(x.shape()));
    Shape s = x.shape();
    Chunks c = x.chunks();
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(a), 1);
    c.insert(c.begin() + static_cast<std::ptrdiff_t>(a), std::vector<std::int64_t>{1});
    expanded.emplace_back(std::make_shared<array_detail::ExpandDims<T>>(x.expr(), a, s, c));
  }
  return concatenate(expanded, static_cast<int>(a));
}

/// `x` repeated to `shape` by NumPy's broadcasting rules; stretched and new dimensions are one
/// block each. Local. Throws ShapeError when the shapes do not broadcast.
template <class T>
Array<T> broadcast_to(const Array<T>& x, const Shape& shape) {
  const auto out = array_detail::broadcast_shapes(x.shape(), shape, "broadcast_to");
  if (out != shape)
    throw ShapeError("broadcast_to: cannot broadcast shape " + shape_str(x.shape()) + " to " + shape_str(shape));
  const auto lead = shape.size() - x.shape().size();
  Chunks chunks(shape.size());
  for (std::size_t d = 0; d < shape.size(); ++d)
    chunks[d] = d < lead || x.shape()[d - lead] != shape[d] ? std::vector<std::int64_t>{shape[d]} : x.chunks()[d - lead];
  return Array<T>(array_detail::stretch(x.expr(), shape, chunks));
}

template <class Elem>
Array<Elem> Array<Elem>::reshape(Shape new_shape) const {
  // Resolve one -1 and check the size.
  std::int64_t known = 1, unknown = -1;
  for (std::size_t d = 0; d < new_shape.size(); ++d) {
    if (new_shape[d] == -1) {
      RANKWISE_CHECK(unknown < 0, ValueError, "reshape: only one dimension can be -1");
      unknown = static_cast<std::int64_t>(d);
    } else {
      known *= new_shape[d];
    }
  }
  if (unknown >= 0 && known > 0) new_shape[static_cast<std::size_t>(unknown)] = size() / known;
  if (shape_size(new_shape) != size())
    throw ShapeError("reshape: cannot reshape an array of size " + std::to_string(size()) + " into shape " +
                     shape_str(new_shape));
  if (new_shape == shape()) return *this;
  RANKWISE_CHECK(!shape().empty() && !new_shape.empty() && size() > 0, ShapeError,
                 "reshape: 0-d and empty arrays are not reshaped");
  // Row blocks whose sizes are multiples of both row lengths keep the row-major order inside
  // each block: rechunk to them, then relabel each block with the new shape.
  auto prod_tail = [](const Shape& s) {
    return std::accumulate(s.begin() + 1, s.end(), std::int64_t{1}, std::multiplies<>());
  };
  const auto inner_in = prod_tail(shape()), inner_out = prod_tail(new_shape);
  const auto step = std::lcm(inner_in, inner_out) / inner_in;  // input rows per unit
  const auto rows = std::max<std::int64_t>(step, chunks()[0][0] / step * step);
  std::vector<std::int64_t> in_rows = regular_chunks(shape()[0], rows);
  std::vector<std::int64_t> spec{rows};
  for (std::size_t d = 1; d < shape().size(); ++d) spec.push_back(-1);
  const auto source = rechunk(ChunkSpec(spec));
  Chunks out_chunks(new_shape.size());
  for (auto r : in_rows) out_chunks[0].push_back(r * inner_in / inner_out);
  for (std::size_t d = 1; d < new_shape.size(); ++d) out_chunks[d] = {new_shape[d]};
  return Array(std::make_shared<array_detail::Reblock<Elem>>(source.expr(), new_shape, out_chunks));
}

template <class Elem>
Array<Elem> Array<Elem>::take(std::vector<std::int64_t> indices) const {
  RANKWISE_CHECK(ndim() >= 1, IndexError, "take: a 0-d array has no rows");
  const auto n = shape()[0];
  for (auto& i : indices) {
    if (i < 0) i += n;
    if (i < 0 || i >= n)
      throw IndexError("take: index " + std::to_string(i < 0 ? i - n : i) + " is out of bounds for axis 0 with size " +
                       std::to_string(n));
  }
  // Row blocks of the source, output blocks of the source's first chunk size.
  std::vector<std::int64_t> spec{chunks()[0][0]};
  for (std::size_t d = 1; d < shape().size(); ++d) spec.push_back(-1);
  const auto source = chunks() == ChunkSpec(spec).normalize(shape(), sizeof(Elem)) ? *this : rechunk(ChunkSpec(spec));
  Shape out_shape = shape();
  out_shape[0] = static_cast<std::int64_t>(indices.size());
  const auto out_chunks = ChunkSpec(spec).normalize(out_shape, sizeof(Elem));
  const BlockGrid out_grid(out_chunks);
  const auto& comm = array_detail::array_comm();
  const auto out_owners = OwnerMap::block(out_grid.size(), comm.size(), comm.rank());
  auto shared = std::make_shared<const std::vector<std::int64_t>>(std::move(indices));
  auto token = std::make_shared<int>(0);
  const auto serial = array_detail::next_serial();
  auto make = [expr = source.expr(), shared, out_grid, out_owners, token, serial](array_detail::Lowering& lowering,
                                                                                   std::int64_t ob) {
    const auto& grid = expr->grid();
    auto& ids = lowering.leaf_tasks[token.get()];
    if (ids.empty()) ids.assign(static_cast<std::size_t>(grid.size()), -1);
    const auto first = out_grid.block_origin(ob)[0], count = out_grid.block_shape(ob)[0];
    // Which source blocks this output block reads, in order of first use.
    const auto& offsets = grid.offsets(0);
    std::vector<std::int64_t> used;
    for (std::int64_t k = 0; k < count; ++k) {
      const auto row = (*shared)[static_cast<std::size_t>(first + k)];
      const auto b = std::upper_bound(offsets.begin(), offsets.end(), row) - offsets.begin() - 1;
      if (std::find(used.begin(), used.end(), b) == used.end()) used.push_back(b);
    }
    graph::Task t;
    t.key = {"take-" + std::to_string(serial), {ob}};
    t.label = "take";
    const auto owners = array_detail::owners_of(*expr);
    for (auto b : used) {
      auto& id = ids[static_cast<std::size_t>(b)];
      if (id < 0) id = array_detail::lower_block(lowering, expr, owners, b);
      t.inputs.push_back(id);
    }
    t.codec = graph::Codec::of<NDArray<Elem>>();
    t.owner_map = out_owners;
    t.block = ob;
    t.kernel = [shared, used, first, shape = out_grid.block_shape(ob), offsets](std::span<const graph::Value* const> in) {
      NDArray<Elem> out(shape);
      const auto row_len = shape[0] ? out.size() / shape[0] : 0;
      for (std::int64_t k = 0; k < shape[0]; ++k) {
        const auto row = (*shared)[static_cast<std::size_t>(first + k)];
        const auto b = std::upper_bound(offsets.begin(), offsets.end(), row) - offsets.begin() - 1;
        const auto pos = std::find(used.begin(), used.end(), b) - used.begin();
        const auto& block = in[static_cast<std::size_t>(pos)]->template get<NDArray<Elem>>();
        const auto* src = block.data() + (row - offsets[static_cast<std::size_t>(b)]) * row_len;
        std::copy(src, src + row_len, out.data() + k * row_len);
      }
      return graph::Value::of(std::move(out));
    };
    return lowering.graph.append(std::move(t));
  };
  return Array(std::make_shared<array_detail::Stored<Elem>>("take", out_shape, out_chunks, out_owners, make));
}

template <class Elem>
Array<Elem> Array<Elem>::operator[](const Array<bool>& mask) const {
  if (mask.ndim() != 1 || ndim() < 1 || mask.shape()[0] != shape()[0])
    throw ShapeError("boolean mask of shape " + shape_str(mask.shape()) + " does not select rows of an array of shape " +
                     shape_str(shape()));
  // Like dask's compute_chunk_sizes: the mask is computed now, so the result's chunks are known.
  const auto flags = mask.compute();
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < flags.size(); ++i)
    if (flags.data()[i]) rows.push_back(i);
  return take(std::move(rows));
}

}  // namespace rankwise
