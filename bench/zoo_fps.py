#!/usr/bin/env python3
"""Latency and FPS of the ERN zoo on the accelerator RTL, beside the paper's KV260 figures.

usage: bench/zoo_fps.py [--build BUILD] [--config NAME] [--size N] [--clock-mhz F]

Runs `ernsim run` for each zoo model (cycle-accurate, every layer checked bit for bit), prints a
table of cycles, PE utilization, latency and FPS at the clock (an assumption: the paper does not
publish its clock), the paper's FPS and the wall time of each simulation, and where the cycles
beyond the ideal (MACs / peak MACs per cycle) go:
  compute  - the engine busy but not every PE lane productive (e.g. the 30-channel first conv),
  memory   - the engine waiting for loads or for stores,
  control  - the rest: per-job pipeline fill and drain, starting jobs.
`tools/regen_docs.py --only zoo-fps` writes the table into docs/PERFORMANCE.md; its `--fast` check
takes the cycles from `ernsim estimate` (the latency model, equal to the RTL's cycles).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAPER_FPS = {"ERNs18-0.75x": 298.5, "ERNs18": 277.8, "ERNs34": 188.0, "ERNs50": 103.7, "ERNs101": 63.4}


def ernsim_report(build, command, args, ok_statuses=(0,)):
    """Runs `ernsim COMMAND ARGS --report FILE`; returns the report and the wall seconds.
    `ok_statuses`: the exit statuses that still give a report (1: a design over a --device's budget)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        started = time.time()
        quiet = ["--quiet"] if command in ("run", "estimate") else []  # `layers` prints no progress
        proc = subprocess.run([os.path.join(build, "ernsim"), command, *args, *quiet, "--report", report],
                              capture_output=True, text=True, env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
        wall = time.time() - started
        if proc.returncode not in ok_statuses:
            sys.exit(f"ernsim {command} {' '.join(args)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        with open(report) as f:
            return json.load(f), wall


def losses(report):
    """Cycles beyond the ideal, split into compute, memory and control; and the top layers."""
    peak = report["macs_per_cycle"]
    split = {"compute": 0.0, "memory": 0.0, "control": 0.0}
    per_layer = []
    for l in report["layers"]:
        ideal = l["macs"] / peak
        stall = l["load_stall_cycles"] + l["store_stall_cycles"]
        compute = max(0.0, l["compute_cycles"] - ideal)
        control = max(0.0, l["cycles"] - l["compute_cycles"] - stall)
        split["compute"] += compute
        split["memory"] += stall
        split["control"] += control
        per_layer.append((l["cycles"] - ideal, l["name"], compute, stall, control))
    per_layer.sort(reverse=True)
    return split, per_layer[:3]


def table(build, config="default", size=256, clock=300.0, fast=False, timing=str, progress=print):
    """The table and the notes on lost cycles. With `fast`, the cycles come from `ernsim estimate`
    and what only the RTL run measures (mismatches, wall time) is left to `timing`, which marks a
    value that a check does not compare."""
    rows, notes = [], []
    for model in PAPER_FPS:
        args = ["--model", "zoo:" + model, "--size", str(size), "--config", config, "--clock-mhz", str(clock)]
        report, wall = ernsim_report(build, "estimate" if fast else "run", args)
        split, top = losses(report)
        lost = sum(split.values())
        fps = report["fps"]
        mismatches = timing("0") if fast else str(report["mismatches"])
        rows.append(f"| {model} | {report['total_cycles']:,} | {100 * report['utilization']:.1f}% | "
                    f"{report['latency_ms']:.3f} | {fps:.1f} | {PAPER_FPS[model]} | "
                    f"{'yes' if fps >= PAPER_FPS[model] else 'no'} | {mismatches} | {timing(f'{wall:.1f}')} |")
        worst = "; ".join(f"{name} {cyc / 1000:.0f}K (compute {c / 1000:.0f}K, memory {m / 1000:.0f}K, "
                          f"control {o / 1000:.0f}K)" for cyc, name, c, m, o in top)
        notes.append(f"- **{model}**: {lost / 1000:.0f}K cycles beyond the ideal "
                     f"({100 * lost / report['total_cycles']:.0f}% of the run): compute {split['compute'] / 1000:.0f}K, "
                     f"memory {split['memory'] / 1000:.0f}K, control {split['control'] / 1000:.0f}K. "
                     f"Most in: {worst}.")
        progress(rows[-1])
    return "\n".join([
        f"Configuration `{config}`, {size}x{size}, one image, clock {clock:.0f} MHz "
        "(assumed: the paper does not publish its clock).",
        "",
        "| model | cycles | PE utilization | latency (ms) | FPS | paper FPS (KV260) | at least the paper | mismatches | wall time (s) |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Where the cycles beyond the ideal (MACs / {report['macs_per_cycle']:,} per cycle) go, by the accelerator's own counters:",
        "",
        *notes,
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--config", default="default")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--clock-mhz", type=float, default=300.0)
    args = parser.parse_args()
    print("\n" + table(args.build, args.config, args.size, args.clock_mhz))


if __name__ == "__main__":
    main()
