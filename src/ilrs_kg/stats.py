"""Counts that describe the graph: triples, entities per class, sources, label languages."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES, sparql_prefix_block


@dataclass(frozen=True)
class GraphStats:
    triples_by_graph: dict[str, int]
    entities_by_class: dict[str, int]
    sources: int
    languages: dict[str, int]

    def render(self) -> str:
        lines = ["triples:"]
        lines += [f"  {graph:<45} {count:>7}" for graph, count in self.triples_by_graph.items()]
        lines.append(f"  {'total':<45} {sum(self.triples_by_graph.values()):>7}")
        lines.append("entities per class (data graph):")
        lines += [f"  {cls:<45} {count:>7}" for cls, count in self.entities_by_class.items()]
        lines.append(f"source documents: {self.sources}")
        lines.append("labels per language: " + ", ".join(f"{k} {v}" for k, v in self.languages.items()))
        return "\n".join(lines)


def _rows(store: ox.Store, query: str) -> list[tuple[str, int]]:
    solutions = store.query(sparql_prefix_block() + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return [(str(row[0].value), int(row[1].value)) for row in solutions]


def compute(store: ox.Store) -> GraphStats:
    by_graph = dict(
        _rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    )
    classes = _rows(
        store,
        f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              GRAPH <{DATA_GRAPH}> {{ ?s a ?class }}
              FILTER(STRSTARTS(STR(?s), STR(id:)))
            }} GROUP BY ?class ORDER BY DESC(?n) ?class""",
    )
    sources = _rows(
        store,
        f"""SELECT ("sources" AS ?k) (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              GRAPH <{DATA_GRAPH}> {{ ?s a ilrs:SourceDocument }} }}""",
    )
    languages = _rows(
        store,
        """SELECT ?lang (COUNT(*) AS ?n) WHERE {
              ?s rdfs:label|skos:altLabel|skos:prefLabel ?label BIND(LANG(?label) AS ?lang)
              FILTER(?lang != "") } GROUP BY ?lang ORDER BY DESC(?n)""",
    )
    ordered_graphs = {g: by_graph.get(g, 0) for g in (ONTOLOGY_GRAPH, DATA_GRAPH)}
    ordered_graphs.update({g: n for g, n in by_graph.items() if g not in ordered_graphs})
    return GraphStats(
        triples_by_graph=ordered_graphs,
        entities_by_class=_shorten(dict(classes)),
        sources=sources[0][1] if sources else 0,
        languages=dict(languages),
    )


def _shorten(by_iri: dict[str, int]) -> dict[str, int]:
    def curie(iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    return {curie(iri): n for iri, n in by_iri.items()}
