#!/usr/bin/env python3
"""Measures the accelerator's resources with Yosys for the resource model's calibration and
validation, and writes configs/calibration/yosys.json, which the resource model
(sim/resource_model.cc) reads and the test suite checks.

usage: tools/calibrate_resources.py [--jobs N] [--only NAME ...] [--output FILE]

For every configuration of CALIBRATION, two syntheses of ern_accel with synth_xilinx:
  - per module: the PE array, post-processing, layer engine, read and write DMA and controller
    kept as separate modules (keep_hierarchy), each flattened inside: what the model's per-module
    terms are fitted to;
  - whole: everything flattened, as `tools/synth.py --top ern_accel` does: what the model's total
    is fitted to (flattening removes logic across module boundaries, such as descriptor bits a
    module never reads).
For every configuration of VALIDATION only the whole design is synthesized: they are never used
for fitting, so the test that compares them with the estimate checks the model.
Also: the block-RAM mapping of ern_ram for a grid of widths and depths, against which the
model's BRAM rule is tested.

Results are cached in build/calibration/ by configuration and RTL digest, so an interrupted run
resumes where it stopped. The whole run takes about three hours of CPU (--jobs runs several syntheses
at once).
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth  # noqa: E402

ROOT = synth.ROOT
CALIBRATION = ["cal-a", "cal-b", "cal-c", "cal-d", "cal-f"]
VALIDATION = ["small", "val-a", "val-b"]
KEEP = synth.KEEP
RAM_WIDTHS = [20, 32, 36, 64, 128, 256, 512, 1024]
RAM_DEPTHS = [32, 64, 128, 256, 512, 576, 1024, 1152, 2048, 4096, 8192, 16384]


def cached(cache_dir, key, compute):
    path = os.path.join(cache_dir, key + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    value = compute()
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, indent=1)
    os.replace(path + ".tmp", path)
    return value


def measure_config(name, role, digest, cache_dir):
    config = synth.load_config(name)

    def whole():
        counts, seconds = synth.synthesize(config, "ern_accel")
        return {"counts": counts["ern_accel"], "seconds": round(seconds, 1)}

    def modules():
        counts, seconds = synth.synthesize(config, "ern_accel", keep=KEEP)
        return {"counts": {m: counts[m] for m in KEEP + ["ern_accel"]}, "seconds": round(seconds, 1)}

    entry = {"name": name, "role": role, "config": config}
    started = datetime.datetime.now()
    entry["whole"] = cached(cache_dir, f"{name}-whole-{digest[:16]}", whole)
    if role == "calibration":
        entry["modules"] = cached(cache_dir, f"{name}-modules-{digest[:16]}", modules)
    print(f"  {name} ({role}): LUT {entry['whole']['counts']['lut']}, FF {entry['whole']['counts']['ff']}, "
          f"BRAM18 {entry['whole']['counts']['bram18']}, DSP {entry['whole']['counts']['dsp']} "
          f"[{(datetime.datetime.now() - started).total_seconds():.0f} s]", flush=True)
    return entry


def measure_ram(width, depth, slice_w):
    script = (f"read_verilog -sv -I{synth.RTL} {os.path.join(synth.RTL, 'ern_ram.sv')}; "
              f"chparam -set Width {width} -set Depth {depth} -set SliceW {slice_w} ern_ram; "
              "synth_xilinx -flatten -noiopad -noclkbuf -top ern_ram; ")
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as f:
        stat_path = f.name
    run = subprocess.run(["yosys", "-q", "-p", script + f"tee -q -o {stat_path} stat -json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"calibrate: yosys failed on ern_ram {width}x{depth}")
    counts = synth.module_counts(stat_path)["ern_ram"]
    os.unlink(stat_path)
    return {"width": width, "depth": depth, "slice": slice_w, "bram18": counts["bram18"],
            "lutram_luts": counts["lutram_luts"], "lut": counts["lut"], "ff": counts["ff"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1, help="syntheses at once")
    parser.add_argument("--only", nargs="*", help="measure only these configurations (others come from the cache)")
    parser.add_argument("--output", default=os.path.join(ROOT, "configs", "calibration", "yosys.json"))
    args = parser.parse_args()

    digest = synth.rtl_digest()
    cache_dir = os.path.join(ROOT, "build", "calibration")
    os.makedirs(cache_dir, exist_ok=True)
    roles = [(n, "calibration") for n in CALIBRATION] + [(n, "validation") for n in VALIDATION]
    if args.only:
        unknown = set(args.only) - {n for n, _ in roles}
        if unknown:
            sys.exit(f"calibrate: unknown configuration(s) {', '.join(sorted(unknown))}")
    print(f"RTL digest {digest[:16]}; {synth.yosys_version()}", flush=True)

    print("block RAM mapping of ern_ram:", flush=True)
    grid = [(w, d, 64) for w in RAM_WIDTHS for d in RAM_DEPTHS if w * d <= 8 << 20] + [(128, d, 8) for d in RAM_DEPTHS]
    rams = cached(cache_dir, f"rams-{digest[:16]}",
                  lambda: [measure_ram(w, d, s) for (w, d, s) in grid])

    print("configurations:", flush=True)
    todo = [(n, r) for n, r in roles if not args.only or n in args.only]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        entries = list(pool.map(lambda nr: measure_config(nr[0], nr[1], digest, cache_dir), todo))
    if args.only:
        # The other configurations from the cache, when they are there.
        done = {e["name"] for e in entries}
        for n, r in roles:
            if n in done:
                continue
            keys = [f"{n}-whole-{digest[:16]}"] + ([f"{n}-modules-{digest[:16]}"] if r == "calibration" else [])
            if all(os.path.exists(os.path.join(cache_dir, k + ".json")) for k in keys):
                entries.append(measure_config(n, r, digest, cache_dir))
    dsp = [e["name"] for e in entries if e["whole"]["counts"]["dsp"] != 0]
    result = {
        "generated_by": "tools/calibrate_resources.py",
        "yosys": synth.yosys_version(),
        "synthesis": "synth_xilinx -flatten -noiopad -noclkbuf (whole); per module: keep_hierarchy on " + ", ".join(KEEP),
        "rtl_digest": digest,
        "date": datetime.date.today().isoformat(),
        "configurations": sorted(entries, key=lambda e: (e["role"], e["name"])),
        "rams": rams,
    }
    with open(args.output + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    os.replace(args.output + ".tmp", args.output)
    print(f"wrote {os.path.relpath(args.output, ROOT)}")
    if dsp:
        sys.exit(f"calibrate: DSP blocks in {', '.join(dsp)}: the design must not need multipliers")


if __name__ == "__main__":
    main()
