"""`ilrs-kg stats` counts triples per kind of graph and facts per kind of provenance (ilrs_kg.stats)."""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg.stats import compute
from tests.fixtures.linked_data.support import fixture_store


def test_triples_and_facts_are_counted_per_kind() -> None:
    store = fixture_store()
    stats = compute(store)
    assert list(stats.triples_by_kind) == ["ontology", "provenance", "sourced", "editorial", "derived"]
    assert stats.graphs_by_kind["sourced"] == 9 and stats.graphs_by_kind["derived"] == 1
    assert stats.facts_by_kind["derived"] == 1  # Chang'e 6's country, by the operator rule
    # The default graph (the merge) is not a kind of its own: the kinds add up to the named graphs.
    named = sum(1 for q in store if isinstance(q.graph_name, ox.NamedNode))
    assert sum(stats.triples_by_kind.values()) == named
    # Chang'e 6's name and type, stated by the mission table and the LROC image, are two quads, one fact.
    assert stats.facts_in_several_sources >= 2
    assert stats.facts < stats.triples_by_kind["sourced"] + stats.triples_by_kind["editorial"] + 1
    text = stats.render()
    assert "sourced" in text and "editorial" in text and "derived" in text
    assert "source documents: 6" in text
