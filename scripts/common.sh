# Shared by scripts/*.sh: paths, the MPI run environment, and the build step.
# Source it; do not run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${RANKWISE_BUILD_DIR:-$ROOT/build}"
BUILD_TYPE="${RANKWISE_BUILD_TYPE:-Release}"
JOBS="${RANKWISE_JOBS:-$(nproc)}"

# Fast MPI start-up on one machine (PLATFORM.md section 3): skip UCX/OFI probing.
export OMPI_MCA_pml="${OMPI_MCA_pml:-ob1}"
export OMPI_MCA_btl="${OMPI_MCA_btl:-self,vader,tcp}"
export OMPI_MCA_osc="${OMPI_MCA_osc:-^ucx}"
# Open MPI refuses to start as root unless told; these apply to our own runs only.
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# Configures and builds in $BUILD_DIR. Extra arguments go to cmake's configure step.
rw_build() {
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
        -DMPIEXEC_PREFLAGS=--oversubscribe "$@"
  cmake --build "$BUILD_DIR" -j "$JOBS"
}
