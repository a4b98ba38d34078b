"""Which statement graphs a fact sits in, and what the provenance graph says each of them is.

The mechanism (docs/provenance.md): every fact about an instance sits in one or more named graphs, one
per source statement set (`graph/source/<source>[/<part>]`), curator's statement set
(`graph/editorial/<slug>`) or build-time rule (`graph/derived/<rule>`); the provenance graph describes
each of them and the source documents. A fact stated by two sources is in two graphs. Pages, documents,
exports and statistics all read a fact's sources from here, never from an entity-level list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

import pyoxigraph as ox

from ilrs_kg.namespaces import ONTOLOGY_GRAPH, ONTOLOGY_NS, PREFIXES, PROVENANCE_GRAPH

_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_TITLE = PREFIXES["dcterms"] + "title"
_REFERENCES = PREFIXES["dcterms"] + "references"
_URL = PREFIXES["schema"] + "url"
_DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"
_EDITORIAL_NOTE = PREFIXES["skos"] + "editorialNote"
_SOURCE_PART = ONTOLOGY_NS + "sourcePart"
_DERIVATION_RULE = ONTOLOGY_NS + "derivationRule"

# What a fact in each statement-graph class is (the class names are the contract's).
_KIND_OF_CLASS = {
    ONTOLOGY_NS + "SourcedStatements": "sourced",
    ONTOLOGY_NS + "EditorialStatements": "editorial",
    ONTOLOGY_NS + "DerivedStatements": "derived",
}


class Kind(Enum):
    """What a graph holds; the values are the words exports and statistics print."""

    ONTOLOGY = "ontology"
    PROVENANCE = "provenance"
    SOURCED = "sourced"
    EDITORIAL = "editorial"
    DERIVED = "derived"
    # A graph the provenance graph does not describe (the build gate refuses such data).
    UNDESCRIBED = "undescribed"

    @property
    def is_statements(self) -> bool:
        """Whether facts about instances live in graphs of this kind."""
        return self in (Kind.SOURCED, Kind.EDITORIAL, Kind.DERIVED, Kind.UNDESCRIBED)


STATEMENT_KINDS = (Kind.SOURCED, Kind.EDITORIAL, Kind.DERIVED)


@dataclass(frozen=True)
class SourceDocument:
    iri: str
    labels: tuple[ox.Literal, ...]
    titles: tuple[ox.Literal, ...]
    url: str | None


@dataclass(frozen=True)
class StatementGraph:
    """One named graph and what the provenance graph says about it."""

    iri: str
    kind: Kind
    # prov:wasDerivedFrom: for sourced graphs the one source document; for editorial graphs the sources
    # they interpret; for derived graphs their input graphs.
    derived_from: tuple[str, ...] = ()
    part: ox.Literal | None = None
    note: ox.Literal | None = None
    rule: str | None = None
    references: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The source documents that state the facts of this graph (none unless sourced)."""
        return self.derived_from if self.kind is Kind.SOURCED else ()


def _kind_by_name(iri: str) -> Kind:
    if iri == ONTOLOGY_GRAPH:
        return Kind.ONTOLOGY
    if iri == PROVENANCE_GRAPH:
        return Kind.PROVENANCE
    return Kind.UNDESCRIBED


@dataclass(frozen=True)
class Provenance:
    """The provenance graph, read once per store: every statement graph and source document."""

    graphs: Mapping[str, StatementGraph] = field(default_factory=dict)
    documents: Mapping[str, SourceDocument] = field(default_factory=dict)

    def graph(self, iri: str) -> StatementGraph:
        return self.graphs.get(iri) or StatementGraph(iri, _kind_by_name(iri))

    def kind(self, iri: str) -> Kind:
        return self.graph(iri).kind

    def graphs_of_source(self, source: str) -> tuple[StatementGraph, ...]:
        """The sourced statement graphs of one source document (its parts), by IRI."""
        return tuple(
            sorted(
                (g for g in self.graphs.values() if source in g.sources),
                key=lambda g: g.iri,
            )
        )


def load_provenance(store: ox.Store) -> Provenance:
    """What the provenance graph says (it holds a few hundred triples: one indexed read)."""
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(lambda: defaultdict(list))
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(PROVENANCE_GRAPH)):
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.NamedNode) and isinstance(obj, ox.NamedNode | ox.Literal):
            by_subject[subject.value][quad.predicate.value].append(obj)
    graphs: dict[str, StatementGraph] = {ONTOLOGY_GRAPH: StatementGraph(ONTOLOGY_GRAPH, Kind.ONTOLOGY)}
    graphs[PROVENANCE_GRAPH] = StatementGraph(PROVENANCE_GRAPH, Kind.PROVENANCE)
    documents: dict[str, SourceDocument] = {}

    def iris(props: Mapping[str, list[ox.NamedNode | ox.Literal]], prop: str) -> tuple[str, ...]:
        return tuple(sorted(o.value for o in props.get(prop, ()) if isinstance(o, ox.NamedNode)))

    def literal(props: Mapping[str, list[ox.NamedNode | ox.Literal]], prop: str) -> ox.Literal | None:
        found = sorted((o for o in props.get(prop, ()) if isinstance(o, ox.Literal)), key=str)
        return next((o for o in found if o.language in ("en", None)), found[0] if found else None)

    for iri, props in by_subject.items():
        types = {o.value for o in props.get(_TYPE, ())}
        kinds = [_KIND_OF_CLASS[c] for c in sorted(types) if c in _KIND_OF_CLASS]

        if kinds:
            rules = iris(props, _DERIVATION_RULE)
            graphs[iri] = StatementGraph(
                iri,
                Kind(kinds[0]),
                derived_from=iris(props, _DERIVED_FROM),
                part=literal(props, _SOURCE_PART),
                note=literal(props, _EDITORIAL_NOTE),
                rule=rules[0] if rules else None,
                references=iris(props, _REFERENCES),
            )
        if ONTOLOGY_NS + "SourceDocument" in types:
            labels, titles = (
                tuple(o for o in props.get(p, ()) if isinstance(o, ox.Literal)) for p in (_LABEL, _TITLE)
            )
            urls = [o.value for o in props.get(_URL, ())]
            documents[iri] = SourceDocument(iri, labels, titles, min(urls) if urls else None)
    return Provenance(graphs, documents)


Fact = ox.Triple
FactGraphs = dict[ox.Triple, tuple[str, ...]]


def fact_graphs(store: ox.Store, triples: Iterable[ox.Triple]) -> FactGraphs:
    """The named graphs each triple sits in, read with one subject-bound index lookup per subject."""
    wanted: dict[ox.NamedNode | ox.BlankNode, set[ox.Triple]] = defaultdict(set)
    for triple in triples:
        subject = triple.subject
        if isinstance(subject, ox.NamedNode | ox.BlankNode):
            wanted[subject].add(triple)
    found: dict[ox.Triple, set[str]] = defaultdict(set)
    for subject, among in wanted.items():
        for quad in store.quads_for_pattern(subject, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.triple in among:
                found[quad.triple].add(quad.graph_name.value)
    return {triple: tuple(sorted(graphs)) for triple, graphs in found.items()}


def graph_descriptions(store: ox.Store, graph_iris: Iterable[str]) -> list[ox.Triple]:
    """What the provenance graph says about these statement graphs and about what they point to (their
    source documents, the documents a reference cites, a derived graph's input graphs), read by subject."""
    provenance = ox.NamedNode(PROVENANCE_GRAPH)
    chosen = sorted(set(graph_iris) - {ONTOLOGY_GRAPH, PROVENANCE_GRAPH})
    triples: list[ox.Triple] = []
    pointed: set[str] = set()
    for iri in chosen:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None, provenance):
            triples.append(quad.triple)
            if quad.predicate.value in (_DERIVED_FROM, _REFERENCES) and isinstance(quad.object, ox.NamedNode):
                pointed.add(quad.object.value)
    for iri in sorted(pointed - set(chosen)):
        triples += [q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, provenance)]
    return triples
