#!/usr/bin/env python3
"""Measures the accelerator's resources with Yosys for the resource model's calibration and
validation, and writes configs/calibration/yosys.json, which the resource model
(sim/estimators/resource_model.cc) reads and the test suite checks.

usage: tools/calibrate_resources.py [--jobs N] [--modules MODULE ...] [--whole] [--ultrascale] [--check]
                                    [--costs] [--output FILE]

Three kinds of measurement, each keyed by what it reads, so that an RTL edit remeasures only
what it touches:
  - per module (what the model's per-module terms are fitted to): each of the main modules
    (synth.KEEP) and the top's glue, synthesized on its own at every calibration configuration
    with the parameters it gets there, the other main modules as black boxes. Key: the module's
    elaborated parameters and the contents of the files it reads (its own, those of the children
    it flattens, what they include, the generated descriptor header). Minutes per module.
  - whole design (what the flattening term and the validation are fitted to and checked against):
    everything flattened, as `tools/synth.py --top ern_accel` does, at every calibration and
    validation configuration. Key: the digest of all of rtl/. Hours in all, so only with --whole,
    in the background; see docs/estimators.md for how the tests treat an older whole-design run.
  - UltraScale+ (`-family xcup -uram`, what the model scales the logic by on that family): every
    module as above at every calibration configuration, and the whole design of `kv260` to check
    the scaled estimate against. Kept while their RTL is older (the model uses the ratio of each
    module's UltraScale+ logic to its 7-series logic measured at the same RTL); remeasured with
    --ultrascale (about an hour of CPU: 38 minutes the modules, 21 the whole design).
  - the memory mapping of ern_ram on a grid of widths and depths, once per device family: the
    7-series default (block RAM and LUT-RAM) and UltraScale+ with UltraRAM (`-family xcup -uram`).
    Key: the files ern_ram reads, the grid and the family's synthesis command. Seconds per shape,
    each cached on its own.

Without options, every stale per-module and RAM measurement is redone (results are cached in
build/calibration/ by key, so an interrupted run resumes) and yosys.json rewritten; --modules
limits that to some modules. --check synthesizes nothing: it names every stale module with the
command that refreshes it. --costs prints the CPU time the stored measurements took.

Exit status: 0 done (or, with --check, all module measurements are of the current RTL); 1 an
error (a Yosys failure, DSP blocks in the design); 3 with --check, some measurements are stale.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth  # noqa: E402

ROOT = synth.ROOT
CALIBRATION = ["cal-a", "cal-b", "cal-c", "cal-d", "cal-f"]
VALIDATION = ["small", "val-a", "val-b"]
# Whole-design runs for UltraScale+ that the scaled estimate is checked against (not fitted to).
ULTRASCALE_VALIDATION = ["kv260"]
# How the UltraScale+ runs are made; a change of either makes every one of them old.
XCUP_RECIPES = {"module_xcup": synth.MODULE_RECIPE + " with" + synth.FAMILY_OPTIONS["xcup"],
                "whole_xcup": synth.synth_command("ern_accel", "xcup")}

MODULES = synth.KEEP + ["ern_accel"]
RAM_WIDTHS = [20, 32, 36, 64, 128, 256, 512, 1024]
RAM_DEPTHS = [32, 64, 128, 256, 512, 576, 1024, 1152, 2048, 4096, 8192, 16384]
# Entries written whole, as the engine writes its stream outputs and class sums (a constant mask):
# one slice as wide as the entry packs into the 9-bit-wide block RAMs where 64-bit slices cannot.
WHOLE_GRID = [(w, d, w) for w in (256, 512, 576) for d in (1024, 2048, 4096)]
RAM_GRID = ([(w, d, 64) for w in RAM_WIDTHS for d in RAM_DEPTHS if w * d <= 8 << 20]
            + [(128, d, 8) for d in RAM_DEPTHS]
            + WHOLE_GRID)
# UltraScale+ with UltraRAM (synth_xilinx -family xcup -uram): around where URAM288 (4K x 72) starts
# to win over block RAM, deeper than one URAM, and wider than one.
# Widths a multiple of the slice (ern_ram requires it), 72 (URAM's width) written whole.
URAM_WIDTHS = [20, 36, 64, 128, 256, 512]
URAM_DEPTHS = [64, 128, 512, 1024, 2048, 3072, 4096, 6144, 8192, 16384]
URAM_GRID = ([(w, d, 64) for w in URAM_WIDTHS for d in URAM_DEPTHS if w * d <= 8 << 20]
             + [(72, d, 72) for d in (1024, 4096, 8192)]
             + [(128, d, 8) for d in (1024, 2048, 4096, 8192)]
             + WHOLE_GRID)
# The grids by family: the key in yosys.json and the shapes.
RAM_GRIDS = {"xc7": ("rams", RAM_GRID), "xcup": ("rams_xcup", URAM_GRID)}
EXIT_STALE = 3


def cached(cache_dir, key, compute):
    """compute(), remembered in cache_dir under key (written atomically, so a killed run leaves
    no partial entry)."""
    path = os.path.join(cache_dir, key + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    value = compute()
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, indent=1)
    os.replace(path + ".tmp", path)
    return value


def ram_key(root, family="xc7", with_grid=True):
    """What a RAM grid reads: ern_ram.sv and its includes, the grid itself (not for the key of one
    shape's cached measurement) and, for a family other than the 7-series default (whose key
    predates families), the synthesis command."""
    rtl = os.path.join(root, "rtl")
    grid = RAM_GRIDS[family][1]
    digest = hashlib.sha256(json.dumps(grid).encode() if with_grid else b"")
    if family != "xc7":
        digest.update(synth.synth_command("ern_ram", family).encode())
    for path in synth.included_files(os.path.join(rtl, "ern_ram.sv"), rtl, rtl):
        digest.update(os.path.relpath(path, root).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def measure_ram(width, depth, slice_w, family="xc7"):
    script = (f"read_verilog -sv -I{synth.RTL} {os.path.join(synth.RTL, 'ern_ram.sv')}; "
              f"chparam -set Width {width} -set Depth {depth} -set SliceW {slice_w} ern_ram; "
              f"{synth.synth_command('ern_ram', family)}; ")
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as f:
        stat_path = f.name
    run = subprocess.run(["yosys", "-q", "-p", script + f"tee -q -o {stat_path} stat -json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"calibrate: yosys failed on ern_ram {width}x{depth}")
    counts = synth.module_counts(stat_path)["ern_ram"]
    os.unlink(stat_path)
    result = {"width": width, "depth": depth, "slice": slice_w, "bram18": counts["bram18"],
              "lutram_luts": counts["lutram_luts"], "lut": counts["lut"], "ff": counts["ff"]}
    if family != "xc7":
        result["uram"] = counts["uram"]
    return result


def measure_ram_grid(family, cache_dir, jobs):
    """A family's RAM grid, each shape cached on its own (an interrupted run resumes)."""
    key = ram_key(ROOT, family, with_grid=False)[:24]
    grid = RAM_GRIDS[family][1]

    def one(shape):
        w, d, s = shape
        return cached(cache_dir, f"ram-{family}-{key}-{w}x{d}s{s}", lambda: measure_ram(w, d, s, family))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, grid))


def load_previous(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"configurations": [], "rams": []}


def stale_report(previous, keys, digest, root):
    """The stale measurements: {module: {"configs": [...], "files": set of changed files}}, whether
    the RAM grid is stale, and the whole-design entries of an older RTL."""
    entries = {e["name"]: e for e in previous.get("configurations", [])}
    stale = {}
    for name in CALIBRATION:
        stored = entries.get(name, {}).get("modules", {})
        for module in MODULES:
            current = keys[name][module]
            if stored.get("keys", {}).get(module) == current["key"]:
                continue
            old_sources = stored.get("sources", {}).get(module, {})
            changed = {f for f in set(current["sources"]) | set(old_sources)
                       if current["sources"].get(f) != old_sources.get(f)}
            if stored.get("params", {}).get(module) not in (None, current["params"]):
                changed.add("its parameters")
            s = stale.setdefault(module, {"configs": [], "files": set()})
            s["configs"].append(name)
            s["files"] |= changed
    rams_stale = [family for family, (field, _) in RAM_GRIDS.items()
                  if previous.get(field + "_key") != ram_key(root, family)]
    old_whole = sorted(name for name in CALIBRATION + VALIDATION
                       if entries.get(name, {}).get("whole", {}).get("rtl_digest") != digest)
    return stale, rams_stale, old_whole


def xcup_recipes_old(previous):
    """Whether the stored UltraScale+ runs were made by other recipes than XCUP_RECIPES."""
    synthesis = previous.get("synthesis", {})
    return any(synthesis.get(k) != v for k, v in XCUP_RECIPES.items())


def xcup_run_is_old(run, digest, config):
    """A stored whole-design UltraScale+ run is old when its RTL or the configuration's parameters
    (not its description) differ."""
    return run is None or run["whole"]["rtl_digest"] != digest or run["config"]["rtl"] != config["rtl"]


def old_ultrascale(previous, keys, digest, configs):
    """The UltraScale+ measurements that are missing or of an older RTL, configuration or recipe."""
    entries = {e["name"]: e for e in previous.get("configurations", [])}
    recipe_old = xcup_recipes_old(previous)
    old = [f"{m} at {n}" for n in CALIBRATION for m in MODULES
           if recipe_old or entries.get(n, {}).get("modules_xcup", {}).get("keys", {}).get(m) != keys[n][m]["key"]]
    runs = {e["name"]: e for e in previous.get("ultrascale_validation", [])}
    old += [f"the whole design at {n}" for n in ULTRASCALE_VALIDATION
            if recipe_old or xcup_run_is_old(runs.get(n), digest, configs[n])]
    return old


def check(args, previous, keys, digest, configs):
    stale, rams_stale, old_whole = stale_report(previous, keys, digest, ROOT)
    old_xcup = old_ultrascale(previous, keys, digest, configs)
    output = os.path.relpath(args.output, ROOT)
    for module in MODULES:
        if module in stale:
            s = stale[module]
            what = ", ".join(sorted(s["files"])) or "no recorded sources"
            print(f"stale: {module} at {', '.join(s['configs'])} ({what} changed)")
    for family in rams_stale:
        print(f"stale: the ern_ram mapping grid of {family} (rtl/ern_ram.sv or what it includes, or the grid, changed)")
    if old_whole:
        print(f"note: the whole-design runs of {', '.join(old_whole)} are of an older RTL; the resource "
              f"model's tests bound how far the modules may have moved since (docs/estimators.md); "
              f"tools/calibrate_resources.py --whole remeasures them (hours)")
    if old_xcup:
        print(f"note: {len(old_xcup)} UltraScale+ measurement(s) are missing or of an older RTL ({old_xcup[0]}, ...); "
              f"the model scales the logic by ratios measured at one RTL (docs/estimators.md); "
              f"tools/calibrate_resources.py --ultrascale remeasures them (about an hour of CPU)")
    if stale or rams_stale:
        modules = " ".join(m for m in MODULES if m in stale)
        print(f"{output} is stale: refresh it with: tools/calibrate_resources.py --jobs 2"
              + (f" --modules {modules}" if modules and not rams_stale else ""))
        return EXIT_STALE
    print(f"{output}: every module measurement is of the current RTL")
    return 0


def costs(previous):
    """The CPU time of each kind of measurement, from the times stored in yosys.json: what an
    edit of one module costs to recalibrate, and what a calibration from scratch costs."""
    entries = previous["configurations"]
    if not entries:
        sys.exit("calibrate: no measurements to report")
    per_module = {m: [] for m in MODULES}
    for e in entries:
        for m, seconds in e.get("modules", {}).get("seconds", {}).items():
            if seconds is not None:
                per_module[m].append(seconds)
    whole = [e["whole"]["seconds"] for e in entries]
    print("CPU seconds of Yosys (synth_xilinx), from configs/calibration/yosys.json:")
    print(f"  {'module':<18} {'configs':>7} {'total':>8} {'largest':>8}")
    for m, times in per_module.items():
        if times:
            print(f"  {m:<18} {len(times):>7} {sum(times):>8.0f} {max(times):>8.0f}")
    module_total = sum(sum(t) for t in per_module.values())
    measured = [t for t in per_module.values() if len(t) == len(CALIBRATION)]
    if measured:
        worst = max(sum(t) for t in measured)
        print(f"one-module edit: at most {worst:.0f} CPU s ({worst / 60:.1f} min; with --jobs 2 on 2 cores about "
              f"{worst / 120:.1f} min), plus the check's elaborations")
    print(f"every module: {module_total:.0f} CPU s ({module_total / 60:.1f} min)")
    print(f"whole-design runs ({len(whole)}): {sum(whole):.0f} s as their run recorded them ({sum(whole) / 3600:.1f} h; "
          "runs before 2026-12 recorded wall time)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1, choices=range(1, 65), metavar="N",
                        help="syntheses at once (1 to 64)")
    parser.add_argument("--modules", nargs="+", choices=MODULES, metavar="MODULE",
                        help="remeasure only these modules (the others must be current)")
    parser.add_argument("--whole", action="store_true",
                        help="also remeasure the whole-design runs of an older RTL (hours)")
    parser.add_argument("--ultrascale", action="store_true",
                        help="also remeasure the UltraScale+ runs of an older RTL (about an hour of CPU)")
    parser.add_argument("--check", action="store_true",
                        help="synthesize nothing; name the stale measurements (exit status 3 if any)")
    parser.add_argument("--costs", action="store_true",
                        help="synthesize nothing; print the CPU time each measurement took")
    parser.add_argument("--output", default=os.path.join(ROOT, "configs", "calibration", "yosys.json"))
    args = parser.parse_args()

    previous = load_previous(args.output)
    if args.costs:
        costs(previous)
        return
    configs = {name: synth.load_config(name) for name in CALIBRATION + VALIDATION + ULTRASCALE_VALIDATION}
    # Every measurement (modules and whole designs) reads a snapshot of the sources, so that what
    # is measured is what was keyed even if rtl/ is edited during a run of hours.
    snapshot = tempfile.mkdtemp(prefix="ernsim_calibrate_")
    shutil.copytree(os.path.join(ROOT, "rtl"), os.path.join(snapshot, "rtl"))
    os.makedirs(os.path.join(snapshot, "tools"))
    shutil.copy(os.path.join(ROOT, "tools", "gen_descriptor.py"), os.path.join(snapshot, "tools"))
    try:
        digest = synth.rtl_digest(snapshot)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            keys = dict(zip(CALIBRATION, pool.map(lambda n: synth.module_keys(configs[n], snapshot), CALIBRATION)))
        if args.check:
            sys.exit(check(args, previous, keys, digest, configs))
        calibrate(args, previous, keys, digest, configs, snapshot)
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def calibrate(args, previous, keys, digest, configs, snapshot):
    cache_dir = os.path.join(ROOT, "build", "calibration")
    os.makedirs(cache_dir, exist_ok=True)
    print(f"RTL digest {digest[:16]}; {synth.yosys_version()}", flush=True)
    stale, rams_stale, old_whole = stale_report(previous, keys, digest, ROOT)
    if args.modules:
        left = sorted(set(stale) - set(args.modules))
        if args.whole and left:
            sys.exit(f"calibrate: --whole needs every module current; also stale: {', '.join(left)}")
    entries = {e["name"]: e for e in previous.get("configurations", [])}

    # Per-module measurements: the stale ones (and those asked for) from Yosys or the cache.
    def measure_module(name, module):
        key = keys[name][module]["key"]
        stored = entries.get(name, {}).get("modules", {})
        if stored.get("keys", {}).get(module) == key:
            return {"counts": stored["counts"][module], "seconds": stored.get("seconds", {}).get(module),
                    "method": stored.get("method", {}).get(module, "standalone")}

        def run():
            counts, seconds = synth.synthesize_module(configs[name], module, snapshot)
            print(f"  {module} at {name}: LUT {counts['lut']}, FF {counts['ff']}, BRAM18 {counts['bram18']} "
                  f"[{seconds:.0f} s]", flush=True)
            return {"counts": counts, "seconds": round(seconds, 1), "method": "standalone"}
        return cached(cache_dir, f"module-{key[:24]}", run)

    todo = [(n, m) for n in CALIBRATION for m in MODULES if not args.modules or m in args.modules or m not in stale]
    skipped = sorted({m for n in CALIBRATION for m in MODULES if (n, m) not in todo})
    print(f"per-module measurements ({len(todo)} of {len(CALIBRATION) * len(MODULES)}):", flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = dict(zip(todo, pool.map(lambda nm: measure_module(*nm), todo)))

    # Whole-design measurements: kept while their RTL is older, remeasured with --whole.
    def measure_whole(name):
        def run():
            counts, seconds, _ = synth.synthesize(configs[name], "ern_accel", root=snapshot)
            return {"counts": counts["ern_accel"], "seconds": round(seconds, 1), "rtl_digest": digest}
        whole = cached(cache_dir, f"{name}-whole-{digest[:16]}", run)
        c = whole["counts"]
        print(f"  {name} whole: LUT {c['lut']}, FF {c['ff']}, BRAM18 {c['bram18']}, DSP {c['dsp']}", flush=True)
        if name in CALIBRATION:
            # The modules as they were at this RTL: the flattening term is whole minus their sum.
            whole["modules"] = {m: results[(name, m)]["counts"] for m in MODULES}
        return whole

    wholes = {n: entries[n]["whole"] for n in CALIBRATION + VALIDATION if n in entries and n not in old_whole}
    if args.whole and old_whole:
        print(f"whole-design measurements ({len(old_whole)}):", flush=True)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            wholes.update(zip(old_whole, pool.map(measure_whole, old_whole)))
    else:
        wholes.update({n: entries[n]["whole"] for n in old_whole if n in entries})
    missing = [n for n in CALIBRATION + VALIDATION if n not in wholes]
    if missing:
        sys.exit(f"calibrate: no whole-design run of {', '.join(missing)}: run with --whole")

    # UltraScale+: each module where its run is missing or older (with --ultrascale), paired with the
    # 7-series key it measured, and the whole design of the validation configurations.
    def stored_xcup(n, m):
        stored = entries.get(n, {}).get("modules_xcup", {})
        if any(m not in stored.get(f, {}) for f in ("counts", "counts_xc7", "seconds", "keys")):
            return None
        return {"counts": stored["counts"][m], "counts_xc7": stored["counts_xc7"][m],
                "seconds": stored["seconds"][m], "key": stored["keys"][m]}
    recipe_old = xcup_recipes_old(previous)
    xcup = {(n, m): stored_xcup(n, m) for n in CALIBRATION for m in MODULES if stored_xcup(n, m)}
    xcup_old = {(n, m) for n in CALIBRATION for m in MODULES
                if recipe_old or (n, m) not in xcup or xcup[(n, m)]["key"] != keys[n][m]["key"]}
    runs = {e["name"]: e for e in previous.get("ultrascale_validation", [])}
    if args.ultrascale and skipped:
        sys.exit(f"calibrate: --ultrascale needs every module current; also stale: {', '.join(skipped)}")
    if args.ultrascale:
        def measure_module_xcup(name, module):
            key = keys[name][module]["key"]

            def run():
                counts, seconds = synth.synthesize_module(configs[name], module, snapshot, family="xcup")
                print(f"  {module} at {name} (xcup): LUT {counts['lut']}, FF {counts['ff']}, URAM {counts['uram']} "
                      f"[{seconds:.0f} s]", flush=True)
                return {"counts": counts, "seconds": round(seconds, 1), "key": key}
            # With the 7-series counts of the same key: the pair the model's ratio is taken from,
            # which stays a pair when the RTL moves on.
            recipe = hashlib.sha256((key + XCUP_RECIPES["module_xcup"]).encode()).hexdigest()
            return {**cached(cache_dir, f"module-xcup-{recipe[:24]}", run),
                    "counts_xc7": results[(name, module)]["counts"]}

        def measure_whole_xcup(name):
            config_key = hashlib.sha256((json.dumps(configs[name]["rtl"], sort_keys=True)
                                         + XCUP_RECIPES["whole_xcup"]).encode()).hexdigest()[:16]

            def run():
                counts, seconds, _ = synth.synthesize(configs[name], "ern_accel", family="xcup", root=snapshot)
                return {"counts": counts["ern_accel"], "seconds": round(seconds, 1), "rtl_digest": digest}
            whole = cached(cache_dir, f"{name}-whole-xcup-{digest[:16]}-{config_key}", run)
            c = whole["counts"]
            print(f"  {name} whole (xcup): LUT {c['lut']}, FF {c['ff']}, BRAM18 {c['bram18']}, URAM {c['uram']}",
                  flush=True)
            return {"name": name, "config": configs[name], "whole": whole}
        todo_xcup = sorted(xcup_old)
        old_runs = [n for n in ULTRASCALE_VALIDATION if recipe_old or xcup_run_is_old(runs.get(n), digest, configs[n])]
        print(f"UltraScale+ measurements ({len(todo_xcup)} modules, {len(old_runs)} whole designs):", flush=True)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            xcup.update(zip(todo_xcup, pool.map(lambda nm: measure_module_xcup(*nm), todo_xcup)))
            runs.update(zip(old_runs, pool.map(measure_whole_xcup, old_runs)))

    rams = {}
    for family, (field, grid) in RAM_GRIDS.items():
        if family in rams_stale:
            print(f"memory mapping of ern_ram ({family}, {len(grid)} shapes):", flush=True)
            rams[field] = measure_ram_grid(family, cache_dir, args.jobs)
        else:
            rams[field] = previous[field]

    out_entries = []
    for name in CALIBRATION + VALIDATION:
        entry = {"name": name, "role": "calibration" if name in CALIBRATION else "validation",
                 "config": configs[name], "whole": wholes[name]}
        if name in CALIBRATION:
            entry["modules"] = {
                "counts": {m: results[(name, m)]["counts"] for m in MODULES if (name, m) in results},
                "seconds": {m: results[(name, m)]["seconds"] for m in MODULES if (name, m) in results},
                "method": {m: results[(name, m)].get("method", "standalone") for m in MODULES if (name, m) in results},
                "keys": {m: keys[name][m]["key"] for m in MODULES if (name, m) in results},
                "params": {m: keys[name][m]["params"] for m in MODULES if (name, m) in results},
                "sources": {m: keys[name][m]["sources"] for m in MODULES if (name, m) in results},
            }
            for m in skipped:  # left stale on purpose (--modules): keep what was there
                old = entries.get(name, {}).get("modules", {})
                for field in ("counts", "seconds", "method", "keys", "params", "sources"):
                    if m in old.get(field, {}):
                        entry["modules"][field][m] = old[field][m]
            if wholes[name]["rtl_digest"] == digest and not skipped:
                # The whole-design run is of this RTL: the modules as measured now are its modules.
                wholes[name]["modules"] = dict(entry["modules"]["counts"])
            measured = [m for m in MODULES if (name, m) in xcup]
            if measured:
                entry["modules_xcup"] = {field: {m: xcup[(name, m)][item] for m in measured}
                                         for field, item in (("counts", "counts"), ("counts_xc7", "counts_xc7"),
                                                             ("seconds", "seconds"), ("keys", "key"))}
            if "modules" not in wholes[name]:
                sys.exit(f"calibrate: the whole-design run of {name} has no module counts of its RTL: run with --whole")
        out_entries.append(entry)
    dsp = [e["name"] for e in out_entries if e["whole"]["counts"]["dsp"] != 0]
    result = {
        "generated_by": "tools/calibrate_resources.py",
        "yosys": synth.yosys_version(),
        # Earlier methods stay described while measurements of theirs remain (the keep_hierarchy seed).
        "synthesis": {**previous.get("synthesis", {}),
                      "whole": "synth_xilinx -flatten -noiopad -noclkbuf -top ern_accel",
                      "module": synth.MODULE_RECIPE,
                      "rams_xcup": synth.synth_command("ern_ram", "xcup"),
                      **XCUP_RECIPES},
        "date": datetime.date.today().isoformat(),
        "configurations": sorted(out_entries, key=lambda e: (e["role"], e["name"])),
        "ultrascale_validation": [runs[n] for n in ULTRASCALE_VALIDATION if n in runs],
        **{field + "_key": ram_key(ROOT, family) for family, (field, _) in RAM_GRIDS.items()},
        **rams,
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
