#!/usr/bin/env bash
# Runs the whole ernsim test suite: sets up and builds first (a no-op when up to date), then CTest.
# Tests that need ../shared (the fixtures) report themselves as skipped when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
ctest --test-dir "${ERNSIM_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" "$@"
