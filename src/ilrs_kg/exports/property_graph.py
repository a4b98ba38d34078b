"""Derive the property graph from the store: entities become nodes, relations between them edges.

What becomes what, and why (the graph is for people reading it in Gephi, Neo4j or Cytoscape):

- Nodes are the named entities of the data graph that have an ILRS class: the programme, countries,
  agencies, organizations, people, missions, spacecraft, launch vehicles, phases, stages, places,
  lunar sites, events (agreements and mission events included), objectives and facilities.
- A membership claim (ilrs:Membership) becomes a `memberOf` edge from the member to the programme, and an
  involvement claim an `involvedIn` edge, carrying the claim's facts: role, start date and year,
  signatory body, agreement, sources, and the claim's IRI. (`memberOf` is also the name of the direct
  org:memberOf relation, of a person to an agency: ORG defines it as the shortcut of a membership, and
  the claim edges are told apart by their `claim` attribute.) As nodes, claims would put a degree-2 stub
  between every country and the programme, so the programme's degree would count claims, not members,
  and every member would sit two hops from the programme and from each other. As edges, degree and
  centrality mean what they say, `startYear` filters the network by year, and two sources that disagree
  stay visible as two parallel edges. Mission events stay nodes: each ties a mission to a site, a
  spacecraft and a date, more than one edge can carry.
- Source documents are not nodes: nearly every fact cites one, so as nodes they would be hubs that pull
  the layout together and swamp centrality. Provenance is per fact, read from the statement graphs each
  fact sits in (docs/provenance.md): every edge carries `sources` (the IRIs of the source documents
  that state it), `source_parts` (where in them: "members table"), `provenance_kind` (sourced, editorial,
  derived) and `graphs` (the statement graphs' IRIs, which the RDF dumps describe); a claim edge's are
  those of the claim's own facts. Every node or claim-edge property `p` carries the same four as
  `p_sources`, `p_source_parts`, `p_provenance_kind` and `p_graphs` (the node's label and classes as
  `label_…` and `types_…`; a year's are its date's).
- Values from controlled vocabularies (SKOS concepts: roles, statuses, event and agreement types) become
  attributes holding the concept's label, not hub nodes.
- Time instants and intervals fold into dates on their owner: `date`/`year` (time:hasTime),
  `start`/`startYear` and `end`/`endYear` (time:hasBeginning/hasEnd, or a membership's interval). Dates stay
  ISO text at the precision the source gives (`2021-03-09`, `2023-09`, `2023`); the year is an integer.
- Geometries fold into `wkt`.
- Relations between two entities become edges named by the property: `launchVehicle`, `operator`, ….

The RDF dumps hold everything; this graph leaves out what is not an entity or a relation between
entities (the vocabularies' own structure, blank nodes that are none of the above).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.exports.fact_table import FactTable, dump_quads, store_quads, subject_key
from ilrs_kg.exports.files import ExportError
from ilrs_kg.exports.graph_model import Edge, Node, PropertyGraph, Value
from ilrs_kg.exports.graph_spool import Spool, SpooledGraph
from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH, ONTOLOGY_NS, PREFIXES
from ilrs_kg.statement_graphs import Provenance, load_provenance

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
RDFS_SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
SKOS = PREFIXES["skos"]
TIME = PREFIXES["time"]
XSD = PREFIXES["xsd"]
OWL_CLASS = PREFIXES["owl"] + "Class"
HAS_GEOMETRY = PREFIXES["geo"] + "hasGeometry"
AS_WKT = PREFIXES["geo"] + "asWKT"
_LABELS = (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel")

# Claims that become edges: class → (property to the edge's source, property to its target, type, label).
CLAIM_EDGES: dict[str, tuple[str, str, str, str]] = {
    ONTOLOGY_NS + "Membership": (
        PREFIXES["org"] + "member",
        PREFIXES["org"] + "organization",
        "memberOf",
        "member of",
    ),
    ONTOLOGY_NS + "Involvement": (
        ONTOLOGY_NS + "involvedAgent",
        ONTOLOGY_NS + "involvedIn",
        "involvedIn",
        "involved in",
    ),
}
# Entities that are not nodes (see the module docstring).
NOT_NODES = frozenset({ONTOLOGY_NS + "SourceDocument"})

# How the date-bearing properties name the dates they lead to.
_TIME_ROLES = {TIME + "hasTime": "date", TIME + "hasBeginning": "start", TIME + "hasEnd": "end"}
# Most precise first: an instant that states several gives the most precise.
_DATE_PROPERTIES = tuple(
    TIME + name for name in ("inXSDDateTimeStamp", "inXSDDate", "inXSDgYearMonth", "inXSDgYear")
)
_INT_TYPES = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_FLOAT_TYPES = frozenset(XSD + name for name in ("decimal", "double", "float"))
# Names the writers use themselves, or that a property's local name must not take over.
_RESERVED = frozenset(
    {
        "id",
        "key",
        "iri",
        "label",
        "type",
        "types",
        "source",
        "target",
        "parent",
        "claim",
        "name",
        "interaction",
        "value",
        "sources",
        "source_parts",
        "provenance_kind",
        "graphs",
        "wkt",
        "date",
        "year",
        "start",
        "startYear",
        "end",
        "endYear",
        "claimLabel",
    }
)
# The provenance every edge carries, and every property carries with its name as a prefix.
PROVENANCE_ATTRIBUTES = ("sources", "source_parts", "provenance_kind", "graphs")
_PROVENANCE_ORIGINS = {
    "sources": "the IRIs of the source documents that state {}",
    "source_parts": "where in those sources {} is stated (a table, a section, a numbered reference)",
    "provenance_kind": "what kind of statement {} is: sourced, editorial or derived",
    "graphs": "the IRIs of the statement graphs {} sits in (described in the RDF dumps' provenance graph)",
}
# Attributes that are lists even where an entity happens to have one value, so the schema stays stable.
_ALWAYS_MULTI = frozenset({"altLabel"})
_NMTOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_]")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


def node_key(iri: str) -> str:
    """`country:china` for an instance IRI; a digest-based key for anything that would not be a valid id."""
    if iri.startswith(ID_NS):
        candidate = iri[len(ID_NS) :].replace("/", ":")
        if _NMTOKEN.match(candidate):
            return candidate
    return "n" + hashlib.sha256(iri.encode()).hexdigest()[:16]


_Fact = tuple[str, Term, frozenset[str]]
# Facts of the terms met most recently: instants, concepts and the programme are shared by many entities.
_CACHED_TERMS = 1 << 16


class _SubjectFacts:
    """One subject's facts and, for the lookups of one property (most of them), its objects by property."""

    __slots__ = ("facts", "objects")

    def __init__(self, facts: tuple[_Fact, ...]) -> None:
        self.facts = facts
        objects: dict[str, list[Term]] = {}
        for predicate, obj, _ in facts:
            objects.setdefault(predicate, []).append(obj)
        self.objects = {predicate: tuple(found) for predicate, found in objects.items()}


class _Index:
    """The instance data (the union of the statement graphs), read subject by subject from a FactTable,
    with the graphs each fact sits in, and what the ontology says about classes and properties.
    Nothing is held per fact: a subject's facts are one indexed read (kept for the terms met recently)."""

    def __init__(self, store: ox.Store, facts: FactTable) -> None:
        self.facts = facts
        self.provenance = load_provenance(store)
        self._subject = functools.lru_cache(maxsize=_CACHED_TERMS)(self._read_subject)
        ontology = ox.NamedNode(ONTOLOGY_GRAPH)
        declared = store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL_CLASS), ontology)
        self.classes = {
            q.subject.value
            for q in declared
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ONTOLOGY_NS)
        }
        parents: dict[str, set[str]] = defaultdict(set)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDFS_SUBCLASS), None, ontology):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                parents[q.subject.value].add(q.object.value)
        self.ancestors = {cls: _closure(cls, parents) for cls in self.classes}
        self.property_labels = {
            q.subject.value: q.object.value
            for q in store.quads_for_pattern(None, ox.NamedNode(RDFS_LABEL), None, ontology)
            if isinstance(q.subject, ox.NamedNode)
            and isinstance(q.object, ox.Literal)
            and q.object.language in (None, "en")
        }

    def facts_of(self, subject: Term) -> tuple[_Fact, ...]:
        """The subject's facts in the statement graphs, sorted, each with the graphs that state it."""
        return self._subject(subject).facts

    def values(self, subject: Term, predicate: str) -> tuple[Term, ...]:
        return self._subject(subject).objects.get(predicate, ())

    def _read_subject(self, subject: Term) -> _SubjectFacts:
        return _SubjectFacts(self._read_facts(subject))

    def _read_facts(self, subject: Term) -> tuple[_Fact, ...]:
        if isinstance(subject, ox.Literal):
            return ()
        graphs: dict[tuple[str, Term], list[str]] = {}
        for predicate, obj, graph in self.facts.rows(subject_key(subject)):
            key = (predicate, obj)
            found = graphs.get(key)
            if found is None:
                graphs[key] = [graph]
            else:
                found.append(graph)
        facts = [(p, o, frozenset(g)) for (p, o), g in graphs.items()]
        facts.sort(key=lambda fact: (fact[0], str(fact[1])))
        return tuple(facts)

    def typed_subjects(self) -> dict[str, frozenset[str]]:
        """Every named subject with an ILRS class in a statement graph, and those classes."""
        found: dict[str, set[str]] = defaultdict(set)
        for subject, cls in self.facts.links(RDF_TYPE):
            if cls in self.classes:
                found[subject].add(cls)
        return {iri: frozenset(types) for iri, types in found.items()}

    def graphs_of(self, subject: Term, predicate: str, obj: Term) -> frozenset[str]:
        for p, o, graphs in self.facts_of(subject):
            if p == predicate and o == obj:
                return graphs
        return frozenset()

    def ilrs_types(self, subject: Term) -> set[str]:
        return {
            t.value
            for t in self.values(subject, RDF_TYPE)
            if isinstance(t, ox.NamedNode) and t.value in self.classes
        }

    def is_concept(self, subject: Term) -> bool:
        return any(
            isinstance(t, ox.NamedNode) and t.value in (SKOS + "Concept", SKOS + "ConceptScheme")
            for t in self.values(subject, RDF_TYPE)
        )

    def label(self, subject: Term) -> str | None:
        for predicate in (RDFS_LABEL, SKOS + "prefLabel"):
            literals = [v for v in self.values(subject, predicate) if isinstance(v, ox.Literal)]
            for wanted in ("en", None):
                for literal in literals:
                    if literal.language == wanted:
                        return literal.value
            if literals:
                return literals[0].value
        return None


def _closure(cls: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    pending = [cls]
    while pending:
        for parent in parents.get(pending.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return seen


@dataclass
class _Facts:
    """Attribute values gathered for one node or edge, and where each attribute name came from."""

    values: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    origins: dict[str, str] = field(default_factory=dict)
    # The statement graphs that state each attribute's values.
    graphs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, name: str, value: Value, origin: str, graphs: Iterable[str] = ()) -> None:
        if value not in self.values[name]:
            self.values[name].append(value)
        self.origins.setdefault(name, origin)
        self.cite(name, graphs)

    def cite(self, name: str, graphs: Iterable[str]) -> None:
        self.graphs[name].update(graphs)


def provenance_values(provenance: Provenance, graphs: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """What the provenance graph says about these statement graphs, as the four attribute values."""
    chosen = sorted(set(graphs))
    described = [provenance.graph(g) for g in chosen]
    found = {
        "sources": tuple(sorted({s for g in described for s in g.sources})),
        "source_parts": tuple(sorted({g.part.value for g in described if g.part is not None})),
        "provenance_kind": tuple(sorted({g.kind.value for g in described})),
        "graphs": tuple(chosen),
    }
    return {name: values for name, values in found.items() if values}


class _Builder:
    def __init__(self, store: ox.Store, facts: FactTable, spool: Spool) -> None:
        self.index = _Index(store, facts)
        self.spool = spool
        self.node_iris: set[str] = set()
        self.origins: dict[str, str] = {}  # attribute name → where its values come from
        self.names: dict[str, str] = {}  # property IRI → attribute name
        self.taken: set[str] = set(_RESERVED)
        self.cited = functools.lru_cache(maxsize=4096)(self._cited)
        self.node_label = functools.lru_cache(maxsize=_CACHED_TERMS)(self._node_label)
        # Few attributes: each provenance attribute's name is made (and its origin noted) once.
        self.provenance_name = functools.cache(self._provenance_name)
        # Few combinations of classes: each one's names are worked out once.
        self.type_names = functools.cache(self._type_names)

    def _cited(self, graphs: frozenset[str]) -> dict[str, tuple[str, ...]]:
        # Few distinct sets of graphs recur across millions of facts: each is described once.
        return provenance_values(self.index.provenance, graphs)

    # --- naming -------------------------------------------------------------------------------------

    def name_for(self, predicate: str) -> str:
        if predicate == RDFS_LABEL:
            return "label"  # only other languages' labels reach here: label_zh, label_ru
        if predicate not in self.names:
            name = _NAME_CHARS.sub("_", local_name(predicate))
            if name in self.taken or not name[:1].isalpha():
                prefix = next((p for p, ns in PREFIXES.items() if predicate.startswith(ns)), "p")
                name = f"{prefix}_{name}"
            while name in self.taken:
                name += "_"
            self.taken.add(name)
            self.names[predicate] = name
        return self.names[predicate]

    # --- nodes ------------------------------------------------------------------------------------------

    def classify(self) -> tuple[list[str], list[tuple[ox.NamedNode, str]]]:
        """The entities' IRIs and the claims (with their claim class), each sorted by IRI."""
        entities: list[str] = []
        claims: list[tuple[ox.NamedNode, str]] = []
        for iri, types in sorted(self.index.typed_subjects().items()):
            claim_class = next((c for c in sorted(types) if c in CLAIM_EDGES), None)
            if claim_class is not None:
                claims.append((ox.NamedNode(iri), claim_class))
            elif not types & NOT_NODES:
                entities.append(iri)
        return entities, claims

    def _node_label(self, subject: ox.NamedNode) -> str:
        for predicate, obj, _ in self.index.facts_of(subject):
            if predicate == RDFS_LABEL and isinstance(obj, ox.Literal) and obj.language in (None, "en"):
                return obj.value
        return self.index.label(subject) or node_key(subject.value)

    def make_node(self, subject: ox.NamedNode) -> Node:
        asserted = self.index.ilrs_types(subject)
        types = self.type_names(frozenset(asserted))
        facts = _Facts()
        labelled = False
        for predicate, obj, graphs in self.index.facts_of(subject):
            if predicate == RDF_TYPE:
                if isinstance(obj, ox.NamedNode) and obj.value in asserted:
                    facts.cite("types", graphs)
                continue
            if predicate == RDFS_LABEL and isinstance(obj, ox.Literal) and obj.language in (None, "en"):
                if not labelled:
                    labelled = True
                    facts.cite("label", graphs)
                    continue
                predicate = SKOS + "altLabel"
            if not self.is_node(obj):
                self.fold(facts, predicate, obj, graphs)
        key = node_key(subject.value)
        return Node(key, subject.value, self.node_label(subject), types, self.freeze(facts))

    def _type_names(self, asserted: frozenset[str]) -> tuple[str, ...]:
        """The local names of the most specific asserted classes, then all asserted, then inherited."""
        ancestors = self.index.ancestors
        specific = sorted(c for c in asserted if not any(c in ancestors[o] for o in asserted))
        inherited = sorted({a for c in asserted for a in ancestors[c] if a in self.index.classes})
        return tuple(dict.fromkeys(local_name(c) for c in [*specific, *sorted(asserted), *inherited]))

    def is_node(self, term: Term) -> bool:
        return isinstance(term, ox.NamedNode) and term.value in self.node_iris

    def freeze(self, facts: _Facts) -> dict[str, tuple[Value, ...]]:
        """The values, sorted by name, plus each attribute's provenance as `<name>_sources` and the other
        three (not for years: their dates carry it)."""
        origins = self.origins
        for name, origin in facts.origins.items():
            if name not in origins:
                origins[name] = origin
        out: dict[str, tuple[Value, ...]] = {name: tuple(found) for name, found in facts.values.items()}
        for name, graphs in facts.graphs.items():
            if graphs and not name.endswith("Year") and name != "year":
                for suffix, values in self.cited(frozenset(graphs)).items():
                    attribute = self.provenance_name(name, suffix)
                    out[attribute] = values
        return dict(sorted(out.items()))

    def _provenance_name(self, name: str, suffix: str) -> str:
        attribute = f"{name}_{suffix}"
        self.origins.setdefault(attribute, _PROVENANCE_ORIGINS[suffix].format(name))
        return attribute

    # --- facts ------------------------------------------------------------------------------------------

    def fold(self, facts: _Facts, predicate: str, obj: Term, graphs: frozenset[str]) -> None:
        """Add what `predicate obj` says to `facts` (relations to other nodes are edges, not facts), cited
        by `graphs`, those of the fact itself."""
        if isinstance(obj, ox.Literal):
            facts.add(_with_language(self.name_for(predicate), obj), _convert(obj), predicate, graphs)
        elif predicate in _TIME_ROLES or self.is_temporal(obj):
            self.fold_time(facts, _TIME_ROLES.get(predicate), obj, predicate, graphs)
        elif predicate == HAS_GEOMETRY:
            for wkt in self.index.values(obj, AS_WKT):
                facts.add("wkt", wkt.value, AS_WKT, graphs | self.index.graphs_of(obj, AS_WKT, wkt))
        elif self.index.is_concept(obj):
            facts.add(self.name_for(predicate), self.index.label(obj) or obj.value, predicate, graphs)
        elif isinstance(obj, ox.NamedNode):
            facts.add(self.name_for(predicate), obj.value, predicate, graphs)

    def is_temporal(self, term: Term) -> bool:
        types = {t.value for t in self.index.values(term, RDF_TYPE) if isinstance(t, ox.NamedNode)}
        return bool(types & {TIME + "Instant", TIME + "Interval", TIME + "ProperInterval"})

    def fold_time(
        self, facts: _Facts, role: str | None, term: Term, origin: str, graphs: frozenset[str]
    ) -> None:
        """Dates of an instant (named by `role`), or the start and end of an interval, cited by the facts
        that lead to them (an instant is shared by every fact on its day: its own graphs are not theirs)."""
        dates = [v for p in _DATE_PROPERTIES for v in self.index.values(term, p) if isinstance(v, ox.Literal)]
        if dates:
            name = role or self.name_for(origin)
            text = dates[0].value
            facts.add(name, text, origin, graphs)
            year = _year(text)
            if year is not None:
                facts.add("year" if name == "date" else f"{name}Year", year, f"{origin} (year)")
            for predicate, obj, _ in self.index.facts_of(term):
                if isinstance(obj, ox.Literal) and predicate not in (*_DATE_PROPERTIES, *_LABELS):
                    extra = self.name_for(predicate)
                    facts.add(
                        extra if name == "date" else name + extra[:1].upper() + extra[1:],
                        _convert(obj),
                        predicate,
                        graphs,
                    )
        for predicate in (TIME + "hasBeginning", TIME + "hasEnd"):
            for inner in self.index.values(term, predicate):
                inner_graphs = graphs | self.index.graphs_of(term, predicate, inner)
                self.fold_time(facts, _TIME_ROLES[predicate], inner, predicate, inner_graphs)

    # --- edges ------------------------------------------------------------------------------------------

    def relation_edges(self, node: Node) -> Iterable[Edge]:
        for predicate, obj, graphs in self.index.facts_of(ox.NamedNode(node.iri)):
            if predicate != RDF_TYPE and self.is_node(obj):
                assert isinstance(obj, ox.NamedNode)
                target = node_key(obj.value)
                edge_type = self.name_for(predicate)
                label = self.index.property_labels.get(predicate, edge_type)
                key = f"{node.key}--{edge_type}--{target}"
                yield Edge(key, node.key, target, edge_type, label, self.cited(graphs), node.iri, obj.value)

    def claim_edges(self, claim: ox.NamedNode, claim_class: str) -> Iterable[Edge]:
        from_property, to_property, edge_type, label = CLAIM_EDGES[claim_class]
        ends = [
            [o for o in self.index.values(claim, p) if isinstance(o, ox.NamedNode)]
            for p in (from_property, to_property)
        ]
        if not all(ends) or not all(self.is_node(o) for o in ends[0] + ends[1]):
            raise ExportError(
                f"claim {claim.value} does not link two entities "
                f"through <{from_property}> and <{to_property}>"
            )
        facts = _Facts()
        facts.add("claim", claim.value, "the claim's IRI")
        claim_facts = self.index.facts_of(claim)
        # The edge as a whole cites every graph that states one of the claim's own facts.
        claim_graphs = frozenset(g for _, _, graphs in claim_facts for g in graphs)
        for predicate, obj, graphs in claim_facts:
            if predicate in (RDF_TYPE, from_property, to_property):
                continue
            if self.is_node(obj):
                assert isinstance(obj, ox.NamedNode)
                name = self.name_for(predicate)
                facts.add(name, self.node_label(obj), f"{predicate} (label)", graphs)
                facts.add(name + "Iri", obj.value, predicate)
            elif predicate == RDFS_LABEL and isinstance(obj, ox.Literal):
                facts.add(_with_language("claimLabel", obj), obj.value, predicate, graphs)
            else:
                self.fold(facts, predicate, obj, graphs)
        frozen = {**self.freeze(facts), **self.cited(claim_graphs)}
        pairs = [(s, t) for s in ends[0] for t in ends[1]]
        for number, (source, target) in enumerate(pairs):
            key = node_key(claim.value) + (f"--{number}" if len(pairs) > 1 else "")
            yield Edge(
                key,
                node_key(source.value),
                node_key(target.value),
                edge_type,
                label,
                frozen,
                source.value,
                target.value,
            )

    # --- whole graph ------------------------------------------------------------------------------------

    def build(self) -> SpooledGraph:
        for name, origin in _PROVENANCE_ORIGINS.items():
            self.origins.setdefault(name, origin.format("the relation, or the claim's own facts"))
        entities, claims = self.classify()
        self.node_iris = set(entities)  # is_node() must know every node before facts fold
        keys: set[str] = set()
        for iri in entities:
            node = self.make_node(ox.NamedNode(iri))
            if node.key in keys:
                raise ExportError("two entities map to the same node key")
            keys.add(node.key)
            self.spool.add_node(node)
            for edge in self.relation_edges(node):
                self.spool.add_edge(edge)
        del keys
        for claim, cls in claims:
            for edge in self.claim_edges(claim, cls):
                self.spool.add_edge(edge)
        return self.spool.finish(self.origins)


def _year(text: str) -> int | None:
    match = re.match(r"^(-?\d{4,})", text)
    return int(match.group(1)) if match else None


def _convert(literal: ox.Literal) -> Value:
    datatype = literal.datatype.value
    try:
        if datatype in _INT_TYPES:
            return int(literal.value)
        if datatype in _FLOAT_TYPES:
            return float(literal.value)
    except ValueError:
        return literal.value
    if datatype == XSD + "boolean":
        return literal.value in ("true", "1")
    return literal.value


def _with_language(name: str, literal: ox.Literal) -> str:
    """`label_zh` for a Chinese label; English and untagged values keep the plain name."""
    if literal.language in (None, "en"):
        return name
    return f"{name}_{_NAME_CHARS.sub('_', literal.language)}"


def _always_multi(name: str) -> bool:
    return name.split("_")[0] in _ALWAYS_MULTI or any(
        name == s or name.endswith("_" + s) for s in PROVENANCE_ATTRIBUTES
    )


def new_spool(directory: Path | None = None) -> Spool:
    """An empty spool for `spool_property_graph` (in `directory`, or the system's temporary one)."""
    return Spool(_always_multi, directory)


def spool_property_graph(store: ox.Store, spool: Spool, nquads: Path | None = None) -> SpooledGraph:
    """The property graph, written to `spool` entity by entity and read back by the writers. Its facts
    are read from `nquads`, an N-Quads dump of `store` already written, or else from the store."""
    path = spool.directory / "facts.sqlite"
    facts = FactTable(path, dump_quads(nquads) if nquads is not None else store_quads(store))
    try:
        return _Builder(store, facts, spool).build()
    finally:
        facts.close()
        path.unlink()


def build_property_graph(store: ox.Store) -> PropertyGraph:
    """The property graph in memory (for tests and small graphs; the build spools it)."""
    with new_spool() as spool:
        return spool_property_graph(store, spool).in_memory()
