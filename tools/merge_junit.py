#!/usr/bin/env python3
"""Merges the JUnit XML files of `ernsim regress --shard I/N` runs into one report.

usage: tools/merge_junit.py OUT.xml SHARD.xml [SHARD.xml ...]

Every <testsuite> of every input is kept as it is (each shard's is named SUITE.shardIofN), under one
<testsuites> whose totals are the sums. Exits 1 when any shard has a failure, so that a CI step
that merges can also gate, and 2 when an input is missing or not JUnit XML.
"""
import os
import sys
import xml.etree.ElementTree as ET


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    out_path, inputs = argv[1], argv[2:]
    merged = ET.Element("testsuites", name="ernsim")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    seconds = 0.0
    for path in inputs:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            print(f"merge_junit: error: {path}: {e}", file=sys.stderr)
            return 2
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        if root.tag not in ("testsuite", "testsuites"):
            print(f"merge_junit: error: {path}: not JUnit XML (root <{root.tag}>)", file=sys.stderr)
            return 2
        for suite in suites:
            for key in totals:
                totals[key] += int(suite.get(key, 0))
            seconds += float(suite.get("time", 0))
            merged.append(suite)
    for key, value in totals.items():
        merged.set(key, str(value))
    merged.set("time", f"{seconds:.3f}")
    ET.ElementTree(merged).write(out_path + ".tmp", encoding="UTF-8", xml_declaration=True)
    os.replace(out_path + ".tmp", out_path)
    print(f"{out_path}: {len(inputs)} files, {totals['tests']} tests, {totals['failures']} failures, "
          f"{totals['skipped']} skipped")
    return 1 if totals["failures"] or totals["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
