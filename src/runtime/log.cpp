#include "rankwise/runtime/log.hpp"

#include <cstdlib>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>

namespace rankwise::runtime {

namespace {
std::shared_ptr<spdlog::logger> make_logger() {
  auto log = std::make_shared<spdlog::logger>("rankwise",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
  const char* level = std::getenv("RANKWISE_LOG");
  log->set_level(level ? spdlog::level::from_str(level) : spdlog::level::warn);
  log->set_pattern("[rankwise %l] %v");
  return log;
}
}  // namespace

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = make_logger();
  return *instance;
}

void set_log_rank(int rank, int size) {
  logger().set_pattern("[rankwise rank " + std::to_string(rank) + "/" + std::to_string(size) +
                       " %l] %v");
}

}  // namespace rankwise::runtime
