"""The Python API (python/), run by CTest with Debian's /usr/bin/python3 and PYTHONPATH=build/python."""
import os
import subprocess
import sys
import unittest

import numpy as np

import ernsim

SOURCE_DIR = os.environ["ERNSIM_SOURCE_DIR"]


class PythonApi(unittest.TestCase):
    def test_infer_equals_the_command_line(self):
        rng = np.random.default_rng(1)
        images = rng.integers(0, 256, size=(2, 3, 32, 32), dtype=np.uint8)
        logits = ernsim.infer("zoo:ERNs18-0.75x", images, size=32)
        self.assertEqual(logits.shape, (2, 1000))
        self.assertEqual(logits.dtype, np.float32)
        # The same images through `ernsim infer --output`: the same logits, bit for bit.
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            np.save(os.path.join(tmp, "in.npy"), images)
            subprocess.run([ernsim.binary, "infer", "--model", "zoo:ERNs18-0.75x", "--size", "32", "--input",
                            os.path.join(tmp, "in.npy"), "--output", os.path.join(tmp, "out.npy")],
                           check=True, capture_output=True)
            np.testing.assert_array_equal(logits, np.load(os.path.join(tmp, "out.npy")))
        # Synthetic images by count.
        self.assertEqual(ernsim.infer("zoo:ERNs18-0.75x", size=32, count=3).shape, (3, 1000))

    def test_errors_are_ernsim_errors_with_the_one_line_message(self):
        with self.assertRaisesRegex(ernsim.Error, "unknown zoo model 'ERNs19'"):
            ernsim.infer("zoo:ERNs19")
        with self.assertRaisesRegex(ernsim.Error, r"images must be uint8 N x 3 x 32 x 32, got shape \(1, 3, 16, 16\)"):
            ernsim.infer("zoo:ERNs18-0.75x", np.zeros((1, 3, 16, 16), np.uint8), size=32)
        with self.assertRaisesRegex(ernsim.Error, "unknown configuration|unknown hardware configuration 'smal'"):
            ernsim.estimate("zoo:ERNs18", config="smal", size=32)

    def test_estimate_is_the_report_as_a_dict(self):
        e = ernsim.estimate("zoo:ERNs18-0.75x", config="small", size=32, clock_mhz=200)
        self.assertEqual(e["config"], "small")
        self.assertEqual(e["clock_mhz"], 200)
        self.assertIsInstance(e["total_cycles"], int)
        self.assertEqual(len(e["layers"]), 26)
        self.assertEqual(e["provenance"]["command_line"][1], "estimate")

    def test_zoo_lists_the_models(self):
        names = [m["name"] for m in ernsim.zoo()]
        self.assertEqual(names, ["ERNs18-0.75x", "ERNs18", "ERNs34", "ERNs50", "ERNs101"])

    def test_run_checks_on_the_rtl(self):
        images = np.full((1, 3, 32, 32), 128, np.uint8)
        r = ernsim.run("zoo:ERNs18-0.75x", images, config="small", size=32)
        self.assertTrue(r["passed"])
        self.assertEqual(r["mismatches"], 0)
        self.assertEqual(r["images"], 1)
        # A hang caught by the watchdog is an error too.
        with self.assertRaisesRegex(ernsim.Error, "watchdog"):
            ernsim.run("zoo:ERNs18-0.75x", config="small", size=32, mem_latency=5000, watchdog=200)

    def test_the_documented_example_runs(self):
        done = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "docs", "python_example.py")],
                              capture_output=True, text=True, check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("passed: True", done.stdout)
        self.assertIn("error: unknown zoo model 'ERNs19'", done.stdout)


if __name__ == "__main__":
    unittest.main()
