// `rankwise info`: what rankwise was built with and the communicator it runs on.
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include <fmt/format.h>

#include "rankwise/frame/dataframe.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/runtime/build_info.hpp"

namespace rankwise::cli {

namespace {
// `info FILE`: the HDF5 tree, or the schema read_csv infers.
void describe_file(const Context& context, const std::string& file) {
  auto& out = context.out();
  const bool hdf5 = file.size() > 3 && (file.ends_with(".h5") || file.ends_with(".hdf5") || file.ends_with(".he5"));
  if (hdf5) {
    const auto sets = io::hdf5_list(file);
    if (context.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& s : sets)
        j.push_back({{"path", s.path}, {"shape", s.shape}, {"dtype", s.dtype}, {"chunks", s.chunks}, {"compression", s.compression}});
      out << nlohmann::json{{"file", file}, {"datasets", j}}.dump(2) << "\n";
      return;
    }
    out << file << " (HDF5)\n";
    for (const auto& s : sets)
      out << fmt::format("  {:<28} {:<14} {:<12} {}{}\n", s.path, shape_str(s.shape), s.dtype,
                         s.chunks.empty() ? "contiguous" : "chunks " + shape_str(s.chunks),
                         s.compression.empty() ? "" : ", " + s.compression);
    return;
  }
  const auto frame = read_csv(file);
  if (context.json) {
    nlohmann::json cols = nlohmann::json::array();
    for (const auto& [name, type] : frame.dtypes()) cols.push_back({{"name", name}, {"dtype", dtype_name(type)}});
    out << nlohmann::json{{"source", file}, {"columns", cols}, {"npartitions", frame.npartitions()}}.dump(2) << "\n";
    return;
  }
  out << file << " (CSV, schema inferred from samples of every file; " << frame.npartitions() << " partitions)\n";
  for (const auto& [name, type] : frame.dtypes()) out << fmt::format("  {:<24} {}\n", name, dtype_name(type));
}
}  // namespace

void add_info_command(CLI::App& app, Context& context) {
  static std::string file;
  auto* info = app.add_subcommand("info", "Show the build, the libraries and the MPI layout; with FILE: its HDF5 tree or CSV schema");
  info->add_option("file", file, "An HDF5 file, or CSV files (a glob)");
  info->callback([&context] {
    if (!file.empty()) return describe_file(context, file);
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
