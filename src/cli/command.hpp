#pragma once
// What every subcommand gets: the communicator and the output settings. Subcommands print on
// rank 0 only (out()), and raise rankwise::Error for anything a user can get wrong; main.cpp
// turns that into one message and a non-zero exit on every rank.
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "rankwise/frame/table.hpp"

#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/communicator.hpp"
#include "rankwise/runtime/timer.hpp"

namespace rankwise::cli {

struct Context {
  const Communicator* comm = nullptr;
  bool json = false;  ///< --json: machine-readable output
  std::ostream* redirect = nullptr;  ///< when set, rank 0's out() goes here instead of std::cout

  /// std::cout (or `redirect`) on rank 0; a sink elsewhere.
  std::ostream& out() const;
};

/// `rankwise info`: build and runtime facts.
void add_info_command(CLI::App& app, Context& context);
/// `rankwise tour`: the talk's examples on generated data.
void add_tour_command(CLI::App& app, Context& context);
/// `rankwise generate`: synthetic HDF5 data or taxi CSV files.
void add_generate_command(CLI::App& app, Context& context);
/// `rankwise describe`: describe() of CSV files or an HDF5 dataset.
void add_describe_command(CLI::App& app, Context& context);
/// `rankwise groupby`: grouped aggregation of CSV files.
void add_groupby_command(CLI::App& app, Context& context);
/// `rankwise ols`: LinearRegression on HDF5 data.
void add_ols_command(CLI::App& app, Context& context);
/// `rankwise kmeans`: KMeans on HDF5 data, with an optional plot.
void add_kmeans_command(CLI::App& app, Context& context);
/// `rankwise predict`: apply a saved model.
void add_predict_command(CLI::App& app, Context& context);

/// A table as {column: [values...]} (null for nulls) for --json output. Local.
nlohmann::json table_json(const Table& t);

/// A CLI11 check: an integer above zero, with a readable message.
inline CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& text) {
        try {
          return std::stoll(text) > 0 ? std::string() : "must be a positive integer, got " + text;
        } catch (...) {
          return "must be a positive integer, got " + text;
        }
      },
      "INT > 0");
}

/// Writes a scatter plot of a kmeans result (python3 + matplotlib on rank 0). Collective.
void plot_clusters(const Communicator& comm, const std::string& x, const std::string& result, const std::string& png);

}  // namespace rankwise::cli
