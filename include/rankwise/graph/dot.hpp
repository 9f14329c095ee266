#pragma once
/// Pictures of task graphs: Graphviz DOT text, and SVG/PNG through Graphviz's `dot`.
#include <string>

#include "rankwise/graph/partition.hpp"
#include "rankwise/graph/task_graph.hpp"

namespace rankwise::graph {

/// Returns the graph as DOT: one node per task labelled with its label and rank, coloured by
/// rank (collective tasks grey, "all ranks"); one edge per input. Local.
std::string to_dot(const TaskGraph& graph, const Partition& plan);

/// Writes the picture to `path`, by extension: `.dot` always works; `.svg` and `.png` run
/// Graphviz's `dot` and throw IoError if it is not installed. The file appears complete or not
/// at all (written under a temporary name, then renamed). Local.
void write_graph_picture(const TaskGraph& graph, const Partition& plan, const std::string& path);

}  // namespace rankwise::graph
