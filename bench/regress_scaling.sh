#!/usr/bin/env bash
# Time of the full regression suite with 1 and with 2 worker processes, and the speed-up, in one run
# (the machine should be otherwise idle: the speed-up is what a second core buys).
#
#   bench/regress_scaling.sh [SUITE] [JOBS_B]     (default: full 2)
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-full}
jobs_b=${2:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
for jobs in 1 "$jobs_b"; do
  start=$(date +%s%N)
  build/ernsim regress --suite "$suite" --jobs "$jobs" --report "$out/r$jobs.json" > "$out/log$jobs.txt" 2>&1 || {
    tail -30 "$out/log$jobs.txt"; echo "regress_scaling: the $suite suite failed with --jobs $jobs" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$jobs $(( (end - start) / 1000000 ))" >> "$out/times"  # milliseconds
  grep -E "^$suite: " "$out/log$jobs.txt"
done
python3 - "$out" "$suite" "$jobs_b" <<'PY'
import json, sys
out, suite, jobs_b = sys.argv[1], sys.argv[2], sys.argv[3]
times = dict(line.split() for line in open(f"{out}/times"))
r = json.load(open(f"{out}/r1.json"))
cases = sum(i["cases"] for i in r["items"] if i["status"] == "passed")
layers = sum(i["cases"] for i in r["items"] if i["kind"] == "random-layers")
nets = sum(1 for i in r["items"] if i["kind"] == "random-networks")
t1, tb = float(times["1"]) / 1e3, float(times[jobs_b]) / 1e3
print(f"suite {suite}: {len(r['items'])} items ({layers} random layers, {nets} random networks), {cases} cases passed")
print(f"--jobs 1: {t1:.1f} s; --jobs {jobs_b}: {tb:.1f} s; speed-up {t1 / tb:.2f}x")
PY
