#pragma once
/// Labelled wall-clock timers (Kokkos-style: every timed region has a human name).
#include <chrono>
#include <string>
#include <utility>

namespace rankwise::runtime {

/// Measures wall time since construction or the last restart(). Local.
class Timer {
 public:
  explicit Timer(std::string label = {}) : label_(std::move(label)), start_(clock::now()) {}
  /// Seconds since start. Local.
  double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }
  void restart() { start_ = clock::now(); }
  const std::string& label() const noexcept { return label_; }

 private:
  using clock = std::chrono::steady_clock;
  std::string label_;
  clock::time_point start_;
};

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::Timer;
}
