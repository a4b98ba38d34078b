"""Description documents as RDF: the entity's description plus a few triples about the document."""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.formats import DocFormat
from ilrs_kg.linked_data.replies import LICENSE
from ilrs_kg.namespaces import PREFIXES

_SKIPPED_PREFIXES = {"id", "sh", "vann"}


def prefixes_for(triples: list[ox.Triple], base: str) -> dict[str, str]:
    """The standard prefixes, plus one per instance kind that occurs (`mission:` for …/id/mission/)."""
    chosen = {name: ns for name, ns in PREFIXES.items() if name not in _SKIPPED_PREFIXES}
    kinds: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(base + "id/"):
                kind, sep, _ = term.value[len(base) + 3 :].partition("/")
                if sep and kind.replace("-", "").isalnum():
                    kinds.add(kind)
    for kind in sorted(kinds):
        if kind not in chosen:
            chosen[kind] = f"{base}id/{kind}/"
    used: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                used.add(term.value)
            elif isinstance(term, ox.Literal):
                used.add(term.datatype.value)
    return {name: ns for name, ns in chosen.items() if any(iri.startswith(ns) for iri in used)}


def document_triples(description: Description, document_iri: str, dataset_iri: str) -> list[ox.Triple]:
    doc = ox.NamedNode(document_iri)
    meta = [
        ox.Triple(doc, ox.NamedNode(t.TYPE), ox.NamedNode(t.FOAF + "Document")),
        ox.Triple(doc, ox.NamedNode(t.FOAF + "primaryTopic"), description.node),
        ox.Triple(doc, ox.NamedNode(t.VOID + "inDataset"), ox.NamedNode(dataset_iri)),
        ox.Triple(doc, ox.NamedNode(t.DCTERMS + "license"), ox.NamedNode(LICENSE)),
    ]
    return [*description.triples, *meta]


def serialize(triples: list[ox.Triple], fmt: DocFormat, base: str) -> bytes:
    assert fmt.rdf is not None
    prefixes = (
        prefixes_for(triples, base)
        if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD)
        else None
    )
    body = ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)
    assert body is not None
    return body
