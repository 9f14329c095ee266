#include <gtest/gtest.h>

#include "rankwise/error.hpp"

using namespace rankwise;

// throw_error rebuilds the right class from a kind: what collective agreement relies on.
TEST(Error, ThrowErrorRebuildsTheClassOfEachKind) {
  EXPECT_THROW(throw_error(ErrorKind::value, "m", 1), ValueError);
  EXPECT_THROW(throw_error(ErrorKind::shape, "m", 1), ShapeError);
  EXPECT_THROW(throw_error(ErrorKind::index, "m", 1), IndexError);
  EXPECT_THROW(throw_error(ErrorKind::not_fitted, "m", 1), NotFittedError);
  EXPECT_THROW(throw_error(ErrorKind::io, "m", 1), IoError);
  EXPECT_THROW(throw_error(ErrorKind::parse, "m", 1), ParseError);
  EXPECT_THROW(throw_error(ErrorKind::mpi, "m", 1), MpiError);
  EXPECT_THROW(throw_error(ErrorKind::linalg, "m", 1), LinalgError);
  EXPECT_THROW(throw_error(ErrorKind::task, "m", 1), TaskError);
  try {
    throw_error(ErrorKind::io, "no such file: x.h5", 2);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_EQ(e.origin_rank(), 2);
    EXPECT_STREQ(e.what(), "no such file: x.h5");
    EXPECT_EQ(error_kind_name(e.kind()), "IoError");
  }
}

TEST(Error, CheckMacroThrowsOnlyOnFailure) {
  EXPECT_NO_THROW(RANKWISE_CHECK(1 + 1 == 2, ValueError, "never"));
  EXPECT_THROW(RANKWISE_CHECK(1 + 1 == 3, ShapeError, "shapes (2,) and (3,)"), ShapeError);
}
