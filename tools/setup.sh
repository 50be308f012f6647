#!/usr/bin/env bash
# Sets up ernsim on Debian 12: installs every package the project needs (only when one is missing,
# so it is cheap to rerun), then configures and builds a Release tree in build/.
# Run as root, or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config git
  libfmt-dev libboost-dev libboost-program-options-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libssl-dev
  verilator libsystemc-dev zlib1g-dev yosys iverilog gtkwave
  python3 python3-dev python3-numpy pybind11-dev clang clang-format python3-torch python3-onnx
  slurm-wlm munge
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${ERNSIM_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${ERNSIM_BUILD_TYPE:-Release}"
fi
cmake --build "$build_dir"
