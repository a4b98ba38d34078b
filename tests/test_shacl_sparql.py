"""Oxigraph's bulk evaluation of SHACL-SPARQL constraints finds what pyshacl finds, node by node."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from ilrs_kg import shacl_sparql
from tests.conftest import PROJECT_ROOT

DATA = """
@prefix ilrs: <https://w3id.org/ilrs/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/ilrs/id/> .
id:programme a ilrs:Programme ; ilrs:foundingAgreement id:mou .
id:mou time:hasTime id:i2021 .
id:i2021 time:inXSDDate "2021-03-09"^^xsd:date .
id:early a ilrs:Membership ; org:organization id:programme ; org:memberDuring [ time:hasBeginning id:i2020 ] .
id:i2020 time:inXSDgYear "2020"^^xsd:gYear .
id:same-month a ilrs:Membership ; org:organization id:programme ;
    org:memberDuring [ time:hasBeginning id:i202103 ] .
id:i202103 time:inXSDgYearMonth "2021-03"^^xsd:gYearMonth .
id:late a ilrs:Membership ; org:organization id:programme ; org:memberDuring [ time:hasBeginning id:i2023 ] .
id:i2023 time:inXSDgYear "2023"^^xsd:gYear .
"""


def _join_rule_only() -> rdflib.Graph:
    full = rdflib.Graph().parse(PROJECT_ROOT / "shapes" / "rules.ttl")
    shape = rdflib.URIRef("https://w3id.org/ilrs/shapes#JoinAfterFoundingRule")
    others = {s for s in full.subjects(SH.sparql, None) if s != shape}
    for other in others:
        for triple in list(full.triples((other, None, None))):
            full.remove(triple)
    return full


def test_bulk_evaluation_matches_pyshacl_on_the_join_rule() -> None:
    shapes = _join_rule_only()
    data = rdflib.Graph().parse(data=DATA, format="turtle")
    _conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    by_pyshacl = {str(r) for r in results.objects(None, SH.focusNode)}

    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE)
    by_oxigraph = {r.focus_node.value for r in shacl_sparql.evaluate(store, shapes)}

    assert by_pyshacl == {"https://w3id.org/ilrs/id/early"}
    assert by_oxigraph == by_pyshacl


def test_messages_are_filled_from_the_solution() -> None:
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE)
    [result] = shacl_sparql.evaluate(store, _join_rule_only())
    assert "(2020)" in result.message and "(2021-03-09)" in result.message


def test_a_violating_fact_two_graphs_state_is_reported_once_over_their_union() -> None:
    store = ox.Store()
    for graph in ("https://w3id.org/ilrs/graph/source/a", "https://w3id.org/ilrs/graph/source/b"):
        store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    results = shacl_sparql.evaluate(store, _join_rule_only(), union=True)
    assert [r.focus_node.value for r in results] == ["https://w3id.org/ilrs/id/early"]
