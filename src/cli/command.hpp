#pragma once
// What every subcommand gets: the communicator and the output settings. Subcommands print on
// rank 0 only (out()), and raise rankwise::Error for anything a user can get wrong; main.cpp
// turns that into one message and a non-zero exit on every rank.
#include <ostream>

#include <CLI/CLI.hpp>

#include "rankwise/runtime/communicator.hpp"

namespace rankwise::cli {

struct Context {
  const Communicator* comm = nullptr;
  bool json = false;  ///< --json: machine-readable output

  /// std::cout on rank 0; a sink elsewhere.
  std::ostream& out() const;
};

/// `rankwise info`: build and runtime facts.
void add_info_command(CLI::App& app, Context& context);
/// `rankwise tour`: the talk's examples on generated data.
void add_tour_command(CLI::App& app, Context& context);

}  // namespace rankwise::cli
