"""The dataset description (VoID) at /.well-known/void."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.dumps import DUMPS
from ilrs_kg.linked_data.replies import LICENSE
from ilrs_kg.linked_data.stats_queries import GraphCounts
from ilrs_kg.namespaces import BASE, ID_NS, ONTOLOGY_GRAPH, ONTOLOGY_IRI

TITLE = "International Lunar Research Station knowledge graph"
DESCRIPTION = (
    "The members of the International Lunar Research Station (ILRS) and when they joined, its "
    "missions, phases, objectives and facilities, each fact with its source. Disagreeing sources "
    "are kept as separate claims."
)
# Kinds whose first instance serves as an example resource, in this order.
_EXAMPLE_CLASSES = ("Programme", "Country", "Mission", "LunarSite", "Membership")


@dataclass(frozen=True)
class VoidDescription:
    dataset: str
    document: str
    triples: list[ox.Triple]


def _examples(store: ox.Store) -> list[str]:
    found = []
    for local in _EXAMPLE_CLASSES:
        rows = store.query(
            f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{t.ILRS}{local}> }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }} "
            "ORDER BY ?s LIMIT 1"
        )
        assert isinstance(rows, ox.QuerySolutions)
        found += [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]
    return found


def build_void(store: ox.Store, counts: GraphCounts) -> VoidDescription:
    dataset = ox.NamedNode(BASE + "dataset")
    document = ox.NamedNode(BASE + ".well-known/void")

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def triple(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> ox.Triple:
        return ox.Triple(s, iri(p), o)

    integer = iri(t.XSD + "integer")
    out = [
        triple(document, t.TYPE, iri(t.VOID + "DatasetDescription")),
        triple(
            document, t.DCTERMS + "title", ox.Literal(f"A VoID description of the {TITLE}", language="en")
        ),
        triple(document, t.FOAF + "primaryTopic", dataset),
        triple(dataset, t.TYPE, iri(t.VOID + "Dataset")),
        triple(dataset, t.DCTERMS + "title", ox.Literal(TITLE, language="en")),
        triple(dataset, t.DCTERMS + "description", ox.Literal(DESCRIPTION, language="en")),
        triple(dataset, t.DCTERMS + "license", iri(LICENSE)),
        triple(dataset, t.FOAF + "homepage", iri(BASE)),
        triple(dataset, t.VOID + "sparqlEndpoint", iri(BASE + "sparql")),
        triple(dataset, t.VOID + "uriSpace", ox.Literal(ID_NS)),
        triple(dataset, t.VOID + "vocabulary", iri(ONTOLOGY_IRI)),
        triple(dataset, t.VOID + "feature", iri("http://www.w3.org/ns/formats/Turtle")),
        triple(dataset, t.VOID + "feature", iri("http://www.w3.org/ns/formats/N-Triples")),
        triple(dataset, t.VOID + "feature", iri("http://www.w3.org/ns/formats/JSON-LD")),
        triple(dataset, t.VOID + "feature", iri("http://www.w3.org/ns/formats/RDF_XML")),
        triple(dataset, t.VOID + "feature", iri("http://www.w3.org/ns/formats/TriG")),
        triple(dataset, t.VOID + "feature", iri("http://www.w3.org/ns/formats/N-Quads")),
        triple(dataset, t.VOID + "triples", ox.Literal(str(counts.triples), datatype=integer)),
        triple(dataset, t.VOID + "entities", ox.Literal(str(counts.entities), datatype=integer)),
        triple(dataset, t.VOID + "classes", ox.Literal(str(len(counts.classes)), datatype=integer)),
        triple(dataset, t.VOID + "properties", ox.Literal(str(len(counts.properties)), datatype=integer)),
    ]
    out += [triple(dataset, t.VOID + "dataDump", iri(BASE + dump.path)) for dump in DUMPS]
    out += [triple(dataset, t.VOID + "exampleResource", iri(example)) for example in _examples(store)]
    for number, cls in enumerate(counts.classes, start=1):
        partition = ox.BlankNode(f"class{number}")
        out += [
            triple(dataset, t.VOID + "classPartition", partition),
            triple(partition, t.VOID + "class", iri(cls.iri)),
            triple(partition, t.VOID + "entities", ox.Literal(str(cls.count), datatype=integer)),
        ]
    return VoidDescription(dataset.value, document.value, out)
