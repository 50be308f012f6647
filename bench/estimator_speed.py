#!/usr/bin/env python3
"""The latency estimator's speed and error against the cycle-accurate RTL run, per zoo model.

usage: bench/estimator_speed.py [--build BUILD] [--config NAME] [--size N] [--write-doc]

For each zoo model, `ernsim run` (RTL simulation, every layer checked) and `ernsim estimate` are
timed as whole commands one after the other, and the run's report gives both cycle counts and the
time of the simulation and of the latency model inside the same process. With --write-doc the table replaces the one between the
estimator markers in docs/PERFORMANCE.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import perf_doc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["ERNs18-0.75x", "ERNs18", "ERNs34", "ERNs50", "ERNs101"]
START, END = "<!-- estimator-table:start -->", "<!-- estimator-table:end -->"


def ernsim(build, args):
    started = time.time()
    proc = subprocess.run([os.path.join(build, "ernsim")] + args, capture_output=True, text=True,
                          env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
    if proc.returncode != 0:
        sys.exit(f"estimator_speed: ernsim {' '.join(args)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return time.time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--config", default="default")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in MODELS:
            common = ["--model", "zoo:" + model, "--size", str(args.size), "--config", args.config]
            run_report, est_report = os.path.join(tmp, "run.json"), os.path.join(tmp, "est.json")
            run_seconds = ernsim(args.build, ["run"] + common + ["--report", run_report])
            command_seconds = ernsim(args.build, ["estimate"] + common + ["--report", est_report])
            with open(run_report) as f:
                run = json.load(f)
            with open(est_report) as f:
                est = json.load(f)
            worst_layer = max(abs(l["estimated_cycles"] - l["cycles"]) / max(1, l["cycles"]) for l in run["layers"])
            rows.append({
                "model": model, "cycles": run["total_cycles"], "estimated": est["total_cycles"],
                "error": 100.0 * (est["total_cycles"] - run["total_cycles"]) / run["total_cycles"],
                "worst_layer": 100.0 * worst_layer, "sim_s": run["wall_seconds"], "est_s": run["estimate_seconds"],
                "command_s": command_seconds, "run_s": run_seconds,
            })
            r = rows[-1]
            print(f"{model:<13} RTL {r['cycles']:>10,} cycles in {r['sim_s']:6.2f} s; estimate {r['estimated']:>10,} "
                  f"({r['error']:+.2f}%, worst layer {r['worst_layer']:.2f}%) in {r['est_s']:.4f} s: "
                  f"`ernsim run` {r['run_s']:.2f} s, `ernsim estimate` {r['command_s']:.2f} s: "
                  f"{r['run_s'] / r['command_s']:,.0f}x", flush=True)

    table = [f"Configuration `{args.config}`, {args.size}x{args.size}, one image. Measured with "
             f"`bench/estimator_speed.py --write-doc`, wall seconds. The speed-up compares the two commands as "
             f"wholes (each builds the model; `run` also runs the golden model and checks every layer), timed one "
             f"after the other in one run of the script; the last two columns are timed inside the same "
             f"`ernsim run` process.", "",
             "| model | RTL cycles | estimated cycles | error | worst layer error | `ernsim run` (s) | "
             "`ernsim estimate` (s) | speed-up | inside `run`: model, golden, simulation (s) | latency model alone (s) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r['model']} | {r['cycles']:,} | {r['estimated']:,} | {r['error']:+.2f}% | {r['worst_layer']:.2f}% "
                     f"| {r['run_s']:.2f} | {r['command_s']:.2f} | {r['run_s'] / r['command_s']:,.0f}x "
                     f"| {r['sim_s']:.2f} | {r['est_s']:.4f} |")
    text = "\n".join(table)
    print("\n" + text)
    if args.write_doc:
        perf_doc.replace_between(START, END, text, "estimator_speed")

if __name__ == "__main__":
    main()
