// `rankwise ols --x F.h5:/X --y F.h5:/y [--solver tsqr|normal] [--out model.h5]`.
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/sources.hpp"
#include "rankwise/ml/linear_model.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::cli {

void add_ols_command(CLI::App& app, Context& context) {
  struct Options {
    std::string x, y, solver = "tsqr", out;
    bool force = false;
  };
  static Options o;
  auto* cmd = app.add_subcommand("ols", "Ordinary least squares (scikit-learn's LinearRegression) on HDF5 data");
  cmd->add_option("--x", o.x, "FILE.h5:/DATASET of the features (rows x columns)")->required();
  cmd->add_option("--y", o.y, "FILE.h5:/DATASET of the target")->required();
  cmd->add_option("--solver", o.solver, "tsqr (QR, accurate) or normal (normal equations, faster)")
      ->capture_default_str()
      ->check(CLI::IsMember({"tsqr", "normal"}));
  cmd->add_option("--out", o.out, "Save the model (HDF5)");
  cmd->add_flag("--force", o.force, "Replace an existing model file");
  cmd->callback([&context] {
    const auto& comm = *context.comm;
    agree(comm, "ols", [&] {
      if (!o.out.empty() && std::filesystem::exists(o.out) && !o.force) throw IoError(o.out + " exists; pass --force to replace it");
    });
    const auto X = read_matrix(parse_h5(o.x, "--x"), comm.size()).persist();
    const auto y = read_vector(parse_h5(o.y, "--y"), comm.size()).persist();
    Timer timer;
    ml::LinearRegression lr({.solver = o.solver});
    lr.fit(X, y);
    const double seconds = allreduce(comm, timer.seconds(), ReduceOp::max);
    const double r2 = lr.score(X, y);
    if (!o.out.empty()) lr.save(o.out);
    const auto& coef = lr.coef();
    if (context.json) {
      nlohmann::json j = {{"coef", std::vector<double>(coef.data(), coef.data() + coef.size())},
                          {"intercept", lr.intercept()}, {"r2", r2}, {"rank", lr.rank()}, {"seconds", seconds}};
      if (!o.out.empty()) j["model"] = o.out;
      context.out() << j.dump(2) << "\n";
      return;
    }
    auto& out = context.out();
    out << fmt::format("LinearRegression ({}) on {} x {}: fit in {:.3f} s\n", o.solver, X.shape()[0], X.shape()[1], seconds);
    out << "coef      ";
    for (std::int64_t j = 0; j < coef.size(); ++j) out << fmt::format(" {:.6g}", coef.data()[j]);
    out << fmt::format("\nintercept  {:.6g}\nR^2        {:.6f}\nrank       {}\n", lr.intercept(), r2, lr.rank());
    if (!o.out.empty()) out << "model      " << o.out << "\n";
  });
}

}  // namespace rankwise::cli
