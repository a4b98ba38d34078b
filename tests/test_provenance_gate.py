"""The provenance gate's rules on small datasets: what they refuse, and what is not theirs to refuse."""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg import provenance_gate
from ilrs_kg.namespaces import DATA_GRAPH

PREFIXES = """@prefix ilrs: <https://w3id.org/ilrs/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
DESCRIBED = """GRAPH <https://w3id.org/ilrs/graph/provenance> {
    <https://w3id.org/ilrs/id/source/gazette> a ilrs:SourceDocument .
    <https://w3id.org/ilrs/graph/source/gazette> a ilrs:SourcedStatements ;
        prov:wasDerivedFrom <https://w3id.org/ilrs/id/source/gazette> .
}
"""


def _rules(trig: str) -> list[tuple[str, str]]:
    dataset = ox.Store()
    dataset.load((PREFIXES + trig).encode(), format=ox.RdfFormat.TRIG, to_graph=ox.NamedNode(DATA_GRAPH))
    return sorted((r.rule, r.subject.value) for r in provenance_gate.evaluate(dataset, DATA_GRAPH))


def test_a_fact_in_a_described_statement_graph_passes() -> None:
    fact = "GRAPH <https://w3id.org/ilrs/graph/source/gazette> { <https://w3id.org/ilrs/id/country/x> a ilrs:Country }"
    assert _rules(DESCRIBED + fact) == []


def test_every_statement_outside_a_graph_block_is_refused_whatever_its_subject() -> None:
    assert _rules("<http://example.org/a> <http://example.org/b> 1 .") == [
        ("outside-any-graph", "http://example.org/a")
    ]


def test_an_ilrs_typed_node_outside_the_id_namespace_still_needs_a_described_graph() -> None:
    fact = "GRAPH <http://example.org/g> { <http://example.org/atlantis> a ilrs:Country }"
    assert _rules(fact) == [("undescribed-graph", "http://example.org/atlantis")]


def test_foreign_test_data_in_graphs_of_its_own_is_not_the_gates_business() -> None:
    # As the W3C SPARQL protocol suite's graphs, which a test project serves under their own names.
    foreign = (
        "GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> {"
        " <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://xmlns.com/foaf/0.1/Document> }"
    )
    assert _rules(foreign) == []


def test_a_derived_graph_outside_its_namespace_is_refused() -> None:
    trig = """GRAPH <https://w3id.org/ilrs/graph/provenance> {
        <https://w3id.org/ilrs/graph/source/rule-1> a ilrs:DerivedStatements ;
            ilrs:derivationRule <https://w3id.org/ilrs/rule/rule-1> .
    }"""
    assert _rules(trig) == [("graph-outside-its-namespace", "https://w3id.org/ilrs/graph/source/rule-1")]
