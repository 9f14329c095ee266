#pragma once
/// The graph module: tasks, the task graph, the static partitioner, the SPMD executor, the trace.
#include "rankwise/graph/dot.hpp"
#include "rankwise/graph/executor.hpp"
#include "rankwise/graph/partition.hpp"
#include "rankwise/graph/task.hpp"
#include "rankwise/graph/task_graph.hpp"
#include "rankwise/graph/trace.hpp"
#include "rankwise/graph/value.hpp"
