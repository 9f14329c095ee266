#pragma once
/// Collective error agreement: no rank is left waiting when another one fails.
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "rankwise/error.hpp"
#include "rankwise/runtime/communicator.hpp"

namespace rankwise::runtime {

/// What one rank's failed step threw.
struct Failure {
  ErrorKind kind = ErrorKind::generic;
  std::string message;
  int origin_rank = -1;  ///< set when the error was itself already agreed elsewhere

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & kind & message & origin_rank;
  }
};

/// Agrees on the outcome of a step every rank ran: returns normally when no rank failed;
/// otherwise every rank throws the same Error (same class, message and origin rank) of the
/// lowest failing rank. The message reads "<label>: rank R: <original message>".
/// Collective; one MPI_Allreduce when nothing failed, plus one broadcast when something did.
void agree_on_failure(const Communicator& comm, std::string_view label,
                      const std::optional<Failure>& mine);

/// The first half of agree_on_failure: returns the lowest rank that failed, or comm.size() when
/// none did. Collective (one MPI_Allreduce).
int lowest_failed_rank(const Communicator& comm, bool failed);

/// The second half: `first_failed` (from lowest_failed_rank) broadcasts its failure and every
/// rank throws it, labelled as agree_on_failure does. Collective; never returns.
[[noreturn]] void raise_agreed_failure(const Communicator& comm, std::string_view label,
                                       const std::optional<Failure>& mine, int first_failed);

/// Captures the exception in flight as a Failure (rankwise errors keep their kind). Local.
Failure capture_current_exception();

/// Runs `step` on every rank and agrees on the outcome: returns step's result when every rank
/// succeeded, otherwise throws on every rank the error of the lowest failing rank.
///
/// Collective. `step` must itself be local (no collectives inside that a failing rank could
/// skip), otherwise the ranks that did not fail would wait in that collective forever.
///
///     auto table = rw::agree(comm, "read header", [&] { return parse_header(path); });
template <class Step>
auto agree(const Communicator& comm, std::string_view label, Step&& step)
    -> std::invoke_result_t<Step> {
  using Result = std::invoke_result_t<Step>;
  std::optional<Failure> failure;
  if constexpr (std::is_void_v<Result>) {
    try {
      std::forward<Step>(step)();
    } catch (...) {
      failure = capture_current_exception();
    }
    agree_on_failure(comm, label, failure);
  } else {
    std::optional<Result> result;
    try {
      result.emplace(std::forward<Step>(step)());
    } catch (...) {
      failure = capture_current_exception();
    }
    agree_on_failure(comm, label, failure);
    return std::move(*result);
  }
}

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::agree;
}
