#!/usr/bin/env bash
# Throughput of a regression suite (items per minute) with 1 and with 2 local worker processes and
# through a single-node Slurm (tools/slurm_local.sh: a job array of SHARDS tasks of 1 worker each on
# 2 CPUs, and the merge job), plus Slurm's overhead per job; prints a table on standard output (the
# suites' summaries go to standard error), which `tools/regen_docs.py --only regress-scaling` writes
# into docs/PERFORMANCE.md. The machine should be otherwise idle; the load average is printed so
# that a busy run can be told apart.
#
#   bench/regress_scaling.sh [SUITE] [SHARDS]     (default: full 8)
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-full}
shards=${2:-8}
if ! [[ $shards =~ ^[0-9]+$ ]] || [ "$shards" -lt 1 ] || [ "$shards" -gt 1000 ]; then
  echo "regress_scaling: error: SHARDS ${shards}: expected 1 to 1000" >&2
  exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
ernsim=$PWD/build/ernsim
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# A one-item suite: its Slurm run minus its local run is the cost of two jobs (a task and the merge).
cat > "$out/one.json" <<'EOF'
{"items": [{"kind": "zoo", "model": "ERNs18-0.75x", "size": 32, "configs": ["small"]}]}
EOF

load_before=$(cut -d' ' -f1 /proc/loadavg)
for jobs in 1 2; do
  start=$(now_ms)
  "$ernsim" regress --suite "$suite" --jobs "$jobs" --report "$out/r$jobs.json" > "$out/log$jobs.txt" 2>&1 || {
    tail -30 "$out/log$jobs.txt"; echo "regress_scaling: the $suite suite failed with --jobs $jobs" >&2; exit 1; }
  echo "local$jobs $(( $(now_ms) - start ))" >> "$out/times"
  grep -E "^$(basename "$suite" .json): " "$out/log$jobs.txt" >&2 || true
done
start=$(now_ms)
"$ernsim" regress --suite "$out/one.json" --jobs 1 > "$out/log_one.txt" 2>&1
echo "one_local $(( $(now_ms) - start ))" >> "$out/times"

# Inside the cluster: the times exclude starting and stopping it. The script is constant; the values
# reach it as arguments.
tools/slurm_local.sh --cpus 2 bash -c '
  set -euo pipefail
  ernsim=$1 suite=$2 shards=$3 out=$4
  now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
  start=$(now_ms)
  "$ernsim" regress --suite "$out/one.json" --slurm --shards 1 --poll 0.2 --slurm-dir "$out/slurm_one" > "$out/log_one_slurm.txt" 2>&1
  echo "one_slurm $(( $(now_ms) - start ))" >> "$out/times"
  start=$(now_ms)
  "$ernsim" regress --suite "$suite" --slurm --shards "$shards" --jobs 1 --poll 1 --slurm-dir "$out/slurm" \
    --report "$out/rslurm.json" > "$out/log_slurm.txt" 2>&1
  echo "slurm $(( $(now_ms) - start ))" >> "$out/times"
' regress_scaling "$ernsim" "$suite" "$shards" "$out" || {
  tail -30 "$out"/log_*slurm*.txt; echo "regress_scaling: the $suite suite failed through Slurm" >&2; exit 1; }
grep -E "^$(basename "$suite" .json): " "$out/log_slurm.txt" >&2 || true
load_after=$(cut -d' ' -f1 /proc/loadavg)

python3 - "$out" "$suite" "$shards" "$load_before" "$load_after" <<'PY'
import json, sys
out, suite, shards, load_before, load_after = sys.argv[1:6]
times = {k: float(v) / 1e3 for k, v in (line.split() for line in open(f"{out}/times"))}
r = json.load(open(f"{out}/r1.json"))
items = len(r["items"])
passed = {name: json.load(open(f"{out}/{name}.json"))["passed"] for name in ("r1", "r2", "rslurm")}
per_job = (times["one_slurm"] - times["one_local"]) / 2
rows = [("local, 1 worker", times["local1"], passed["r1"]), ("local, 2 workers", times["local2"], passed["r2"]),
        (f"Slurm, {shards} array tasks of 1 worker on 2 CPUs + merge job", times["slurm"], passed["rslurm"])]
table = ["| run | items | passed | wall time | items per minute |", "|---|---|---|---|---|"]
for name, seconds, ok in rows:
    table.append(f"| {name} | {items} | {ok} | {seconds:.1f} s | {items / seconds * 60:.0f} |")
text = "\n".join(table) + (
    f"\n\nSlurm's overhead per job: {per_job:.1f} s (a one-item suite through `--slurm --shards 1 --poll 0.2`, "
    f"{times['one_slurm']:.1f} s, against the same item run locally, {times['one_local']:.1f} s, over its two jobs: "
    f"the array task and the merge). Load average {load_before} before and {load_after} after the runs.")
print(text)
PY
