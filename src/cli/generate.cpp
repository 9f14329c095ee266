// `rankwise generate blobs|regression|classification|taxi --out PATH`: synthetic data written in
// parallel (HDF5 datasets /X and /y, or taxi CSV files).
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/sources.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/ml/datasets.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::cli {

void add_generate_command(CLI::App& app, Context& context) {
  struct Options {
    std::string kind, out;
    std::int64_t rows = 100'000, features = 2, centers = 3, classes = 2, chunks = 0;
    std::uint64_t seed = 0;
    int files = 12;
    bool force = false;
  };
  static Options o;
  auto* cmd = app.add_subcommand("generate", "Write synthetic data in parallel: blobs, regression, classification (HDF5) or taxi (CSV)");
  cmd->add_option("kind", o.kind, "blobs | regression | classification | taxi")
      ->required()
      ->check(CLI::IsMember({"blobs", "regression", "classification", "taxi"}));
  cmd->add_option("--out", o.out, "HDF5 file (datasets /X and /y), or a folder for taxi")->required();
  cmd->add_option("--rows", o.rows, "Rows in all")->capture_default_str()->check(positive_number());
  cmd->add_option("--features", o.features, "Columns of X")->capture_default_str()->check(positive_number());
  cmd->add_option("--centers", o.centers, "Blobs")->capture_default_str()->check(positive_number());
  cmd->add_option("--classes", o.classes, "Classes (classification)")->capture_default_str()->check(CLI::Range(2, 1000));
  cmd->add_option("--chunks", o.chunks, "Rows per block (default: about four blocks per rank)");
  cmd->add_option("--files", o.files, "CSV files (taxi)")->capture_default_str()->check(CLI::Range(1, 120));
  cmd->add_option("--seed", o.seed, "random_state")->capture_default_str();
  cmd->add_flag("--force", o.force, "Replace an existing output");
  cmd->callback([&context] {
    const auto& comm = *context.comm;
    Timer timer;
    if (o.kind == "taxi") {
      agree(comm, "generate", [&] {
        if (o.force || !std::filesystem::is_directory(o.out)) return;
        for (const auto& entry : std::filesystem::directory_iterator(o.out))
          if (entry.path().filename().string().starts_with("yellow_tripdata_"))
            throw IoError(o.out + " already holds taxi files; pass --force to replace them");
      });
      const auto pattern = write_taxi_csv(o.out, o.rows, o.files, o.seed);
      const double s = allreduce(comm, timer.seconds(), ReduceOp::max);
      if (context.json)
        context.out() << nlohmann::json{{"files", pattern}, {"rows", o.rows}, {"seconds", s}}.dump(2) << "\n";
      else
        context.out() << fmt::format("wrote {} rows to {} ({} files) in {:.2f} s\n", o.rows, pattern, o.files, s);
      return;
    }
    agree(comm, "generate", [&] {
      if (std::filesystem::exists(o.out) && !o.force) throw IoError(o.out + " exists; pass --force to replace it");
    });
    const auto chunks = o.chunks > 0 ? o.chunks : rows_per_block(o.rows, comm.size());
    io::Hdf5WriteOptions first, second;
    first.overwrite = o.force;
    second.append = true;
    if (o.kind == "blobs") {
      auto [X, y] = ml::datasets::make_blobs({.n_samples = o.rows, .n_features = o.features, .centers = o.centers, .chunks = chunks,
                                              .random_state = o.seed});
      io::to_hdf5(X, o.out, "/X", first);
      io::to_hdf5(y, o.out, "/y", second);
    } else if (o.kind == "regression") {
      auto [X, y] = ml::datasets::make_regression({.n_samples = o.rows, .n_features = o.features,
                                                   .n_informative = std::min<std::int64_t>(o.features, 10), .noise = 1.0,
                                                   .chunks = chunks, .random_state = o.seed});
      io::to_hdf5(X, o.out, "/X", first);
      io::to_hdf5(y, o.out, "/y", second);
    } else {
      std::int64_t informative = 1;
      while ((std::int64_t{1} << informative) < o.classes) ++informative;
      auto [X, y] = ml::datasets::make_classification({.n_samples = o.rows, .n_features = std::max(o.features, informative),
                                                       .n_informative = informative, .n_classes = o.classes, .chunks = chunks,
                                                       .random_state = o.seed});
      io::to_hdf5(X, o.out, "/X", first);
      io::to_hdf5(y, o.out, "/y", second);
    }
    const double s = allreduce(comm, timer.seconds(), ReduceOp::max);
    if (context.json)
      context.out() << nlohmann::json{{"file", o.out}, {"datasets", {"/X", "/y"}}, {"rows", o.rows}, {"seconds", s}}.dump(2) << "\n";
    else
      context.out() << fmt::format("wrote {} rows of {} to {} (/X, /y) in {:.2f} s\n", o.rows, o.kind, o.out, s);
  });
}

}  // namespace rankwise::cli
