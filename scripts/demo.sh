#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the tour under mpirun -n 2.
# Outputs go to out/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/setup.sh"
rw_build
mkdir -p "$ROOT/out"
cd "$ROOT"
mpirun -n 2 "$BUILD_DIR/rankwise" info | tee "$ROOT/out/info.txt"
echo
mpirun -n 2 "$BUILD_DIR/rankwise" tour --out "$ROOT/out" | tee "$ROOT/out/tour.txt"
echo "demo: outputs in $ROOT/out: $(cd "$ROOT/out" && ls | tr '\n' ' ')"
