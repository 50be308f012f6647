#!/usr/bin/env python3
"""`ernsim regress --slurm` on a real cluster: run inside tools/slurm_local.sh (SLURM_CONF set).

usage: regress_on_slurm.py same-as-local ERNSIM SOURCE_DIR LOCAL_REPORT.json
       regress_on_slurm.py scancel ERNSIM SOURCE_DIR

same-as-local: the smoke suite through Slurm (3 shards) has the same items with the same verdicts as
the local run that wrote LOCAL_REPORT.json (RegressSmoke), and the merged JUnit counts them all.
scancel: a reduced smoke suite in 2 shards on a 1-CPU cluster, so that task 2 waits while task 1
runs; task 2 is cancelled: the run fails (exit 1), its merged summary fails exactly the items of
shard 2, naming the shard, with each item's local command, and shard 1's items still pass.
Exit 0 when the checks pass, 1 when one fails (printed), 2 for a usage error.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAILED: {what}", file=sys.stderr)


def run_regress(ernsim, source_dir, slurm_dir, extra, on_submitted=None):
    """Runs ernsim regress --slurm; returns (exit status, output)."""
    args = [ernsim, "regress", "--slurm", "--slurm-dir", slurm_dir, "--poll", "0.5",
            "--baseline", os.path.join(source_dir, "tests/baselines/smoke.json"),
            "--report", os.path.join(os.path.dirname(slurm_dir), "copy.json")] + extra
    print("running:", " ".join(args), flush=True)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        output.append(line)
        m = re.match(r"submitted job array (\d+) ", line)
        if m and on_submitted:
            on_submitted(m.group(1))
    status = proc.wait(timeout=1200)
    return status, "".join(output)


def verdicts(report_path):
    with open(report_path) as f:
        report = json.load(f)
    return {i["id"]: i["status"] for i in report["items"]}, report


def same_as_local(ernsim, source_dir, local_report, work):
    status, output = run_regress(ernsim, source_dir, os.path.join(work, "run"), ["--suite", "smoke", "--shards", "3"])
    check(status == 0, f"the smoke suite through Slurm exits 0 (got {status})")
    local, _ = verdicts(local_report)
    merged, summary = verdicts(os.path.join(work, "run", "summary.json"))
    check(set(merged) == set(local), f"the same items as the local run ({len(merged)} vs {len(local)}; "
                                     f"only local: {sorted(set(local) - set(merged))[:5]}, "
                                     f"only Slurm: {sorted(set(merged) - set(local))[:5]})")
    differing = sorted(i for i in local if merged.get(i) != local[i])
    check(not differing, f"the same verdicts as the local run (differ: {differing[:5]})")
    check(len(local) > 50, f"the local report has the smoke suite ({len(local)} items)")
    root = ET.parse(os.path.join(work, "run", "merged.xml")).getroot()
    check(root.get("tests") == str(len(local)), f"the merged JUnit counts every item ({root.get('tests')})")
    check(root.get("failures") == "0" and root.get("errors") == "0", "the merged JUnit has no failures or errors")
    for shard in (1, 2, 3):
        check(os.path.exists(os.path.join(work, "run", f"shard-{shard}.json")), f"shard {shard} wrote its report")
    check("match the baseline" in output, "the merge checked the cycles against the baseline")
    with open(os.path.join(work, "copy.json")) as f:
        check(json.load(f) == summary, "--report got a copy of the merged summary")


def scancel(ernsim, source_dir, work):
    cancelled = []

    def cancel_task_2(array_job):
        result = subprocess.run(["scancel", f"{array_job}_2"], capture_output=True, text=True, timeout=60)
        cancelled.append(result.returncode)
        print(f"scancel {array_job}_2: exit {result.returncode} {result.stdout}{result.stderr}", flush=True)

    status, output = run_regress(ernsim, source_dir, os.path.join(work, "run"),
                                 ["--suite", "smoke", "--configs", "small", "--count", "1", "--shards", "2"],
                                 on_submitted=cancel_task_2)
    check(cancelled == [0], f"scancel of array task 2 succeeded ({cancelled})")
    check(status == 1, f"the run with a cancelled task exits 1 (got {status})")
    check("shard 2 of 2" in output, "the output names shard 2")
    merged, summary = verdicts(os.path.join(work, "run", "summary.json"))
    ids = list(merged)
    shard1, shard2 = ids[0::2], ids[1::2]
    check(len(shard2) >= 2, f"shard 2 has items ({len(shard2)})")
    # Without ../shared the fixture items are skipped, as every run skips them (the suite says so).
    shared = os.environ.get("ERNSIM_SHARED_DIR") or os.path.join(source_dir, "..", "shared")
    no_fixtures = not os.path.isdir(os.path.join(shared, "fixtures", "ern"))
    expected = {i: "skipped" if no_fixtures and i.startswith("fixture/") else "passed" for i in shard1}
    check(all(merged[i] == expected[i] for i in shard1), f"shard 1's items pass ({[merged[i] for i in shard1]})")
    check(all(merged[i] == "failed" for i in shard2), f"shard 2's items fail ({[merged[i] for i in shard2]})")
    for item in summary["items"][1::2]:
        what = item["failures"][0]["what"] if item["failures"] else ""
        check(what.startswith("shard 2 of 2:"), f"{item['id']}: the failure names the shard ({what!r})")
        check(item["failures"] and item["failures"][0]["reproduce"] == item["command"],
              f"{item['id']}: the failure gives the item's local command")
        check(item["command"] in output, f"{item['id']}: the output prints its local command")
    root = ET.parse(os.path.join(work, "run", "merged.xml")).getroot()
    check(root.get("errors") == str(len(shard2)), f"the merged JUnit has shard 2's items as errors ({root.get('errors')})")


def main(argv):
    if len(argv) < 4 or argv[1] not in ("same-as-local", "scancel") or (argv[1] == "same-as-local") != (len(argv) == 5):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if "SLURM_CONF" not in os.environ:
        print("regress_on_slurm: error: SLURM_CONF is not set (run inside tools/slurm_local.sh)", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="ernsim-slurm-test-")
    try:
        if argv[1] == "same-as-local":
            same_as_local(argv[2], argv[3], argv[4], work)
        else:
            scancel(argv[2], argv[3], work)
    except (OSError, ValueError, KeyError, ET.ParseError, subprocess.TimeoutExpired) as e:
        check(False, f"{type(e).__name__}: {e}")
    if failures:
        print(f"regress_on_slurm {argv[1]}: {len(failures)} check(s) failed; files kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work)
    print(f"regress_on_slurm {argv[1]}: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
