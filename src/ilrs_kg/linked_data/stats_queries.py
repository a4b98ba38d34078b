"""Counts the home page, the ontology documentation and the dataset description show."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH

# The instance data: every graph but the ontology (the statement graphs, and the provenance graph with its
# source documents). A fact stated by two sources is in two graphs and counted once.
_DATA = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>)"


@dataclass(frozen=True)
class ClassCount:
    iri: str
    count: int

    @property
    def local_name(self) -> str:
        return self.iri.removeprefix(t.ILRS)


@dataclass(frozen=True)
class GraphCounts:
    triples: int  # distinct triples: the default graph
    data_triples: int  # distinct facts outside the ontology graph
    entities: int
    classes: tuple[ClassCount, ...]
    # Uses of each property in the data graph.
    properties: dict[str, int]

    def instances(self, cls: str) -> int:
        return next((c.count for c in self.classes if c.iri == cls), 0)


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def _int(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


@dataclass(frozen=True)
class GraphSizes:
    """How many facts each named graph holds and how many entities (subjects under id/) they are about:
    (graph, facts, entities); and how many entities the data graphs are about in all."""

    graphs: tuple[tuple[str, int, int], ...]
    entities: int


def graph_sizes(store: ox.Store) -> GraphSizes:
    """Counted graph by graph: each graph's distinct subjects are read once and told apart here. Telling
    them apart in the query (STRSTARTS) turned every fact's subject into text: 5.6 s for the graphs and
    3.6 s more for all the entities at 1M triples, against 2.9 s for both."""
    facts = _select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs: list[tuple[str, int, int]] = []
    everywhere: set[str] = set()
    for row in facts:
        graph = row["g"]
        if not isinstance(graph, ox.NamedNode):
            continue
        subjects = _select(store, f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
        entities = {s.value for (s,) in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(ID_NS)}
        graphs.append((graph.value, _int(row["n"]), len(entities)))
        if graph.value != ONTOLOGY_GRAPH:
            everywhere |= entities
    return GraphSizes(tuple(graphs), len(everywhere))


def count_graph(store: ox.Store, sizes: GraphSizes | None = None) -> GraphCounts:
    """The counts; `sizes`: the graphs' sizes if the caller has them (they give the entities)."""
    # The dataset's triples are its default graph, the merge of the named graphs: each fact once (the
    # store's length would count a fact once per graph, and the merge again).
    total = _select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    distinct = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {_DATA} }}"
    classes = _select(
        store,
        f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        GRAPH ?g {{ ?s a ?c }} FILTER(?g != <{ONTOLOGY_GRAPH}> && STRSTARTS(STR(?s), "{ID_NS}")) }}
        GROUP BY ?c ORDER BY DESC(?n) ?c""",
    )
    # Every distinct fact has one property: the facts are the properties' uses added up.
    properties = {
        row["p"].value: _int(row["n"])
        for row in _select(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {distinct} }} GROUP BY ?p")
        if isinstance(row["p"], ox.NamedNode)
    }
    return GraphCounts(
        triples=_int(total[0]["n"]) if total else 0,
        data_triples=sum(properties.values()),
        entities=(sizes or graph_sizes(store)).entities,
        classes=tuple(
            ClassCount(row["c"].value, _int(row["n"]))
            for row in classes
            if isinstance(row["c"], ox.NamedNode)
        ),
        properties=properties,
    )


def ontology_classes(counts: GraphCounts) -> tuple[ClassCount, ...]:
    """The project's own classes that have instances, largest first."""
    return tuple(c for c in counts.classes if c.iri.startswith(t.ILRS))


def counts_json(counts: GraphCounts) -> str:
    """The counts as JSON text, to be kept in the release (page_index) rather than recounted."""
    return json.dumps(asdict(counts), sort_keys=True)


def counts_from_json(text: str) -> GraphCounts:
    raw = json.loads(text)
    return GraphCounts(
        triples=int(raw["triples"]),
        data_triples=int(raw["data_triples"]),
        entities=int(raw["entities"]),
        classes=tuple(ClassCount(str(c["iri"]), int(c["count"])) for c in raw["classes"]),
        properties={str(k): int(v) for k, v in raw["properties"].items()},
    )
