"""Runs every concrete command of README.md's sh blocks, as written, so that the README cannot go
stale silently. Synopses (with [OPTIONS]), the whole test suite itself (tools/test.sh, which runs
this), the setup's package installation and the GUI (gtkwave) are left out, by rule below. Each
command runs in a scratch copy of the checkout's layout (build, configs, docs, tools, ... linked;
../shared linked when present), so its output files go there.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.environ["ERNSIM_SOURCE_DIR"]
BUILD = os.environ["ERNSIM_BUILD_DIR"]
SHARED = os.path.join(SOURCE, "..", "shared")


def commands(readme):
    text = open(readme, encoding="utf-8").read()
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for command in block.replace("\\\n", " ").splitlines():
            command = " ".join(command.split())
            if command:
                yield command


def left_out(command):
    """Why a command is not run here, or None."""
    if "[" in command:
        return "a synopsis"
    if command.startswith("tools/test.sh") or command.startswith("tools/setup.sh"):
        return "the test suite itself / package installation"
    if command.startswith("gtkwave"):
        return "a GUI"
    return None


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
        for command in commands(os.path.join(SOURCE, "README.md")):
            reason = left_out(command)
            if reason is None and "../shared" in command and not os.path.isdir(SHARED):
                reason = "needs ../shared (absent)"
            if reason:
                print(f"left out ({reason}): {command}")
                continue
            done = subprocess.run(command, shell=True, cwd=repo, capture_output=True, text=True, timeout=600)
            ran += 1
            if done.returncode != 0:
                failed += 1
                print(f"FAILED (exit {done.returncode}): {command}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            else:
                print(f"ok: {command}")
        print(f"{ran} README commands run, {failed} failed")
        return 1 if failed or ran == 0 else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
