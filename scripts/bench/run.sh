#!/usr/bin/env bash
# Builds the benchmark programs (Release) and runs every bench_*.py, or the ones named:
#   scripts/bench/run.sh            # all
#   scripts/bench/run.sh graph      # bench_graph.py only
# Results are printed as markdown tables; paste them into docs/benchmarks.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
"$ROOT/scripts/setup.sh"
rw_build -DRANKWISE_BUILD_BENCHMARKS=ON
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
cd "$ROOT/scripts/bench"
names=("$@")
if ((${#names[@]} == 0)); then
  names=($(ls bench_*.py | sed 's/bench_\(.*\)\.py/\1/'))
fi
for name in "${names[@]}"; do
  /usr/bin/python3 "bench_${name}.py"
done
