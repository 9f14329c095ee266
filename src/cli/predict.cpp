// `rankwise predict --model model.h5 --x F.h5:/X --out out.h5:/yhat`: any saved estimator.
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/sources.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/ml/cluster.hpp"
#include "rankwise/ml/linear_model.hpp"
#include "rankwise/ml/model_file.hpp"
#include "rankwise/ml/preprocessing.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::cli {

void add_predict_command(CLI::App& app, Context& context) {
  struct Options {
    std::string model, x, out;
    bool force = false;
  };
  static Options o;
  auto* cmd = app.add_subcommand("predict", "Apply a saved model (predict, or transform for scalers) to HDF5 rows");
  cmd->add_option("--model", o.model, "A model file written by fit + save (or by `rankwise ols/kmeans --out`)")->required();
  cmd->add_option("--x", o.x, "FILE.h5:/DATASET of the rows")->required();
  cmd->add_option("--out", o.out, "FILE.h5:/DATASET for the predictions")->required();
  cmd->add_flag("--force", o.force, "Replace an existing output file");
  cmd->callback([&context] {
    const auto& comm = *context.comm;
    const auto target = parse_h5(o.out, "--out");
    agree(comm, "predict", [&] {
      if (std::filesystem::exists(target.file) && !o.force) throw IoError(target.file + " exists; pass --force to replace it");
    });
    const auto kind = ml::saved_model_kind(o.model);
    const auto X = read_matrix(parse_h5(o.x, "--x"), comm.size());
    io::Hdf5WriteOptions write;
    write.overwrite = o.force;
    Timer timer;
    if (kind == "LinearRegression") io::to_hdf5(ml::LinearRegression::load(o.model).predict(X), target.file, target.dataset, write);
    else if (kind == "Ridge") io::to_hdf5(ml::Ridge::load(o.model).predict(X), target.file, target.dataset, write);
    else if (kind == "LogisticRegression") io::to_hdf5(ml::LogisticRegression::load(o.model).predict(X), target.file, target.dataset, write);
    else if (kind == "KMeans") io::to_hdf5(ml::KMeans::load(o.model).predict(X), target.file, target.dataset, write);
    else if (kind == "StandardScaler") io::to_hdf5(ml::StandardScaler::load(o.model).transform(X), target.file, target.dataset, write);
    else if (kind == "MinMaxScaler") io::to_hdf5(ml::MinMaxScaler::load(o.model).transform(X), target.file, target.dataset, write);
    else throw ValueError(fmt::format("predict: {} holds a {} model, which has no predict", o.model, kind));
    const double seconds = allreduce(comm, timer.seconds(), ReduceOp::max);
    if (context.json)
      context.out() << nlohmann::json{{"model", o.model}, {"kind", kind}, {"rows", X.shape()[0]}, {"out", o.out}, {"seconds", seconds}}.dump(2)
                    << "\n";
    else
      context.out() << fmt::format("{} ({}) on {} rows -> {} in {:.3f} s (streamed block by block)\n", o.model, kind, X.shape()[0],
                                   o.out, seconds);
  });
}

}  // namespace rankwise::cli
