#!/usr/bin/env python3
"""The GTKWave save files of traces/ fit a real trace: records a trace as README.md's waveform
example does (into a temporary folder), and checks that every signal each save file shows is in
it with the same bit range, and that every translate filter it names exists.

usage: trace_views_test.py ERNSIM_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def trace_signals(fst):
    """{name with range: True} of every variable of an FST file (through GTKWave's fst2vcd)."""
    vcd = subprocess.run(["fst2vcd", fst], capture_output=True, text=True, check=True).stdout
    scopes, signals = [], set()
    for line in vcd.splitlines():
        words = line.split()
        if words[:1] == ["$scope"]:
            scopes.append(words[2])
        elif words[:1] == ["$upscope"]:
            scopes.pop()
        elif words[:1] == ["$var"]:
            rng = words[5] if words[5] != "$end" else ""
            signals.add(".".join(scopes + [words[4]]) + rng)
    return signals


def main():
    ernsim = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="ernsim_trace_views_") as tmp:
        fst = os.path.join(tmp, "layer4.fst")
        run = subprocess.run([ernsim, "layers", "--model", "zoo:ERNs18", "--size", "32", "--config", "small",
                              "--layer", "4", "--trace", fst, "--trace-window", "250:700"],
                             capture_output=True, text=True, cwd=ROOT)
        if run.returncode != 0:
            sys.exit(f"the README's trace command failed ({run.returncode}): {run.stderr.strip()}")
        have = trace_signals(fst)
    failures = []
    for name in ("accel.gtkw", "engine.gtkw"):
        with open(os.path.join(ROOT, "traces", name)) as f:
            lines = f.read().splitlines()
        shown = [l for l in lines if l.startswith("tb.")]
        if len(shown) < 10:
            failures.append(f"traces/{name} shows only {len(shown)} signals")
        failures += [f"traces/{name}: {s} is not in the trace" for s in shown if s not in have]
        for filt in (l.split(maxsplit=1)[1] for l in lines if re.match(r"\^\d+ ", l)):
            if not os.path.exists(os.path.join(ROOT, filt)):
                failures.append(f"traces/{name}: no filter {filt}")
    if failures:
        sys.exit("\n".join(failures))
    print(f"traces/accel.gtkw and traces/engine.gtkw fit a trace of {len(have)} signals")


if __name__ == "__main__":
    main()
