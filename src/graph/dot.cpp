#include "rankwise/graph/dot.hpp"

#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "rankwise/error.hpp"

namespace rankwise::graph {

namespace {

// Colorbrewer "Set3": twelve pale colours that keep black labels readable.
constexpr const char* kPalette[] = {"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                                    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"};

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw IoError("cannot write " + path);
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && std::filesystem::exists(std::filesystem::path(dir) / program)) return true;
  return false;
}

// Runs a program found on PATH with these arguments (no shell); returns its exit status.
int run_program(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string to_dot(const TaskGraph& graph, const Partition& plan) {
  std::ostringstream dot;
  dot << "digraph rankwise {\n"
      << "  rankdir=BT;\n"
      << "  node [shape=ellipse, style=filled, fontname=\"Helvetica\", fontsize=11];\n"
      << "  edge [color=\"#555555\"];\n";
  for (TaskId id = 0; id < graph.size(); ++id) {
    const int rank = plan.rank_of.at(static_cast<std::size_t>(id));
    const auto& task = graph.task(id);
    dot << "  t" << id << " [label=\"" << escape(task.label) << "\\n";
    if (rank == kEveryRank)
      dot << "all ranks\", shape=box, fillcolor=\"#eeeeee\"];\n";
    else
      dot << "rank " << rank << "\", fillcolor=\"" << kPalette[rank % 12] << "\"];\n";
  }
  for (TaskId id = 0; id < graph.size(); ++id)
    for (TaskId input : graph.task(id).inputs) dot << "  t" << input << " -> t" << id << ";\n";
  dot << "}\n";
  return dot.str();
}

void write_graph_picture(const TaskGraph& graph, const Partition& plan, const std::string& path) {
  const auto extension = std::filesystem::path(path).extension().string();
  if (extension != ".dot" && extension != ".svg" && extension != ".png")
    throw ValueError("visualize: cannot draw '" + path + "': use a .dot, .svg or .png file name");
  const std::string text = to_dot(graph, plan);
  const std::string temporary = path + ".partial";
  if (extension == ".dot") {
    write_file(temporary, text);
  } else {
    if (!on_path("dot"))
      throw IoError("visualize: drawing " + path + " needs Graphviz's 'dot' program: install the "
                    "Debian package graphviz, or ask for a .dot file");
    const std::string source = temporary + ".dot";
    write_file(source, text);
    const int status = run_program({"dot", "-T" + extension.substr(1), "-o", temporary, source});
    std::filesystem::remove(source);
    if (status != 0) {
      std::filesystem::remove(temporary);
      throw IoError("visualize: Graphviz's dot failed to draw " + path);
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw IoError("visualize: cannot write " + path + ": " + error.message());
}

}  // namespace rankwise::graph
