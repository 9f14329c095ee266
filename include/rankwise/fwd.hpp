#pragma once
/// Forward declarations of rankwise's public types.

namespace rankwise {
class Error;
namespace runtime {
class Communicator;
class Environment;
class OwnerMap;
class Timer;
struct BuildInfo;
}  // namespace runtime
}  // namespace rankwise
