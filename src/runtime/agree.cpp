#include "rankwise/runtime/agree.hpp"

#include "rankwise/runtime/collectives.hpp"

namespace rankwise::runtime {

Failure capture_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return {e.kind(), e.what(), e.origin_rank()};
  } catch (const std::exception& e) {
    return {ErrorKind::generic, e.what(), -1};
  } catch (...) {
    return {ErrorKind::generic, "unknown exception (not derived from std::exception)", -1};
  }
}

int lowest_failed_rank(const Communicator& comm, bool failed) {
  return allreduce(comm, failed ? comm.rank() : comm.size(), ReduceOp::min);
}

void raise_agreed_failure(const Communicator& comm, std::string_view label,
                          const std::optional<Failure>& mine, int first_failed) {
  // The lowest failing rank tells everyone what happened, in one broadcast.
  Failure failure = mine.value_or(Failure{});
  bcast(comm, failure, first_failed);
  if (failure.origin_rank >= 0)  // agreed before: already names its rank
    throw_error(failure.kind, failure.message, failure.origin_rank);
  std::string text = "rank " + std::to_string(first_failed) + ": " + failure.message;
  if (!label.empty()) text = std::string(label) + ": " + text;
  throw_error(failure.kind, text, first_failed);
}

void agree_on_failure(const Communicator& comm, std::string_view label,
                      const std::optional<Failure>& mine) {
  const int first_failed = lowest_failed_rank(comm, mine.has_value());
  if (first_failed == comm.size()) return;
  raise_agreed_failure(comm, label, mine, first_failed);
}

}  // namespace rankwise::runtime
