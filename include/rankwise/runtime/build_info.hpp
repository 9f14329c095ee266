#pragma once
/// What rankwise was built with and runs on.
#include <string>

namespace rankwise::runtime {

/// Versions of rankwise and of the libraries it was built against, as strings for people.
struct BuildInfo {
  std::string rankwise_version;
  std::string build_type;
  std::string compiler;
  std::string mpi_library;   ///< MPI_Get_library_version, first line
  std::string mpi_standard;  ///< "3.1"
  std::string hdf5_version;  ///< "1.10.8"
  bool hdf5_parallel = false;
  std::string blas;          ///< openblas_get_config()
  int blas_threads = 0;      ///< BLAS threads this rank uses now
  std::string scalapack_version;
};

/// Returns the build and library facts of this process. Local.
BuildInfo build_info();

}  // namespace rankwise::runtime

namespace rankwise {
using runtime::build_info;
using runtime::BuildInfo;
}  // namespace rankwise
