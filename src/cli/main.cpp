// The rankwise command. Every rank parses the same arguments and runs the same subcommand
// (collectively); only rank 0 prints.
#include <iostream>

#include "cli/command.hpp"
#include "rankwise/error.hpp"
#include "rankwise/runtime/environment.hpp"
#include "rankwise/version.hpp"

namespace rankwise::cli {

std::ostream& Context::out() const {
  static std::ostream sink(nullptr);  // a stream with no buffer discards what it is given
  if (!comm->is_root()) return sink;
  return redirect ? *redirect : std::cout;
}

}  // namespace rankwise::cli

int main(int argc, char** argv) {
  namespace rw = rankwise;
  rw::Environment env(argc, argv);
  rw::cli::Context context{&env.comm()};

  CLI::App app{"rankwise: Dask's programming model on MPI. Run under mpirun or srun.", "rankwise"};
  app.set_version_flag("--version", std::string("rankwise ") + RANKWISE_VERSION_STRING);
  app.add_flag("--json", context.json, "Machine-readable output (JSON)");
  app.require_subcommand(0, 1);
  app.fallthrough();  // global flags (--json) may follow the subcommand
  rw::cli::add_info_command(app, context);
  rw::cli::add_generate_command(app, context);
  rw::cli::add_describe_command(app, context);
  rw::cli::add_groupby_command(app, context);
  rw::cli::add_ols_command(app, context);
  rw::cli::add_kmeans_command(app, context);
  rw::cli::add_predict_command(app, context);
  rw::cli::add_tour_command(app, context);

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) context.out() << app.help();
  } catch (const CLI::ParseError& e) {
    // Every rank parsed the same arguments, so every rank is here; rank 0 speaks.
    if (env.comm().is_root()) app.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;  // 2: a usage error, as getopt-style tools do
  } catch (const rw::Error& e) {
    // Errors are agreed across ranks before they reach here: one message, every rank exits 1.
    if (env.comm().is_root()) std::cerr << "rankwise: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
