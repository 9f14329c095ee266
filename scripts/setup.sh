#!/usr/bin/env bash
# Installs the Debian packages rankwise needs, only those missing (idempotent).
# Usage: scripts/setup.sh [--with-slurm]     (sourced by demo.sh and test.sh)
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libopenblas-dev liblapacke-dev libscalapack-openmpi-dev
  libboost-serialization-dev
  libgtest-dev
  libcli11-dev libfmt-dev libspdlog-dev libfast-float-dev librandom123-dev
  nlohmann-json3-dev libabsl-dev libxxhash-dev
  graphviz
  python3-numpy python3-pandas python3-sklearn python3-h5py python3-dask python3-matplotlib
)
if [[ "${1:-}" == "--with-slurm" ]]; then
  packages+=(slurm-wlm munge)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
