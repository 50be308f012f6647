#!/usr/bin/env bash
# The cost of the RTL assertions (rtl/assert/): the user CPU time of `ernsim run --model zoo:ERNs18`
# (default configuration) built with them (BUILD_DIR) and without them (BUILD_DIR-noassert, configured
# and built here with -DERNSIM_ASSERTIONS=OFF and only the default configuration), run alternately
# so that both see the same machine; prints each pair and the medians and their ratio.
#   bench/assert_overhead.sh [BUILD_DIR] [PAIRS]
set -euo pipefail
build=${1:-build}
pairs=${2:-5}
[[ "$pairs" =~ ^[1-9][0-9]?$ ]] || { echo "assert_overhead: PAIRS must be 1 to 99" >&2; exit 2; }
[[ -x "$build/ernsim" ]] || { echo "assert_overhead: $build/ernsim not found (build first)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
plain="$build-noassert"
cmake -S "$root" -B "$plain" -G Ninja -DCMAKE_BUILD_TYPE=Release -DERNSIM_ASSERTIONS=OFF -DERNSIM_CONFIGS=default \
  -DERNSIM_BUILD_TESTS=OFF -DERNSIM_BUILD_BENCH=OFF -DERNSIM_BUILD_PYTHON=OFF >/dev/null
cmake --build "$plain" --target ernsim >/dev/null
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
TIMEFORMAT=%U
cpu() { { time "$1" run --model zoo:ERNs18 --quiet >/dev/null; } 2>&1; }
with=() without=()
for ((i = 0; i < pairs; i++)); do
  a=$(cpu "$build/ernsim")
  b=$(cpu "$plain/ernsim")
  with+=("$a") without+=("$b")
  echo "pair $((i + 1)): with assertions $a s, without $b s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m_with=$(median "${with[@]}") m_without=$(median "${without[@]}")
echo "median over $pairs pairs: with assertions $m_with s, without $m_without s," \
     "ratio $(awk -v a="$m_with" -v b="$m_without" 'BEGIN { printf "%.3f", a / b }')x"
