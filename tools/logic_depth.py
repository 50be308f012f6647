#!/usr/bin/env python3
"""Logic depth of a netlist mapped by Yosys's synth_xilinx: per module, the deepest
register-to-register path in LUT levels, the longest carry chain, and the clock they imply.

usage: tools/logic_depth.py NETLIST.json [--json OUT.json]

NETLIST.json is Yosys's `write_json` of the mapped design (tools/synth.py --depth writes it,
for the time of the analysis). Method (docs/estimators.md, "Logic depth"):
  - Path ends: flip-flops (FD*), block RAM, UltraRAM, shift registers (SRL*), DSPs, instances of
    other modules (kept apart by --modules) and the module's ports cut the netlist; a path runs
    from an output of one to an input of another through combinational cells only.
  - A LUT (LUT1..LUT6) or a LUT-RAM read (RAM32M, RAM64M, ...: its read is combinational) is one
    level; a LUT-RAM's write data, write enable and clock end a path (the write is clocked); MUXF7/F8/F9 join LUTs inside a slice and add no level; CARRY4/CARRY8 add no LUT level
    but count towards the carry chain (cells chained through CO -> CI, on the same path).
  - Delay of a path: LUT levels x LEVEL_NS + carry cells x CARRY_NS. The deepest path is the one
    of largest delay; its levels and carry cells are reported with its start and end.
The implied clock is 1000 / delay MHz. An estimate, not timing analysis: placement, routing,
fan-out and clock skew are unknown before place and route.

Exit status: 0 done, 1 the netlist is unreadable or has a combinational loop.
"""
import argparse
import json
import re
import sys

# UltraScale+ -1 per-level delay: a LUT with the routing to the next one, as measured in Vivado
# timing reports by the MapBuf characterization (mapbuf.readthedocs.io, "Delay characterization":
# a 4.2 ns clock period fits 6 LUT levels, 0.7 ns a level including clock-to-out and setup shares).
# UG949 ("Datapath Delay and Logic Levels") says route delay is half or more of a path on
# UltraScale, so a LUT's own delay (about 0.1 ns) alone would be far too optimistic.
LEVEL_NS = 0.7
# A carry cell's ripple (CARRY8: 8 bits; CARRY4: 4) adds far less than a level; assumed, not from a
# data sheet: 0.1 ns a cell.
CARRY_NS = 0.1
# What a report says of how its depths were found.
METHOD = (f"write_json of the synth_xilinx netlist; paths cut at flip-flops, block/Ultra RAM, SRLs, DSPs, "
          f"kept modules, ports and LUT-RAM writes; LUT or LUT-RAM read = 1 level "
          f"({LEVEL_NS} ns, UltraScale+ -1 estimate), "
          f"MUXF = 0, carry cell = {CARRY_NS} ns (tools/logic_depth.py)")

SEQUENTIAL_PREFIXES = ("FD", "RAMB", "URAM", "SRL", "DSP", "FIFO")
LUTRAM_PREFIXES = ("RAM32", "RAM64", "RAM128", "RAM256", "RAM512")
# A LUT-RAM's read addresses reach its outputs combinationally; its write data, write enable and
# clock are clocked in, so a path into them ends there.
LUTRAM_READ_PORT = re.compile(r"^(ADDR[A-H]?|A\d*|DPRA\d*)$")


def cell_kind(cell_type, modules):
    """'cut' (a path end), 'lut' (one level), 'carry', 'mux' (no level) or 'other' (no level)."""
    name = cell_type.lstrip("\\")
    if cell_type in modules and not modules[cell_type].get("attributes", {}).get("blackbox"):
        return "cut"  # another module of the design, kept apart
    if name.startswith(SEQUENTIAL_PREFIXES):
        return "cut"
    if name.startswith("LUT") or name.startswith(LUTRAM_PREFIXES):
        return "lut"
    if name.startswith("CARRY"):
        return "carry"
    if name.startswith("MUXF"):
        return "mux"
    return "other"


def module_depth(name, module, modules):
    """The deepest path of one module: {"lut_levels", "carry_cells", "delay_ns", "from", "to",
    "max_lut_levels", "max_carry_cells"}."""
    drivers = {}   # bit -> (cell name, kind)
    fanin = {}     # cell name -> list of input bits
    kinds = {}
    carry_in = {}  # carry cell -> the bits of its CI / CIN
    write_ends = []  # (bit, LUT-RAM) for the clocked write inputs of LUT-RAMs
    for cname, cell in module.get("cells", {}).items():
        kind = cell_kind(cell["type"], modules)
        kinds[cname] = kind
        directions = cell.get("port_directions", {})
        ins = []
        for port, bits in cell.get("connections", {}).items():
            direction = directions.get(port)
            if direction is None:
                # A cell type the netlist does not describe: treat it as a path end.
                kinds[cname] = kind = "cut"
                direction = "output" if port in ("Q", "O", "DO", "DOUT") else "input"
            for b in bits:
                if not isinstance(b, int):
                    continue  # a constant
                if direction == "output":
                    drivers[b] = cname
                elif kind == "lut" and cell["type"].lstrip("\\").startswith(LUTRAM_PREFIXES) \
                        and not LUTRAM_READ_PORT.match(port):
                    write_ends.append((b, cname))
                else:
                    ins.append(b)
                    if kind == "carry" and port in ("CI", "CIN"):
                        carry_in.setdefault(cname, set()).add(b)
        fanin[cname] = ins

    # A cell is named by the signal it drives (the register's name), when the netlist keeps one.
    signal = {}
    for net, n in module.get("netnames", {}).items():
        if n.get("hide_name"):
            continue
        for i, b in enumerate(n["bits"]):
            if isinstance(b, int) and b not in signal:
                signal[b] = net if len(n["bits"]) == 1 else f"{net}[{i}]"
    outputs = {}
    for b, c in drivers.items():
        if b in signal and c not in outputs:
            outputs[c] = signal[b]

    def label(c):
        return outputs[c] if c in outputs and c.startswith("$") else c

    # Longest path ending at each combinational cell's output, by delay; memoized, iterative.
    best = {}  # cell -> (delay, levels, carry cells on the path, current chain length, start)
    ON_STACK = object()
    inputs = {b: f"input {port}" for port, p in module.get("ports", {}).items() if p["direction"] != "output"
              for b in p["bits"] if isinstance(b, int)}

    def arrival(bit):
        """(delay, levels, carries, chain, start) of the signal `bit` (0s from a path end)."""
        driver = drivers.get(bit)
        if driver is None or kinds[driver] == "cut":
            return (0.0, 0, 0, 0, label(driver) if driver else inputs.get(bit, f"bit {bit}"))
        return best[driver]

    for root in list(fanin):
        if kinds[root] == "cut" or root in best:
            continue
        stack = [root]
        while stack:
            c = stack[-1]
            if c in best and best[c] is not ON_STACK:
                stack.pop()
                continue
            best[c] = ON_STACK
            pending = [drivers[b] for b in fanin[c] if b in drivers and kinds[drivers[b]] != "cut"
                       and drivers[b] not in best]
            loops = [drivers[b] for b in fanin[c] if b in drivers and best.get(drivers[b]) is ON_STACK]
            if loops:
                sys.exit(f"logic_depth: combinational loop in {name} through {c} and {loops[0]}")
            if pending:
                stack.extend(pending)
                continue
            top = (0.0, 0, 0, 0, None)
            chain_top = 0
            for b in fanin[c]:
                a = arrival(b)
                if a[0] > top[0] or top[4] is None:
                    top = a
                if kinds[c] == "carry" and b in carry_in.get(c, ()):
                    chain_top = max(chain_top, a[3])
            delay, levels, carries, _, start = top
            kind = kinds[c]
            if kind == "lut":
                result = (delay + LEVEL_NS, levels + 1, carries, 0, start)
            elif kind == "carry":
                result = (delay + CARRY_NS, levels, carries + 1, chain_top + 1, start)
            else:
                result = (delay, levels, carries, 0, start)
            best[c] = result
            stack.pop()

    # Path ends: inputs of cut cells, LUT-RAMs' write inputs and the module's output ports.
    ends = [(b, label(cname)) for b, cname in write_ends]
    for cname, kind in kinds.items():
        if kind == "cut":
            ends += [(b, label(cname)) for b in fanin[cname]]
    for port, p in module.get("ports", {}).items():
        if p["direction"] in ("output", "inout"):
            ends += [(b, f"output {port}") for b in p["bits"] if isinstance(b, int)]
    worst = (0.0, 0, 0, 0, None)
    worst_end = None
    for b, end in ends:
        a = arrival(b)
        if a[0] > worst[0]:
            worst, worst_end = a, end
    values = [v for v in best.values() if v is not ON_STACK]
    return {
        "lut_levels": worst[1], "carry_cells": worst[2], "delay_ns": round(worst[0], 2),
        "implied_mhz": round(1000.0 / worst[0], 1) if worst[0] > 0 else None,
        "from": worst[4], "to": worst_end,
        "max_lut_levels": max((v[1] for v in values), default=0),
        "max_carry_chain": max((v[3] for v in values), default=0),
    }


def netlist_depth(netlist):
    """Every non-blackbox module of a write_json netlist: {module name: module_depth}."""
    modules = netlist["modules"]
    result = {}
    for name, module in modules.items():
        if module.get("attributes", {}).get("blackbox"):
            continue
        result[name.split("\\")[-1]] = module_depth(name, module, modules)
    return result


def describe(module, d):
    """One line of a module's depth, as synth.py and this script print it."""
    return (f"{module}: deepest path {d['lut_levels']} LUT levels + {d['carry_cells']} carry cells, about "
            f"{d['delay_ns']} ns ({d['implied_mhz']} MHz), {d['from']} -> {d['to']}; "
            f"longest carry chain {d['max_carry_chain']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("netlist")
    parser.add_argument("--json", help="write the depths as JSON")
    args = parser.parse_args()
    try:
        with open(args.netlist) as f:
            netlist = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"logic_depth: cannot read {args.netlist}: {e}")
    depths = netlist_depth(netlist)
    for module, d in depths.items():
        print(describe(module, d))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(depths, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
