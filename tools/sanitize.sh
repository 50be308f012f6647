#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (g++) in build-asan/ and runs
# the whole CTest suite there: any sanitizer report fails the test that triggered it.
#
#   tools/sanitize.sh [ctest arguments, e.g. -R BadInputs]
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh >/dev/null  # the packages (and the normal build, which the tests do not need)
build=${ERNSIM_ASAN_BUILD_DIR:-build-asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DERNSIM_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
fi
cmake --build "$build"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# SystemC switches coroutine stacks, which ASan's stack bookkeeping does not follow; leaks are
# checked (the ernsim processes exit normally).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=0:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 1800 "$@"
