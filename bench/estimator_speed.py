#!/usr/bin/env python3
"""The latency estimator's speed and error against the cycle-accurate RTL run, per zoo model.

usage: bench/estimator_speed.py [--build BUILD] [--config NAME] [--size N]

For each zoo model, `ernsim run` (RTL simulation, every layer checked) and `ernsim estimate` are
timed as whole commands one after the other, and the run's report gives both cycle counts and the
time of the simulation and of the latency model inside the same process.
`tools/regen_docs.py --only estimator-speed` writes the table into docs/PERFORMANCE.md.
"""
import argparse
import os

from zoo_fps import PAPER_FPS, ROOT, ernsim_report


def measure(build, config="default", size=256, progress=print):
    rows = []
    for model in PAPER_FPS:
        common = ["--model", "zoo:" + model, "--size", str(size), "--config", config]
        run, run_seconds = ernsim_report(build, "run", common)
        est, command_seconds = ernsim_report(build, "estimate", common)
        worst_layer = max(abs(l["estimated_cycles"] - l["cycles"]) / max(1, l["cycles"]) for l in run["layers"])
        rows.append({
            "model": model, "cycles": run["total_cycles"], "estimated": est["total_cycles"],
            "error": 100.0 * (est["total_cycles"] - run["total_cycles"]) / run["total_cycles"],
            "worst_layer": 100.0 * worst_layer, "sim_s": run["wall_seconds"], "est_s": run["estimate_seconds"],
            "command_s": command_seconds, "run_s": run_seconds,
        })
        r = rows[-1]
        progress(f"{model:<13} RTL {r['cycles']:>10,} cycles in {r['sim_s']:6.2f} s; estimate {r['estimated']:>10,} "
                 f"({r['error']:+.2f}%, worst layer {r['worst_layer']:.2f}%) in {r['est_s']:.4f} s: "
                 f"`ernsim run` {r['run_s']:.2f} s, `ernsim estimate` {r['command_s']:.2f} s: "
                 f"{r['run_s'] / r['command_s']:,.0f}x")
    return rows


def table(rows, config="default", size=256, timing=str, rtl=str):
    """`timing` marks the values that a check does not compare, `rtl` those that only the RTL run
    measures (uncompared when the rows hold only the estimate's side)."""
    lines = [f"Configuration `{config}`, {size}x{size}, one image, wall seconds. The speed-up compares the two "
             f"commands as wholes (each builds the model; `run` also runs the golden model and checks every layer), "
             f"timed one after the other; the last two columns are timed inside the same `ernsim run` process.", "",
             "| model | RTL cycles | estimated cycles | error | worst layer error | `ernsim run` (s) | "
             "`ernsim estimate` (s) | speed-up | inside `run`: model, golden, simulation (s) | latency model alone (s) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        timed = [timing(v) for v in ("%.2f" % r["run_s"], "%.2f" % r["command_s"], f"{r['run_s'] / r['command_s']:,.0f}x",
                                     "%.2f" % r["sim_s"], "%.4f" % r["est_s"])]
        cycles, error, worst = (rtl(v) for v in ("{:,}".format(r["cycles"]), "%+.2f%%" % r["error"], "%.2f%%" % r["worst_layer"]))
        lines.append(f"| {r['model']} | {cycles} | {r['estimated']:,} | {error} | {worst} | {' | '.join(timed)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--config", default="default")
    parser.add_argument("--size", type=int, default=256)
    args = parser.parse_args()
    print("\n" + table(measure(args.build, args.config, args.size), args.config, args.size))


if __name__ == "__main__":
    main()
