#!/usr/bin/env python3
"""Mutation check: applies small known bugs to the RTL one at a time and shows that the smoke
regression catches every one (a regression that passes a broken design proves nothing).

usage: tools/mutate_rtl.py [--workdir DIR] [--jobs N] [--only NAME ...] [--list]

The source tree is copied into WORKDIR/src (default build/mutation) and built there with only the
`small` configuration Verilated; the copy is then built and `ernsim regress --suite smoke --configs
small` run once unmutated (it must pass) and once per mutation (it must fail). Each mutant's
regression output and its kept failures (inputs, reports, waveforms: --keep-failing) are in
WORKDIR/NAME/. Exit code 0 when every mutation was caught, 1 when one survived, 2 on a usage or
set-up error (a mutation whose text is not found in the RTL is an error, not a pass).

Takes about 15 minutes on 2 cores (one Verilator build of the `small` configuration per mutation).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Mutation:
    def __init__(self, name, path, original, mutant, what):
        self.name, self.path, self.original, self.mutant, self.what = name, path, original, mutant, what


MUTATIONS = [
    Mutation("threshold-off-by-one", "rtl/ern_postproc.sv",
             "2'(v >= t1)", "2'(v > t1)",
             "the middle threshold of an increasing quantizer compares with > instead of >="),
    Mutation("swapped-bit-plane", "rtl/ern_pe.sv",
             "PosW'($countones(act0_i & weight_i)) + (PosW'($countones(act1_i & weight_i)) << 1)",
             "PosW'($countones(act1_i & weight_i)) + (PosW'($countones(act0_i & weight_i)) << 1)",
             "the PE weighs activation bit plane 0 as bit 1 and plane 1 as bit 0"),
    Mutation("dropped-carry", "rtl/ern_pe.sv",
             "PosW'($countones(act0_i & weight_i)) + (PosW'($countones(act1_i & weight_i)) << 1)",
             "PosW'($countones(act0_i & weight_i)) ^ (PosW'($countones(act1_i & weight_i)) << 1)",
             "the PE adds the popcounts of the two bit planes without carries"),
    Mutation("wrong-stride", "rtl/ern_layer_engine.sv",
             "(d_stride2 ? 34'({d_act_row_stride, 1'b0}) : 34'(d_act_row_stride))",
             "34'(d_act_row_stride)",
             "a stride-2 convolution steps one input row per output row instead of two"),
]


def log(message):
    print(message, flush=True)


def run(cmd, cwd, out_path=None):
    """Runs cmd; returns its exit code (output into out_path, or inherited)."""
    if out_path:
        with open(out_path, "w") as out:
            return subprocess.call(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    return subprocess.call(cmd, cwd=cwd)


def copy_sources(dest):
    """The tracked files of the repository (what a fresh clone has), with the working tree's edits."""
    files = subprocess.check_output(["git", "ls-files", "-z"], cwd=ROOT).decode().split("\0")
    others = subprocess.check_output(["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=ROOT)
    files += others.decode().split("\0")
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.exists(dst) or open(src, "rb").read() != open(dst, "rb").read():
            shutil.copy2(src, dst)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", default=os.path.join(ROOT, "build", "mutation"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations")
    args = parser.parse_args()

    mutations = MUTATIONS
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTATIONS}
        if unknown:
            parser.error(f"unknown mutation(s): {', '.join(sorted(unknown))}")
        mutations = [m for m in MUTATIONS if m.name in args.only]
    if args.list:
        for m in mutations:
            print(f"{m.name:<22} {m.path}: {m.what}")
        return 0

    src = os.path.join(args.workdir, "src")
    build = os.path.join(args.workdir, "build")
    os.makedirs(src, exist_ok=True)
    copy_sources(src)
    # Each mutation must apply to exactly one place of the current RTL, or the check is void.
    for m in mutations:
        count = open(os.path.join(src, m.path)).read().count(m.original)
        if count != 1:
            print(f"mutate_rtl: error: {m.name}: the original text occurs {count} times in {m.path} "
                  f"(the RTL changed; update the mutation)", file=sys.stderr)
            return 2
    shared = os.path.normpath(os.path.join(ROOT, "..", "shared"))
    if run(["cmake", "-S", src, "-B", build, "-G", "Ninja", "-DERNSIM_CONFIGS=small",
            "-DERNSIM_BUILD_TESTS=OFF", "-DERNSIM_BUILD_BENCH=OFF", f"-DERNSIM_SHARED_DIR={shared}"],
           cwd=src, out_path=os.path.join(args.workdir, "configure.log")):
        print(f"mutate_rtl: error: cmake failed (see {args.workdir}/configure.log)", file=sys.stderr)
        return 2
    env_cmd = ["env", "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1"]

    def build_and_regress(name):
        outdir = os.path.join(args.workdir, name)
        shutil.rmtree(outdir, ignore_errors=True)
        os.makedirs(outdir)
        started = time.time()
        if run(["cmake", "--build", build, "-j", str(args.jobs), "--target", "ernsim"], cwd=src,
               out_path=os.path.join(outdir, "build.log")):
            print(f"mutate_rtl: error: {name}: the build failed (see {outdir}/build.log)", file=sys.stderr)
            sys.exit(2)
        built = time.time()
        code = run(env_cmd + [os.path.join(build, "ernsim"), "regress", "--suite", "smoke", "--configs", "small",
                              "--jobs", str(args.jobs), "--junit", os.path.join(outdir, "junit.xml"),
                              "--keep-failing", os.path.join(outdir, "kept")],
                   cwd=src, out_path=os.path.join(outdir, "regress.txt"))
        summary = [line for line in open(os.path.join(outdir, "regress.txt")) if line.startswith("smoke:")]
        return code, (summary[-1].strip() if summary else "no summary (see regress.txt)"), built - started, \
            time.time() - built

    log(f"mutation check in {args.workdir} ({len(mutations)} mutations, smoke suite on configuration small)")
    code, summary, build_s, run_s = build_and_regress("unmutated")
    log(f"  {'unmutated':<22} {'passes' if code == 0 else 'FAILS'}: {summary} "
        f"[build {build_s:.0f} s, regress {run_s:.0f} s]")
    if code != 0:
        print("mutate_rtl: error: the unmutated RTL fails the smoke suite; fix that first", file=sys.stderr)
        return 2

    survivors = []
    for m in mutations:
        path = os.path.join(src, m.path)
        original = open(path).read()
        try:
            with open(path, "w") as f:
                f.write(original.replace(m.original, m.mutant))
            code, summary, build_s, run_s = build_and_regress(m.name)
        finally:
            with open(path, "w") as f:
                f.write(original)
        failed = re.search(r"(\d+) failed", summary)
        caught = code == 1 and failed is not None and int(failed.group(1)) > 0
        log(f"  {m.name:<22} {'caught' if caught else 'SURVIVED'}: {summary} [build {build_s:.0f} s, "
            f"regress {run_s:.0f} s]  ({m.what})")
        if not caught:
            survivors.append(m.name)
    if survivors:
        log(f"FAILED: the smoke suite misses {len(survivors)} mutation(s): {', '.join(survivors)}")
        return 1
    log(f"every mutation ({len(mutations)}) was caught by the smoke suite")
    return 0


if __name__ == "__main__":
    sys.exit(main())
