#!/usr/bin/env python3
"""tools/synth.py's synthesize() reads the RTL of the tree it is given, so that a calibration's
whole-design runs measure the snapshot they are keyed by, not a tree edited meanwhile."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import synth  # noqa: E402


class SynthRootTest(unittest.TestCase):
    def test_synthesize_reads_the_given_tree(self):
        config = synth.load_config("small")
        with tempfile.TemporaryDirectory(prefix="ernsim_root_test_") as tree:
            shutil.copytree(os.path.join(synth.ROOT, "rtl"), os.path.join(tree, "rtl"))
            os.makedirs(os.path.join(tree, "tools"))
            shutil.copy(os.path.join(synth.ROOT, "tools", "gen_descriptor.py"), os.path.join(tree, "tools"))
            # In the copy the PE's popcounts count nothing: a PE of far fewer LUTs.
            path = os.path.join(tree, "rtl", "ern_pe.sv")
            popcounts = "PosW'($countones(act0_i & weight_i)) + (PosW'($countones(act1_i & weight_i)) << 1)"
            with open(path) as f:
                text = f.read()
            self.assertEqual(text.count(popcounts), 1)
            with open(path, "w") as f:
                f.write(text.replace(popcounts, "'0"))
            self.assertNotEqual(synth.rtl_digest(tree), synth.rtl_digest())
            here, _, _ = synth.synthesize(config, "ern_pe")
            there, _, _ = synth.synthesize(config, "ern_pe", root=tree)
        self.assertGreater(here["ern_pe"]["lut"], 100)
        self.assertLess(there["ern_pe"]["lut"], here["ern_pe"]["lut"] // 2)


if __name__ == "__main__":
    unittest.main()
