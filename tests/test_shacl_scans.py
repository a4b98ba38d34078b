"""The scan forms of the compiled checks (shacl_scans, what an on-disk store gets) find exactly what the
lookup forms find, on the real data and on every broken fixture, with every check that can scan made to;
and a check scans only when that reads fewer rows than the lookups it saves."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ilrs_kg import shacl_core, shacl_scans
from ilrs_kg.settings import Settings
from ilrs_kg.sources import SourceFile, graph_files, shape_files
from ilrs_kg.validation import _as_rdflib, _load
from tests.conftest import PROJECT_ROOT

BROKEN = sorted(
    p for p in (PROJECT_ROOT / "tests" / "fixtures" / "broken").iterdir() if p.suffix in (".ttl", ".trig")
)
SETTINGS = Settings(root=PROJECT_ROOT)


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return _as_rdflib(_load(shape_files(SETTINGS)))


@pytest.mark.parametrize("fixture", [None, *BROKEN], ids=["real-data", *(f.stem for f in BROKEN)])
def test_every_scan_finds_what_the_lookups_find(
    fixture: Path | None, shapes: rdflib.Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = [SourceFile(fixture, "https://w3id.org/ilrs/graph/data")] if fixture else []
    store = _load(graph_files(SETTINGS) + extra)
    looked_up = Counter(shacl_core.evaluate(store, shapes, union=True))
    monkeypatch.setattr(shacl_scans, "LOOKUP_IN_ROWS", 10**9)  # every scan is cheaper
    scanned = Counter(shacl_core.evaluate(store, shapes, union=True, scans=True))
    assert scanned == looked_up
    queries = [c.query for c in _compiled(store, shapes)]
    # Not vacuous: each scan form is used.
    assert any("MINUS { VALUES" in q for q in queries)  # class
    assert any("MINUS { ?this <" in q and "FILTER(" not in q.split("MINUS")[1] for q in queries)  # minCount
    assert any("MINUS { ?this <" in q and "FILTER(" in q.split("MINUS")[1] for q in queries)  # qualified
    assert any("{ SELECT ?this ?_o" in q for q in queries)  # maxCount
    assert any("{ SELECT ?this ?_u" in q for q in queries)  # uniqueLang


def _compiled(store: ox.Store, shapes: rdflib.Graph) -> list[shacl_core.CompiledConstraint]:
    rows = shacl_scans.row_counter(store, union=True)
    return shacl_core.compile_shapes(shapes, shacl_core.subclass_finder(store, union=True), rows=rows)


SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Few a sh:NodeShape ; sh:targetClass ex:F ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
ex:Many a sh:NodeShape ; sh:targetClass ex:M ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
"""


def test_a_check_scans_only_when_that_reads_less_than_its_lookups() -> None:
    store = ox.Store()
    ex = "http://example.org/"
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.add(ox.Quad(ox.NamedNode(f"{ex}few"), kind, ox.NamedNode(f"{ex}F")))
    store.add(ox.Quad(ox.NamedNode(f"{ex}few"), ox.NamedNode(f"{ex}p"), ox.Literal("few")))
    for i in range(100):
        node = ox.NamedNode(f"{ex}m{i}")
        store.add(ox.Quad(node, kind, ox.NamedNode(f"{ex}M")))
        store.add(ox.Quad(node, ox.NamedNode(f"{ex}p"), ox.Literal(str(i))))
    shapes = rdflib.Graph().parse(data=SHAPE, format="turtle")
    by_shape = {
        str(shapes.value(predicate=rdflib.SH.property, object=c.shape)): c.query
        for c in _compiled(store, shapes)
    }
    # 101 values: scanning them for 100 focus nodes is cheaper, for one it is not.
    assert "MINUS" in by_shape[f"{ex}Many"]
    assert "MINUS" not in by_shape[f"{ex}Few"] and "NOT EXISTS" in by_shape[f"{ex}Few"]
    assert shacl_core.evaluate(store, shapes, scans=True) == []
    store.remove(ox.Quad(ox.NamedNode(f"{ex}m7"), ox.NamedNode(f"{ex}p"), ox.Literal("7")))
    assert [r.focus_node.value for r in shacl_core.evaluate(store, shapes, scans=True)] == [f"{ex}m7"]
