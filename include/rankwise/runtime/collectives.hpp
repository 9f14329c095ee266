#pragma once
/// Typed collectives as free functions, communicator first (Boost.MPI's shape).
///
/// Trivially copyable element types travel as raw bytes (arithmetic types with their MPI
/// datatype, so reductions run inside MPI); any other type goes through Boost.Serialization.
/// Every function here is *Collective*: all ranks of `comm` call it, in the same order.
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <mpi.h>

#include "rankwise/error.hpp"
#include "rankwise/runtime/communicator.hpp"
#include "rankwise/runtime/serialize.hpp"

namespace rankwise::runtime {

/// The built-in reduction operators.
enum class ReduceOp { sum, prod, min, max, logical_and, logical_or };

/// Element types that MPI reduces natively.
template <class T>
concept Reducible = std::is_arithmetic_v<T>;

namespace detail {

template <class T>
MPI_Datatype mpi_datatype() {
  if constexpr (std::is_same_v<T, bool>) return MPI_CXX_BOOL;
  else if constexpr (std::is_same_v<T, char>) return MPI_CHAR;
  else if constexpr (std::is_same_v<T, signed char>) return MPI_SIGNED_CHAR;
  else if constexpr (std::is_same_v<T, unsigned char>) return MPI_UNSIGNED_CHAR;
  else if constexpr (std::is_same_v<T, short>) return MPI_SHORT;
  else if constexpr (std::is_same_v<T, unsigned short>) return MPI_UNSIGNED_SHORT;
  else if constexpr (std::is_same_v<T, int>) return MPI_INT;
  else if constexpr (std::is_same_v<T, unsigned>) return MPI_UNSIGNED;
  else if constexpr (std::is_same_v<T, long>) return MPI_LONG;
  else if constexpr (std::is_same_v<T, unsigned long>) return MPI_UNSIGNED_LONG;
  else if constexpr (std::is_same_v<T, long long>) return MPI_LONG_LONG;
  else if constexpr (std::is_same_v<T, unsigned long long>) return MPI_UNSIGNED_LONG_LONG;
  else if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, long double>) return MPI_LONG_DOUBLE;
  else static_assert(sizeof(T) == 0, "no MPI datatype for this type");
}

MPI_Op mpi_op(ReduceOp op);

/// Converts a count to MPI's int, failing clearly instead of wrapping around.
int mpi_count(std::size_t count, const char* routine);

/// Raw-byte allgatherv: returns every rank's bytes concatenated, and the per-rank offsets
/// (size + 1 entries).
std::vector<char> allgatherv_bytes(const Communicator& comm, std::span<const char> local,
                                   std::vector<std::int64_t>& offsets);
/// Raw-byte gatherv to `root`: on root, every rank's bytes concatenated with offsets; elsewhere
/// empty.
std::vector<char> gatherv_bytes(const Communicator& comm, std::span<const char> local, int root,
                                std::vector<std::int64_t>& offsets);
/// Raw-byte alltoallv: `send` is one buffer with `send_offsets` (size + 1); returns the received
/// bytes with `recv_offsets`.
std::vector<char> alltoallv_bytes(const Communicator& comm, std::span<const char> send,
                                  std::span<const std::int64_t> send_offsets,
                                  std::vector<std::int64_t>& recv_offsets);
/// Broadcasts a byte buffer whose size only `root` knows.
void bcast_bytes(const Communicator& comm, std::vector<char>& bytes, int root);

template <class T>
void append_all(std::vector<char>& out, std::span<const T> values) {
  if constexpr (is_raw_transferable_v<T>) {
    const auto* p = reinterpret_cast<const char*>(values.data());
    out.insert(out.end(), p, p + values.size_bytes());
  } else {
    std::vector<T> copy(values.begin(), values.end());
    append_bytes(out, copy);
  }
}

template <class T>
void decode_all(std::span<const char> bytes, std::vector<T>& out) {
  if constexpr (is_raw_transferable_v<T>) {
    const std::size_t n = bytes.size() / sizeof(T);
    const std::size_t old = out.size();
    out.resize(old + n);
    if (n) std::memcpy(out.data() + old, bytes.data(), n * sizeof(T));
  } else {
    if (bytes.empty()) return;
    auto part = from_bytes<std::vector<T>>(bytes);
    out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
}

}  // namespace detail

/// Reduces `in` element-wise over all ranks into `out` (same length on every rank). Collective.
template <Reducible T>
void allreduce(const Communicator& comm, std::span<const T> in, std::span<T> out, ReduceOp op) {
  RANKWISE_CHECK(in.size() == out.size(), ValueError, "allreduce: input and output lengths differ");
  check_mpi(MPI_Allreduce(in.data(), out.data(), detail::mpi_count(in.size(), "MPI_Allreduce"),
                          detail::mpi_datatype<T>(), detail::mpi_op(op), comm.native()),
            "MPI_Allreduce");
}

/// Reduces `data` element-wise over all ranks, in place. Collective.
template <Reducible T>
void allreduce_inplace(const Communicator& comm, std::span<T> data, ReduceOp op) {
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, data.data(), detail::mpi_count(data.size(), "MPI_Allreduce"),
                          detail::mpi_datatype<T>(), detail::mpi_op(op), comm.native()),
            "MPI_Allreduce");
}

/// Returns the reduction of `value` over all ranks. Collective.
template <Reducible T>
T allreduce(const Communicator& comm, T value, ReduceOp op) {
  allreduce_inplace(comm, std::span<T>(&value, 1), op);
  return value;
}

/// Broadcasts `data` (the same length on every rank) from `root`. Collective.
template <class T>
  requires is_raw_transferable_v<T>
void bcast(const Communicator& comm, std::span<T> data, int root = 0) {
  check_mpi(MPI_Bcast(data.data(), detail::mpi_count(data.size_bytes(), "MPI_Bcast"), MPI_BYTE,
                      root, comm.native()),
            "MPI_Bcast");
}

/// Broadcasts `value` from `root`; any serializable type (the size need not be known elsewhere).
/// Collective.
template <class T>
void bcast(const Communicator& comm, T& value, int root = 0) {
  if constexpr (is_raw_transferable_v<T>) {
    bcast(comm, std::span<T>(&value, 1), root);
  } else {
    std::vector<char> bytes;
    if (comm.rank() == root) bytes = to_bytes(value);
    detail::bcast_bytes(comm, bytes, root);
    if (comm.rank() != root) value = from_bytes<T>(bytes);
  }
}

/// Every rank's contribution of a variable-length gather, concatenated in rank order.
template <class T>
struct Gathered {
  std::vector<T> values;               ///< all ranks' elements, rank 0 first
  std::vector<std::int64_t> offsets;   ///< size + 1 entries; rank r's part is [offsets[r], offsets[r+1])

  /// The elements rank `r` contributed. Local.
  std::span<const T> part(int r) const {
    return {values.data() + offsets[r], static_cast<std::size_t>(offsets[r + 1] - offsets[r])};
  }
};

namespace detail {
/// Decodes the concatenated bytes of every rank (byte_offsets: size + 1 entries).
template <class T>
Gathered<T> decode_gathered(const std::vector<char>& all, const std::vector<std::int64_t>& byte_offsets, int size) {
  Gathered<T> out;
  out.offsets.assign(1, 0);
  for (int r = 0; r < size; ++r) {
    decode_all(std::span<const char>(all.data() + byte_offsets[r],
                                     static_cast<std::size_t>(byte_offsets[r + 1] - byte_offsets[r])),
               out.values);
    out.offsets.push_back(static_cast<std::int64_t>(out.values.size()));
  }
  return out;
}
}  // namespace detail

/// Gathers every rank's `local` elements on every rank, in rank order. Collective.
template <class T>
Gathered<T> allgatherv(const Communicator& comm, std::span<const T> local) {
  std::vector<char> mine;
  detail::append_all(mine, local);
  std::vector<std::int64_t> byte_offsets;
  const auto all = detail::allgatherv_bytes(comm, mine, byte_offsets);
  return detail::decode_gathered<T>(all, byte_offsets, comm.size());
}

/// Gathers every rank's `local` elements on `root` only, in rank order; other ranks get an empty
/// result. Collective.
template <class T>
Gathered<T> gatherv(const Communicator& comm, std::span<const T> local, int root = 0) {
  std::vector<char> mine;
  detail::append_all(mine, local);
  std::vector<std::int64_t> byte_offsets;
  const auto all = detail::gatherv_bytes(comm, mine, root, byte_offsets);
  if (comm.rank() != root) return {};
  return detail::decode_gathered<T>(all, byte_offsets, comm.size());
}

/// Returns every rank's `value`, indexed by rank. Collective.
template <class T>
std::vector<T> allgather(const Communicator& comm, const T& value) {
  return std::move(allgatherv(comm, std::span<const T>(&value, 1)).values);
}

/// Reduces `value` with an arbitrary associative `combine`, folding rank 0, 1, 2, ... in that
/// fixed order, so the result is the same on every rank and for every run. Collective.
template <class T, class Combine>
T allreduce(const Communicator& comm, const T& value, Combine combine) {
  auto all = allgather(comm, value);
  T acc = std::move(all[0]);
  for (std::size_t r = 1; r < all.size(); ++r) acc = combine(std::move(acc), std::move(all[r]));
  return acc;
}

/// Personalised all-to-all: `send[r]` goes to rank r; returns what each rank sent here, indexed
/// by source rank. `send` has one entry per rank. Collective.
template <class T>
std::vector<std::vector<T>> alltoallv(const Communicator& comm,
                                      const std::vector<std::vector<T>>& send) {
  RANKWISE_CHECK(static_cast<int>(send.size()) == comm.size(), ValueError,
                 "alltoallv: need one send buffer per rank (" + std::to_string(comm.size()) +
                     "), got " + std::to_string(send.size()));
  std::vector<char> bytes;
  std::vector<std::int64_t> send_offsets{0};
  for (const auto& part : send) {
    detail::append_all(bytes, std::span<const T>(part));
    send_offsets.push_back(static_cast<std::int64_t>(bytes.size()));
  }
  std::vector<std::int64_t> recv_offsets;
  const auto received = detail::alltoallv_bytes(comm, bytes, send_offsets, recv_offsets);
  std::vector<std::vector<T>> out(send.size());
  for (int r = 0; r < comm.size(); ++r)
    detail::decode_all(std::span<const char>(received.data() + recv_offsets[r],
                                             static_cast<std::size_t>(recv_offsets[r + 1] - recv_offsets[r])),
                       out[r]);
  return out;
}

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::allgather;
using runtime::allgatherv;
using runtime::allreduce;
using runtime::allreduce_inplace;
using runtime::alltoallv;
using runtime::gatherv;
using runtime::bcast;
using runtime::Gathered;
using runtime::ReduceOp;
}  // namespace rankwise
