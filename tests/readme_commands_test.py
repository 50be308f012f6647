"""Runs every concrete command of the sh blocks of README.md, docs/*.md and traces/README.md, as
written, so that the docs cannot go stale silently. Left out, by the rules of `left_out` below and
each printed with its reason: synopses (with [OPTIONS]), the whole test suite itself (tools/test.sh,
which runs this), the setup's package installation, the GUI (gtkwave), and the docs' commands
that are not cheap (benchmarks and synthesis, minutes to hours: tools/regen_docs.py runs the
benchmarks as written) or that rewrite files kept in git. Each command runs in a scratch copy of
the checkout's layout (build, configs, docs, tools, ... linked; ../shared linked when present), so
its output files go there.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.environ["ERNSIM_SOURCE_DIR"]
BUILD = os.environ["ERNSIM_BUILD_DIR"]
SHARED = os.path.join(SOURCE, "..", "shared")


DOCS = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(SOURCE, "docs"))
                              if f.endswith(".md")) + ["traces/README.md"]


SETUP = "tools/setup.sh && "


def commands(doc):
    text = open(os.path.join(SOURCE, doc), encoding="utf-8").read()
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for command in block.replace("\\\n", " ").splitlines():
            command = " ".join(command.split())
            if command.startswith(SETUP):
                # The setup installs packages and builds (done before the tests); what follows it runs.
                yield SETUP.rstrip("& ")
                command = command[len(SETUP):]
            if command:
                yield command
    # The README's Python example runs whole, with the module the build made, in Debian's
    # interpreter (the docs' Python blocks are sketches: docs/heq.md's training loop).
    for block in re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M) if doc == "README.md" else []:
        yield "PYTHONPATH=build/python /usr/bin/python3 -c " + shlex.quote(block)


# Docs' commands that are not run here, by how they start (after any `nice -n N`), and why.
EXPENSIVE = [
    ("build/bench/", "a benchmark (minutes; tools/regen_docs.py runs it as written)"),
    ("bench/", "a benchmark (minutes; tools/regen_docs.py runs it as written)"),
    ("tools/synth.py", "Yosys synthesis (minutes)"),
    ("build/ernsim synth", "Yosys synthesis (minutes to half an hour for a whole design)"),
    ("tools/calibrate_resources.py --jobs", "Yosys synthesis (hours)"),
    ("tools/calibrate_resources.py --modules", "Yosys synthesis (minutes per module)"),
    ("tools/mutate_rtl.py", "the mutation check (hours)"),
    ("tools/fuzz.sh", "fuzzing (minutes per target)"),
    ("tools/sanitize.sh", "the sanitizer build and suite (half an hour)"),
    ("tools/regen_docs.py", "rewrites the docs (its --check --fast is the test DocsAreCurrent)"),
]


def left_out(command, doc):
    """Why a command is not run here, or None."""
    code = command.split(" #")[0]
    if "[" in code:
        return "a synopsis"
    if code.startswith("tools/test.sh") or code.startswith("tools/setup.sh"):
        return "the test suite itself / package installation"
    if code.startswith("gtkwave"):
        return "a GUI"
    if doc == "README.md":
        return None  # every other README command runs
    if "--update-baseline" in code:
        return "rewrites a file kept in git"
    # Wrappers do not change what a command costs: `nice`, `time`, an interpreter, variables.
    wrapper = re.compile(r"^(nice -n \d+|(/usr/bin/)?time( -v)?|(/usr/bin/)?python3|[A-Z_]+=\S+) ")
    while wrapper.match(code):
        code = wrapper.sub("", code, count=1)
    for start, reason in EXPENSIVE:
        if code.startswith(start):
            return reason
    return None


def tracked_changes():
    """The checkout's changes to files kept in git (None outside a git checkout): a docs command
    writes through the scratch copy's links into the checkout, which no test may change."""
    try:
        done = subprocess.run(["git", "-C", SOURCE, "diff", "--no-ext-diff", "HEAD"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def main():
    scratch = tempfile.mkdtemp(prefix="ernsim-readme-")
    try:
        repo = os.path.join(scratch, "repo")
        os.mkdir(repo)
        for entry in os.listdir(SOURCE):
            if entry in ("build", ".git") or entry.startswith("."):
                continue
            source = os.path.join(SOURCE, entry)
            if entry == "traces":  # written into: a directory of links, made below
                continue
            os.symlink(source, os.path.join(repo, entry))
        # traces/ (the waveform views, in git) is where the README's waveform example writes.
        os.mkdir(os.path.join(repo, "traces"))
        if os.path.isdir(os.path.join(SOURCE, "traces")):
            for f in os.listdir(os.path.join(SOURCE, "traces")):
                os.symlink(os.path.join(SOURCE, "traces", f), os.path.join(repo, "traces", f))
        os.symlink(BUILD, os.path.join(repo, "build"))
        if os.path.isdir(SHARED):
            os.symlink(os.path.realpath(SHARED), os.path.join(scratch, "shared"))
        ran = failed = 0
        done_before = set()
        before = tracked_changes()
        for doc, command in ((doc, command) for doc in DOCS for command in commands(doc)):
            reason = left_out(command, doc)
            if reason is None and "../shared" in command and not os.path.isdir(SHARED):
                reason = "needs ../shared (absent)"
            if reason is None and command in done_before:
                reason = "run above"
            if reason:
                print(f"left out ({reason}): {doc}: {command}")
                continue
            done_before.add(command)
            done = subprocess.run(command, shell=True, cwd=repo, capture_output=True, text=True, timeout=600)
            ran += 1
            if done.returncode != 0:
                failed += 1
                print(f"FAILED (exit {done.returncode}): {doc}: {command}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            else:
                print(f"ok: {doc}: {command}")
            after = tracked_changes()
            if after != before:
                failed += 1
                print(f"FAILED (changed files kept in git; restore them with git checkout): {doc}: {command}")
                before = after
        print(f"{ran} commands of the docs run, {failed} failed")
        return 1 if failed or ran == 0 else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
