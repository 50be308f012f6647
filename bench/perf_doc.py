"""Replaces a generated table in docs/PERFORMANCE.md: the text between two marker comments."""
import os
import sys

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "PERFORMANCE.md")


def replace_between(start, end, text, who):
    doc = open(PATH).read()
    if start not in doc or end not in doc:
        sys.exit(f"{who}: {PATH} has no {start} ... {end} markers")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(PATH + ".tmp", "w") as f:
        f.write(head + start + "\n" + text + "\n" + end + tail)
    os.replace(PATH + ".tmp", PATH)
    print(f"wrote {PATH}")
