#!/usr/bin/env python3
"""tools/logic_depth.py on hand-built write_json netlists whose deepest path is known."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import logic_depth  # noqa: E402

LUT = {"I0": "input", "I1": "input", "O": "output"}
FF = {"C": "input", "D": "input", "Q": "output"}
CARRY = {"CI": "input", "S": "input", "DI": "input", "O": "output", "CO": "output"}


def cell(kind, directions, **connections):
    return {"type": kind, "port_directions": directions, "connections": connections}


def netlist(cells, ports=None):
    return {"modules": {"top": {"ports": ports or {}, "cells": cells},
                        "FDRE": {"attributes": {"blackbox": 1}}}}


class LogicDepthTest(unittest.TestCase):
    def test_levels_between_registers(self):
        # ff_a -> lut1 -> lut2 -> lut3 -> ff_b, and a shorter ff_a -> lut4 -> ff_c.
        cells = {
            "ff_a": cell("FDRE", FF, C=[1], D=[2], Q=[10]),
            "lut1": cell("LUT2", LUT, I0=[10], I1=["0"], O=[11]),
            "lut2": cell("LUT2", LUT, I0=[11], I1=[10], O=[12]),
            "lut3": cell("LUT2", LUT, I0=[12], I1=[11], O=[13]),
            "ff_b": cell("FDRE", FF, C=[1], D=[13], Q=[2]),
            "lut4": cell("LUT2", LUT, I0=[10], I1=[10], O=[14]),
            "ff_c": cell("FDRE", FF, C=[1], D=[14], Q=[3]),
        }
        d = logic_depth.netlist_depth(netlist(cells))["top"]
        self.assertEqual(d["lut_levels"], 3)
        self.assertEqual(d["carry_cells"], 0)
        self.assertEqual(d["from"], "ff_a")
        self.assertEqual(d["to"], "ff_b")
        self.assertAlmostEqual(d["delay_ns"], 3 * logic_depth.LEVEL_NS)
        self.assertAlmostEqual(d["implied_mhz"], round(1000 / (3 * logic_depth.LEVEL_NS), 1))

    def test_carry_chain_and_muxes(self):
        # ff -> lut -> carry -> carry -> carry -> muxf7 -> ff: one level, a chain of three.
        mux = {"I0": "input", "I1": "input", "S": "input", "O": "output"}
        cells = {
            "ff_a": cell("FDRE", FF, C=[1], D=[2], Q=[10]),
            "lut": cell("LUT2", LUT, I0=[10], I1=[10], O=[11]),
            "c0": cell("CARRY8", CARRY, CI=["0"], S=[11], DI=[10], O=[20], CO=[21]),
            "c1": cell("CARRY8", CARRY, CI=[21], S=[11], DI=[10], O=[22], CO=[23]),
            "c2": cell("CARRY8", CARRY, CI=[23], S=[11], DI=[10], O=[24], CO=[25]),
            "m": cell("MUXF7", mux, I0=[24], I1=[22], S=[10], O=[26]),
            "ff_b": cell("FDRE", FF, C=[1], D=[26], Q=[2]),
        }
        d = logic_depth.netlist_depth(netlist(cells))["top"]
        self.assertEqual(d["lut_levels"], 1)
        self.assertEqual(d["carry_cells"], 3)
        self.assertEqual(d["max_carry_chain"], 3)
        self.assertAlmostEqual(d["delay_ns"], logic_depth.LEVEL_NS + 3 * logic_depth.CARRY_NS)

    def test_ports_are_path_ends(self):
        ports = {"a": {"direction": "input", "bits": [5]}, "y": {"direction": "output", "bits": [7]}}
        cells = {
            "l1": cell("LUT2", LUT, I0=[5], I1=[5], O=[6]),
            "l2": cell("LUT2", LUT, I0=[6], I1=[5], O=[7]),
        }
        d = logic_depth.netlist_depth(netlist(cells, ports))["top"]
        self.assertEqual(d["lut_levels"], 2)
        self.assertEqual(d["to"], "output y")
        self.assertEqual(d["from"], "input a")

    def test_lut_ram_write_inputs_end_a_path(self):
        # ff_a -> l1 -> l2 -> RAM64M.DIA (a clocked write: 2 levels end there); ff_b -> RAM64M.ADDRA,
        # DOA -> ff_c (the read: 1 level). Through the write data the path would wrongly be 3 levels.
        ram = {"ADDRA": "input", "DIA": "input", "WE": "input", "WCLK": "input", "DOA": "output"}
        cells = {
            "ff_a": cell("FDRE", FF, C=[1], D=[2], Q=[10]),
            "l1": cell("LUT2", LUT, I0=[10], I1=[10], O=[11]),
            "l2": cell("LUT2", LUT, I0=[11], I1=[10], O=[12]),
            "ram": cell("RAM64M", ram, ADDRA=[20], DIA=[12], WE=[10], WCLK=[1], DOA=[13]),
            "ff_b": cell("FDRE", FF, C=[1], D=[2], Q=[20]),
            "ff_c": cell("FDRE", FF, C=[1], D=[13], Q=[3]),
        }
        d = logic_depth.netlist_depth(netlist(cells))["top"]
        self.assertEqual(d["lut_levels"], 2)
        self.assertEqual(d["from"], "ff_a")
        self.assertEqual(d["to"], "ram")

    def test_a_lut_feeding_itself_is_a_loop(self):
        cells = {"l1": cell("LUT2", LUT, I0=[6], I1=[5], O=[6])}
        with self.assertRaises(SystemExit) as raised:
            logic_depth.netlist_depth(netlist(cells))
        self.assertIn("combinational loop", str(raised.exception.code))

    def test_a_combinational_loop_is_an_error(self):
        cells = {
            "l1": cell("LUT2", LUT, I0=[7], I1=[7], O=[6]),
            "l2": cell("LUT2", LUT, I0=[6], I1=[6], O=[7]),
        }
        with self.assertRaises(SystemExit):
            logic_depth.netlist_depth(netlist(cells))


if __name__ == "__main__":
    unittest.main()
