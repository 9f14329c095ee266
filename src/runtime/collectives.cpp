#include "rankwise/runtime/collectives.hpp"

#include <string>

namespace rankwise::runtime::detail {

MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum: return MPI_SUM;
    case ReduceOp::prod: return MPI_PROD;
    case ReduceOp::min: return MPI_MIN;
    case ReduceOp::max: return MPI_MAX;
    case ReduceOp::logical_and: return MPI_LAND;
    case ReduceOp::logical_or: return MPI_LOR;
  }
  throw ValueError("unknown reduction operator");
}

int mpi_count(std::size_t count, const char* routine) {
  if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw MpiError(std::string(routine) + ": a message of " + std::to_string(count) +
                   " elements exceeds MPI's int count; split it into smaller collectives");
  return static_cast<int>(count);
}

namespace {
std::vector<int> to_ints(std::span<const std::int64_t> offsets, std::vector<int>& displs,
                         const char* routine) {
  std::vector<int> counts(offsets.size() - 1);
  displs.resize(counts.size());
  for (std::size_t r = 0; r < counts.size(); ++r) {
    counts[r] = mpi_count(static_cast<std::size_t>(offsets[r + 1] - offsets[r]), routine);
    displs[r] = mpi_count(static_cast<std::size_t>(offsets[r]), routine);
  }
  return counts;
}
}  // namespace

std::vector<char> allgatherv_bytes(const Communicator& comm, std::span<const char> local,
                                   std::vector<std::int64_t>& offsets) {
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::int64_t> sizes(p);
  std::int64_t mine = static_cast<std::int64_t>(local.size());
  check_mpi(MPI_Allgather(&mine, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm.native()),
            "MPI_Allgather");
  offsets.assign(p + 1, 0);
  std::partial_sum(sizes.begin(), sizes.end(), offsets.begin() + 1);
  std::vector<int> displs;
  const auto counts = to_ints(offsets, displs, "MPI_Allgatherv");
  std::vector<char> all(static_cast<std::size_t>(offsets.back()));
  check_mpi(MPI_Allgatherv(local.data(), mpi_count(local.size(), "MPI_Allgatherv"), MPI_BYTE,
                           all.data(), counts.data(), displs.data(), MPI_BYTE, comm.native()),
            "MPI_Allgatherv");
  return all;
}

std::vector<char> gatherv_bytes(const Communicator& comm, std::span<const char> local, int root,
                                std::vector<std::int64_t>& offsets) {
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::int64_t> sizes(comm.rank() == root ? p : 0);
  std::int64_t mine = static_cast<std::int64_t>(local.size());
  check_mpi(MPI_Gather(&mine, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, root, comm.native()), "MPI_Gather");
  std::vector<int> counts, displs;
  std::vector<char> all;
  if (comm.rank() == root) {
    offsets.assign(p + 1, 0);
    std::partial_sum(sizes.begin(), sizes.end(), offsets.begin() + 1);
    counts = to_ints(offsets, displs, "MPI_Gatherv");
    all.resize(static_cast<std::size_t>(offsets.back()));
  }
  check_mpi(MPI_Gatherv(local.data(), mpi_count(local.size(), "MPI_Gatherv"), MPI_BYTE, all.data(), counts.data(),
                        displs.data(), MPI_BYTE, root, comm.native()),
            "MPI_Gatherv");
  return all;
}

std::vector<char> alltoallv_bytes(const Communicator& comm, std::span<const char> send,
                                  std::span<const std::int64_t> send_offsets,
                                  std::vector<std::int64_t>& recv_offsets) {
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::int64_t> send_sizes(p), recv_sizes(p);
  for (std::size_t r = 0; r < p; ++r) send_sizes[r] = send_offsets[r + 1] - send_offsets[r];
  check_mpi(MPI_Alltoall(send_sizes.data(), 1, MPI_INT64_T, recv_sizes.data(), 1, MPI_INT64_T,
                         comm.native()),
            "MPI_Alltoall");
  recv_offsets.assign(p + 1, 0);
  std::partial_sum(recv_sizes.begin(), recv_sizes.end(), recv_offsets.begin() + 1);
  std::vector<int> sdispls, rdispls;
  const auto scounts = to_ints(send_offsets, sdispls, "MPI_Alltoallv");
  const auto rcounts = to_ints(recv_offsets, rdispls, "MPI_Alltoallv");
  std::vector<char> received(static_cast<std::size_t>(recv_offsets.back()));
  check_mpi(MPI_Alltoallv(send.data(), scounts.data(), sdispls.data(), MPI_BYTE, received.data(),
                          rcounts.data(), rdispls.data(), MPI_BYTE, comm.native()),
            "MPI_Alltoallv");
  return received;
}

void bcast_bytes(const Communicator& comm, std::vector<char>& bytes, int root) {
  std::uint64_t size = bytes.size();
  check_mpi(MPI_Bcast(&size, 1, MPI_UINT64_T, root, comm.native()), "MPI_Bcast");
  bytes.resize(size);
  check_mpi(MPI_Bcast(bytes.data(), mpi_count(size, "MPI_Bcast"), MPI_BYTE, root, comm.native()),
            "MPI_Bcast");
}

}  // namespace rankwise::runtime::detail
