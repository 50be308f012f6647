"""tools/regen_docs.py --check finds a stale number and a missing region, and writes exactly the
regions it is asked for, in a copy of the docs (the checkout's are the test DocsAreCurrent's)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ["ERNSIM_SOURCE_DIR"]
BUILD = os.environ["ERNSIM_BUILD_DIR"]
SCRIPT = os.path.join(SOURCE, "tools", "regen_docs.py")


class RegenDocs(unittest.TestCase):
    def setUp(self):
        self.tree = tempfile.mkdtemp(prefix="ernsim-regen-docs-")
        shutil.copy(os.path.join(SOURCE, "README.md"), self.tree)
        shutil.copytree(os.path.join(SOURCE, "docs"), os.path.join(self.tree, "docs"))
        self.performance = os.path.join(self.tree, "docs", "PERFORMANCE.md")

    def tearDown(self):
        shutil.rmtree(self.tree, ignore_errors=True)

    def regen(self, *args):
        return subprocess.run([sys.executable, SCRIPT, "--build", BUILD, "--docs", self.tree, "--quiet", *args],
                              capture_output=True, text=True, timeout=300)

    def edit(self, pattern, replacement):
        with open(self.performance) as f:
            text = f.read()
        changed, n = re.subn(pattern, replacement, text, count=1, flags=re.S)
        self.assertEqual(n, 1, pattern)
        with open(self.performance, "w") as f:
            f.write(changed)
        return changed

    def test_a_stale_estimate_is_found_and_rewritten(self):
        self.assertEqual(self.regen("--check", "--fast", "--only", "resources").returncode, 0)
        with open(self.performance) as f:
            current = f.read()
        # The default configuration's LUTs, one digit off.
        stale = self.edit(r"(\| ernsim `default` [^|]*\| )(\d)", lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10))
        r = self.regen("--check", "--fast", "--only", "resources")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("DIFFERS: resources in docs/PERFORMANCE.md", r.stdout)
        with open(self.performance) as f:
            self.assertEqual(f.read(), stale, "--check wrote")
        # Regenerating that job rewrites its regions alone; then the check passes.
        r = self.regen("--only", "resources")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(self.performance) as f:
            self.assertEqual(f.read(), current)
        self.assertEqual(self.regen("--check", "--fast", "--only", "resources").returncode, 0)

    def test_a_job_without_a_fast_form_is_refused_under_fast(self):
        # Checking nothing and reporting "0 jobs checked" would be a success for nothing.
        r = self.regen("--check", "--fast", "--only", "layers")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("job 'layers' has no fast form", r.stderr)

    def test_timed_values_are_reported_not_compared(self):
        # zoo-fps under --fast: the cycles are compared, the wall times and mismatches are not.
        self.edit(r"(\| ERNs18 \| [^\n]*\| )[\d.]+( \|\n)", r"\g<1>999.9\2")
        r = self.regen("--check", "--fast", "--only", "zoo-fps")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("current: zoo-fps (timed values not compared)", r.stdout)
        self.edit(r"\| ERNs18 \| 937,416 \|", "| ERNs18 | 937,417 |")
        r = self.regen("--check", "--fast", "--only", "zoo-fps")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("+| ERNs18 | 937,416 |", r.stdout)

    def test_a_missing_region_is_an_error(self):
        self.edit(r"<!-- sweep: begin -->.*?<!-- sweep: end -->\n", "")
        r = self.regen("--check", "--fast", "--only", "sweep")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("no region sweep (<!-- sweep: begin --> ... end) in README.md or docs/ for job sweep", r.stdout)

    def test_timed_values_match_any_value_of_their_shape(self):
        sys.path.insert(0, os.path.dirname(SCRIPT))
        import regen_docs as r
        fresh = f"| a | {r.timed('1.0')} |\n" + r.timed_block("| x | y |\nsome text") + "\nend"
        self.assertEqual(r.plain(fresh), "| a | 1.0 |\n| x | y |\nsome text\nend")
        self.assertTrue(r.matches("| a | 2.5 |\n| p | q |\n| r | s |\nend", fresh))
        self.assertFalse(r.matches("| a | 2.5 |\n| p | q |\nEnd", fresh))  # untimed text differs
        self.assertFalse(r.matches("| a | 2 | 5 |\n\nend", fresh))  # a timed cell stays one cell

    def test_usage_errors(self):
        r = self.regen("--only", "zoo-fsp")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown job 'zoo-fsp' (did you mean 'zoo-fps'?)", r.stderr)
        r = self.regen("--fast")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--fast only checks", r.stderr)


if __name__ == "__main__":
    unittest.main()
