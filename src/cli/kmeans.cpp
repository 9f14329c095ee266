// `rankwise kmeans --x F.h5:/X --k 8 [--init k-means||] --out result.h5 [--plot clusters.png]`.
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/sources.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/ml/cluster.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::cli {

std::string plot_script() {
  // Installed next to the data files, or in the source tree for a build that is not installed.
  const std::filesystem::path installed = std::filesystem::path(RANKWISE_INSTALL_DATADIR) / "plot_clusters.py";
  const std::filesystem::path source = std::filesystem::path(RANKWISE_SOURCE_DIR) / "scripts" / "plot_clusters.py";
  if (std::filesystem::exists(installed)) return installed.string();
  if (std::filesystem::exists(source)) return source.string();
  throw IoError("plot_clusters.py not found (looked in " RANKWISE_INSTALL_DATADIR " and " RANKWISE_SOURCE_DIR "/scripts)");
}

void plot_clusters(const Communicator& comm, const std::string& x, const std::string& result, const std::string& png) {
  agree(comm, "plot", [&] {
    if (!comm.is_root()) return;
    const auto command = fmt::format("/usr/bin/python3 '{}' --x '{}' --result '{}' --out '{}'", plot_script(), x, result, png);
    if (std::system(command.c_str()) != 0) throw IoError("plotting failed: " + command + " (needs python3-matplotlib and python3-h5py)");
  });
}

void add_kmeans_command(CLI::App& app, Context& context) {
  struct Options {
    std::string x, out, plot, init = "k-means||";
    std::int64_t k = 8;
    int max_iter = 300, n_init = 1, init_max_iter = 5;
    double oversampling = 2.0;
    std::uint64_t seed = 0;
    bool force = false;
  };
  static Options o;
  auto* cmd = app.add_subcommand("kmeans", "k-means clustering of HDF5 rows; writes centers, labels and inertia");
  cmd->add_option("--x", o.x, "FILE.h5:/DATASET of the rows")->required();
  cmd->add_option("--k", o.k, "Clusters")->capture_default_str()->check(positive_number());
  cmd->add_option("--init", o.init, "k-means|| | k-means++ | random")
      ->capture_default_str()
      ->check(CLI::IsMember({"k-means||", "k-means++", "random"}));
  cmd->add_option("--init-max-iter", o.init_max_iter, "k-means|| rounds")->capture_default_str();
  cmd->add_option("--oversampling-factor", o.oversampling, "k-means|| candidates per round / k")->capture_default_str();
  cmd->add_option("--max-iter", o.max_iter, "Lloyd iterations at most")->capture_default_str();
  cmd->add_option("--n-init", o.n_init, "Initialisations (the best is kept)")->capture_default_str();
  cmd->add_option("--seed", o.seed, "random_state")->capture_default_str();
  cmd->add_option("--out", o.out, "Result file (HDF5): cluster_centers_, labels, inertia_ as an attribute")->required();
  cmd->add_option("--plot", o.plot, "Scatter plot of the first two columns (PNG)");
  cmd->add_flag("--force", o.force, "Replace an existing result file");
  cmd->callback([&context] {
    const auto& comm = *context.comm;
    agree(comm, "kmeans", [&] {
      if (std::filesystem::exists(o.out) && !o.force) throw IoError(o.out + " exists; pass --force to replace it");
    });
    const auto X = read_matrix(parse_h5(o.x, "--x"), comm.size()).persist();
    Timer timer;
    ml::KMeans km({.n_clusters = o.k, .init_max_iter = o.init_max_iter, .oversampling_factor = o.oversampling, .init = o.init,
                   .max_iter = o.max_iter, .n_init = o.n_init, .random_state = o.seed});
    km.fit(X);
    const double seconds = allreduce(comm, timer.seconds(), ReduceOp::max);
    km.save(o.out);
    io::Hdf5WriteOptions append;
    append.append = true;
    io::to_hdf5(km.labels(), o.out, "/labels", append);
    if (!o.plot.empty()) plot_clusters(comm, o.x, o.out, o.plot);
    const auto& c = km.cluster_centers();
    if (context.json) {
      nlohmann::json centers = nlohmann::json::array();
      for (std::int64_t i = 0; i < c.shape()[0]; ++i)
        centers.push_back(std::vector<double>(c.data() + i * c.shape()[1], c.data() + (i + 1) * c.shape()[1]));
      context.out() << nlohmann::json{{"centers", centers}, {"inertia", km.inertia()}, {"n_iter", km.n_iter()},
                                      {"seconds", seconds}, {"out", o.out}}.dump(2) << "\n";
      return;
    }
    auto& out = context.out();
    out << fmt::format("KMeans k = {} ({}) on {} x {}: {} iterations, {:.3f} s, inertia {:.6g}\n", o.k, o.init, X.shape()[0],
                       X.shape()[1], km.n_iter(), seconds, km.inertia());
    for (std::int64_t i = 0; i < c.shape()[0]; ++i) {
      out << fmt::format("center {}:", i);
      for (std::int64_t j = 0; j < c.shape()[1]; ++j) out << fmt::format(" {:.5g}", c(i, j));
      out << "\n";
    }
    out << "result     " << o.out << " (cluster_centers_, labels)\n";
    if (!o.plot.empty()) out << "plot       " << o.plot << "\n";
  });
}

}  // namespace rankwise::cli
