#pragma once
/// Forward declarations of rankwise's public types.

namespace rankwise {
class Error;
template <class Elem>
class NDArray;
template <class Elem>
class Array;
template <class T>
class Scalar;
template <class R>
class Delayed;
namespace runtime {
class Communicator;
class Environment;
class OwnerMap;
class Timer;
struct BuildInfo;
}  // namespace runtime
}  // namespace rankwise
