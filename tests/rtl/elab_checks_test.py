#!/usr/bin/env python3
"""Every elaboration check of the RTL fires: each module is elaborated alone with one parameter
that breaks one assumption, in Verilator (lint), Yosys (hierarchy) and Icarus (compile, then run:
there the check is a $fatal at time zero), and each tool must fail with the check's message. A
control run per module and tool with its default parameters must pass, so that a tool that fails
on everything cannot make a case pass. A check in rtl/ without a case here fails the test too.

usage: elab_checks_test.py --rtl DIR --gen DIR --verilator BIN [--verilator-arg=ARG ...] --yosys BIN
                           --iverilog BIN --vvp BIN
(--verilator-arg: the flags the models are built with, ERNSIM_VERILATOR_ARGS, so that the test sees
what a model build does with a failed check.)
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

# (module, parameters, the check's message[, tools that stop earlier]): one case per check. Zero-sized values are
# avoided where another value breaks the same rule, so that the check fails before anything else
# can. Where none can (a width of zero, or a value the module's declarations already reject),
# Yosys (which elaborates a generate block's $error after the casts around it) and Icarus (which
# elaborates the whole design before its $fatal at time zero) stop on that declaration first:
# there the tool must still fail, but on its own message.
CASES = [
    ("ern_accel", {"MemBytes": 4}, "ern_accel: MemBytes must be a power of two, at least 8", {"icarus"}),
    ("ern_controller", {"MaxLayers": 3}, "ern_controller: MaxLayers must be a power of two, 2..65536"),
    ("ern_controller", {"MemBytes": 12}, "ern_controller: MemBytes must be a power of two"),
    ("ern_controller", {"DescWords": 1}, "ern_controller: the engine's words lead the descriptor"),
    ("ern_dma_addr", {"MemBytes": 24}, "ern_dma_addr: MemBytes must be a power of two"),
    ("ern_dma_addr", {"MaxBurst": 512}, "ern_dma_addr: MaxBurst must be 1..256 (len is 8 bits)"),
    ("ern_dma_entries", {"MemBytes": 24}, "ern_dma_entries: MemBytes must be a power of two"),
    ("ern_dma_rd", {"MaxReads": 0}, "ern_dma_rd: MaxReads must be at least 1", {"yosys", "icarus"}),
    ("ern_dma_rd", {"Banks": 3}, "ern_dma_rd: Banks must be a power of two up to 256"),
    ("ern_dma_rd", {"EmbColours": 300}, "ern_dma_rd: EmbColours must be 1..256 (a bank per colour)"),
    ("ern_dma_rd", {"ELog2Wgt": 13}, "ern_dma_rd: an entry is larger than 64 beats"),
    ("ern_dma_wr", {"MaxBurst": 12}, "ern_dma_wr: MaxBurst must be a power of two"),
    ("ern_dma_wr", {"ELog2Sum": 13}, "ern_dma_wr: an entry is larger than 64 beats"),
    ("ern_layer_engine", {"PePix": 3}, "ern_layer_engine: PePix must be a power of two"),
    ("ern_layer_engine", {"PeOut": 48}, "ern_layer_engine: PeOut must be 8..64 and divide 64"),
    ("ern_layer_engine", {"StreamW": 32}, "ern_layer_engine: StreamW must be 2..31"),
    ("ern_layer_engine", {"MemBytes": 4}, "ern_layer_engine: MemBytes must be a power of two, at least 8"),
    ("ern_layer_engine", {"MaxInBlocks": 256}, "ern_layer_engine: MaxInBlocks must be 1..255"),
    ("ern_layer_engine", {"ThrDepth": 1}, "ern_layer_engine: every buffer depth must be at least 2", {"yosys", "icarus"}),
    ("ern_layer_engine", {"EmbPerColour": 0}, "ern_layer_engine: EmbColours and EmbPerColour must be at least 1", {"icarus"}),
    ("ern_layer_engine", {"EmbPerColour": 11}, "ern_layer_engine: a pixel's channels must fit half a word"),
    ("ern_load_xfer", {"Banks": 3}, "ern_load_xfer: Banks must be a power of two"),
    ("ern_load_xfer", {"PePix": 3}, "ern_load_xfer: PePix must be a power of two"),
    ("ern_load_xfer", {"DescWords": 8192}, "ern_load_xfer: the descriptor must fit 256 beats"),
    ("ern_pe", {"Lanes": 0}, "ern_pe: Lanes must be at least 1", {"yosys", "icarus"}),
    ("ern_pe", {"AccW": 8}, "ern_pe: AccW cannot hold one step"),
    ("ern_pe_array", {"AccW": 10}, "ern_pe_array: AccW cannot hold the largest sum"),
    ("ern_pe_array", {"MaxInBlocks": 0}, "ern_pe_array: PeOut, PePix, Lanes and MaxInBlocks must be at least 1"),
    ("ern_pixel_embed", {"Colours": 7}, "ern_pixel_embed: more channels than lanes"),
    ("ern_pixel_embed", {"PerColour": 0}, "ern_pixel_embed: Colours and PerColour must be at least 1"),
    ("ern_postproc", {"PeOut": 0}, "ern_postproc: PeOut and PePix must be at least 1", {"icarus"}),
    ("ern_postproc", {"StreamW": 32}, "ern_postproc: AccW must be at least 2, StreamW 2..31"),
    ("ern_ram", {"Depth": 0}, "ern_ram: Width, Depth and SliceW must be at least 1", {"icarus"}),
    ("ern_ram", {"Width": 100}, "ern_ram: Width must be a multiple of SliceW"),
    ("ern_span_walker", {"MemBytes": 24}, "ern_span_walker: MemBytes must be a power of two"),
    ("ern_store_xfer", {"PeOut": 4}, "ern_store_xfer: PeOut must be a power of two, 8..64"),
    ("ern_store_xfer", {"PePix": 3}, "ern_store_xfer: PePix must be a power of two"),
    ("ern_xfer_seq", {"MemBytes": 24}, "ern_xfer_seq: MemBytes must be a power of two"),
]
TOOLS = ["verilator", "yosys", "icarus"]


def sources(rtl):
    with open(os.path.join(rtl, "sources.f")) as f:
        return [os.path.join(rtl, line.strip()) for line in f if line.strip() and not line.startswith("//")]


def checks_in_rtl(rtl):
    """The messages of every ERN_ELAB_CHECK under rtl/ (the macro's third argument)."""
    found = []
    for folder, _, names in sorted(os.walk(rtl)):
        for name in sorted(names):
            if name.endswith((".sv", ".svh")):
                with open(os.path.join(folder, name)) as f:
                    text = f.read()
                found += re.findall(r'`ERN_ELAB_CHECK\(\s*\w+\s*,[^"]*"([^"]+)"\s*\)', text)
    return found


# The lines on which each tool reports a failed check (Verilator's source excerpt below its error
# line repeats the message, so the whole output would also match on an unrelated error there).
REPORT_LINE = {"verilator": "%Error-USERERROR:", "yosys": "ERROR:", "icarus": "FATAL:"}


def run(cmd, cwd):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return 124, f"timed out: {cmd[0]}"
    return p.returncode, p.stdout + p.stderr


def elaborate(args, tool, module, params, workdir):
    """(failed, output) of elaborating `module` alone with `params` in `tool`."""
    files, inc = sources(args.rtl), [args.rtl, args.gen]
    if tool == "verilator":
        # As the models are built (-Wno-fatal), with the checks' $error as errors (CMakeLists.txt).
        cmd = [args.verilator, "--lint-only"] + args.verilator_arg + ["--top-module", module]
        cmd += [f"-I{d}" for d in inc] + [f"-G{k}={v}" for k, v in params.items()] + files
        code, out = run(cmd, workdir)
        return code != 0, out
    if tool == "yosys":
        script = "read_verilog -sv " + " ".join(f"-I{d}" for d in inc) + " " + " ".join(files) + "; "
        if params:
            script += "chparam " + " ".join(f"-set {k} {v}" for k, v in params.items()) + f" {module}; "
        script += f"hierarchy -check -top {module}"
        code, out = run([args.yosys, "-q", "-p", script], workdir)
        return code != 0, out
    vvp = os.path.join(workdir, "out.vvp")
    cmd = [args.iverilog, "-g2012", "-s", module, "-o", vvp] + [f"-I{d}" for d in inc]
    cmd += [f"-P{module}.{k}={v}" for k, v in params.items()] + files
    code, out = run(cmd, workdir)
    if code != 0:
        return True, out
    code, run_out = run([args.vvp, "-n", vvp], workdir)
    return code != 0 or "FATAL" in run_out, out + run_out


def one(args, tool, module, params, message, earlier=()):
    with tempfile.TemporaryDirectory(prefix="ernsim_elab_") as workdir:
        failed, out = elaborate(args, tool, module, params, workdir)
    setting = " ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
    if message is None:
        ok = not failed
        why = "" if ok else f": it failed: {out.strip().splitlines()[-1] if out.strip() else '(no output)'}"
        return ok, f"{tool:9} {module} {setting}: elaborates{why}"
    if tool in earlier:
        return failed, f"{tool:9} {module} {setting}: fails (on a declaration before the check)" + \
            ("" if failed else ": it elaborated")
    ok = failed and any(REPORT_LINE[tool] in line and message in line for line in out.splitlines())
    why = "" if ok else (": it elaborated" if not failed else ": failed without the message: " +
                         " | ".join([l for l in out.splitlines() if re.search(r"error|ERROR|FATAL", l)][:2]))
    return ok, f"{tool:9} {module} {setting}: '{message}'{why}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ["rtl", "gen", "verilator", "yosys", "iverilog", "vvp"]:
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--verilator-arg", action="append", default=[])
    args = parser.parse_args()
    args.rtl, args.gen = os.path.abspath(args.rtl), os.path.abspath(args.gen)

    # One case per check, matched by the whole message: a new check needs its own case.
    checks, cased = sorted(checks_in_rtl(args.rtl)), sorted(c[2] for c in CASES)
    unmatched = [f"no case breaks the check '{m}'" for m in checks if m not in cased]
    unmatched += [f"two checks say '{m}'" for m in sorted(set(checks)) if checks.count(m) > 1]
    unmatched += [f"the case '{m}' breaks no check in the RTL" for m in cased if m not in checks]
    jobs = [(tool, module, {}, None) for module in sorted({c[0] for c in CASES}) for tool in TOOLS]
    jobs += [(tool,) + case for case in CASES for tool in TOOLS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda j: one(args, *j), jobs))
    for ok, line in results:
        print(("ok   " if ok else "FAIL ") + line)
    for line in unmatched:
        print("FAIL " + line)
    failed = sum(not ok for ok, _ in results) + len(unmatched)
    print(f"{len(results)} elaborations, {len(CASES)} checks broken, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
