"""The endpoint's SPARQL 1.1 Service Description, served on `GET /sparql` to RDF clients.

It states the endpoint, the language (SPARQL 1.1 Query only: no update, no federation), the result
formats, the union default graph, and the default dataset with each named graph and its size. It is
built as pyoxigraph triples and written by pyoxigraph's serializers.
"""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg.sparql.backend import QueryBackend, select
from ilrs_kg.sparql.formats import GRAPHS, SOLUTIONS
from ilrs_kg.web.formats import TURTLE, W3C_FORMATS, Format

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"sd": SD, "formats": W3C_FORMATS, "void": VOID, "dcterms": DCTERMS}

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def _void_document(endpoint: str) -> str:
    return endpoint.removesuffix("/sparql") + "/.well-known/void"


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def describe(endpoint: str, graphs: list[tuple[str, int]], title: str) -> list[ox.Triple]:
    """The description's triples, for an endpoint at `endpoint` holding `graphs` (name, triples)."""
    service = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, ox.NamedNode(DCTERMS + "title"), ox.Literal(title, language="en")),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(
            service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")
        ),
        *(
            ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.iri))
            for f in (*SOLUTIONS.formats, *GRAPHS.formats)
            if f.iri is not None
        ),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        # The VoID description says what the dataset is; it is served beside the endpoint.
        ox.Triple(dataset, ox.NamedNode(RDFS_SEE_ALSO), ox.NamedNode(_void_document(endpoint))),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(
            default_graph,
            ox.NamedNode(DCTERMS + "description"),
            ox.Literal("the union of all named graphs", language="en"),
        ),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), _count(sum(n for _, n in graphs))),
    ]
    for name, size in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), _count(size)),
        ]
    return triples


class ServiceDescription:
    """Renders the description for the endpoint URL a request used; graph sizes are asked once."""

    def __init__(self, backend: QueryBackend, title: str) -> None:
        self.backend = backend
        self.title = title
        self._graphs: list[tuple[str, int]] | None = None

    async def graphs(self) -> list[tuple[str, int]]:
        if self._graphs is None:
            rows = await select(self.backend, _GRAPH_SIZES)
            self._graphs = [
                (row["g"].value, int(row["n"].value))
                for row in rows
                if isinstance(row["g"], ox.NamedNode) and isinstance(row["n"], ox.Literal)
            ]
        return self._graphs

    async def render(self, endpoint: str, fmt: Format) -> bytes:
        triples = describe(endpoint, await self.graphs(), self.title)
        body = ox.serialize(triples, format=fmt.rdf or TURTLE.rdf, prefixes=PREFIXES)
        assert body is not None  # no output given: the bytes are returned
        return body
