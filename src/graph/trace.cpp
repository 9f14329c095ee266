#include "rankwise/graph/trace.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <mpi.h>
#include <nlohmann/json.hpp>

#include "rankwise/error.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/collectives.hpp"

namespace rankwise::graph {

namespace {
struct State {
  bool started = false;
  double origin = 0;
  std::vector<TraceEvent> pending;  // this rank's events since the last flush
  std::vector<TraceEvent> all;      // rank 0: every event so far
};
State& state() {
  static State s;
  return s;
}
}  // namespace

bool Trace::enabled() {
  static const bool on = [] {
    const char* path = std::getenv("RANKWISE_TRACE");
    return path && *path;
  }();
  return on;
}

double Trace::now() { return MPI_Wtime() - state().origin; }

void Trace::begin(const Communicator& comm) {
  auto& s = state();
  if (s.started) return;
  comm.barrier();  // a common origin, good to the barrier's skew
  s.origin = MPI_Wtime();
  s.started = true;
}

void Trace::record(TraceEvent event) { state().pending.push_back(std::move(event)); }

std::string Trace::to_json(const std::vector<TraceEvent>& events, int num_ranks) {
  nlohmann::json list = nlohmann::json::array();
  for (int r = 0; r < num_ranks; ++r)
    list.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 0}, {"tid", r},
                    {"args", {{"name", "rank " + std::to_string(r)}}}});
  list.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", 0},
                  {"args", {{"name", "rankwise"}}}});
  for (const auto& e : events)
    list.push_back({{"name", e.name},
                    {"cat", e.category},
                    {"ph", "X"},
                    {"pid", 0},
                    {"tid", e.rank},
                    {"ts", e.start * 1e6},
                    {"dur", e.duration * 1e6},
                    {"args", {{"bytes_in", e.bytes_in}, {"bytes_out", e.bytes_out}}}});
  return nlohmann::json{{"traceEvents", list}, {"displayTimeUnit", "ms"}}.dump();
}

void Trace::flush(const Communicator& comm) {
  auto& s = state();
  auto gathered = gatherv<TraceEvent>(comm, s.pending, 0);  // to rank 0, which writes the file
  s.pending.clear();
  agree(comm, "trace", [&] {  // a failed write on rank 0 must not leave the others behind
    if (!comm.is_root()) return;
    s.all.insert(s.all.end(), gathered.values.begin(), gathered.values.end());
    const std::string path = std::getenv("RANKWISE_TRACE");
    const std::string temporary = path + ".partial";
    {
      std::ofstream out(temporary);
      out << to_json(s.all, comm.size());
      if (!out) throw IoError("cannot write the trace file " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
      throw IoError("cannot rename " + temporary + " to " + path);
  });
}

}  // namespace rankwise::graph
