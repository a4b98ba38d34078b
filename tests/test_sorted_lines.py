"""The rules' output sorted on disk (ilrs_kg.sorted_lines): the same order and the same statements as sorting
them in memory by their text, however many runs it spills."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.sorted_lines import sort_unique

XSD = "http://www.w3.org/2001/XMLSchema#"


def _statements() -> list[ox.Triple]:
    rng = random.Random(7)
    subjects = [ox.NamedNode(f"https://w3id.org/ilrs/id/x/{n}") for n in (1, 10, 2, 100)]
    objects: list[ox.NamedNode | ox.Literal] = [
        ox.NamedNode("https://w3id.org/ilrs/id/y"),
        ox.Literal("a"),
        ox.Literal("a", language="en"),
        ox.Literal("a", language="en-gb"),
        ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal('quote " and\nnewline\ttab'),
        ox.Literal("月球科研站"),
        ox.Literal("Été"),
        ox.Literal("\u0001 control"),
    ]
    predicate = ox.NamedNode("https://w3id.org/ilrs/ontology#p")
    found = [ox.Triple(s, predicate, o) for s in subjects for o in objects]
    return [rng.choice(found) for _ in range(300)]  # with many duplicates


def test_spilled_runs_merge_to_the_order_and_set_sorting_in_memory_gives(tmp_path: Path) -> None:
    statements = _statements()
    lines = (ox.serialize(statements, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines(keepends=True)
    target = io.BytesIO()
    written = sort_unique(lines, target, tmp_path, run_lines=7)  # dozens of runs
    merged = [q.triple for q in ox.parse(target.getvalue(), format=ox.RdfFormat.N_TRIPLES)]
    assert merged == sorted(dict.fromkeys(statements), key=str)
    assert written == len(merged)
    assert list(tmp_path.iterdir()) == []  # the runs are gone


def test_nothing_in_nothing_out(tmp_path: Path) -> None:
    target = io.BytesIO()
    assert sort_unique([], target, tmp_path) == 0
    assert target.getvalue() == b""
