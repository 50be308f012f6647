#!/usr/bin/env python3
"""tools/gen_hw_spec.py's width formulas: the SystemVerilog macro and the C++ function it writes
for formulas that name constants and call earlier formulas, and the formulas it refuses."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import gen_hw_spec  # noqa: E402

CONSTANTS = ["lanes", "sum_w"]


class WidthFormulaTest(unittest.TestCase):
    def test_arguments_are_parenthesized_and_constants_come_from_the_package(self):
        self.assertEqual(gen_hw_spec.sv_expr("3 * lanes * blocks", ["blocks"], [], CONSTANTS),
                         "3 * ern_pkg::Lanes * (blocks)")
        self.assertEqual(gen_hw_spec.cpp_expr("3 * lanes * blocks", ["blocks"], [], CONSTANTS),
                         "3 * hw_spec::kLanes * blocks")

    def test_an_argument_shadows_a_constant_of_its_name(self):
        self.assertEqual(gen_hw_spec.sv_expr("9 * lanes", ["lanes"], [], CONSTANTS), "9 * (lanes)")
        self.assertEqual(gen_hw_spec.cpp_expr("9 * lanes", ["lanes"], [], CONSTANTS), "9 * lanes")

    def test_earlier_formulas_are_called_as_their_macros(self):
        sv = gen_hw_spec.sv_expr("signed_w(max_abs(lanes, n))", ["n"], ["max_abs", "signed_w"], CONSTANTS)
        self.assertEqual(sv, "`ERN_SIGNED_W(`ERN_MAX_ABS(ern_pkg::Lanes, (n)))")
        cpp = gen_hw_spec.cpp_expr("signed_w(max_abs(lanes, n))", ["n"], ["max_abs", "signed_w"], CONSTANTS)
        self.assertEqual(cpp, "signed_w(max_abs(hw_spec::kLanes, n))")
        self.assertEqual(gen_hw_spec.sv_expr("clog2(max(a, b) + 1)", ["a", "b"], [], CONSTANTS),
                         "$clog2((((a) > (b)) ? (a) : (b)) + 1)")

    def test_a_formula_may_not_call_a_later_or_unknown_one(self):
        with self.assertRaises(SystemExit) as e:
            gen_hw_spec.sv_expr("later(n)", ["n"], ["earlier"], CONSTANTS)
        self.assertIn("calls later()", str(e.exception))
        with self.assertRaises(SystemExit):
            gen_hw_spec.cpp_expr("n; system(n)", ["n"], [], CONSTANTS)

    def test_the_generated_formulas_agree_with_the_spec_in_cpp(self):
        # The header's acc_w at the bounds the configurations allow, compiled and run.
        with tempfile.TemporaryDirectory() as d:
            header = os.path.join(d, "hw_spec.h")
            # --check writes the header and nothing in the tree (Spec.GeneratedFilesAreCurrent checks the tree).
            subprocess.run([sys.executable, gen_hw_spec.__file__, "--header", header, "--check"], check=False,
                           capture_output=True)
            source = os.path.join(d, "main.cc")
            with open(source, "w") as f:
                f.write('#include "hw_spec.h"\n#include <cstdio>\nusing namespace ernsim;\n'
                        "int main() { std::printf(\"%d %d %d %d %d\\n\", acc_w(1), acc_w(32), entry_log2(64 * 64),"
                        " entry_log2(8 * 20), entry_log2(1)); }\n")
            subprocess.run(["g++", "-std=c++17", "-I" + d, source, "-o", os.path.join(d, "main")], check=True)
            out = subprocess.run([os.path.join(d, "main")], check=True, capture_output=True, text=True).stdout
        # |acc| <= 1,728 needs 11 bits and a sign; 55,296 needs 16 and a sign. 512 bytes; 20 bytes
        # round up to 32; a 1-bit entry takes a byte.
        self.assertEqual(out.split(), ["12", "17", "9", "5", "0"])


if __name__ == "__main__":
    unittest.main()
