#pragma once
// Templates of io/hdf5.hpp: lowering reads and writes into collective rounds.
#include <numeric>

#include "rankwise/io/hdf5.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::io {

namespace detail {

/// Reads a hyperslab (start, count per dimension; an empty count means: take part with nothing)
/// collectively, converting to T. Collective.
void read_slab(Hdf5Reader& reader, const std::vector<std::int64_t>& start, const std::vector<std::int64_t>& count,
               void* out, const char* as_type);
template <class T>
const char* type_code() {
  if constexpr (std::is_same_v<T, double>) return "float64";
  else if constexpr (std::is_same_v<T, float>) return "float32";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else static_assert(sizeof(T) == 0, "HDF5 I/O supports double, float, int64_t and int32_t");
}

template <class T>
graph::Value read_round(Hdf5Reader& reader, const Communicator& comm, const BlockGrid& grid,
                        const array_detail::Rounds& rounds, std::int64_t round) {
  const auto b = rounds.block(comm.rank(), round);
  std::vector<std::int64_t> start, count;
  NDArray<T> block(Shape(static_cast<std::size_t>(grid.ndim()), 0));
  if (b >= 0) {
    start = grid.block_origin(b);
    count = grid.block_shape(b);
    block = NDArray<T>::uninitialized(count);  // H5Dread fills it
  }
  read_slab(reader, start, count, block.data(), type_code<T>());
  return graph::Value::of(std::move(block));
}

/// Rows per slab of a block whose rows hold `per_row` elements: about 4 MiB (the slab stays in
/// cache while it is reduced) and a whole number of kTile tiles.
inline std::int64_t slab_rows(std::int64_t per_row, std::int64_t element_bytes) {
  const std::int64_t align = array_detail::kTile / std::gcd(std::max<std::int64_t>(per_row, 1), array_detail::kTile);
  const std::int64_t target = (std::int64_t{4} << 20) / std::max<std::int64_t>(per_row * element_bytes, 1);
  return std::max<std::int64_t>(1, target / align) * align;
}

/// Round `round` in slabs (array_detail::SlabStream): every rank makes the same number of
/// collective reads — as many as the round's largest block needs — with empty selections once
/// its own block is done. Returns this rank's block, or -1. Collective.
template <class T>
std::int64_t stream_round(Hdf5Reader& reader, const Communicator& comm, const BlockGrid& grid, const array_detail::Rounds& rounds,
                          std::int64_t round, const typename array_detail::SlabStream<T>::Visit& visit) {
  const auto slabs_of = [&](std::int64_t b, std::int64_t& rows_per_slab) {
    if (b < 0) return std::int64_t{0};
    const auto shape = grid.block_shape(b);
    rows_per_slab = slab_rows(shape_size(shape) / std::max<std::int64_t>(shape[0], 1), static_cast<std::int64_t>(sizeof(T)));
    return (shape[0] + rows_per_slab - 1) / rows_per_slab;
  };
  std::int64_t calls = 0, unused = 0;
  for (int r = 0; r < comm.size(); ++r) calls = std::max(calls, slabs_of(rounds.block(r, round), unused));
  const auto b = rounds.block(comm.rank(), round);
  std::int64_t rows_per_slab = 1;
  const auto mine = slabs_of(b, rows_per_slab);
  // One slab buffer for the round, shared as a graph value (what a fused evaluation reads).
  auto slab = std::make_shared<NDArray<T>>(Shape{0});
  if (mine > 0) {
    auto first = grid.block_shape(b);
    first[0] = std::min(rows_per_slab, first[0]);
    *slab = NDArray<T>::uninitialized(first);
  }
  const auto value = graph::Value::share<NDArray<T>>(slab);
  for (std::int64_t k = 0; k < calls; ++k) {
    std::vector<std::int64_t> start, count;
    std::int64_t rows = 0;
    if (k < mine) {
      start = grid.block_origin(b);
      count = grid.block_shape(b);
      rows = std::min(rows_per_slab, count[0] - k * rows_per_slab);
      start[0] += k * rows_per_slab;
      count[0] = rows;
    }
    read_slab(reader, start, count, slab->data(), type_code<T>());
    if (rows > 0) visit(b, value, rows, k * rows_per_slab);
  }
  return b;
}

/// Writing side: create (collective), write a round (collective), finish (close + rename).
std::shared_ptr<Hdf5Writer> create_writer(const Communicator& comm, const std::string& file, const std::string& dataset,
                                          const Shape& shape, const char* type, const Hdf5WriteOptions& options);
void write_slab(Hdf5Writer& writer, const std::vector<std::int64_t>& start, const std::vector<std::int64_t>& count,
                const void* data);
void finish_writer(Hdf5Writer& writer);

}  // namespace detail

template <class T>
Array<T> read_hdf5(const std::string& file, const std::string& dataset, const ChunkSpec& chunks) {
  const auto& comm = array_detail::array_comm();
  const auto info = hdf5_info(file, dataset);
  const auto normalized = agree(comm, "read_hdf5", [&] {
    try {
      return chunks.normalize(info.shape, sizeof(T));
    } catch (const Error& e) {
      throw ShapeError("read_hdf5: dataset " + dataset + " in " + file + " has shape " + shape_str(info.shape) +
                       "; " + e.what());
    }
  });
  const BlockGrid grid(normalized);
  const auto owners = OwnerMap::block(grid.size(), comm.size(), comm.rank());
  const auto rounds = std::make_shared<const array_detail::Rounds>(owners);  // shared by every block's task
  auto state = std::make_shared<std::pair<std::string, std::string>>(file, dataset);
  const auto serial = array_detail::next_serial();
  auto make = [state, info, grid, owners, rounds, serial](array_detail::Lowering& lowering, std::int64_t b) {
    // One collective read task per round (shared by the blocks of that round), then a
    // pass-through task per block on its owner. Rounds are added as blocks are first needed,
    // so each rank's consumers of round k come before round k + 1: reads stream.
    const auto round = rounds->round_of(b);
    auto& round_ids = lowering.leaf_tasks[state.get()];
    if (round_ids.empty()) round_ids.assign(static_cast<std::size_t>(rounds->count()), -1);
    auto& rid = round_ids[static_cast<std::size_t>(round)];
    if (rid < 0) {
      graph::Task t;
      t.key = {"read_hdf5-" + std::to_string(serial), {round}};
      t.label = "read_hdf5 " + state->second;
      t.codec = graph::Codec::of<NDArray<T>>();
      t.collective = [state, info, grid, rounds, round](const Communicator& c, std::span<const graph::LocalInput>) {
        // Each round opens the file (a collective open): simple, and nothing stays open if a
        // computation ends early.
        auto reader = detail::open_reader(state->first, state->second, info);
        return detail::read_round<T>(*reader, c, grid, *rounds, round);
      };
      rid = lowering.graph.append(std::move(t));
    }
    graph::Task pick;
    pick.key = {"read_hdf5-block-" + std::to_string(serial), {b}};
    pick.label = "hdf5 block";
    pick.inputs = {rid};
    pick.codec = graph::Codec::of<NDArray<T>>();
    pick.owner_map = owners;
    pick.block = b;
    pick.cost = 1e-7;
    pick.output_bytes = shape_size(grid.block_shape(b)) * static_cast<std::int64_t>(sizeof(T));
    pick.kernel = [](std::span<const graph::Value* const> in) { return *in[0]; };
    return lowering.graph.append(std::move(pick));
  };
  auto leaf = std::make_shared<array_detail::Stored<T>>("read_hdf5", info.shape, normalized, owners, make);
  auto stream = std::make_shared<array_detail::SlabStream<T>>();
  stream->rounds = rounds->count();
  stream->read = [state, info, grid, rounds](const Communicator& c, std::int64_t round,
                                            const typename array_detail::SlabStream<T>::Visit& visit) {
    auto reader = detail::open_reader(state->first, state->second, info);
    return detail::stream_round<T>(*reader, c, grid, *rounds, round, visit);
  };
  leaf->set_stream(std::move(stream));
  return Array<T>(std::move(leaf));
}

template <class T>
void to_hdf5(const Array<T>& array, const std::string& file, const std::string& dataset,
             const Hdf5WriteOptions& options) {
  const auto& comm = array_detail::array_comm();
  auto writer = detail::create_writer(comm, file, dataset, array.shape(), detail::type_code<T>(), options);
  const auto& e = array.expr();
  const auto owners = array_detail::owners_of(*e);
  const auto grid = e->grid();
  const array_detail::Rounds rounds(owners);
  array_detail::Lowering lowering;
  for (std::int64_t round = 0; round < rounds.count(); ++round) {
    // The blocks of this round, then one collective write of them: memory stays at a round.
    graph::Task w;
    std::vector<std::int64_t> block_ids;
    for (int r = 0; r < comm.size(); ++r)
      if (const auto b = rounds.block(r, round); b >= 0) {
        w.inputs.push_back(array_detail::lower_block(lowering, e, owners, b));
        block_ids.push_back(b);
      }
    w.key = {"to_hdf5-" + std::to_string(e->serial()), {round}};
    w.label = "to_hdf5 " + dataset;
    w.codec = graph::Codec::of<int>();
    w.collective = [writer, grid, block_ids](const Communicator& c, std::span<const graph::LocalInput> local) {
      std::vector<std::int64_t> start, count;
      const void* data = nullptr;
      if (!local.empty()) {  // at most one block per rank per round
        const auto b = block_ids[local.front().position];
        start = grid.block_origin(b);
        count = grid.block_shape(b);
        data = local.front().value->get<NDArray<T>>().data();
      }
      agree(c, "to_hdf5", [&] { detail::write_slab(*writer, start, count, data); });
      return graph::Value::of(0);
    };
    lowering.graph.append(std::move(w));
  }
  graph::execute(lowering.graph, graph::partition(lowering.graph, comm.size()), {}, comm, {.label = "to_hdf5"});
  detail::finish_writer(*writer);
}

}  // namespace rankwise::io
