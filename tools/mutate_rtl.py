#!/usr/bin/env python3
"""Mutation check: applies small known bugs to the RTL one at a time and shows that the RTL unit
tests or the smoke regression catch every one (a check that passes a broken design proves nothing).

usage: tools/mutate_rtl.py [--workdir DIR] [--jobs N] [--only NAME ...] [--first-catch] [--list]

The source tree is copied into WORKDIR/src (default build/mutation) and built there with only the
`small` configuration Verilated; the copy is then built (ernsim and the RTL unit tests), and the
unit tests of the PE, post-processing, pixel embedding, span walker and DMAs (ctest -R UNIT_TESTS)
and `ernsim regress --suite smoke --configs small` run once unmutated (both must pass) and once per
mutation (one of them must fail). Each mutant's build log, unit test output, regression output and
kept failures (inputs, reports, waveforms: --keep-failing) are in WORKDIR/NAME/. Exit code 0 when every mutation was caught, 1 when one survived, 2 on a usage or
set-up error (a mutation whose text is not found in the RTL is an error, not a pass).

About 3 minutes per mutant on 2 cores (a Verilator build of the `small` configuration and the smoke suite);
with --first-catch 29 minutes for the first 17 (2026-12-01, docs/PERFORMANCE.md); the four assertion
mutants were run on their own (docs/verification.md). A mutant that fails an
assertion (rtl/assert/) is listed with the assertion's label.
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
    # The datapath: PE, post-processing, layer engine.
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
    # The overflow path: invisible to items that pass only when nothing overflows.
    Mutation("overflow-bit-short", "rtl/ern_postproc.sv",
             "(v_q[l][ValueW-1:StreamW-1] != {(ValueW-StreamW+1){v_q[l][StreamW-1]}})",
             "(v_q[l][ValueW-1:StreamW] != {(ValueW-StreamW){v_q[l][StreamW]}})",
             "the overflow check compares one bit too few: values of 2^15 to 2^16 - 1 wrap unreported"),
    Mutation("overflow-count-reset", "rtl/ern_controller.sv",
             "overflows_d  = overflows_q + eng_overflows_i;",
             "overflows_d  = eng_overflows_i;",
             "the controller keeps the overflow count of the last job instead of the sum over the run"),
    # The pixel embedding and the paired stem's left edge.
    Mutation("embed-left-edge", "rtl/ern_layer_engine.sv",
             "assign emb_act0 = d_paired ? ((e2_a_in_q ? emb_a0 : '0) |",
             "assign emb_act0 = d_paired ? (emb_a0 |",
             "the paired embedding does not zero plane 0 of pixel -1 (the left edge), which is the embedding "
             "of pixel value 0"),
    Mutation("embed-zero-as-one", "rtl/ern_pixel_embed.sv",
             ".raddr_i(pix_i[8*c +: 8]),",
             ".raddr_i(pix_i[8*c +: 8] == 8'd0 ? 8'd1 : pix_i[8*c +: 8]),",
             "the embedding looks pixel value 0 up as value 1 (equal in every thermometer table)"),
    # The controller and the memory system.
    Mutation("early-load", "rtl/ern_controller.sv",
             "LBarrier: if (stored_q >= `ERN_JOB_WAIT_STORED_FLAT(d_l_q))",
             "LBarrier: if (stored_q + 32'd1 >= `ERN_JOB_WAIT_STORED_FLAT(d_l_q))",
             "a job's activation loads wait for one store fewer than they read (a read-after-write race)"),
    Mutation("extra-read-in-flight", "rtl/ern_dma_rd.sv",
             "(32'(inflight_q) < 32'(MaxReads))",
             "(32'(inflight_q) <= 32'(MaxReads))",
             "the read DMA allows MaxReads + 1 bursts in flight"),
    Mutation("long-burst", "rtl/ern_dma_addr.sv",
             "assign burst     = (rem_q > 32'(MaxBurst)) ? 32'(MaxBurst) : rem_q;",
             "assign burst     = (rem_q > 32'(2 * MaxBurst)) ? 32'(2 * MaxBurst) : rem_q;",
             "both DMAs issue bursts of up to 2 x MaxBurst beats (their shared address side)"),
    Mutation("store-all-lanes", "rtl/ern_dma_wr.sv",
             "entry_strb[b] = got_lanes_q ? got_strb_q[b % 16] : 1'b1;",
             "entry_strb[b] = 1'b1;",
             "the write DMA strobes every byte of a 2-bit output word, overwriting other jobs' channels"),
    Mutation("late-w-last", "rtl/ern_dma_wr.sv",
             "& 32'(MaxBurst - 1)) == 0",
             "& 32'(2 * MaxBurst - 1)) == 0",
             "the write DMA marks w_last after 2 x MaxBurst beats instead of at the end of each MaxBurst burst"),
    Mutation("walker-outer-from-inner", "rtl/ern_span_walker.sv",
             "addr_d  = outer_q + stride1_q;",
             "addr_d  = addr_q + stride1_q;",
             "the span walker starts the next outer span from the last inner span instead of the outer start"),
    Mutation("store-strobe-first-block", "rtl/ern_store_xfer.sv",
             "lo = (i1_i == 16'd0) ? {1'b0, lane_first[5:0]} : 7'd0;",
             "lo = {1'b0, lane_first[5:0]};",
             "the store strobes skip the lanes below the job's first lane in every 64-lane block, not only the first"),
    Mutation("residual-row-stride", "rtl/ern_load_xfer.sv",
             "kstride_o    = 32'(`ERN_JOB_OUT_PGS_FLAT(desc_i));",
             "kstride_o    = 32'(`ERN_JOB_OUT_WIDTH_FLAT(desc_i));",
             "the residual load steps out_width buffer entries per row instead of out_pgs (pixel groups)"),
    # Protocol bugs that the assertions of rtl/assert/ name (docs/verification.md, "Assertions").
    Mutation("address-early", "rtl/ern_dma_addr.sv",
             "end else if (fire) begin",
             "end else if (valid_o) begin",
             "the DMAs (their shared address side) move to the next burst when they offer one, not when the "
             "memory accepts it"),
    Mutation("write-data-unheld", "rtl/ern_dma_wr.sv",
             "assign pop  = w_valid_o && w_ready_i;",
             "assign pop  = w_valid_o;",
             "the write DMA drops a beat from its FIFO whether or not the memory took it"),
    Mutation("write-fifo-overfill", "rtl/ern_dma_wr.sv",
             "(fifo_count_q < 3'(FifoDepth - 1))",
             "(fifo_count_q < 3'(FifoDepth + 1))",
             "the write DMA keeps reading entries into a full beat FIFO"),
    Mutation("write-from-empty-fifo", "rtl/ern_dma_wr.sv",
             "assign w_valid_o = (fifo_count_q != 0) && (w_bursts_q < bursts_q);",
             "assign w_valid_o = (w_bursts_q < bursts_q);",
             "the write DMA offers write data before its beat FIFO holds any"),
    Mutation("ram-mask-ignored", "rtl/ern_ram.sv",
             "if (wmask_i[i]) mem_q[waddr_i][i*SliceW +: SliceW]",
             "mem_q[waddr_i][i*SliceW +: SliceW]",
             "a sliced RAM writes every slice of an entry, not only the masked ones"),
]

# The RTL unit tests the check runs besides the smoke regression (fast, one Verilated model each).
UNIT_TESTS = r"^Rtl(Pe|Postproc|PixelEmbed|SpanWalker|DmaRead|DmaWrite)\."
UNIT_TARGET = "ernsim_rtl_unit_tests"



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
            shutil.copy(src, dst)  # a new mtime: a file older than its object (an earlier copy) still rebuilds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", default=os.path.join(ROOT, "build", "mutation"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations")
    parser.add_argument("--first-catch", action="store_true",
                        help="skip a mutant's smoke regression when the unit tests already caught it (faster; the "
                             "table then says which mutants the smoke suite alone catches)")
    args = parser.parse_args()

    mutations = MUTATIONS
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTATIONS}
        if unknown:
            parser.error(f"unknown mutation(s): {', '.join(sorted(unknown))}")
        mutations = [m for m in MUTATIONS if m.name in args.only]
    if args.list:
        for m in mutations:
            print(f"{m.name:<26} {m.path}: {m.what}")
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
            "-DERNSIM_BUILD_TESTS=ON", "-DERNSIM_BUILD_BENCH=OFF", f"-DERNSIM_SHARED_DIR={shared}"],
           cwd=src, out_path=os.path.join(args.workdir, "configure.log")):
        print(f"mutate_rtl: error: cmake failed (see {args.workdir}/configure.log)", file=sys.stderr)
        return 2
    env_cmd = ["env", "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1"]

    def build_and_check(name, first_catch=False):
        """Builds the copy and runs the unit tests and the smoke regression: (unit, smoke, times), where
        unit and smoke are (failed, summary line)."""
        outdir = os.path.join(args.workdir, name)
        shutil.rmtree(outdir, ignore_errors=True)
        os.makedirs(outdir)
        started = time.time()

        def build_target(target):
            if run(["cmake", "--build", build, "-j", str(args.jobs), "--target", target], cwd=src,
                   out_path=os.path.join(outdir, f"build_{target}.log")):
                print(f"mutate_rtl: error: {name}: the build of {target} failed (see {outdir}/build_{target}.log)",
                      file=sys.stderr)
                sys.exit(2)

        # The unit tests first: they build in seconds, the Verilated accelerator in minutes.
        build_target(UNIT_TARGET)
        build_s = time.time() - started
        t0 = time.time()
        unit_out = os.path.join(outdir, "unit_tests.txt")
        code = run(env_cmd + ["ctest", "--test-dir", build, "-R", UNIT_TESTS, "-j", str(args.jobs),
                              "--no-tests=error", "--output-on-failure"], cwd=src, out_path=unit_out)
        tested = re.findall(r"tests passed, (\d+) tests failed out of (\d+)", open(unit_out).read())
        if not tested:
            print(f"mutate_rtl: error: {name}: no unit test ran (see {unit_out})", file=sys.stderr)
            sys.exit(2)
        unit = (code != 0 and int(tested[-1][0]) > 0, f"{tested[-1][0]} of {tested[-1][1]} unit tests failed")
        unit_s = time.time() - t0
        if first_catch and unit[0]:
            return unit, (False, "smoke not run"), (build_s, unit_s, 0)
        t0 = time.time()
        build_target("ernsim")
        build_s += time.time() - t0
        t0 = time.time()
        code = run(env_cmd + [os.path.join(build, "ernsim"), "regress", "--suite", "smoke", "--configs", "small",
                              "--jobs", str(args.jobs), "--junit", os.path.join(outdir, "junit.xml"),
                              "--keep-failing", os.path.join(outdir, "kept")],
                   cwd=src, out_path=os.path.join(outdir, "regress.txt"))
        summary = [line for line in open(os.path.join(outdir, "regress.txt")) if line.startswith("smoke:")]
        summary = summary[-1].strip() if summary else "no summary (see regress.txt)"
        failed = re.search(r"(\d+) failed", summary)
        smoke = (code == 1 and failed is not None and int(failed.group(1)) > 0, summary)
        return unit, smoke, (build_s, unit_s, time.time() - t0)

    def assertions(name):
        """The labels of the assertions (rtl/assert/) that failed in a mutant's unit tests or regression."""
        found = []
        for out in ("unit_tests.txt", "regress.txt"):
            path = os.path.join(args.workdir, name, out)
            if os.path.exists(path):
                text = open(path, errors="replace").read()
                found += re.findall(r"Assertion failed in \S+\.(\w+):", text)
                found += re.findall(r"RTL assertion (\w+) failed", text)
        return sorted(set(found))

    def times(t):
        return f"[build {t[0]:.0f} s, unit tests {t[1]:.0f} s, regress {t[2]:.0f} s]"

    log(f"mutation check in {args.workdir} ({len(mutations)} mutations; RTL unit tests and the smoke suite on "
        f"configuration small)")
    unit, smoke, t = build_and_check("unmutated")
    log(f"  {'unmutated':<26} {'FAILS' if unit[0] or smoke[0] else 'passes'}: {unit[1]}; {smoke[1]} {times(t)}")
    if unit[0] or smoke[0]:
        print("mutate_rtl: error: the unmutated RTL fails its checks; fix that first", file=sys.stderr)
        return 2

    survivors = []
    for m in mutations:
        path = os.path.join(src, m.path)
        original = open(path).read()
        try:
            with open(path, "w") as f:
                f.write(original.replace(m.original, m.mutant))
            unit, smoke, t = build_and_check(m.name, args.first_catch)
        finally:
            with open(path, "w") as f:
                f.write(original)
        by = [what for what, (caught, _) in (("unit tests", unit), ("smoke", smoke)) if caught]
        fired = assertions(m.name)
        named = f" (assertion {', '.join(fired)})" if fired else ""
        log(f"  {m.name:<26} {'caught by ' + ' and '.join(by) + named if by else 'SURVIVED'}: {unit[1]}; {smoke[1]} "
            f"{times(t)}  ({m.what})")
        if not by:
            survivors.append(m.name)
    if survivors:
        log(f"FAILED: {len(survivors)} mutation(s) survived: {', '.join(survivors)}")
        return 1
    log(f"every mutation ({len(mutations)}) was caught")
    return 0


if __name__ == "__main__":
    sys.exit(main())
