# Finds everything librankwise and its public headers need. Used by the build and, installed,
# by rankwiseConfig.cmake, so consumers re-find the same dependencies.
# Facts behind each line: ../shared/PLATFORM.md section 2 (Debian 12).
include(CMakeFindDependencyMacro)

macro(_rankwise_require found package what)
  if(NOT ${found})
    message(FATAL_ERROR "rankwise needs ${what}: install the Debian package '${package}' "
                        "(or run scripts/setup.sh)")
  endif()
endmacro()

find_package(MPI QUIET COMPONENTS C CXX)
_rankwise_require(MPI_FOUND "libopenmpi-dev" "MPI (C and C++)")

set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 QUIET COMPONENTS C)   # not CXX: there is no h5c++ on PATH in Debian's openmpi build
_rankwise_require(HDF5_FOUND "libhdf5-openmpi-dev" "HDF5")
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "rankwise needs a parallel HDF5, found a serial one: install the Debian "
                      "package 'libhdf5-openmpi-dev'")
endif()

set(BLA_VENDOR OpenBLAS)
find_package(BLAS QUIET)
_rankwise_require(BLAS_FOUND "libopenblas-dev" "OpenBLAS")
find_package(LAPACK QUIET)
_rankwise_require(LAPACK_FOUND "libopenblas-dev" "LAPACK (OpenBLAS)")

find_package(PkgConfig QUIET)
_rankwise_require(PKG_CONFIG_FOUND "pkg-config" "pkg-config")
if(NOT TARGET PkgConfig::LAPACKE)
  pkg_check_modules(LAPACKE QUIET IMPORTED_TARGET GLOBAL lapacke)
endif()
_rankwise_require(LAPACKE_FOUND "liblapacke-dev" "LAPACKE")
if(NOT TARGET PkgConfig::SCALAPACK)
  # Not find_package(scalapack CONFIG): Debian's config points at a library path that does not exist.
  pkg_check_modules(SCALAPACK QUIET IMPORTED_TARGET GLOBAL scalapack-openmpi)
endif()
_rankwise_require(SCALAPACK_FOUND "libscalapack-openmpi-dev" "ScaLAPACK")

find_package(Boost 1.74 QUIET COMPONENTS serialization)
_rankwise_require(Boost_FOUND "libboost-serialization-dev" "Boost.Serialization")
find_package(fmt QUIET CONFIG)
_rankwise_require(fmt_FOUND "libfmt-dev" "fmt")
find_package(spdlog QUIET CONFIG)
_rankwise_require(spdlog_FOUND "libspdlog-dev" "spdlog")
