#!/usr/bin/env bash
# Fuzzes the ONNX importers (ERN and QONNX) and the .npy reader with libFuzzer (clang, with ASan and UBSan), each for
# SECONDS (default 600), starting from generated seeds and the corpus kept from earlier runs.
#
#   tools/fuzz.sh [SECONDS] [fuzz_onnx|fuzz_npy ...]
#
# Builds in build-fuzz/ (ERNSIM_FUZZ=ON). Corpora grow in build-fuzz/corpus/NAME; a crash, leak,
# timeout or out-of-memory input is saved as build-fuzz/artifacts/NAME/crash-* (or leak-, timeout-,
# oom-) and the script exits 1. Turn each into a test by copying it into tests/data/fuzz/onnx,
# tests/data/fuzz/qonnx (QONNX graphs) or tests/data/fuzz/npy: the test suite replays every file
# there (FuzzRegressions tests).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_onnx fuzz_npy)
build=${ERNSIM_FUZZ_BUILD_DIR:-build-fuzz}
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DERNSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
fi
cmake --build "$build" --target fuzz_onnx fuzz_npy make_seeds
mkdir -p "$build/seeds/fuzz_onnx" "$build/seeds/fuzz_npy"
"$build/tests/fuzz/make_seeds" "$build/seeds/fuzz_onnx" "$build/seeds/fuzz_npy"
status=0
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  case $target in
    fuzz_onnx) regressions=(tests/data/fuzz/onnx tests/data/fuzz/qonnx); max_len=65536 ;;
    fuzz_npy) regressions=(tests/data/fuzz/npy); max_len=4096 ;;
    *) echo "fuzz.sh: unknown target $target (fuzz_onnx or fuzz_npy)" >&2; exit 2 ;;
  esac
  echo "fuzz.sh: $target for $seconds s (corpus $corpus)"
  # -rss_limit_mb: an input that makes the reader allocate gigabytes is a finding (absurd sizes).
  if ! "$build/tests/fuzz/$target" "$corpus" "$build/seeds/$target" "${regressions[@]}" \
      -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 2>"$build/$target.log"; then
    echo "fuzz.sh: $target found a problem: $(ls "$artifacts" | head -5) (log: $build/$target.log)" >&2
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$build/$target.log" || true
  echo "fuzz.sh: $target corpus: $(ls "$corpus" | wc -l) inputs"
done
exit $status
