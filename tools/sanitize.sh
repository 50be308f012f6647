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
# Two limits of the sanitizers with Debian's SystemC, whose processes are coroutines on stacks of
# their own (QuickThreads, not annotated for ASan): a C++ exception thrown inside a SystemC process
# makes ASan report stack-buffer-overflows it warns may be false ("ASan is ignoring requested
# __asan_handle_no_return", google/sanitizers#189), and UBSan reports a null thread-local in
# Verilator's runtime (verilated.h: threadContextp) when a trace file is opened inside one. The
# tests that do either are left out here (they run in the normal build); everything else runs.
coroutine_limited='^(EngineChecks\.WatchdogNamesTheStuckState|EngineChecks\.ConfigurationMismatchIsAnError|AccelChecks\.WatchdogNamesTheStuckStage|Trace\.FstWindowReadsBack|Trace\.VcdOnRequest|RunCli\.TraceOfOneLayer)$'
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 1800 -E "$coroutine_limited" "$@"
