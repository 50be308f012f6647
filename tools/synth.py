#!/usr/bin/env python3
"""Synthesizes an ernsim RTL module for a hardware configuration with Yosys (synth_xilinx) and
reports LUT, FF, CARRY, BRAM and DSP counts. The design uses no multiplier, so DSP must be 0:
the script exits non-zero otherwise.

usage: tools/synth.py [--config NAME|FILE.json] [--top MODULE] [--modules] [--json OUT.json] [--keep-log LOG]

The configuration's "rtl" parameters that the top module declares are set with chparam. Defaults:
--config default, --top ern_pe_array. --modules keeps the accelerator's main modules apart
(keep_hierarchy, each flattened inside) and reports each; without it the whole design is
flattened (what the totals of `ernsim synth` and the resource model's validation use).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTL = os.path.join(ROOT, "rtl")
SOURCES = ["ern_ram.sv", "ern_pe.sv", "ern_pe_array.sv", "ern_postproc.sv", "ern_pixel_embed.sv",
           "ern_layer_engine.sv", "ern_span_walker.sv", "ern_load_xfer.sv", "ern_store_xfer.sv", "ern_dma_rd.sv",
           "ern_dma_wr.sv", "ern_controller.sv", "ern_accel.sv"]
# LUTs per LUT-RAM primitive (Xilinx 7-series), to count distributed RAM in LUTs.
# The modules the resource model describes one by one.
KEEP = ["ern_pe_array", "ern_postproc", "ern_layer_engine", "ern_dma_rd", "ern_dma_wr", "ern_controller"]
LUTRAM_LUTS = {"RAM32X1D": 2, "RAM32X1S": 1, "RAM32M": 4, "RAM32M16": 8, "RAM64X1D": 2, "RAM64X1S": 1,
               "RAM64M": 4, "RAM64M8": 8, "RAM128X1D": 4, "RAM128X1S": 2, "RAM256X1S": 4}


def load_config(spec):
    path = spec if spec.endswith(".json") or "/" in spec else os.path.join(ROOT, "configs", spec + ".json")
    if not os.path.exists(path) and not spec.endswith(".json") and "/" not in spec:
        path = os.path.join(ROOT, "configs", "calibration", spec + ".json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        sys.exit(f"synth: cannot read configuration {path}: {e.strerror}")


def declared_parameters(top):
    """Parameter names the module declares (in its own file, named after it)."""
    with open(os.path.join(RTL, top + ".sv")) as f:
        text = f.read()
    return set(re.findall(r"parameter\s+int\s+(\w+)", text))


def generated_dir():
    """The Verilog view of the job descriptor, generated into a temporary folder."""
    out = tempfile.mkdtemp(prefix="ernsim_synth_")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_descriptor.py"),
                    os.path.join(RTL, "ern_job_descriptor.json"), os.path.join(out, "ern_job_desc.svh"),
                    os.path.join(out, "job_descriptor.h")], check=True)
    return out


def count(cells):
    def total(predicate):
        return sum(n for name, n in cells.items() if predicate(name))
    lut = total(lambda c: re.fullmatch(r"LUT[1-6](_2)?", c) is not None)
    lutram = sum(n * LUTRAM_LUTS[c] for c, n in cells.items() if c in LUTRAM_LUTS)
    return {
        "lut": lut + lutram,
        "lut_logic": lut,
        "lutram_luts": lutram,
        "ff": total(lambda c: re.fullmatch(r"FD[CPRS]E?", c) is not None),
        "carry": total(lambda c: c.startswith("CARRY")),
        "bram18": total(lambda c: c.startswith("RAMB18")) + 2 * total(lambda c: c.startswith("RAMB36")),
        "dsp": total(lambda c: c.startswith("DSP")),
        "muxf": total(lambda c: c.startswith("MUXF")),
    }


def module_counts(stat_path):
    """Counts per module from Yosys's `stat -json` (whose hierarchy listing, printed when modules
    are kept, is not valid JSON: only the "modules" object is read)."""
    with open(stat_path) as f:
        text = f.read()
    end = text.find("\n   },\n")
    stat = json.loads(text[:end + len("\n   }")] + "\n}\n" if end >= 0 else text)
    result = {}
    for name, module in stat["modules"].items():
        cells = module.get("num_cells_by_type", {})
        own = {c: n for c, n in cells.items() if not (c.startswith("$paramod") or c.startswith("\\"))}
        result[name.split("\\")[-1]] = count(own)
    return result


def rtl_digest():
    """SHA-256 of everything synthesis reads: the RTL and the descriptor spec and its generator."""
    digest = hashlib.sha256()
    paths = sorted(os.path.join(RTL, f) for f in os.listdir(RTL) if f.endswith((".sv", ".svh", ".json")))
    paths.append(os.path.join(ROOT, "tools", "gen_descriptor.py"))
    for path in paths:
        digest.update(os.path.relpath(path, ROOT).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def yosys_version():
    return subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()


def synthesize(config, top, keep=(), log_path=None):
    """Runs synth_xilinx -flatten on `top` for a configuration (a parsed JSON). Modules named in
    `keep` stay separate (keep_hierarchy), each flattened inside. Returns (counts per module,
    seconds); the top's own counts are under its name. Raises SystemExit on a Yosys error."""
    params = {k: v for k, v in config["rtl"].items() if k in declared_parameters(top)}
    gen = generated_dir()
    sources = " ".join(os.path.join(RTL, s) for s in SOURCES)
    chparam = "".join(f" -set {k} {v}" for k, v in sorted(params.items()))
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as stat_file:
        stat_path = stat_file.name
    keep_cmd = ""
    if keep:
        keep_cmd = (f"hierarchy -check -top {top}; setattr -mod -set keep_hierarchy 1 "
                    + " ".join("*" + m for m in keep) + "; ")
    script = (f"read_verilog -sv -I{RTL} -I{gen} {sources}; "
              + (f"chparam{chparam} {top}; " if chparam else "")
              + keep_cmd
              + f"synth_xilinx -flatten -noiopad -noclkbuf -top {top}; "
              + f"tee -q -o {stat_path} stat -json")
    started = time.time()
    run = subprocess.run(["yosys", "-q", "-p", script], capture_output=True, text=True)
    seconds = time.time() - started
    shutil.rmtree(gen, ignore_errors=True)
    if log_path:
        with open(log_path, "w") as f:
            f.write(run.stdout + run.stderr)
    if run.returncode != 0:
        error = [l for l in (run.stdout + run.stderr).splitlines() if "ERROR" in l]
        os.unlink(stat_path)
        sys.exit(f"synth: yosys failed on {top} ({config['name']}): {error[0] if error else run.returncode}")
    counts = module_counts(stat_path)
    os.unlink(stat_path)
    return counts, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="default")
    parser.add_argument("--top", default="ern_pe_array")
    parser.add_argument("--json", help="write the counts as JSON")
    parser.add_argument("--keep-log", help="write the Yosys log here")
    parser.add_argument("--modules", action="store_true", help="report the main modules one by one")
    args = parser.parse_args()

    config = load_config(args.config)
    if not os.path.exists(os.path.join(RTL, args.top + ".sv")):
        sys.exit(f"synth: no module {args.top} in rtl/")
    params = {k: v for k, v in config["rtl"].items() if k in declared_parameters(args.top)}
    modules, seconds = synthesize(config, args.top, keep=KEEP if args.modules else (), log_path=args.keep_log)
    counts = modules.get(args.top) or next(iter(modules.values()))
    if args.modules:
        # The top's own cells plus its kept modules'.
        counts = {k: sum(m[k] for m in modules.values()) for k in counts}
    result = {"config": config["name"], "top": args.top, "parameters": params, "yosys_seconds": round(seconds, 1),
              **counts}
    if args.modules:
        result["modules"] = modules
    print(f"{args.top} on configuration {config['name']} ({', '.join(f'{k}={v}' for k, v in params.items())}):")
    print(f"  LUT {counts['lut']} (logic {counts['lut_logic']}, LUT-RAM {counts['lutram_luts']}), FF {counts['ff']},"
          f" CARRY {counts['carry']}, BRAM18 {counts['bram18']}, DSP {counts['dsp']}  [yosys {seconds:.0f} s]")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    if counts["dsp"] != 0:
        sys.exit(f"synth: {counts['dsp']} DSP blocks: the design must not need multipliers")


if __name__ == "__main__":
    main()
