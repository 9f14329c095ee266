#pragma once
/// Elementwise operations on arrays: arithmetic with NumPy broadcasting, comparisons, logical
/// operations, math functions, where, clip. All Local: they record; nothing runs until a
/// compute. A chain of them runs as one fused pass per block.
#include <cmath>
#include <limits>
#include <type_traits>

#include "rankwise/array/array.hpp"
#include "rankwise/array/detail/broadcast.hpp"

namespace rankwise {

namespace array_detail {

/// The element type of arithmetic between A and B (bool counts as int64, as in numpy sums).
template <class A, class B>
using arith_t = std::common_type_t<std::conditional_t<std::is_same_v<A, bool>, std::int64_t, A>,
                                   std::conditional_t<std::is_same_v<B, bool>, std::int64_t, B>>;
/// The element type of arithmetic between an array of A and a scalar S: a scalar does not widen
/// a floating array (numpy's rule), but a floating scalar makes an integer array float64.
template <class A, class S>
using scalar_arith_t = std::conditional_t<std::is_floating_point_v<A>, A,
                                          std::conditional_t<std::is_floating_point_v<S>, double, arith_t<A, S>>>;
/// Math functions give float64 for integer input, like numpy.
template <class A>
using float_t = std::conditional_t<std::is_floating_point_v<A>, A, double>;

/// b rechunked to line up with an operand of shape `a` and chunks `ca` (one all-to-all when it
/// runs), or b itself when it does: Dask unifies the chunks of elementwise operands the same
/// way, with the first one's winning.
template <class B>
Array<B> align_chunks(const Shape& out, const Shape& a, const Chunks& ca, const Array<B>& b) {
  const auto want = chunks_aligned_to(out, a, ca, b.shape(), b.chunks());
  return want == b.chunks() ? b : b.rechunk(ChunkSpec(want));
}

template <class R, class A, class B, class F>
Array<R> binary(const char* name, const Array<A>& a, const Array<B>& b, F f) {
  const auto shape = broadcast_shapes(a.shape(), b.shape(), name);
  const auto b_aligned = align_chunks(shape, a.shape(), a.chunks(), b);
  const auto chunks = broadcast_chunks(shape, a.shape(), a.chunks(), b.shape(), b_aligned.chunks());
  return Array<R>(std::make_shared<Binary<R, A, B, F>>(name, stretch(a.expr(), shape, chunks),
                                                       stretch(b_aligned.expr(), shape, chunks), f));
}

template <class R, class A, class F>
Array<R> unary(const char* name, const Array<A>& a, F f) {
  return Array<R>(std::make_shared<Unary<R, A, F>>(name, a.expr(), f));
}

template <class T>
concept Number = std::is_arithmetic_v<T>;

/// x `op` value on a float64 array: one more step of the chain of scalar steps that x already
/// is (one node, one SIMD pass per tile for the whole chain), or a new chain.
inline Array<double> scalar_step(const char* name, const Array<double>& a, ScalarSteps::Op op, double value) {
  using Steps = Unary<double, double, ScalarSteps>;
  if (const auto* chain = dynamic_cast<const Steps*>(a.expr().get()); chain && !chain->function().full())
    return Array<double>(std::make_shared<Steps>(name, chain->operand(), chain->function().then(op, value)));
  return Array<double>(std::make_shared<Steps>(name, a.expr(), ScalarSteps{}.then(op, value)));
}

}  // namespace array_detail

// ---- arithmetic ----
// (With a scalar, float64 arrays take the chained path: array_detail::scalar_step.)
#define RANKWISE_ARRAY_ARITH(op, name, step, reversed_step)                                                  \
  template <class A, class B>                                                                               \
  Array<array_detail::arith_t<A, B>> operator op(const Array<A>& a, const Array<B>& b) {                    \
    using R = array_detail::arith_t<A, B>;                                                                  \
    return array_detail::binary<R>(name, a, b, [](A x, B y) { return static_cast<R>(static_cast<R>(x) op static_cast<R>(y)); }); \
  }                                                                                                         \
  template <class A, array_detail::Number S>                                                                \
  Array<array_detail::scalar_arith_t<A, S>> operator op(const Array<A>& a, S s) {                           \
    using R = array_detail::scalar_arith_t<A, S>;                                                           \
    const R v = static_cast<R>(s);                                                                          \
    if constexpr (std::is_same_v<A, double>)                                                                \
      return array_detail::scalar_step(name, a, array_detail::ScalarSteps::step, v);                       \
    else                                                                                                    \
      return array_detail::unary<R>(name, a, [v](A x) { return static_cast<R>(static_cast<R>(x) op v); }); \
  }                                                                                                         \
  template <class A, array_detail::Number S>                                                                \
  Array<array_detail::scalar_arith_t<A, S>> operator op(S s, const Array<A>& a) {                           \
    using R = array_detail::scalar_arith_t<A, S>;                                                           \
    const R v = static_cast<R>(s);                                                                          \
    if constexpr (std::is_same_v<A, double>)                                                                \
      return array_detail::scalar_step(name, a, array_detail::ScalarSteps::reversed_step, v);              \
    else                                                                                                    \
      return array_detail::unary<R>(name, a, [v](A x) { return static_cast<R>(v op static_cast<R>(x)); }); \
  }
RANKWISE_ARRAY_ARITH(+, "add", add, add)
RANKWISE_ARRAY_ARITH(-, "sub", sub, rsub)
RANKWISE_ARRAY_ARITH(*, "mul", mul, mul)
#undef RANKWISE_ARRAY_ARITH

/// True division: integer operands give float64, as in numpy.
template <class A, class B>
Array<array_detail::float_t<array_detail::arith_t<A, B>>> operator/(const Array<A>& a, const Array<B>& b) {
  using R = array_detail::float_t<array_detail::arith_t<A, B>>;
  return array_detail::binary<R>("div", a, b, [](A x, B y) { return static_cast<R>(x) / static_cast<R>(y); });
}
template <class A, array_detail::Number S>
Array<array_detail::float_t<array_detail::scalar_arith_t<A, S>>> operator/(const Array<A>& a, S s) {
  using R = array_detail::float_t<array_detail::scalar_arith_t<A, S>>;
  const R v = static_cast<R>(s);
  if constexpr (std::is_same_v<A, double>) return array_detail::scalar_step("div", a, array_detail::ScalarSteps::div, v);
  else return array_detail::unary<R>("div", a, [v](A x) { return static_cast<R>(x) / v; });
}
template <class A, array_detail::Number S>
Array<array_detail::float_t<array_detail::scalar_arith_t<A, S>>> operator/(S s, const Array<A>& a) {
  using R = array_detail::float_t<array_detail::scalar_arith_t<A, S>>;
  const R v = static_cast<R>(s);
  if constexpr (std::is_same_v<A, double>) return array_detail::scalar_step("div", a, array_detail::ScalarSteps::rdiv, v);
  else return array_detail::unary<R>("div", a, [v](A x) { return v / static_cast<R>(x); });
}

template <class A>
Array<A> operator-(const Array<A>& a) {
  if constexpr (std::is_same_v<A, double>) return array_detail::scalar_step("neg", a, array_detail::ScalarSteps::neg, 0.0);
  else return array_detail::unary<A>("neg", a, [](A x) { return static_cast<A>(-x); });
}

// ---- comparisons: Array<bool> ----
#define RANKWISE_ARRAY_CMP(op, name)                                                                        \
  template <class A, class B>                                                                               \
  Array<bool> operator op(const Array<A>& a, const Array<B>& b) {                                           \
    return array_detail::binary<bool>(name, a, b, [](A x, B y) { return x op y; });                         \
  }                                                                                                         \
  template <class A, array_detail::Number S>                                                                \
  Array<bool> operator op(const Array<A>& a, S s) {                                                         \
    return array_detail::unary<bool>(name, a, [s](A x) { return x op s; });                                 \
  }                                                                                                         \
  template <class A, array_detail::Number S>                                                                \
  Array<bool> operator op(S s, const Array<A>& a) {                                                         \
    return array_detail::unary<bool>(name, a, [s](A x) { return s op x; });                                 \
  }
RANKWISE_ARRAY_CMP(==, "eq")
RANKWISE_ARRAY_CMP(!=, "ne")
RANKWISE_ARRAY_CMP(<, "lt")
RANKWISE_ARRAY_CMP(<=, "le")
RANKWISE_ARRAY_CMP(>, "gt")
RANKWISE_ARRAY_CMP(>=, "ge")
#undef RANKWISE_ARRAY_CMP

// ---- logical ----
inline Array<bool> logical_and(const Array<bool>& a, const Array<bool>& b) {
  return array_detail::binary<bool>("and", a, b, [](bool x, bool y) { return x && y; });
}
inline Array<bool> logical_or(const Array<bool>& a, const Array<bool>& b) {
  return array_detail::binary<bool>("or", a, b, [](bool x, bool y) { return x || y; });
}
inline Array<bool> logical_not(const Array<bool>& a) {
  return array_detail::unary<bool>("not", a, [](bool x) { return !x; });
}
inline Array<bool> operator&&(const Array<bool>& a, const Array<bool>& b) { return logical_and(a, b); }
inline Array<bool> operator||(const Array<bool>& a, const Array<bool>& b) { return logical_or(a, b); }
inline Array<bool> operator!(const Array<bool>& a) { return logical_not(a); }

// ---- math functions (float64 for integer input) ----
#define RANKWISE_ARRAY_MATH(fn)                                                                             \
  template <class A>                                                                                        \
  Array<array_detail::float_t<A>> fn(const Array<A>& a) {                                                   \
    using R = array_detail::float_t<A>;                                                                     \
    return array_detail::unary<R>(#fn, a, [](A x) { return static_cast<R>(std::fn(static_cast<R>(x))); });  \
  }
RANKWISE_ARRAY_MATH(exp)
RANKWISE_ARRAY_MATH(log)
RANKWISE_ARRAY_MATH(log1p)
RANKWISE_ARRAY_MATH(sqrt)
RANKWISE_ARRAY_MATH(sin)
RANKWISE_ARRAY_MATH(cos)
RANKWISE_ARRAY_MATH(tanh)
#undef RANKWISE_ARRAY_MATH

/// |x|, keeping the element type.
template <class A>
Array<A> abs(const Array<A>& a) {
  return array_detail::unary<A>("abs", a, [](A x) { return x < A{} ? static_cast<A>(-x) : x; });
}
/// x ** p.
template <class A, array_detail::Number S>
Array<array_detail::float_t<A>> pow(const Array<A>& a, S p) {
  using R = array_detail::float_t<A>;
  const R e = static_cast<R>(p);
  if constexpr (std::is_same_v<A, double>)
    if (e == 2.0) return array_detail::scalar_step("pow", a, array_detail::ScalarSteps::square, 0.0);
  if (e == R{2}) return array_detail::unary<R>("pow", a, [](A x) { return static_cast<R>(x) * static_cast<R>(x); });
  return array_detail::unary<R>("pow", a, [e](A x) { return static_cast<R>(std::pow(static_cast<R>(x), e)); });
}
template <class A, class B>
Array<array_detail::float_t<array_detail::arith_t<A, B>>> pow(const Array<A>& a, const Array<B>& b) {
  using R = array_detail::float_t<array_detail::arith_t<A, B>>;
  return array_detail::binary<R>("pow", a, b, [](A x, B y) { return static_cast<R>(std::pow(static_cast<R>(x), static_cast<R>(y))); });
}
/// Values limited to [lo, hi].
template <class A, array_detail::Number S>
Array<A> clip(const Array<A>& a, S lo, S hi) {
  const A l = static_cast<A>(lo), h = static_cast<A>(hi);
  return array_detail::unary<A>("clip", a, [l, h](A x) { return x < l ? l : (x > h ? h : x); });
}
/// True where x is NaN.
template <class A>
Array<bool> isnan(const Array<A>& a) {
  return array_detail::unary<bool>("isnan", a, [](A x) {
    if constexpr (std::is_floating_point_v<A>) return std::isnan(x);
    else return false;
  });
}
/// NaN -> `nan`, +inf -> `posinf`, -inf -> `neginf` (numpy's defaults: 0, largest, lowest).
template <class A>
Array<A> nan_to_num(const Array<A>& a, A nan = A{}, A posinf = std::numeric_limits<A>::max(),
                    A neginf = std::numeric_limits<A>::lowest()) {
  return array_detail::unary<A>("nan_to_num", a, [=](A x) {
    if constexpr (std::is_floating_point_v<A>) {
      if (std::isnan(x)) return nan;
      if (std::isinf(x)) return x > 0 ? posinf : neginf;
    }
    return x;
  });
}
/// cond ? x : y, elementwise, with broadcasting.
template <class T>
Array<T> where(const Array<bool>& cond, const Array<T>& x, const Array<T>& y) {
  const auto shape = array_detail::broadcast_shapes(array_detail::broadcast_shapes(cond.shape(), x.shape(), "where"),
                                                    y.shape(), "where");
  const auto x_aligned = array_detail::align_chunks(shape, cond.shape(), cond.chunks(), x);
  auto chunks = array_detail::broadcast_chunks(shape, cond.shape(), cond.chunks(), x.shape(), x_aligned.chunks());
  const auto y_aligned = array_detail::align_chunks(shape, shape, chunks, y);
  chunks = array_detail::broadcast_chunks(shape, shape, chunks, y.shape(), y_aligned.chunks());
  return Array<T>(std::make_shared<array_detail::Where<T>>(array_detail::stretch(cond.expr(), shape, chunks),
                                                           array_detail::stretch(x_aligned.expr(), shape, chunks),
                                                           array_detail::stretch(y_aligned.expr(), shape, chunks)));
}
template <class T, array_detail::Number S>
Array<T> where(const Array<bool>& cond, const Array<T>& x, S y) {
  const T v = static_cast<T>(y);
  return array_detail::binary<T>("where", cond, x, [v](bool c, T a) { return c ? a : v; });
}

}  // namespace rankwise
