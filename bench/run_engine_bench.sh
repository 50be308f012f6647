#!/usr/bin/env bash
# Engine simulation speed: the SystemC testbench against a plain C++ Verilator harness of the same
# RTL (default configuration, a 3x3 256-channel layer), run alternately so that both see the same
# machine; prints each run and the median cycles per CPU second and SystemC overhead (ratio of
# paired runs).
#   bench/run_engine_bench.sh [BUILD_DIR] [PAIRS] [REPEATS]
set -euo pipefail
build=${1:-build}
pairs=${2:-5}
repeats=${3:-10}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
rate() { sed -n 's/.*: \([0-9]*\) cycles\/s$/\1/p'; }
sc_rates=() cc_rates=() ratios=()
for ((i = 0; i < pairs; i++)); do
  sc=$("$build/bench/bench_engine_sc" "$repeats" | tee /dev/stderr | rate)
  cc=$("$build/bench/bench_engine_cc" "$repeats" | tee /dev/stderr | rate)
  sc_rates+=("$sc") cc_rates+=("$cc")
  ratios+=("$(awk -v a="$cc" -v b="$sc" 'BEGIN { printf "%.3f", a / b }')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median over $pairs pairs: SystemC $(median "${sc_rates[@]}") cycles/s, plain C++ $(median "${cc_rates[@]}") cycles/s," \
     "SystemC overhead $(median "${ratios[@]}")x"
