"""The endpoint's SPARQL 1.1 Service Description, served on `GET /sparql` to RDF clients.

It states the endpoint, the language (SPARQL 1.1 Query only: no update, no federation), the result
formats, the union default graph, and the default dataset with each named graph and its size. It is
built as pyoxigraph triples and written by pyoxigraph's serializers.
"""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg.sparql.backend import QueryBackend, select
from ilrs_kg.sparql.formats import GRAPHS, SOLUTIONS, Format

SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"sd": SD, "formats": W3C_FORMATS, "void": VOID, "dcterms": DCTERMS}

# Each format's name in the W3C formats namespace.
_FORMAT_NAMES = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "trig": "TriG",
    "nquads": "N-Quads",
}
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
            ox.Triple(service, _sd("resultFormat"), ox.NamedNode(W3C_FORMATS + _FORMAT_NAMES[f.key]))
            for f in (*SOLUTIONS.formats, *GRAPHS.formats)
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
        rdf_format = ox.RdfFormat.from_media_type(fmt.media_type) or ox.RdfFormat.TURTLE
        body = ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
        assert body is not None  # no output given: the bytes are returned
        return body
