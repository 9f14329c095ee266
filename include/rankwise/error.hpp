#pragma once
/// The exception hierarchy of rankwise and the check macros that raise it.
///
/// Two families: caller bugs (ValueError, ShapeError, IndexError, NotFittedError: the program
/// asked for something impossible) and environment failures (IoError, ParseError, MpiError,
/// LinalgError: the data or the machine said no). Every class carries a stable ErrorKind, so an
/// error agreed across ranks (runtime/agree.hpp) is rethrown as the same type on every rank.
#include <stdexcept>
#include <string>
#include <string_view>

namespace rankwise {

/// Stable identity of each error class; travels across ranks as an integer.
enum class ErrorKind : int {
  generic = 0,
  value = 1,       ///< an argument has an impossible value
  shape = 2,       ///< operands have incompatible shapes
  index = 3,       ///< an index or slice is out of range
  not_fitted = 4,  ///< an estimator was used before fit()
  io = 5,          ///< a file or dataset is missing, unreadable or unwritable
  parse = 6,       ///< input text does not match its format or schema
  mpi = 7,         ///< an MPI routine failed
  linalg = 8,      ///< a matrix is singular or a factorisation failed
  task = 9,        ///< a task of the graph failed (wraps the original message)
};

/// Returns the class name of a kind ("ValueError", ...). Local.
std::string_view error_kind_name(ErrorKind kind) noexcept;

/// Base class of every error rankwise throws.
///
/// `origin_rank()` is the rank where the error first happened, or -1 when it was raised locally
/// and not (yet) agreed across ranks.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::generic,
                 int origin_rank = -1)
      : std::runtime_error(message), kind_(kind), origin_rank_(origin_rank) {}

  ErrorKind kind() const noexcept { return kind_; }
  int origin_rank() const noexcept { return origin_rank_; }

 private:
  ErrorKind kind_;
  int origin_rank_;
};

#define RANKWISE_DEFINE_ERROR(Name, Kind)                                             \
  class Name : public Error {                                                         \
   public:                                                                            \
    explicit Name(const std::string& message, int origin_rank = -1)                   \
        : Error(message, ErrorKind::Kind, origin_rank) {}                             \
  };

// Caller bugs.
RANKWISE_DEFINE_ERROR(ValueError, value)
RANKWISE_DEFINE_ERROR(ShapeError, shape)
RANKWISE_DEFINE_ERROR(IndexError, index)
RANKWISE_DEFINE_ERROR(NotFittedError, not_fitted)
// Environment and data failures.
RANKWISE_DEFINE_ERROR(IoError, io)
RANKWISE_DEFINE_ERROR(ParseError, parse)
RANKWISE_DEFINE_ERROR(MpiError, mpi)
RANKWISE_DEFINE_ERROR(LinalgError, linalg)
RANKWISE_DEFINE_ERROR(TaskError, task)

#undef RANKWISE_DEFINE_ERROR

/// Throws the error class of `kind` with `message` and `origin_rank`. Local.
[[noreturn]] void throw_error(ErrorKind kind, const std::string& message, int origin_rank = -1);

}  // namespace rankwise

/// Throws `ErrorType(message)` when `condition` is false. `message` may be any expression
/// yielding a std::string; it is evaluated only on failure.
#define RANKWISE_CHECK(condition, ErrorType, message) \
  do {                                                \
    if (!(condition)) throw ErrorType(message);       \
  } while (false)
