"""The fact table holds each statement graph's facts once, the same whether read from the store or from
its N-Quads dump, and the property graph derived from either is the same."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.exports.fact_table import (
    PLUMBING,
    FactTable,
    dump_quads,
    store_quads,
    subject_key,
)
from ilrs_kg.exports.property_graph import new_spool, spool_property_graph
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


def _statement(quad: ox.Quad) -> bool:
    return isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value not in PLUMBING


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The fixture graph as the build stores it: each named graph, and their merge in the default graph."""
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    named = list(store.quads_for_pattern(None, None, None, None))
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in named)
    return store


@pytest.fixture
def nquads(store: ox.Store, tmp_path: Path) -> Path:
    path = tmp_path / "dump.nq"
    with path.open("wb") as output:
        store.dump(output, ox.RdfFormat.N_QUADS)
    return path


def _expected(store: ox.Store) -> dict[str, set[tuple[str, str, str]]]:
    found: dict[str, set[tuple[str, str, str]]] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        if _statement(q):
            assert isinstance(q.subject, ox.NamedNode | ox.BlankNode)
            fact = (q.predicate.value, str(q.object), str(q.graph_name.value))
            found.setdefault(subject_key(q.subject), set()).add(fact)
    return found


def test_store_and_dump_give_each_statement_graphs_facts_once(
    store: ox.Store, nquads: Path, tmp_path: Path
) -> None:
    expected = _expected(store)
    assert any(key.startswith("_:") for key in expected)  # blank nodes are looked up too
    for name, quads in (("store", store_quads(store)), ("dump", dump_quads(nquads))):
        table = FactTable(tmp_path / f"{name}.sqlite", quads)
        try:
            for subject, facts in expected.items():
                rows = table.rows(subject)
                assert len(rows) == len(facts)  # no default-graph copy, no duplicate
                assert {(p, str(o), g) for p, o, g in rows} == facts
            # What only the ontology and the provenance graph say is no fact here.
            assert table.rows("https://w3id.org/ilrs/ontology#Country") == []
            rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
            typed = {(s, o) for s, facts in expected.items() for p, o, _ in facts if p == rdf_type}
            assert {(s, f"<{o}>") for s, o in table.links(rdf_type)} == {
                (s, o) for s, o in typed if not s.startswith("_:") and o.startswith("<")
            }
        finally:
            table.close()


def test_the_property_graph_is_the_same_from_the_dump(store: ox.Store, nquads: Path) -> None:
    with new_spool() as from_store, new_spool() as from_dump:
        expected = spool_property_graph(store, from_store).in_memory()
        assert expected.nodes and expected.edges
        assert spool_property_graph(store, from_dump, nquads).in_memory() == expected


def test_the_property_graph_is_the_same_from_a_dump_in_another_order(
    store: ox.Store, nquads: Path, tmp_path: Path
) -> None:
    # An in-memory store need not write its default graph first (seen: tests' stores built with extend).
    lines = nquads.read_bytes().splitlines(keepends=True)
    mixed = tmp_path / "mixed.nq"
    mixed.write_bytes(b"".join(lines[1::2] + lines[::2]))
    with new_spool() as from_store, new_spool() as from_dump:
        expected = spool_property_graph(store, from_store).in_memory()
        assert spool_property_graph(store, from_dump, mixed).in_memory() == expected
