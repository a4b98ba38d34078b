"""The description of one entity: a self-contained graph read by index lookups.

It holds every triple about the entity; the claim nodes it owns (its memberships, involvements or
mission events) with their intervals and instants; the values its dependent nodes carry (dates,
positions); the labels of everything it links to; and the links that point to it. Each triple knows the
named graphs it sits in (its statement graphs, whose descriptions come along): a fact's sources.

Every part is read with `quads_for_pattern` on the default graph (the merge of the statement graphs, each
fact once), bound by subject or by object: the cost follows the size of the description, not of the
graph. (The SPARQL CONSTRUCT this replaces planned its VALUES-bound context part as a scan: 6.85 s for a
hub at 2.5M triples against 18 ms by index.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.read_ahead import first_quads
from ilrs_kg.namespaces import ID_NS
from ilrs_kg.statement_graphs import fact_graphs, graph_descriptions

# Incoming links beyond this many are left out of a document (the HTML pages them separately).
MAX_INCOMING = 1000
# On a hub's HTML page (page_index.HUB_LINKS), the links of a property beyond this many are counted,
# not read: the page shows the first ones and links to /incoming for the rest.
HUB_PREVIEW = 12
# Claims about one entity beyond this many are left to /incoming (they are links to it, too).
MAX_CLAIMS = 200

Term = ox.NamedNode | ox.BlankNode | ox.Literal
AnyTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def value_of(term: AnyTerm) -> str:
    """The IRI, blank-node id or lexical form of a term (a quoted triple as its N-Triples text)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


_DEFAULT = ox.DefaultGraph()
_NAMING = (t.LABEL, t.PREF_LABEL, t.TITLE, t.URL)


def _facts(store: ox.Store, subject: object, predicate: str | None = None) -> list[ox.Triple]:
    """The subject's facts (each once: the default graph is the merge), by one index lookup."""
    if not isinstance(subject, ox.NamedNode | ox.BlankNode):
        return []
    named = ox.NamedNode(predicate) if predicate is not None else None
    return [q.triple for q in store.quads_for_pattern(subject, named, None, _DEFAULT)]


def _is_dependent(term: object) -> bool:
    """A node that exists only for its owner's sake (an interval, an instant, a geometry, a blank node)."""
    if isinstance(term, ox.BlankNode):
        return True
    return isinstance(term, ox.NamedNode) and any(
        term.value.startswith(f"{ID_NS}{kind}/") for kind in t.DEPENDENT_KINDS
    )


def _core(store: ox.Store, node: ox.NamedNode) -> list[ox.Triple]:
    """The entity, its first MAX_CLAIMS claims of each kind, and the dependent nodes (two levels) of
    both."""
    own = _facts(store, node)
    claims = [
        q.subject
        for predicate in t.CLAIM_OWNER_LINKS.values()
        for q in first_quads(store, None, ox.NamedNode(predicate), node, _DEFAULT, MAX_CLAIMS)
    ]
    triples = own + [tr for claim in claims for tr in _facts(store, claim)]
    roots = [own, *(_facts(store, claim) for claim in claims)]
    for facts in roots:
        for first in {tr.object for tr in facts if _is_dependent(tr.object)}:
            first_facts = _facts(store, first)
            triples += first_facts
            for second in {tr.object for tr in first_facts if _is_dependent(tr.object)}:
                triples += _facts(store, second)
    return triples


def _incoming(store: ox.Store, node: ox.NamedNode, hub: Mapping[str, int]) -> list[ox.Triple]:
    """The links to the node: of a hub, the first HUB_PREVIEW of each property (the index counted them
    all); otherwise the first MAX_INCOMING."""
    if not hub:
        return [q.triple for q in first_quads(store, None, None, node, _DEFAULT, MAX_INCOMING)]
    crowded = _crowded(hub)
    return [
        q.triple
        for prop in sorted(hub)
        for q in first_quads(
            store, None, ox.NamedNode(prop), node, _DEFAULT, HUB_PREVIEW if prop in crowded else None
        )
    ]


def _crowded(hub: Mapping[str, int]) -> dict[str, int]:
    """A hub's properties with more links than a description holds, and their counts."""
    return {prop: links for prop, links in hub.items() if links > HUB_PREVIEW}


def _context(store: ox.Store, iris: Iterable[str]) -> list[ox.Triple]:
    """Labels, titles and addresses of linked things, the types of linked entities, positions of linked
    places; and for claims, the entity each is about and its label (a membership is best named by its
    member). Index lookups by subject and property: a hub's thousand links cost a thousand lookups, not a
    scan of the graph."""
    triples: list[ox.Triple] = []
    for iri in sorted(iris):
        node = ox.NamedNode(iri)
        for predicate in _NAMING:
            triples += _facts(store, node, predicate)
        if not iri.startswith(ID_NS):
            continue
        triples += _facts(store, node, t.TYPE)
        for geometry in _facts(store, node, t.HAS_GEOMETRY):
            wkt = _facts(store, geometry.object, t.AS_WKT)
            if wkt:
                triples += [geometry, *wkt]
        for predicate in t.CLAIM_OWNER_LINKS.values():
            for link in _facts(store, node, predicate):
                labels = _facts(store, link.object, t.LABEL)
                if labels:
                    triples += [link, *labels]
    return triples


@dataclass
class Description:
    """The triples of one entity's description, indexed both ways for the page builders."""

    iri: str
    triples: list[ox.Triple]
    incoming_truncated: bool = False
    # A hub's links by property, as the page index counted them (only the first few are among `triples`).
    hub: Mapping[str, int] = field(default_factory=dict)
    # The named graphs each triple sits in: where its provenance is read (statement_graphs).
    graphs: Mapping[ox.Triple, tuple[str, ...]] = field(default_factory=dict)
    # The provenance graph's descriptions of those graphs and of their sources, for the RDF documents.
    graph_descriptions: list[ox.Triple] = field(default_factory=list)
    _out: dict[Term, dict[str, list[Term]]] = field(default_factory=dict, repr=False)
    _in: dict[Term, list[tuple[Term, str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        inc: dict[Term, list[tuple[Term, str]]] = defaultdict(list)
        for triple in self.triples:
            subject, obj = triple.subject, triple.object
            if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                continue  # quoted triples (RDF 1.2) are not part of this data model
            out[subject][triple.predicate.value].append(obj)
            inc[obj].append((subject, triple.predicate.value))
        self._out, self._in = out, inc

    @property
    def node(self) -> ox.NamedNode:
        return ox.NamedNode(self.iri)

    @property
    def exists(self) -> bool:
        return bool(self.triples)

    def outgoing(self, subject: Term) -> dict[str, list[Term]]:
        return self._out.get(subject, {})

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return self._out.get(subject, {}).get(predicate, [])

    def incoming(self, node: Term) -> list[tuple[Term, str]]:
        return self._in.get(node, [])

    def graphs_of(self, subject: Term, predicate: str, obj: Term) -> tuple[str, ...]:
        """The named graphs the fact `subject predicate obj` sits in."""
        if isinstance(subject, ox.Literal):
            return ()
        return self.graphs.get(ox.Triple(subject, ox.NamedNode(predicate), obj), ())

    def node_graphs(self, subject: Term) -> tuple[str, ...]:
        """Every graph one of the node's own facts sits in: what a claim node cites."""
        found = {
            g
            for prop, objects in self.outgoing(subject).items()
            for o in objects
            for g in self.graphs_of(subject, prop, o)
        }
        return tuple(sorted(found))

    def types(self, subject: Term) -> list[str]:
        return [o.value for o in self.objects(subject, t.TYPE) if isinstance(o, ox.NamedNode)]

    def left_out(self) -> dict[str, int]:
        """The properties whose links to the entity are only partly here (a hub's), and how many there
        are in all."""
        return _crowded(self.hub)

    def owned_claims(self) -> list[ox.NamedNode | ox.BlankNode]:
        """Claim nodes about this entity, in a stable order."""
        owners = set(t.CLAIM_OWNER_LINKS.values())
        claims = {
            s
            for s, p in self.incoming(self.node)
            if p in owners and isinstance(s, ox.NamedNode | ox.BlankNode)
        }
        return sorted(claims, key=lambda n: n.value)


def _dedupe(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    seen: set[ox.Triple] = set()
    for triple in triples:
        if triple not in seen:
            seen.add(triple)
            yield triple


def names_of(store: ox.Store, iris: Iterable[str]) -> Description:
    """Only what names these things (labels, titles, addresses): for a list of links."""
    triples = [
        tr for iri in dict.fromkeys(iris) for p in _NAMING for tr in _facts(store, ox.NamedNode(iri), p)
    ]
    return Description(next(iter(iris), ""), triples)


def describe(store: ox.Store, iri: str, hub: Mapping[str, int] | None = None) -> Description:
    """The description of `iri`; empty (`exists` is False) when the graph says nothing about it. `hub`:
    how many links of each property point to it, when it is a hub (page_index.PageIndex.hub); the
    description then holds the first few of each, bounded whatever the hub's size."""
    node = ox.NamedNode(iri)
    hub = dict(hub or {})
    core = _core(store, node)
    incoming = _incoming(store, node, hub)
    linked = {tr.object.value for tr in core if isinstance(tr.object, ox.NamedNode)}
    linked |= {tr.subject.value for tr in [*core, *incoming] if isinstance(tr.subject, ox.NamedNode)}
    linked.discard(iri)
    context = _context(store, linked)
    triples = list(_dedupe([*core, *incoming, *context]))
    # The entity's own statements first, so a reader of the Turtle sees them at the top.
    triples.sort(key=lambda tr: value_of(tr.subject) != iri)
    graphs = fact_graphs(store, triples)
    return Description(
        iri,
        triples,
        incoming_truncated=len(incoming) >= MAX_INCOMING,
        hub=hub,
        graphs=graphs,
        graph_descriptions=graph_descriptions(store, {g for found in graphs.values() for g in found}),
    )
