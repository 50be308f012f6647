#!/usr/bin/env python3
"""Synthesizes an ernsim RTL module for a hardware configuration with Yosys (synth_xilinx) and
reports LUT, FF, CARRY, BRAM and DSP counts. The design uses no multiplier, so DSP must be 0:
the script exits non-zero otherwise.

usage: tools/synth.py [--config NAME|FILE.json] [--top MODULE] [--modules] [--family xc7|xcup] [--depth]
                      [--json OUT.json] [--keep-log LOG]

The configuration's "rtl" parameters that the top module declares are set with chparam. Defaults:
--config default, --top ern_pe_array. --modules keeps the accelerator's main modules apart
(keep_hierarchy, each flattened inside) and reports each; without it the whole design is
flattened (what the totals of `ernsim synth` and the resource model's validation use).
--family xcup synthesizes for UltraScale+ with UltraRAM (-family xcup -uram). --depth reports each
module's deepest register-to-register path in LUT levels and carry cells and the clock it implies
(tools/logic_depth.py; with --modules, paths are cut at the kept modules' boundaries).
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logic_depth  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTL = os.path.join(ROOT, "rtl")


def rtl_sources(root=None):
    """The RTL files in compile order, from rtl/sources.f (the one list CMake, the lint, Icarus and
    Yosys read)."""
    rtl = os.path.join(root or ROOT, "rtl")
    with open(os.path.join(rtl, "sources.f")) as f:
        names = [line.strip() for line in f if line.strip() and not line.startswith("//")]
    return names


# The modules the resource model describes one by one.
KEEP = ["ern_pe_array", "ern_postproc", "ern_layer_engine", "ern_dma_rd", "ern_dma_wr", "ern_controller"]
# LUTs per LUT-RAM primitive (Xilinx 7-series), to count distributed RAM in LUTs.
LUTRAM_LUTS = {"RAM32X1D": 2, "RAM32X1S": 1, "RAM32M": 4, "RAM32M16": 8, "RAM64X1D": 2, "RAM64X1S": 1,
               "RAM64M": 4, "RAM64M8": 8, "RAM128X1D": 4, "RAM128X1S": 2, "RAM256X1S": 4, "RAM256X1D": 8,
               "RAM512X1S": 8}


# synth_xilinx's options per device family (devices/*.json "family"): the 7-series default, and
# UltraScale+ with large memories allowed into UltraRAM (URAM288).
FAMILY_OPTIONS = {"xc7": "", "xcup": " -family xcup -uram"}


def synth_command(top, family="xc7"):
    """The synth_xilinx command every measurement uses, for a device family."""
    if family not in FAMILY_OPTIONS:
        sys.exit(f"synth: unknown family {family!r} (known: {', '.join(FAMILY_OPTIONS)})")
    return f"synth_xilinx -flatten -noiopad -noclkbuf{FAMILY_OPTIONS[family]} -top {top}"


def load_config(spec):
    path = spec if spec.endswith(".json") or "/" in spec else os.path.join(ROOT, "configs", spec + ".json")
    if not os.path.exists(path) and not spec.endswith(".json") and "/" not in spec:
        path = os.path.join(ROOT, "configs", "calibration", spec + ".json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        sys.exit(f"synth: cannot read configuration {path}: {e.strerror}")


def declared_parameters(top, rtl=RTL):
    """Parameter names the module declares (in its own file, named after it)."""
    with open(os.path.join(rtl, top + ".sv")) as f:
        text = f.read()
    return set(re.findall(r"parameter\s+int\s+(\w+)", text))


def generated_dir(root=None):
    """The Verilog view of the job descriptor, generated into a temporary folder."""
    root = root or ROOT
    out = tempfile.mkdtemp(prefix="ernsim_synth_")
    subprocess.run([sys.executable, os.path.join(root, "tools", "gen_descriptor.py"),
                    os.path.join(root, "rtl", "ern_job_descriptor.json"), os.path.join(out, "ern_job_desc.svh"),
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
        "uram": total(lambda c: c.startswith("URAM288")),
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


def rtl_digest(root=None):
    """SHA-256 of everything the synthesis of the whole design reads: the files of rtl/sources.f,
    what they include or import, and the generated descriptor header."""
    root = root or ROOT
    rtl = os.path.join(root, "rtl")
    gen = generated_dir(root)
    try:
        paths = []
        for name in rtl_sources(root):
            paths += [p for p in included_files(os.path.join(rtl, name), rtl, gen) if p not in paths]
        digest = hashlib.sha256()
        for path in sorted(paths, key=lambda p: os.path.basename(p)):
            digest.update(os.path.basename(path).encode())
            with open(path, "rb") as f:
                digest.update(f.read())
    finally:
        shutil.rmtree(gen, ignore_errors=True)
    return digest.hexdigest()


# How a module is measured on its own; part of every module's key, so changing it remeasures all.
MODULE_RECIPE = ("elaborate ern_accel with chparam; hierarchy -top <module>; other KEEP modules blackboxed; "
                 "synth_xilinx -flatten -noiopad -noclkbuf; stat of the module's own cells")


def _read_script(config, root, gen):
    rtl = os.path.join(root, "rtl")
    params = {k: v for k, v in config["rtl"].items() if k in declared_parameters("ern_accel", rtl)}
    sources = " ".join(os.path.join(rtl, s) for s in rtl_sources(root))
    chparam = "".join(f" -set {k} {v}" for k, v in sorted(params.items()))
    return (f"read_verilog -sv -I{rtl} -I{gen} {sources}; "
            + (f"chparam{chparam} ern_accel; " if chparam else "")
            + "hierarchy -top ern_accel; ")


def _yosys(script, what):
    """Runs a Yosys script; returns (its output, the CPU seconds it used). CPU time, not wall time:
    the machines this runs on are shared, and `nice` stretches wall time arbitrarily."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(["yosys", "-q", "-p", script], stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        error = [l for l in text.splitlines() if "ERROR" in l]
        sys.exit(f"synth: yosys failed on {what}: {error[0] if error else process.returncode}")
    return text, usage.ru_utime + usage.ru_stime


def elaborate(config, root=None):
    """The accelerator's module tree for a configuration, as Yosys elaborates it (no synthesis: a
    second or two). Returns {derived name: {"module", "file", "params", "children"}} where "module"
    is the RTL module name, "file" its source relative to the root, "params" the values this
    instance was elaborated with, "children" the derived names it instantiates."""
    root = root or ROOT
    gen = generated_dir(root)
    with tempfile.TemporaryDirectory(prefix="ernsim_elab_") as tmp:
        il = os.path.join(tmp, "design.il")
        _yosys(_read_script(config, root, gen) + f"write_rtlil {il}", f"ern_accel ({config['name']})")
        with open(il) as f:
            text = f.read()
    shutil.rmtree(gen, ignore_errors=True)
    tree, current = {}, None
    for line in text.splitlines():
        words = line.split()
        if line.startswith("module "):
            module = words[1].split("\\")[1]  # $paramod$HASH\\NAME, $paramod\\NAME\\P=V or \\NAME
            current = {"module": module, "file": f"rtl/{module}.sv", "params": {}, "children": []}
            tree[words[1]] = current
        elif current is None:
            continue
        elif line.startswith("  parameter "):
            current["params"][words[1].lstrip("\\")] = " ".join(words[2:])
        elif line.startswith("  cell ") and not words[1].startswith("$") or line.startswith("  cell $paramod"):
            current["children"].append(words[1])
        elif line.startswith("end"):
            current = None
    return tree


def included_files(path, rtl, gen, seen=None):
    """`path` and every file it includes (searched in rtl/ then in the generated folder) or whose
    package it uses (rtl/NAME_pkg.sv for NAME_pkg::)."""
    seen = seen if seen is not None else []
    if path in seen:
        return seen
    seen.append(path)
    with open(path) as f:
        text = f.read()
    for package in sorted(set(re.findall(r"\b(\w+_pkg)::", text))):
        if not os.path.exists(os.path.join(rtl, package + ".sv")):
            sys.exit(f"synth: {path} uses {package}, which is not rtl/{package}.sv")
        included_files(os.path.join(rtl, package + ".sv"), rtl, gen, seen)
    for name in re.findall(r'^\s*`include\s+"([^"]+)"', text, re.M):
        for folder in (rtl, gen):
            if os.path.exists(os.path.join(folder, name)):
                included_files(os.path.join(folder, name), rtl, gen, seen)
                break
        else:
            sys.exit(f"synth: {path} includes {name}, found in neither rtl/ nor the generated folder")
    return seen


def module_sources(tree, derived, keep, root, gen):
    """The files the measurement of `derived` reads: its own file, the files of the children it
    flattens (not those of `keep`, which stay black boxes), and everything they include."""
    rtl = os.path.join(root, "rtl")
    files = []
    todo = [derived]
    while todo:
        m = tree[todo.pop()]
        for path in included_files(os.path.join(root, m["file"]), rtl, gen):
            if path not in files:
                files.append(path)
        todo += [c for c in m["children"] if tree[c]["module"] not in keep]
    return files


def module_keys(config, root=None, modules=None):
    """For each module the resource model measures on its own (KEEP and the top's glue), the key
    of its measurement at this configuration: a SHA-256 of the recipe, the module's elaborated
    parameters and the contents of the files it reads (generated headers included). An edit
    changes exactly the keys of the modules whose measurement reads the edited file (or whose
    parameters it changes). Returns {module: {"key", "params", "sources": {file: sha256}}}."""
    root = root or ROOT
    tree = elaborate(config, root)
    gen = generated_dir(root)
    result = {}
    try:
        for derived, m in tree.items():
            if m["module"] not in KEEP + ["ern_accel"] or (modules and m["module"] not in modules):
                continue
            keep = [k for k in KEEP if k != m["module"]]
            sources = {}
            for path in module_sources(tree, derived, keep, root, gen):
                name = os.path.relpath(path, root) if path.startswith(root) else "generated/" + os.path.basename(path)
                with open(path, "rb") as f:
                    sources[name] = hashlib.sha256(f.read()).hexdigest()
            body = json.dumps({"recipe": MODULE_RECIPE, "module": m["module"], "params": m["params"],
                               "sources": sources}, sort_keys=True)
            result[m["module"]] = {"key": hashlib.sha256(body.encode()).hexdigest(), "params": m["params"],
                                   "derived": derived, "sources": sources}
    finally:
        shutil.rmtree(gen, ignore_errors=True)
    return result


def synthesize_module(config, module, root=None, log_path=None, family="xc7"):
    """Synthesizes one module of the accelerator on its own, with the parameters it gets at this
    configuration and the other KEEP modules as black boxes (the glue ern_accel: all of them), as
    MODULE_RECIPE says, for a device family (FAMILY_OPTIONS). Returns (counts of its own cells, CPU
    seconds)."""
    root = root or ROOT
    tree = elaborate(config, root)
    derived = {m["module"]: name for name, m in tree.items()}
    if module not in derived:
        sys.exit(f"synth: no module {module} in the design")
    boxes = [derived[k] for k in KEEP if k != module and k in derived]
    gen = generated_dir(root)
    with tempfile.TemporaryDirectory(prefix="ernsim_module_") as tmp:
        stat_path = os.path.join(tmp, "stat.json")
        top = derived[module]
        script = (_read_script(config, root, gen)
                  + "".join(f"blackbox {b}; " for b in boxes)
                  + f"hierarchy -top {top}; {synth_command(top, family)}; "
                  + f"tee -q -o {stat_path} stat -json")
        log, seconds = _yosys(script, f"{module} ({config['name']})")
        if log_path:
            with open(log_path, "w") as f:
                f.write(log)
        counts = module_counts(stat_path)
    shutil.rmtree(gen, ignore_errors=True)
    return counts[module], seconds


def yosys_version():
    return subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()


def synthesize(config, top, keep=(), log_path=None, family="xc7", depth=False, root=None):
    """Runs synth_xilinx -flatten on `top` for a configuration (a parsed JSON) and a device family
    (FAMILY_OPTIONS), on the RTL of `root` (a tree with rtl/ and tools/gen_descriptor.py; this one by
    default). Modules named in `keep` stay separate (keep_hierarchy), each flattened inside.
    Returns (counts per module, CPU seconds, logic depth per module or None); the top's own counts
    are under its name. `depth` also writes the mapped netlist and measures each module's logic
    depth (tools/logic_depth.py). Raises SystemExit on a Yosys error."""
    root = root or ROOT
    rtl = os.path.join(root, "rtl")
    params = {k: v for k, v in config["rtl"].items() if k in declared_parameters(top, rtl)}
    # The values go into a Yosys script, where `;` starts a command and `!` runs a shell: only integers.
    for k, v in params.items():
        if not isinstance(v, int) or isinstance(v, bool):
            sys.exit(f"synth: {config['name']}: rtl.{k} must be an integer, not {v!r}")
    gen = generated_dir(root)
    sources = " ".join(os.path.join(rtl, s) for s in rtl_sources(root))
    chparam = "".join(f" -set {k} {v}" for k, v in sorted(params.items()))
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as stat_file:
        stat_path = stat_file.name
    netlist_path = stat_path[:-len(".json")] + "_netlist.json"
    keep_cmd = ""
    if keep:
        keep_cmd = (f"hierarchy -check -top {top}; setattr -mod -set keep_hierarchy 1 "
                    + " ".join("*" + m for m in keep) + "; ")
    script = (f"read_verilog -sv -I{rtl} -I{gen} {sources}; "
              + (f"chparam{chparam} {top}; " if chparam else "")
              + keep_cmd
              + f"{synth_command(top, family)}; "
              + f"tee -q -o {stat_path} stat -json"
              + (f"; write_json {netlist_path}" if depth else ""))
    try:
        log, seconds = _yosys(script, f"{top} ({config['name']})")
    finally:
        shutil.rmtree(gen, ignore_errors=True)
    if log_path:
        with open(log_path, "w") as f:
            f.write(log)
    counts = module_counts(stat_path)
    os.unlink(stat_path)
    depths = None
    if depth:
        with open(netlist_path) as f:
            depths = logic_depth.netlist_depth(json.load(f))
        os.unlink(netlist_path)
    return counts, seconds, depths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="default")
    parser.add_argument("--top", default="ern_pe_array")
    parser.add_argument("--json", help="write the counts as JSON")
    parser.add_argument("--keep-log", help="write the Yosys log here")
    parser.add_argument("--modules", action="store_true", help="report the main modules one by one")
    parser.add_argument("--family", default="xc7", choices=sorted(FAMILY_OPTIONS),
                        help="device family: xc7 (7-series, the default) or xcup (UltraScale+, with URAM)")
    parser.add_argument("--depth", action="store_true",
                        help="also report each module's logic depth and the clock it implies (tools/logic_depth.py)")
    args = parser.parse_args()

    config = load_config(args.config)
    if not os.path.exists(os.path.join(RTL, args.top + ".sv")):
        sys.exit(f"synth: no module {args.top} in rtl/")
    params = {k: v for k, v in config["rtl"].items() if k in declared_parameters(args.top)}
    modules, seconds, depths = synthesize(config, args.top, keep=KEEP if args.modules else (), log_path=args.keep_log,
                                          family=args.family, depth=args.depth)
    counts = modules.get(args.top) or next(iter(modules.values()))
    if args.modules:
        # The top's own cells plus its kept modules'.
        counts = {k: sum(m[k] for m in modules.values()) for k in counts}
    result = {"config": config["name"], "top": args.top, "family": args.family, "parameters": params,
              "yosys_seconds": round(seconds, 1), **counts}
    if args.modules:
        result["modules"] = modules
    if depths is not None:
        result["depth"] = {"method": logic_depth.METHOD, "modules": depths}
    print(f"{args.top} on configuration {config['name']} ({', '.join(f'{k}={v}' for k, v in params.items())}):")
    print(f"  LUT {counts['lut']} (logic {counts['lut_logic']}, LUT-RAM {counts['lutram_luts']}), FF {counts['ff']},"
          f" CARRY {counts['carry']}, BRAM18 {counts['bram18']}, URAM {counts['uram']}, DSP {counts['dsp']}"
          f"  [yosys {seconds:.0f} s]")
    for module, d in (depths or {}).items():
        print("  " + logic_depth.describe(module, d))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    if counts["dsp"] != 0:
        sys.exit(f"synth: {counts['dsp']} DSP blocks: the design must not need multipliers")


if __name__ == "__main__":
    main()
