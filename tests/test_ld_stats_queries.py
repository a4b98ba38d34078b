"""The graph's counts and the graphs' sizes equal what the SPARQL of their definitions counts."""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg.linked_data.stats_queries import count_graph, graph_sizes
from ilrs_kg.namespaces import BASE, ID_NS, ONTOLOGY_GRAPH

_DATA = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>)"


def _ints(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return [tuple(term.value for term in row if term is not None) for row in rows]


def _small() -> ox.Store:
    """Entities under id/ and other subjects (blank, elsewhere), a fact two graphs state, an entity
    only the ontology graph is about, and the default graph as the merge."""
    store = ox.Store()
    p, q = ox.NamedNode("https://w3id.org/ilrs/ontology#p"), ox.NamedNode("https://w3id.org/ilrs/ontology#q")
    a, b = ox.NamedNode(ID_NS + "a/1"), ox.NamedNode(ID_NS + "b/2")
    elsewhere, blank = ox.NamedNode("https://example.org/x"), ox.BlankNode("n1")
    only_ontology = ox.NamedNode(ID_NS + "c/3")
    one, two = ox.NamedNode(BASE + "graph/one"), ox.NamedNode(BASE + "graph/two")
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    facts = [
        (a, p, ox.Literal("x"), one),
        (a, p, ox.Literal("x"), two),
        (a, q, b, one),
        (b, p, ox.Literal("y"), two),
        (elsewhere, p, a, two),
        (blank, q, a, one),
        (only_ontology, p, ox.Literal("z"), ontology),
        (p, q, ox.Literal("w"), ontology),
    ]
    for s, pred, o, g in facts:
        store.add(ox.Quad(s, pred, o, g))
        store.add(ox.Quad(s, pred, o))
    return store


def _check(store: ox.Store) -> None:
    sizes = graph_sizes(store)
    expected = _ints(
        store,
        f"""SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?e) AS ?m) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
              BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{ID_NS}"), ?s, ?none) AS ?e) }} GROUP BY ?g""",
    )
    assert sorted(sizes.graphs) == sorted((g, int(n), int(m)) for g, n, m in expected)
    entities = f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_DATA} FILTER(STRSTARTS(STR(?s), "{ID_NS}")) }}'
    data = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {_DATA} }} }}"
    counts = count_graph(store)
    assert counts.entities == sizes.entities == int(_ints(store, entities)[0][0])
    assert counts.data_triples == int(_ints(store, data)[0][0])
    assert count_graph(store, sizes) == counts


def test_the_counts_of_a_small_graph_are_those_of_their_definitions() -> None:
    store = _small()
    _check(store)
    assert graph_sizes(store).entities == 2 and count_graph(store).data_triples == 5


def test_the_counts_of_the_real_graph_are_those_of_their_definitions(graph: ox.Store) -> None:
    _check(graph)
