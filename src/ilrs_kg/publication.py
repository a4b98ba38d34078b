"""The record a publication leaves on a remote endpoint beside the data (ilrs_kg.publish writes it,
ilrs_kg.sparql.remote_backend reads it): which data version the endpoint holds, and each graph with
its number of statements.

It lives in its own graph, PUBLICATION_GRAPH, outside the dataset queries see, and is written last:
an endpoint whose publication stopped half-way has no record, so no server takes it for complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.sparql.execution import Answer
from ilrs_kg.sparql.remote import MERGE_GRAPH, PUBLICATION_GRAPH

_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_HAS_PART = "http://purl.org/dc/terms/hasPart"
_TRIPLES = "http://rdfs.org/ns/void#triples"
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

QUERY = (
    f"SELECT ?version ?graph ?n WHERE {{ <{PUBLICATION_GRAPH}> <{_IDENTIFIER}> ?version ; "
    f"<{_HAS_PART}> ?graph . ?graph <{_TRIPLES}> ?n }}"
)


@dataclass(frozen=True)
class Publication:
    data_version: str
    # Statements per graph; MERGE_GRAPH stands for the build's default graph.
    counts: Mapping[str, int]

    @property
    def named_graphs(self) -> tuple[str, ...]:
        return tuple(sorted(g for g in self.counts if g != MERGE_GRAPH))

    def triples(self) -> list[ox.Triple]:
        record = ox.NamedNode(PUBLICATION_GRAPH)
        out = [ox.Triple(record, ox.NamedNode(_IDENTIFIER), ox.Literal(self.data_version))]
        for graph, count in sorted(self.counts.items()):
            node = ox.NamedNode(graph)
            out.append(ox.Triple(record, ox.NamedNode(_HAS_PART), node))
            out.append(
                ox.Triple(
                    node, ox.NamedNode(_TRIPLES), ox.Literal(str(count), datatype=ox.NamedNode(_INTEGER))
                )
            )
        return out


def read(answer: Answer) -> Publication | None:
    """The record from QUERY's answer (asked with PUBLICATION_GRAPH as the default graph); None if
    the endpoint holds none, or more than one version (a publication of another build under way)."""
    if not isinstance(answer, ox.QuerySolutions):
        return None
    versions: set[str] = set()
    counts: dict[str, int] = {}
    for row in answer:
        version, graph, n = row["version"], row["graph"], row["n"]
        if isinstance(version, ox.Literal) and isinstance(graph, ox.NamedNode) and isinstance(n, ox.Literal):
            versions.add(version.value)
            counts[graph.value] = int(n.value)
    if len(versions) != 1:
        return None
    return Publication(versions.pop(), counts)
