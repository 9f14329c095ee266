#!/usr/bin/env bash
# The README's second command: install what is missing, build, run every test under ctest.
# Usage: scripts/test.sh [ctest arguments, e.g. -L mpi or -R collectives]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/setup.sh" --with-slurm  # the slurm-labelled test runs the jobs/ scripts under SLURM
rw_build -DRANKWISE_BUILD_TESTS=ON
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS" --timeout 600 "$@"
