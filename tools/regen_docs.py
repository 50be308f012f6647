#!/usr/bin/env python3
"""Regenerates every measured table and figure in README.md and docs/*.md from the commands that
produce them, so that the docs cannot go stale silently.

usage: tools/regen_docs.py [--check [--fast]] [--only NAME ...] [--build DIR] [--docs TREE] [--list] [--quiet]

Each generated region of a document lies between `<!-- NAME: begin -->` and `<!-- NAME: end -->`;
a job runs its commands and rewrites its regions in place (all of them, or those of `--only`).
Jobs are of five kinds:
  estimate  deterministic and fast: the latency and resource models, the sweep (seconds)
  rtl       deterministic: cycle counts of RTL simulations (minutes)
  torch     deterministic: the HEQ quantizer's code shares on seeded PyTorch weights (a minute)
  timing    times: benchmarks (CPU time) and commands (wall time), with the machine's load
            (minutes; the regression scaling runs the full suite three times, half an hour or more)
  yosys     synthesis results (Yosys, minutes of CPU)
`--check` writes nothing: it compares each region with a fresh run and exits 1 if a deterministic
value differs; timed values are shown, never compared. `--fast` (with `--check`) runs only what
takes seconds: the estimate jobs, and the rtl jobs whose cycles the latency model gives (it equals
the RTL's cycles, which tests/rtl/estimate_test.cc checks), with the values only the RTL run
measures left uncompared. The test suite runs `--check --fast` (the DocsAreCurrent test).
Exit status: 0 written or current, 1 a region differs, 2 a usage error, a region no job writes or a
job region missing from the docs.
"""
import argparse
import csv
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEQ_PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch (tools/setup.sh)
sys.path.insert(0, os.path.join(ROOT, "bench"))
import estimator_speed  # noqa: E402
import zoo_fps  # noqa: E402
from zoo_fps import ernsim_report  # noqa: E402



def documents(tree):
    """The documents of a tree: README.md and docs/*.md."""
    return ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(tree, "docs")) if f.endswith(".md"))

# A value that a check does not compare (a time, or what only the RTL run measures under --fast) is
# kept between two of these characters until the text is written: a value within a table cell or a
# line, or a whole block of lines.
T_OPEN, T_CLOSE, BLOCK_OPEN, BLOCK_CLOSE = "\x02", "\x03", "\x04", "\x05"


def timed(value):
    return f"{T_OPEN}{value}{T_CLOSE}"


def timed_block(text):
    return f"{BLOCK_OPEN}{text}{BLOCK_CLOSE}"


def plain(text):
    return re.sub(f"[{T_OPEN}{T_CLOSE}{BLOCK_OPEN}{BLOCK_CLOSE}]", "", text)


def has_timed(text):
    return T_OPEN in text or BLOCK_OPEN in text


def matches(documented, fresh):
    """The documented region equals the fresh one, timed values aside."""
    wildcard = {T_OPEN: r"[^|\n]+?", BLOCK_OPEN: r"(?s:.*?)"}
    pattern, opened = "", None
    for part in re.split(f"([{T_OPEN}{T_CLOSE}{BLOCK_OPEN}{BLOCK_CLOSE}])", fresh):
        if part in wildcard:
            opened = part
        elif part in (T_CLOSE, BLOCK_CLOSE):
            pattern += wildcard[opened]
            opened = None
        elif opened is None:
            pattern += re.escape(part)
    return re.fullmatch(pattern, documented) is not None


def run(args, cwd=ROOT, with_stderr=False):
    """Runs a command (an argument vector) and returns its standard output (and error); a failure
    ends the script."""
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
    if proc.returncode != 0:
        sys.exit(f"regen_docs: error: {' '.join(args)} failed (exit {proc.returncode}):\n"
                 f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc.stdout + proc.stderr if with_stderr else proc.stdout


def load_average():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def machine_note(started_load):
    """The machine's load around a timed run (timed: never compared)."""
    cores = os.cpu_count()
    return timed(f"Load average {started_load} before and {load_average()} after the runs (on {cores} cores: above "
                 f"{cores}, the times are those of a shared machine).")


# ---------------------------------------------------------------------------------------------
# The jobs. Each returns {region name: text}; `ctx` holds the build directory, `fast` and `log`.

def job_zoo_fps(ctx):
    started = load_average()
    text = zoo_fps.table(ctx.build, fast=ctx.fast, timing=timed, progress=ctx.log)
    return {"zoo-fps": text + "\n\n" + machine_note(started)}


def job_kv260_fps(ctx):
    started = load_average()
    text = zoo_fps.table(ctx.build, config="kv260", fast=ctx.fast, timing=timed, progress=ctx.log)
    return {"kv260-fps": text + "\n\n" + machine_note(started)}


def job_bandwidth(ctx):
    """ERNs50 with twice the bandwidth: the bottleneck models' memory-bound convs."""
    common = ["--model", "zoo:ERNs50", "--config", "default"]
    command = "estimate" if ctx.fast else "run"
    base, _ = ernsim_report(ctx.build, command, common)
    wide, _ = ernsim_report(ctx.build, command, common + ["--mem-bytes-per-cycle", "64"])
    return {"erns50-bandwidth": (
        f"Twice the bandwidth buys much of it back: `build/ernsim run --model zoo:ERNs50 --mem-bytes-per-cycle 64` "
        f"takes {wide['total_cycles']:,} cycles ({100 * wide['utilization']:.1f}% PE utilization, {wide['fps']:.1f} FPS) "
        f"instead of {base['total_cycles']:,} at 32 B/cycle.")}


def job_estimator_speed(ctx):
    if ctx.fast:
        # Only the estimate's side: the RTL's cycles, the errors and every time are not compared.
        rows = []
        for model in zoo_fps.PAPER_FPS:
            est, _ = ernsim_report(ctx.build, "estimate", ["--model", "zoo:" + model, "--config", "default"])
            rows.append({"model": model, "cycles": 0, "estimated": est["total_cycles"], "error": 0.0,
                         "worst_layer": 0.0, "sim_s": 1.0, "est_s": 1.0, "command_s": 1.0, "run_s": 1.0})
        text = estimator_speed.table(rows, timing=timed, rtl=timed)
        return {"estimator-speed": text + "\n\n" + machine_note(load_average())}
    started = load_average()
    rows = estimator_speed.measure(ctx.build, progress=ctx.log)
    worst = max(max(abs(r["error"]), r["worst_layer"]) for r in rows)
    erns101 = rows[-1]
    return {
        "estimator-speed": estimator_speed.table(rows, timing=timed) + "\n\n" + machine_note(started),
        "readme-estimate-speed": (
            f"ERNs101 at 256x256 takes {timed('%.2f' % erns101['command_s'])} s, against "
            f"{timed('%.1f' % erns101['run_s'])} s for `ernsim run` (measured by `tools/regen_docs.py --only "
            f"estimator-speed`, docs/PERFORMANCE.md). The test suite holds the estimate to within 1% of the RTL per "
            f"layer and 0.5% per network; the worst error on the zoo is {worst:.2f}%."),
    }


def job_layers(ctx):
    """Whole models layer by layer on the layer engine (no memory system)."""
    started, rows = load_average(), []
    for model, size in [("ERNs18", 64), ("ERNs50", 64), ("ERNs18", 256)]:
        report, wall = ernsim_report(ctx.build, "layers", ["--model", "zoo:" + model, "--size", str(size),
                                                          "--config", "default", "--all"])
        predicted = sum(l["predicted_cycles"] for l in report["layers"])
        rows.append(f"| {model} | {size} x {size} | {report['total_cycles']:,} | {predicted:,} | "
                    f"{100 * report['utilization']:.1f}% | {report['mismatches']} | {timed('%.1f s' % wall)} |")
        ctx.log(rows[-1])
    return {"layers": "\n".join(["| model | input | cycles | timing model | PE utilization | mismatches | wall time |",
                                 "|---|---|---|---|---|---|---|", *rows, "", machine_note(started)])}


def job_engine_bench(ctx):
    started = load_average()
    out = run(["bench/run_engine_bench.sh", ctx.build, "5", "10"], with_stderr=True)  # each run on stderr
    runs = re.findall(r"^(SystemC|plain C\+\+) harness.*: (\d+) cycles \((\d+) compute\)", out, flags=re.M)
    cycles = {(total, compute) for _, total, compute in runs}
    if len(cycles) != 1:
        sys.exit(f"regen_docs: error: the engine benchmark's runs simulated different cycles: {sorted(cycles)}")
    total, compute = (int(v) for v in cycles.pop())
    m = re.search(r"SystemC ([\d.]+) cycles/s, plain C\+\+ ([\d.]+) cycles/s, SystemC overhead ([\d.]+)x", out)
    sc, cc, overhead = float(m.group(1)), float(m.group(2)), float(m.group(3))
    target = 200000
    return {"engine-bench": "\n".join([
        f"Repeated 10 times: {total:,} simulated cycles, of which {compute:,} compute and the rest the host port "
        f"filling and reading buffers.",
        "",
        "| harness | cycles per CPU second (median of 5) |",
        "|---|---|",
        f"| SystemC testbench (`bench_engine_sc`) | {timed(f'{sc:,.0f}')} |",
        f"| plain C++ Verilator harness (`bench_engine_cc`) | {timed(f'{cc:,.0f}')} |",
        f"| SystemC overhead (median of the paired ratios) | {timed(f'{overhead:.2f}x')} |",
        "",
        f"Targets: at least {target:,} cycles per CPU second ({timed(('met, %.1fx' if sc >= target else 'NOT met, %.2fx') % (sc / target))}) "
        f"and a SystemC overhead of at most 1.5x ({timed('met' if overhead <= 1.5 else 'NOT met')}). "
        + machine_note(started)])}


def job_assert_overhead(ctx):
    """The CPU cost of the RTL assertions (rtl/assert/): ernsim run with and without them."""
    started = load_average()
    out = run(["bench/assert_overhead.sh", ctx.build, "5"])
    m = re.search(r"with assertions ([\d.]+) s, without ([\d.]+) s, ratio ([\d.]+)x", out)
    with_s, without_s, ratio = m.group(1), m.group(2), m.group(3)
    return {"assert-overhead": "\n".join([
        "| build | user CPU time (median of 5) |",
        "|---|---|",
        f"| with the assertions | {timed(with_s + ' s')} |",
        f"| without | {timed(without_s + ' s')} |",
        f"| ratio | {timed(ratio + 'x')} |",
        "",
        machine_note(started)])}


def job_golden_bench(ctx):
    started = load_average()
    out = run([os.path.join(ctx.build, "bench", "bench_golden")])
    gmac = float(re.search(r"\(([\d.]+) GMAC", out).group(1))
    rows = {name.strip(): (float(ms), float(rate)) for name, ms, rate in
            re.findall(r"^(packed \(\w+\)|reference)\s+([\d.]+)\s+([\d.]+)\s+\d+$", out, flags=re.M)}
    reference = rows["reference"][0]
    names = {"packed (avx512)": "packed, AVX-512 (chosen at run time on CPUs with VPOPCNTDQ)",
             "packed (scalar)": "packed, portable scalar (`popcnt`)", "reference": "reference kernels (plain loops)"}
    lines = [f"ERNs18 at 256x256, one image, one thread, seeded zoo weights ({gmac:.3f} GMAC), CPU time, medians of "
             f"15 packed and 3 reference runs:", "", "| path | ms / image | GMAC/s | vs reference |", "|---|---|---|---|"]
    for name, (ms, rate) in rows.items():
        lines.append(f"| {names.get(name, name)} | {timed('%.1f' % ms)} | {timed('%.2f' % rate)} | "
                     f"{timed('%.1fx' % (reference / ms))} |")
    lines += ["", machine_note(started)]
    return {"golden-bench": "\n".join(lines)}


def job_heq_golden_bench(ctx):
    started = load_average()
    out = run([os.path.join(ctx.build, "bench", "bench_heq_golden"), "3", "1"])
    lines = ["| model | input | GMAC | packed ms | GMAC/s | reference ms | GMAC/s | packed vs reference |",
             "|---|---|---|---|---|---|---|---|"]
    for m in re.finditer(r"^(\S+)\s+(\d+x\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+x)$",
                         out, flags=re.M):
        name, size, gmac, *times = m.groups()
        lines.append(f"| {name} | {size} | {gmac} | " + " | ".join(timed(t) for t in times) + " |")
    if len(lines) < 3:
        sys.exit(f"regen_docs: error: no rows in bench_heq_golden's output:\n{out}")
    lines += ["", machine_note(started)]
    return {"heq-golden-bench": "\n".join(lines)}


def estimate_resources(ctx, config, device=None):
    report, _ = ernsim_report(ctx.build, "estimate", ["--config", config] + (["--device", device] if device else []),
                              ok_statuses=(0, 1))
    return report


def job_resources(ctx):
    """The default configuration's estimate beside the paper, smaller buffers, and the validation."""
    paper_lut, paper_bram, paper_fps = 77572, 280, 277.8
    d = estimate_resources(ctx, "default")
    with open(os.path.join(ROOT, "configs", "default.json")) as f:
        rtl = json.load(f)["rtl"]
    per_klut, paper_per_klut = d["fps"] / d["lut"] * 1000, paper_fps / paper_lut * 1000
    table = "\n".join([
        "| | LUT | FF | BRAM18 | DSP | ERNs18 FPS | FPS per 1,000 LUTs |",
        "|---|---|---|---|---|---|---|",
        f"| ernsim `default` ({rtl['PeOut']} x {rtl['PePix']} PEs, {d['memory']['bytes_per_cycle']:.0f} B/cycle, "
        f"300 MHz assumed), estimate | {d['lut']:,} | {d['ff']:,} | {d['bram18']:,} | {d['dsp']} | {d['fps']:.1f} | "
        f"{per_klut:.2f} |",
        f"| paper, KV260 (Efficiera, ERNs18) | {paper_lut:,} | n/a | {paper_bram} | 0 | {paper_fps} | {paper_per_klut:.2f} |",
        "",
        f"The FPS per LUT is {per_klut / paper_per_klut:.2f}x the paper's at an assumed 300 MHz (the paper does not "
        f"publish its clock); at about {300 * paper_per_klut / per_klut:.0f} MHz the two would be equal. "
        f"`default` has {d['bram18'] / 288:.1f} times the KV260's 288 BRAM18."])
    example = "configs/examples/small-buffers.json"
    small = estimate_resources(ctx, os.path.join(ROOT, example))
    with open(os.path.join(ROOT, example)) as f:
        p = json.load(f)["rtl"]
    buffers = (f"With the buffers of `{example}` (activation {p['ActDepth']:,} entries per bank, stream "
               f"{p['StrDepth']:,}, output {p['OutDepth']:,}, image {p['ImgDepth']:,}, weights {p['WgtDepth']:,}; "
               f"`build/ernsim estimate --config {example}`), ERNs18 needs {small['bram18']:,} BRAM18 and {small['lut']:,} LUTs "
               f"at {small['fps']:.1f} FPS ({100 * (1 - small['fps'] / d['fps']):.1f}% slower, smaller tiles).")
    # Configurations never used in the fit, against their whole-design Yosys runs (configs/calibration/yosys.json).
    with open(os.path.join(ROOT, "configs", "calibration", "yosys.json")) as f:
        calibration = json.load(f)
    rows = ["| configuration | LUT estimate | LUT Yosys | error | FF estimate | FF Yosys | error | BRAM18 estimate | BRAM18 Yosys |",
            "|---|---|---|---|---|---|---|---|---|"]
    def against_yosys(entry, device=None):
        """A row of a stored configuration's estimate beside its whole-design Yosys run."""
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(entry["config"], f)
        try:
            e = estimate_resources(ctx, f.name, device)
        finally:
            os.unlink(f.name)
        y = entry["whole"]["counts"]
        return (f"| `{entry['name']}` | {e['lut']:,} | {y['lut']:,} | {100 * (e['lut'] - y['lut']) / y['lut']:+.1f}% | "
                f"{e['ff']:,} | {y['ff']:,} | {100 * (e['ff'] - y['ff']) / y['ff']:+.1f}% | {e['bram18']:,} | "
                f"{y['bram18']:,} |" + (f" {e['uram']:,} | {y['uram']:,} |" if device else ""))
    rows += [against_yosys(entry) for entry in calibration["configurations"] if entry["role"] == "validation"]
    # The terms each module's logic is fitted on, as the calibration chose them (the same for every
    # configuration), and the factors that scale it to UltraScale+.
    scales = {m["module"]: m.get("family_scale", {}) for m in estimate_resources(ctx, "default", "kv260")["resources"]}
    terms = ["| module | LUT terms | FF terms | UltraScale+ LUT x | UltraScale+ FF x |", "|---|---|---|---|---|"]
    for m in d["resources"]:
        scale = scales[m["module"]]
        terms.append(f"| {m['module']} | {', '.join(m['terms']['lut'])} | {', '.join(m['terms']['ff'])} | "
                     f"{scale.get('lut', 1):.3f} | {scale.get('ff', 1):.3f} |")
    # The UltraScale+ estimate against whole-design Yosys runs for that family (never fitted to).
    xcup = ["| configuration | LUT estimate | LUT Yosys | error | FF estimate | FF Yosys | error | BRAM18 estimate | "
            "BRAM18 Yosys | URAM estimate | URAM Yosys |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    xcup += [against_yosys(run, "kv260") for run in calibration.get("ultrascale_validation", [])]
    return {"resources": table, "small-buffers": buffers, "resource-validation": "\n".join(rows),
            "resource-terms": "\n".join(terms), "ultrascale-validation": "\n".join(xcup)}


SWEEP = ["--model", "zoo:ERNs18", "--pe-out", "8,16,32,64", "--pe-pix", "1,2,4", "--bandwidth", "16,32,64",
         "--device", "kv260"]


def job_device_use(ctx):
    """Each resource's use of a device by `small`, `default` and `kv260` (estimate --device)."""
    rows = ["| configuration | device | LUT | FF | BRAM18 | URAM | DSP | fits |", "|---|---|---|---|---|---|---|---|"]
    for config, device in [("small", "kv260"), ("small", "xc7z020"), ("default", "kv260"), ("default", "xc7z020"),
                           ("kv260", "kv260")]:
        report, _ = ernsim_report(ctx.build, "estimate", ["--config", config, "--device", device], ok_statuses=(0, 1))
        use = {r["resource"]: r for r in report["device"]["resources"]}
        cells = []
        for resource in ("LUT", "FF", "BRAM18", "URAM", "DSP"):
            u = use[resource]
            cells.append(f"{u['used']:,}" + (f" ({u['percent']:.1f}%)" if u["available"] and u["used"] else
                                             "" if u["available"] else " (none)"))
        over = [r for r, u in use.items() if not u["fits"]]
        rows.append(f"| `{config}` | {device} ({report['device']['part']}) | " + " | ".join(cells) + " | "
                    + ("yes" if report["device"]["fits"] else "no: " + ", ".join(over)) + " |")
    return {"device-use": "\n".join(rows)}


def job_sweep(ctx):
    """docs/sweep-erns18.csv and .svg, and the Pareto front read from the CSV."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.time()
        run([os.path.join(ctx.build, "ernsim"), "sweep", *SWEEP, "--quiet", "--csv", os.path.join(tmp, "s.csv"),
             "--svg", os.path.join(tmp, "s.svg")])
        seconds = time.time() - started
        with open(os.path.join(tmp, "s.csv")) as f:
            text = f.read()
        with open(os.path.join(tmp, "s.svg")) as f:
            # The picture is written, not compared: the CSV holds its numbers.
            ctx.files.update({"docs/sweep-erns18.csv": (text, True), "docs/sweep-erns18.svg": (f.read(), False)})
    points = list(csv.DictReader(io.StringIO(text)))
    front = sorted((p for p in points if p["pareto"] == "1"), key=lambda p: int(p["lut"]))
    lines = [f"`build/ernsim sweep {' '.join(SWEEP)} --csv docs/sweep-erns18.csv --svg docs/sweep-erns18.svg` "
             f"estimates {len(points)} configurations in {timed('%.1f' % seconds)} s. The Pareto front:", "",
             "| PEs (out x pixels) | B/cycle | LUT | FPS | PE utilization | FPS per 1,000 LUTs |", "|---|---|---|---|---|---|"]
    for p in front:
        lines.append(f"| {p['pe_out']} x {p['pe_pix']} | {p['bytes_per_cycle']} | {int(p['lut']):,} | "
                     f"{float(p['fps']):.1f} | {100 * float(p['utilization']):.0f}% | {float(p['fps_per_klut']):.2f} |")
    # The trade-off the text draws: the same MACs per cycle as pixels or as output channels.
    lut = {(p["pe_out"], p["pe_pix"]): int(p["lut"]) for p in points}
    util = {(p["pe_out"], p["pe_pix"], p["bytes_per_cycle"]): float(p["utilization"]) for p in points}
    lines += ["", f"At 4,096 MACs/cycle, 32 x 2 PEs take {lut[('32', '2')]:,} LUTs and 64 x 1 {lut[('64', '1')]:,}; "
              f"64 x 4 reaches {100 * util[('64', '4', '64')]:.0f}% PE utilization at 64 B/cycle and "
              f"{100 * util[('64', '4', '16')]:.0f}% at 16."]
    return {"sweep": "\n".join(lines)}


def job_pe_array_synth(ctx):
    rows = ["| module | configuration | LUT | FF | CARRY | BRAM18 | DSP |", "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for config, shape in [("small", "8 x 2 PEs"), ("default", "64 x 1 PEs")]:
            out = os.path.join(tmp, config + ".json")
            run([sys.executable, "tools/synth.py", "--config", config, "--top", "ern_pe_array", "--json", out])
            with open(out) as f:
                s = json.load(f)
            rows.append(f"| `ern_pe_array` | {config} ({shape}) | {s['lut']:,} | {s['ff']:,} | {s['carry']:,} | "
                        f"{s['bram18']} | {s['dsp']} |")
            ctx.log(rows[-1])
    return {"pe-array-synth": "\n".join(rows)}


def job_heq_shares(ctx):
    """docs/heq.md: how evenly HEQ's and TWN's step sizes use the weight codes (seeded PyTorch weights)."""
    def shares(model, init):
        out = run([HEQ_PYTHON, "tools/heq/heq_tool.py", "shares", model, "--init", init])
        heq, twn = re.search(r"mean L1 distance of the shares from uniform: HEQ ([\d.]+), TWN ([\d.]+)", out).groups()
        return (heq, twn), out

    rows, example = {}, None
    for model in ["VGG-Small-W3", "VGG-Small-W5", "VGG-Small-W7", "VGG-11", "ORNet-11", "MUXORNet-11"]:
        (heq_normal, twn_normal), out = shares(model, "normal")
        (heq_pytorch, twn_pytorch), _ = shares(model, "pytorch")
        rows[model] = (heq_normal, twn_normal, heq_pytorch, twn_pytorch)
        ctx.log(f"{model}: {rows[model]}")
        if model == "VGG-Small-W5":
            example = re.search(r"^features\.1\.0\s+5\s+([\d.]+) ((?:[\d.]+ ){5})\s*([\d.]+) ((?:[\d.]+ ){4}[\d.]+)",
                                out, flags=re.M).groups()
    # Models with the same layers and seeds give the same shares: one row for them.
    merged = {}
    for model, values in rows.items():
        merged.setdefault(values, []).append(model)
    lines = ["| model | HEQ, normal | TWN, normal | HEQ, pytorch | TWN, pytorch |", "|---|---|---|---|---|"]
    lines += [f"| {', '.join(models)} | " + " | ".join(values) + " |" for values, models in merged.items()]
    heq_step, heq_shares, twn_step, twn_shares = example
    lines += ["", f"For example VGG-Small-W5's second conv (normal): HEQ step {float(heq_step):.4f}, codes -2..2 used "
                  f"{heq_shares.strip()}; TWN step {float(twn_step):.4f}: {twn_shares.strip()}."]
    return {"heq-shares": "\n".join(lines)}


DEPTH = ["--config", "small", "--top", "ern_accel", "--modules", "--family", "xcup", "--depth"]


def depth_table(result):
    """The logic depth per module of a `tools/synth.py ... --depth --json` result."""
    rows = ["| module | LUT levels | carry cells | estimated delay | implied clock | longest carry chain | deepest path |",
            "|---|---|---|---|---|---|---|"]
    for module, d in sorted(result["depth"]["modules"].items(), key=lambda m: -m[1]["delay_ns"]):
        clock = "-" if d["implied_mhz"] is None else f"{d['implied_mhz']:.0f} MHz"  # no logic between registers
        rows.append(f"| `{module}` | {d['lut_levels']} | {d['carry_cells']} | {d['delay_ns']:.1f} ns | {clock} | "
                    f"{d['max_carry_chain']} | `{d['from']}` -> `{d['to']}` |")
    return "\n".join(rows)


def job_logic_depth(ctx):
    """Each module's deepest register-to-register path at `small`, synthesized for UltraScale+."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "depth.json")
        run([sys.executable, "tools/synth.py", *DEPTH, "--json", out])
        with open(out) as f:
            result = json.load(f)
    return {"logic-depth": f"`tools/synth.py {' '.join(DEPTH)}` ({timed('%.0f' % result['yosys_seconds'])} CPU s of Yosys):\n\n"
                           + depth_table(result)}


def job_regress_scaling(ctx):
    return {"regress-scaling": timed_block(run(["bench/regress_scaling.sh", "full", "8"]).strip())}


# name: (kind, job, the regions it writes)
JOBS = {
    "zoo-fps": ("rtl", job_zoo_fps, ["zoo-fps"]),
    "kv260-fps": ("rtl", job_kv260_fps, ["kv260-fps"]),
    "erns50-bandwidth": ("rtl", job_bandwidth, ["erns50-bandwidth"]),
    "estimator-speed": ("rtl", job_estimator_speed, ["estimator-speed", "readme-estimate-speed"]),
    "resources": ("estimate", job_resources, ["resources", "small-buffers", "resource-validation", "resource-terms",
                                              "ultrascale-validation"]),
    "sweep": ("estimate", job_sweep, ["sweep"]),
    "device-use": ("estimate", job_device_use, ["device-use"]),
    "layers": ("rtl", job_layers, ["layers"]),
    "engine-bench": ("timing", job_engine_bench, ["engine-bench"]),
    "assert-overhead": ("timing", job_assert_overhead, ["assert-overhead"]),
    "golden-bench": ("timing", job_golden_bench, ["golden-bench"]),
    "heq-golden-bench": ("timing", job_heq_golden_bench, ["heq-golden-bench"]),
    "pe-array-synth": ("yosys", job_pe_array_synth, ["pe-array-synth"]),
    "logic-depth": ("yosys", job_logic_depth, ["logic-depth"]),
    "regress-scaling": ("timing", job_regress_scaling, ["regress-scaling"]),
    "heq-shares": ("torch", job_heq_shares, ["heq-shares"]),
}
# The rtl jobs that have a fast form (cycles from the latency model).
FAST_RTL = {"zoo-fps", "kv260-fps", "erns50-bandwidth", "estimator-speed"}


class Context:
    def __init__(self, build, fast, quiet):
        self.build, self.fast = build, fast
        self.files = {}  # generated files beside the regions: path -> (text, compared by --check)
        self.log = (lambda line: None) if quiet else (lambda line: print(line, file=sys.stderr, flush=True))


def find_regions(tree):
    """{region: (document, begin offset of the text, end offset)} of every document."""
    regions = {}
    for doc in documents(tree):
        with open(os.path.join(tree, doc), encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"<!-- ([\w-]+): begin -->\n(.*?)<!-- \1: end -->", text, flags=re.S):
            if m.group(1) in regions:
                sys.exit(f"regen_docs: error: region {m.group(1)} is in {regions[m.group(1)][0]} and {doc}")
            regions[m.group(1)] = (doc, m.start(2), m.end(2))
    return regions


def read_region(tree, regions, name):
    doc, start, end = regions[name]
    with open(os.path.join(tree, doc), encoding="utf-8") as f:
        return f.read()[start:end].rstrip("\n")


def show_diff(documented, fresh):
    sys.stdout.writelines(difflib.unified_diff((documented + "\n").splitlines(True), (plain(fresh) + "\n").splitlines(True),
                                               "documented", "now"))


def write_file(tree, path, text):
    """Atomically, beside the target."""
    full = os.path.join(tree, path)
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(full), delete=False, encoding="utf-8") as f:
        f.write(text)
    shutil.copymode(full, f.name)
    os.replace(f.name, full)


def write_region(tree, name, text):
    doc, start, end = find_regions(tree)[name]
    with open(os.path.join(tree, doc), encoding="utf-8") as f:
        whole = f.read()
    write_file(tree, doc, whole[:start] + plain(text) + "\n" + whole[end:])
    print(f"regen_docs: wrote {name} in {doc}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with a fresh run, write nothing")
    parser.add_argument("--fast", action="store_true", help="with --check: only what takes seconds")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these jobs")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--docs", default=ROOT, metavar="TREE",
                        help="the tree whose README.md, docs/*.md and docs/sweep-erns18.* are checked or written")
    parser.add_argument("--list", action="store_true", help="list the jobs, their kinds and regions")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args()
    if args.fast and not args.check:
        parser.error("--fast only checks: the values it leaves out would be written as placeholders")
    unknown = [n for n in args.only or [] if n not in JOBS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], JOBS, n=1)
        parser.error(f"unknown job '{unknown[0]}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    if not os.access(os.path.join(args.build, "ernsim"), os.X_OK):
        parser.error(f"--build {args.build}: no ernsim there (build first: tools/setup.sh)")
    tree = args.docs
    if not os.path.isfile(os.path.join(tree, "README.md")) or not os.path.isdir(os.path.join(tree, "docs")):
        parser.error(f"--docs {tree}: no README.md and docs/ there")
    regions = find_regions(tree)
    written = {region: name for name, (_, _, produced) in JOBS.items() for region in produced}
    for region in sorted(set(regions) - set(written)):
        print(f"regen_docs: error: no job writes region {region} in {regions[region][0]}")
        return 2
    for region, name in written.items():
        if region not in regions:
            print(f"regen_docs: error: no region {region} (<!-- {region}: begin --> ... end) in README.md or docs/ "
                  f"for job {name}")
            return 2
    if args.list:
        for name, (kind, _, produced) in JOBS.items():
            fast = "--fast" if kind == "estimate" or name in FAST_RTL else ""
            print(f"{name:<18} {kind:<9} {fast:<7} " + ", ".join(f"{r} ({regions[r][0]})" for r in produced))
        return 0

    names = args.only or list(JOBS)
    if args.fast:
        slow = [n for n in args.only or [] if JOBS[n][0] != "estimate" and n not in FAST_RTL]
        if slow:
            parser.error(f"job '{slow[0]}' has no fast form (--list shows which have)")
        names = [n for n in names if JOBS[n][0] == "estimate" or n in FAST_RTL]
    ctx = Context(os.path.abspath(args.build), args.fast, args.quiet)
    differ = 0
    for name in names:
        kind, job, _ = JOBS[name]
        started = time.time()
        ctx.log(f"regen_docs: {name} ({kind}) ...")
        produced = job(ctx)
        ctx.log(f"regen_docs: {name} took {time.time() - started:.1f} s")
        for region, text in produced.items():
            if not args.check:
                write_region(tree, region, text)
                continue
            documented = read_region(tree, regions, region)
            if matches(documented, text):
                print(f"current: {region}" + (" (timed values not compared)" if has_timed(text) else ""))
                if documented != plain(text):  # the times are reported
                    show_diff(documented, text)
                continue
            differ += 1
            print(f"DIFFERS: {region} in {regions[region][0]} (rerun `tools/regen_docs.py --only {name}`):")
            show_diff(documented, text)
            print()
        for path, (text, compared) in ctx.files.items():
            if not args.check:
                write_file(tree, path, text)
                print(f"regen_docs: wrote {path}")
            elif compared:
                with open(os.path.join(tree, path), encoding="utf-8") as f:
                    current = f.read() == text
                print(("current: " if current else "DIFFERS: ") + path)
                differ += not current
        ctx.files = {}
    if args.check:
        print(f"regen_docs: {len(names)} jobs checked, {differ} regions or files differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
