#pragma once
// NumPy broadcasting of shapes and chunks, shared by the elementwise operations and broadcast_to.
#include "rankwise/array/detail/nodes.hpp"

namespace rankwise::array_detail {

/// The NumPy broadcast shape of two shapes; throws ShapeError naming both.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// Output chunks of a broadcast: per result dimension, the chunks of an operand that is not
/// stretched there (the first operand's where both are full-size).
Chunks broadcast_chunks(const Shape& out, const Shape& a, const Chunks& ca, const Shape& b, const Chunks& cb);

/// The chunks b needs so that, along every dimension where both operands are full-size, its
/// blocks line up with a's (b's own chunks elsewhere).
Chunks chunks_aligned_to(const Shape& out, const Shape& a, const Chunks& ca, const Shape& b, const Chunks& cb);

template <class T>
ExprPtr<T> stretch(const ExprPtr<T>& x, const Shape& shape, const Chunks& chunks) {
  if (x->shape() == shape) return x;
  return std::make_shared<Broadcast<T>>(x, shape, chunks);
}

}  // namespace rankwise::array_detail
