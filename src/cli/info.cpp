// `rankwise info`: what rankwise was built with and the communicator it runs on.
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "rankwise/runtime/build_info.hpp"

namespace rankwise::cli {

void add_info_command(CLI::App& app, Context& context) {
  auto* info = app.add_subcommand("info", "Show the build, the libraries and the MPI layout");
  info->callback([&context] {
    const auto facts = build_info();
    const int ranks = context.comm->size();
    if (context.json) {
      nlohmann::json j = {{"rankwise", facts.rankwise_version},
                          {"build_type", facts.build_type},
                          {"compiler", facts.compiler},
                          {"mpi", {{"library", facts.mpi_library}, {"standard", facts.mpi_standard}}},
                          {"hdf5", {{"version", facts.hdf5_version}, {"parallel", facts.hdf5_parallel}}},
                          {"blas", {{"config", facts.blas}, {"threads_per_rank", facts.blas_threads}}},
                          {"scalapack", facts.scalapack_version},
                          {"ranks", ranks}};
      context.out() << j.dump(2) << "\n";
      return;
    }
    auto& out = context.out();
    out << "rankwise   " << facts.rankwise_version << " (" << facts.build_type << ", "
        << facts.compiler << ")\n"
        << "MPI        " << facts.mpi_library << " (MPI " << facts.mpi_standard << ")\n"
        << "HDF5       " << facts.hdf5_version << (facts.hdf5_parallel ? " (parallel)" : " (serial)")
        << "\n"
        << "BLAS       " << facts.blas << ", " << facts.blas_threads << " thread(s) per rank\n"
        << "ScaLAPACK  " << facts.scalapack_version << "\n"
        << "ranks      " << ranks << "\n";
  });
}

}  // namespace rankwise::cli
