#include "rankwise/error.hpp"

namespace rankwise {

std::string_view error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::generic: return "Error";
    case ErrorKind::value: return "ValueError";
    case ErrorKind::shape: return "ShapeError";
    case ErrorKind::index: return "IndexError";
    case ErrorKind::not_fitted: return "NotFittedError";
    case ErrorKind::io: return "IoError";
    case ErrorKind::parse: return "ParseError";
    case ErrorKind::mpi: return "MpiError";
    case ErrorKind::linalg: return "LinalgError";
    case ErrorKind::task: return "TaskError";
  }
  return "Error";
}

void throw_error(ErrorKind kind, const std::string& message, int origin_rank) {
  switch (kind) {
    case ErrorKind::value: throw ValueError(message, origin_rank);
    case ErrorKind::shape: throw ShapeError(message, origin_rank);
    case ErrorKind::index: throw IndexError(message, origin_rank);
    case ErrorKind::not_fitted: throw NotFittedError(message, origin_rank);
    case ErrorKind::io: throw IoError(message, origin_rank);
    case ErrorKind::parse: throw ParseError(message, origin_rank);
    case ErrorKind::mpi: throw MpiError(message, origin_rank);
    case ErrorKind::linalg: throw LinalgError(message, origin_rank);
    case ErrorKind::task: throw TaskError(message, origin_rank);
    case ErrorKind::generic: break;
  }
  throw Error(message, ErrorKind::generic, origin_rank);
}

}  // namespace rankwise
