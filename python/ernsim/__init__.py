"""ernsim from Python: golden inference, estimates and RTL runs of ERN models.

    import ernsim
    logits = ernsim.infer("zoo:ERNs18-0.75x", size=32)          # numpy float32, images x classes
    report = ernsim.estimate("zoo:ERNs101", config="default")     # dict, as `ernsim estimate --report`
    report = ernsim.run("zoo:ERNs18-0.75x", images, config="small", size=32)  # dict, as `ernsim run --report`

`infer` and `zoo` run in this process (the compiled module _ernsim). `estimate` and `run` run the
ernsim program (its path: ernsim.binary, or the ERNSIM_BINARY environment variable) with an
argument list, never a shell: SystemC elaborates once per process, so each RTL run needs its own.
Every error is an ernsim.Error carrying the command line's one-line message.
"""
import json
import os
import subprocess
import tempfile

from ._ernsim import Error, __version__, binary, git_commit, infer, zoo

__all__ = ["Error", "infer", "estimate", "run", "zoo", "binary", "__version__", "git_commit"]


def _ernsim(args):
    """Runs `ernsim ARGS --report -` and returns the report; the one-line error raises Error."""
    program = os.environ.get("ERNSIM_BINARY", binary)
    done = subprocess.run([program, *args, "--report", "-"], capture_output=True, text=True, check=False)
    if done.returncode == 0 or (done.returncode == 1 and done.stdout.startswith("{")):
        report = json.loads(done.stdout)
        if done.returncode == 1:  # a failed check: the report says what failed
            raise Error("; ".join(report.get("errors", [])) or f"{args[0]} failed ({report.get('mismatches')} mismatches)")
        return report
    lines = [line for line in done.stderr.splitlines() if "error:" in line]
    message = lines[-1].split("error: ", 1)[1] if lines else done.stderr.strip() or f"exit status {done.returncode}"
    raise Error(message)


def _options(model, config, size, extra):
    args = ["--model", model, "--config", config]
    if size is not None:
        args += ["--size", str(int(size))]
    for key, value in extra.items():
        args += ["--" + key.replace("_", "-"), str(value)]
    return args


def estimate(model, config="default", size=None, **options):
    """`ernsim estimate` as a dict: cycles, FPS, resources and per-layer rows. `options` are the
    command's (clock_mhz=, max_rows=, mem_bytes_per_cycle=, mem_latency=)."""
    return _ernsim(["estimate", *_options(model, config, size, options)])


def run(model, images=None, config="default", size=None, **options):
    """`ernsim run` on the RTL as a dict (the --report JSON). `images`: uint8 N x 3 x H x W (default:
    one synthetic image). Raises Error on any mismatch or failed check."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["run", *_options(model, config, size, options)]
        if images is not None:
            import numpy

            path = os.path.join(tmp, "images.npy")
            numpy.save(path, numpy.ascontiguousarray(images, dtype=numpy.uint8))
            args += ["--input", path]
        return _ernsim(args)
