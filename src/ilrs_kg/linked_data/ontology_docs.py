"""The ontology's documentation page: its metadata and every class and property, anchored by local name
so that https://w3id.org/ilrs/ontology#Mission lands on the entry for Mission."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description, value_of
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.naming import name_of
from ilrs_kg.linked_data.stats_queries import GraphCounts
from ilrs_kg.linked_data.viewmodel import Link, Text
from ilrs_kg.namespaces import ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, curie
from ilrs_kg.web.frame import PageMeta


@dataclass(frozen=True)
class MetadataRow:
    label: str
    values: tuple[Link | Text, ...]


@dataclass(frozen=True)
class TermEntry:
    anchor: str
    iri: str
    label: str
    kind: str
    definition: str | None
    examples: tuple[str, ...]
    relations: tuple[tuple[str, tuple[Link, ...]], ...]
    count: int
    count_label: str
    instances_href: str | None


@dataclass(frozen=True)
class OntologyPage:
    meta: PageMeta
    title: str
    description: str | None
    metadata: tuple[MetadataRow, ...]
    classes: tuple[TermEntry, ...]
    properties: tuple[TermEntry, ...]


_VANN = PREFIXES["vann"]
_METADATA = (
    (t.OWL + "versionIRI", "version IRI"),
    (t.OWL + "versionInfo", "version"),
    (t.DCTERMS + "license", "licence"),
    (t.DCTERMS + "creator", "creator"),
    (t.DCTERMS + "created", "created"),
    (t.DCTERMS + "modified", "modified"),
    (_VANN + "preferredNamespacePrefix", "preferred prefix"),
    (_VANN + "preferredNamespaceUri", "namespace"),
    (t.RDFS + "seeAlso", "see also"),
)


def _ontology_graph(store: ox.Store) -> Description:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
    return Description(ONTOLOGY_IRI, [ox.Triple(q.subject, q.predicate, q.object) for q in quads])


def _term_link(iri: str, frame: PageFrame) -> Link:
    if iri.startswith(t.ILRS):
        local = iri.removeprefix(t.ILRS)
        return Link(f"#{local}", Text(frame.vocabulary.label(iri)), iri)
    return Link(iri, Text(curie(iri, instances=False) or iri), iri)


def _links(graph: Description, node: ox.NamedNode, prop: str, frame: PageFrame) -> tuple[Link, ...]:
    return tuple(
        sorted(
            (_term_link(o.value, frame) for o in graph.objects(node, prop) if isinstance(o, ox.NamedNode)),
            key=lambda link: link.text.value,
        )
    )


def _first(graph: Description, node: ox.NamedNode, prop: str) -> str | None:
    values = [o.value for o in graph.objects(node, prop) if isinstance(o, ox.Literal)]
    return values[0] if values else None


def build_ontology_page(
    store: ox.Store, frame: PageFrame, counts: GraphCounts, meta: PageMeta
) -> OntologyPage:
    graph = _ontology_graph(store)
    ontology = ox.NamedNode(ONTOLOGY_IRI)
    metadata = []
    for prop, label in _METADATA:
        values: list[Link | Text] = []
        for o in graph.objects(ontology, prop):
            values.append(
                Link(frame.iris.local(o.value), Text(o.value), o.value)
                if isinstance(o, ox.NamedNode)
                else Text(o.value)
            )
        if values:
            metadata.append(MetadataRow(label, tuple(values)))

    own = sorted(
        {
            s.value
            for s, p in graph.incoming(ox.NamedNode(t.OWL + "Class"))
            if p == t.TYPE and isinstance(s, ox.NamedNode) and s.value.startswith(t.ILRS)
        }
    )
    subclasses: dict[str, list[str]] = defaultdict(list)
    domain_of: dict[str, list[str]] = defaultdict(list)
    range_of: dict[str, list[str]] = defaultdict(list)
    for triple in graph.triples:
        if value_of(triple.predicate) == t.RDFS + "subClassOf":
            subclasses[value_of(triple.object)].append(value_of(triple.subject))
        elif value_of(triple.predicate) == t.RDFS + "domain" and value_of(triple.subject).startswith(t.ILRS):
            domain_of[value_of(triple.object)].append(value_of(triple.subject))
        elif value_of(triple.predicate) == t.RDFS + "range" and value_of(triple.subject).startswith(t.ILRS):
            range_of[value_of(triple.object)].append(value_of(triple.subject))

    def sorted_links(iris: list[str]) -> tuple[Link, ...]:
        return tuple(sorted((_term_link(i, frame) for i in iris), key=lambda link: link.text.value))

    classes = []
    for iri in own:
        node = ox.NamedNode(iri)
        local = iri.removeprefix(t.ILRS)
        count = counts.instances(iri)
        relations: tuple[tuple[str, tuple[Link, ...]], ...] = (
            ("subclass of", _links(graph, node, t.RDFS + "subClassOf", frame)),
            ("superclass of", sorted_links(subclasses.get(iri, []))),
            ("domain of", sorted_links(domain_of.get(iri, []))),
            ("range of", sorted_links(range_of.get(iri, []))),
        )
        classes.append(
            TermEntry(
                anchor=local,
                iri=iri,
                label=name_of(graph, node, "en", frame.vocabulary).value,
                kind="Class",
                definition=_first(graph, node, t.DEFINITION),
                examples=tuple(o.value for o in graph.objects(node, t.SKOS + "example")),
                relations=tuple(r for r in relations if r[1]),
                count=count,
                count_label="instances",
                instances_href=frame.iris.url(f"class/{local}") if count else None,
            )
        )

    properties = []
    kinds = {
        t.OWL + "ObjectProperty": "Object property",
        t.OWL + "DatatypeProperty": "Datatype property",
        t.OWL + "AnnotationProperty": "Annotation property",
    }
    for kind_iri, kind in kinds.items():
        for s, p in graph.incoming(ox.NamedNode(kind_iri)):
            if p != t.TYPE or not isinstance(s, ox.NamedNode) or not s.value.startswith(t.ILRS):
                continue
            relations = (
                ("domain", _links(graph, s, t.RDFS + "domain", frame)),
                ("range", _links(graph, s, t.RDFS + "range", frame)),
                ("subproperty of", _links(graph, s, t.RDFS + "subPropertyOf", frame)),
            )
            properties.append(
                TermEntry(
                    anchor=s.value.removeprefix(t.ILRS),
                    iri=s.value,
                    label=name_of(graph, s, "en", frame.vocabulary).value,
                    kind=kind,
                    definition=_first(graph, s, t.DEFINITION),
                    examples=tuple(o.value for o in graph.objects(s, t.SKOS + "example")),
                    relations=tuple(r for r in relations if r[1]),
                    count=counts.properties.get(s.value, 0),
                    count_label="uses in the data",
                    instances_href=None,
                )
            )
    properties.sort(key=lambda e: e.anchor.casefold())
    return OntologyPage(
        meta=meta,
        title=_first(graph, ontology, t.TITLE) or "ILRS ontology",
        description=_first(graph, ontology, t.DESCRIPTION),
        metadata=tuple(metadata),
        classes=tuple(classes),
        properties=tuple(properties),
    )
