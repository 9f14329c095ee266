#include "rankwise/runtime/build_info.hpp"

#include <hdf5.h>
#include <mpi.h>

#include "rankwise/version.hpp"

extern "C" char* openblas_get_config();
extern "C" int openblas_get_num_threads();

namespace rankwise::runtime {

BuildInfo build_info() {
  BuildInfo info;
  info.rankwise_version = RANKWISE_VERSION_STRING;
  info.build_type = RANKWISE_BUILD_TYPE;
  info.compiler = "GCC " __VERSION__;

  char library[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(library, &length);
  std::string text(library, static_cast<std::size_t>(length));
  info.mpi_library = text.substr(0, text.find_first_of(",\n"));
  int major = 0, minor = 0;
  MPI_Get_version(&major, &minor);
  info.mpi_standard = std::to_string(major) + "." + std::to_string(minor);

  unsigned h_major = 0, h_minor = 0, h_release = 0;
  H5get_libversion(&h_major, &h_minor, &h_release);
  info.hdf5_version =
      std::to_string(h_major) + "." + std::to_string(h_minor) + "." + std::to_string(h_release);
#ifdef H5_HAVE_PARALLEL
  info.hdf5_parallel = true;
#endif
  info.blas = openblas_get_config();
  info.blas_threads = openblas_get_num_threads();
  info.scalapack_version = RANKWISE_SCALAPACK_VERSION;
  return info;
}

}  // namespace rankwise::runtime
