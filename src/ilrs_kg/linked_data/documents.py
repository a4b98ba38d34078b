"""Description documents as RDF: the entity's description plus a few triples about the document.

Every fact carries its provenance (docs/provenance.md), in each syntax's own way:

- TriG and N-Quads (datasets): laid out as the store and its dumps are. Each fact sits in the statement
  graphs it sits in in the store; the provenance graph holds those graphs' descriptions and their source
  documents; the default graph is the merge of them all (each fact once), plus the few triples about the
  document itself, so a reader that takes only the default graph (rdflib's `Graph`) still gets the facts.
- Turtle, N-Triples, JSON-LD and RDF/XML (one graph): the facts, then for each fact one standard RDF
  reification node, `[] a rdf:Statement ; rdf:subject … ; rdf:predicate … ; rdf:object … ;
  dcterms:isPartOf <statement graph>`, one `dcterms:isPartOf` per graph the fact sits in (the ontology
  graph aside), then the descriptions of those graphs. Reification is RDF 1.1, so every tool reads it;
  it asserts nothing, so the graph's facts stay exactly the facts.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.replies import LICENSE
from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH, PREFIXES, PROVENANCE_GRAPH
from ilrs_kg.web.formats import DATASET_FORMATS, Format

_SKIPPED_PREFIXES = {"id", "sh", "vann"}
_INTEGER = ox.NamedNode(t.XSD + "integer")


def prefixes_for(triples: list[ox.Triple]) -> dict[str, str]:
    """The standard prefixes, plus one per instance kind that occurs (`mission:` for …/id/mission/)."""
    chosen = {name: ns for name, ns in PREFIXES.items() if name not in _SKIPPED_PREFIXES}
    chosen["hydra"] = t.HYDRA
    kinds: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(ID_NS):
                kind, sep, _ = term.value[len(ID_NS) :].partition("/")
                if sep and kind.replace("-", "").isalnum():
                    kinds.add(kind)
    for kind in sorted(kinds):
        if kind not in chosen:
            chosen[kind] = f"{ID_NS}{kind}/"
    used: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                used.add(term.value)
            elif isinstance(term, ox.Literal):
                used.add(term.datatype.value)
    return {name: ns for name, ns in chosen.items() if any(iri.startswith(ns) for iri in used)}


_RDF = PREFIXES["rdf"]
IS_PART_OF = t.DCTERMS + "isPartOf"


def _meta_triples(
    description: Description, document_iri: str, dataset_iri: str, lists: Mapping[str, str]
) -> list[ox.Triple]:
    doc = ox.NamedNode(document_iri)
    return [
        ox.Triple(doc, ox.NamedNode(t.TYPE), ox.NamedNode(t.FOAF + "Document")),
        ox.Triple(doc, ox.NamedNode(t.FOAF + "primaryTopic"), description.node),
        ox.Triple(doc, ox.NamedNode(t.VOID + "inDataset"), ox.NamedNode(dataset_iri)),
        ox.Triple(doc, ox.NamedNode(t.DCTERMS + "license"), ox.NamedNode(LICENSE)),
        *_partial_lists(description, doc, lists),
    ]


def _partial_lists(description: Description, doc: ox.NamedNode, lists: Mapping[str, str]) -> list[ox.Triple]:
    """For each property of which the document holds only the first links to the entity (a hub's), a
    Hydra collection saying what the whole list is (the subjects linking to the entity by that property),
    how many it holds, and where it is paged (`lists`: its address by property): a reader must not take
    the links it got for all of them. The full list is also one SPARQL query away."""
    hydra = t.HYDRA
    triples: list[ox.Triple] = []
    for number, (prop, links) in enumerate(sorted(description.left_out().items()), start=1):
        collection, manages = ox.NamedNode(lists[prop]), ox.BlankNode(f"links-{number}")
        count = ox.Literal(str(links), datatype=_INTEGER)
        triples += [
            ox.Triple(doc, ox.NamedNode(t.RDFS + "seeAlso"), collection),
            ox.Triple(collection, ox.NamedNode(t.TYPE), ox.NamedNode(hydra + "Collection")),
            ox.Triple(collection, ox.NamedNode(hydra + "totalItems"), count),
            ox.Triple(collection, ox.NamedNode(hydra + "manages"), manages),
            ox.Triple(manages, ox.NamedNode(hydra + "property"), ox.NamedNode(prop)),
            ox.Triple(manages, ox.NamedNode(hydra + "object"), description.node),
        ]
    return triples


def statement_nodes(description: Description) -> list[ox.Triple]:
    """One rdf:Statement per fact, naming the statement graphs the fact sits in."""
    out: list[ox.Triple] = []
    facts = [
        (triple, graphs)
        for triple in description.triples
        if (graphs := [g for g in description.graphs.get(triple, ()) if g != ONTOLOGY_GRAPH])
    ]
    for number, (triple, graphs) in enumerate(facts, start=1):
        node = ox.BlankNode(f"statement-{number}")
        out += [
            ox.Triple(node, ox.NamedNode(t.TYPE), ox.NamedNode(_RDF + "Statement")),
            ox.Triple(node, ox.NamedNode(_RDF + "subject"), triple.subject),
            ox.Triple(node, ox.NamedNode(_RDF + "predicate"), triple.predicate),
            ox.Triple(node, ox.NamedNode(_RDF + "object"), triple.object),
            *(ox.Triple(node, ox.NamedNode(IS_PART_OF), ox.NamedNode(g)) for g in graphs),
        ]
    return out


def document_triples(
    description: Description, document_iri: str, dataset_iri: str, lists: Mapping[str, str]
) -> list[ox.Triple]:
    """The one-graph document: facts, their statement nodes, the graphs' descriptions, the document."""
    return [
        *description.triples,
        *statement_nodes(description),
        *description.graph_descriptions,
        *_meta_triples(description, document_iri, dataset_iri, lists),
    ]


def document_quads(
    description: Description, document_iri: str, dataset_iri: str, lists: Mapping[str, str]
) -> list[ox.Quad]:
    """The dataset document: each fact in its graphs, their descriptions in the provenance graph, and the
    merge of all of it in the default graph."""
    placed = [(g, tr) for tr in description.triples for g in description.graphs.get(tr, ()) or ("",)]
    # Grouped by graph (a stable sort keeps the description's order inside each), so TriG writes each
    # graph once.
    placed.sort(key=lambda item: item[0])
    quads = [
        ox.Quad(tr.subject, tr.predicate, tr.object, ox.NamedNode(g) if g else ox.DefaultGraph())
        for g, tr in placed
    ]
    provenance = ox.NamedNode(PROVENANCE_GRAPH)
    seen = set(quads)
    quads += [
        quad
        for tr in description.graph_descriptions
        if (quad := ox.Quad(tr.subject, tr.predicate, tr.object, provenance)) not in seen
    ]
    merge = dict.fromkeys(
        [
            *description.triples,
            *description.graph_descriptions,
            *_meta_triples(description, document_iri, dataset_iri, lists),
        ]
    )
    quads += [ox.Quad(tr.subject, tr.predicate, tr.object) for tr in merge]
    return quads


def serialize(triples: list[ox.Triple] | list[ox.Quad], fmt: Format) -> bytes:
    assert fmt.rdf is not None
    prefixes = (
        prefixes_for([q.triple if isinstance(q, ox.Quad) else q for q in triples])
        if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD, ox.RdfFormat.TRIG)
        else None
    )
    body = ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)
    assert body is not None
    return body


def serialize_description(
    description: Description, document_iri: str, dataset_iri: str, fmt: Format, lists: Mapping[str, str]
) -> bytes:
    """`lists`: the address of the paged list of each property's links that the description holds in
    part (Description.left_out)."""
    # JSON-LD could carry named graphs too, but most JSON-LD readers (rdflib's Graph, schema tools) read
    # one graph: it is written like Turtle, and the dataset formats are TriG and N-Quads.
    if fmt in DATASET_FORMATS:
        return serialize(document_quads(description, document_iri, dataset_iri, lists), fmt)
    return serialize(document_triples(description, document_iri, dataset_iri, lists), fmt)
