"""Count the triple patterns of each SPARQL query file: the measure of how direct a question is to ask.

Usage: python scripts/triple_patterns.py queries/*.rq   (prints one line per file, then median and max)
A property path counts as one pattern, as a reader sees it; patterns inside FILTER EXISTS count too.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue


def count(node: object) -> int:
    if isinstance(node, CompValue):
        own = len(node.get("triples") or ()) if node.name in ("BGP", "TriplesBlock") else 0
        return own + sum(count(value) for value in node.values())
    if isinstance(node, list | tuple):
        return sum(count(item) for item in node)
    return 0


def main(paths: list[str]) -> None:
    counts = {}
    for name in paths:
        path = Path(name)
        counts[path.name] = count(prepareQuery(path.read_text(encoding="utf-8")).algebra)
        print(f"{counts[path.name]:4d}  {path.name}")
    values = sorted(counts.values())
    print(f"{len(values)} queries: median {statistics.median(values)}, max {max(values)}")


if __name__ == "__main__":
    main(sys.argv[1:])
