#pragma once
/// Creating arrays: constants, ranges, identity, from local data. All Local (they record),
/// except from_local_blocks, which is Collective.
#include <cmath>

#include "rankwise/array/array.hpp"

namespace rankwise {

namespace array_detail {
template <class T, class F>
Array<T> generate(std::string name, const Shape& shape, const ChunkSpec& chunks, F value_at) {
  auto fn = [value_at](GlobalWalk& walk, std::int64_t count, T* out) {
    for (std::int64_t k = 0; k < count; ++k, walk.next()) out[k] = value_at(walk);
  };
  return Array<T>(std::make_shared<Generator<T>>(std::move(name), shape, chunks.normalize(shape, sizeof(T)), fn));
}
}  // namespace array_detail

/// An array of `shape` filled with `value`. Local.
template <class T = double>
Array<T> full(const Shape& shape, T value, const ChunkSpec& chunks = "auto") {
  auto fn = [value](array_detail::GlobalWalk&, std::int64_t count, T* out) { std::fill(out, out + count, value); };
  return Array<T>(std::make_shared<array_detail::Generator<T>>("full", shape, chunks.normalize(shape, sizeof(T)), fn));
}
/// Zeros. Local.
template <class T = double>
Array<T> zeros(const Shape& shape, const ChunkSpec& chunks = "auto") { return full<T>(shape, T{0}, chunks); }
/// Ones. Local.
template <class T = double>
Array<T> ones(const Shape& shape, const ChunkSpec& chunks = "auto") { return full<T>(shape, T{1}, chunks); }
/// Uninitialised in numpy; zeros here (a lazy array costs nothing until computed). Local.
template <class T = double>
Array<T> empty(const Shape& shape, const ChunkSpec& chunks = "auto") { return zeros<T>(shape, chunks); }

/// start, start + step, ... below stop (1-D). Throws ValueError for step 0. Local.
template <class T = double>
Array<T> arange(T start, T stop, T step = T{1}, const ChunkSpec& chunks = "auto") {
  RANKWISE_CHECK(step != T{0}, ValueError, "arange: step must not be zero");
  const double n = std::ceil((static_cast<double>(stop) - static_cast<double>(start)) / static_cast<double>(step));
  const auto count = static_cast<std::int64_t>(std::max(0.0, n));
  return array_detail::generate<T>("arange", {count}, chunks, [start, step](const array_detail::GlobalWalk& w) {
    return static_cast<T>(start + static_cast<T>(w.global_flat()) * step);
  });
}
/// `num` evenly spaced values from start to stop (inclusive when `endpoint`). Local.
inline Array<double> linspace(double start, double stop, std::int64_t num, const ChunkSpec& chunks = "auto",
                              bool endpoint = true) {
  RANKWISE_CHECK(num >= 0, ValueError, "linspace: num must be non-negative, got " + std::to_string(num));
  const double div = endpoint ? static_cast<double>(num - 1) : static_cast<double>(num);
  const double step = div > 0 ? (stop - start) / div : 0.0;
  return array_detail::generate<double>("linspace", {num}, chunks, [=](const array_detail::GlobalWalk& w) {
    const auto i = w.global_flat();
    return endpoint && i == num - 1 && num > 1 ? stop : start + static_cast<double>(i) * step;
  });
}
/// The n x m identity (ones on diagonal k). Local.
template <class T = double>
Array<T> eye(std::int64_t n, const ChunkSpec& chunks = "auto", std::int64_t m = -1, std::int64_t k = 0) {
  if (m < 0) m = n;
  return array_detail::generate<T>("eye", {n, m}, chunks, [k](const array_detail::GlobalWalk& w) {
    return w.global_coord(1) - w.global_coord(0) == k ? T{1} : T{0};
  });
}

/// An array made from a local NDArray that every rank holds (the same on every rank); each rank
/// keeps only the blocks it owns. Local.
template <class T>
Array<T> from_ndarray(const NDArray<T>& data, const ChunkSpec& chunks = "auto") {
  auto shared = std::make_shared<const NDArray<T>>(data);
  const Shape shape = data.shape();
  return array_detail::generate<T>("from_ndarray", shape, chunks, [shared](const array_detail::GlobalWalk& w) {
    return shared->data()[w.global_flat()];
  });
}

/// An array made of the rows each rank already holds: rank r's `rows` become block r (the
/// first dimension is concatenated in rank order; the other dimensions must agree). This is
/// how existing MPI data enters rankwise. Collective (one allgather of the row counts).
/// Throws ShapeError on every rank when the trailing dimensions differ.
template <class T>
Array<T> from_local_blocks(NDArray<T> rows) {
  const auto& comm = array_detail::array_comm();
  // Shapes first, checks after: a rank that threw before the allgather would leave the others
  // waiting in it.
  const auto shapes = allgather(comm, rows.shape());
  for (std::size_t r = 0; r < shapes.size(); ++r)
    RANKWISE_CHECK(!shapes[r].empty(), ShapeError,
                   "from_local_blocks: rank " + std::to_string(r) + " handed in a 0-d array, which has no rows");
  Shape shape = shapes[0];
  shape[0] = 0;
  std::vector<std::int64_t> row_chunks;
  for (const auto& s : shapes) {
    if (!std::equal(s.begin() + 1, s.end(), shapes[0].begin() + 1, shapes[0].end()))
      throw ShapeError("from_local_blocks: ranks hold rows of different shapes: " + shape_str(shapes[0]) +
                       " and " + shape_str(s));
    shape[0] += s[0];
    row_chunks.push_back(s[0]);
  }
  Chunks chunks{row_chunks};
  for (std::size_t d = 1; d < shape.size(); ++d) chunks.push_back({shape[d]});
  // Block r is rank r's: a block map over P blocks and P ranks puts block r on rank r.
  const auto owners = OwnerMap::block(comm.size(), comm.size(), comm.rank());
  auto blocks = std::make_shared<std::unordered_map<std::int64_t, graph::Value>>();
  (*blocks)[comm.rank()] = graph::Value::of(std::move(rows));
  return Array<T>(array_detail::stored_from_values<T>("local_blocks", shape, chunks, owners, std::move(blocks)));
}

}  // namespace rankwise
