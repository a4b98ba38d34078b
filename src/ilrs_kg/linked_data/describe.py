"""The description of one entity: a self-contained graph built with SPARQL CONSTRUCT.

It holds every triple about the entity; the claim nodes it owns (its memberships, involvements or
mission events) with their intervals and instants; the values its dependent nodes carry (dates,
positions); the labels of everything it links to; and the links that point to it. Each triple knows the
named graphs it sits in (its statement graphs, whose descriptions come along): a fact's sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.namespaces import sparql_prefix_block
from ilrs_kg.statement_graphs import fact_graphs, graph_descriptions

# Incoming links beyond this many are left out of a document (the HTML pages them separately).
MAX_INCOMING = 1000

Term = ox.NamedNode | ox.BlankNode | ox.Literal
AnyTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def value_of(term: AnyTerm) -> str:
    """The IRI, blank-node id or lexical form of a term (a quoted triple as its N-Triples text)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _owner_values() -> str:
    return " ".join(f"<{p}>" for p in t.CLAIM_OWNER_LINKS.values())


def _dependent_filter(variable: str, base: str) -> str:
    kinds = " || ".join(f'STRSTARTS(STR({variable}), "{base}id/{kind}/")' for kind in t.DEPENDENT_KINDS)
    return f"FILTER(isBlank({variable}) || {kinds})"


def _core_query(iri: str, base: str) -> str:
    """The entity, its claims, and the dependent nodes (two levels) of both."""
    root = f"{{ BIND(<{iri}> AS ?r) }} UNION {{ ?r ?own <{iri}> VALUES ?own {{ {_owner_values()} }} }}"
    return f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ BIND(<{iri}> AS ?s) ?s ?p ?o }}
  UNION {{ ?s ?own <{iri}> VALUES ?own {{ {_owner_values()} }} ?s ?p ?o }}
  UNION {{ {root} ?r ?x ?s {_dependent_filter("?s", base)} ?s ?p ?o }}
  UNION {{ {root} ?r ?x ?d {_dependent_filter("?d", base)} ?d ?y ?s {_dependent_filter("?s", base)}
           ?s ?p ?o }}
}}"""


def _incoming_query(iri: str) -> str:
    return f"CONSTRUCT {{ ?s ?p <{iri}> }} WHERE {{ ?s ?p <{iri}> }} LIMIT {MAX_INCOMING}"


def _context_query(iris: Iterable[str], base: str) -> str:
    """Labels, titles and addresses of linked things, the types of linked entities, positions of linked
    places; and for claims, the entity each is about and its label (a membership is best named by its
    member). Each part has its own VALUES: a string FILTER over one joint list is several times slower."""
    ordered = sorted(iris)
    values = " ".join(f"<{i}>" for i in ordered)
    entities = " ".join(f"<{i}>" for i in ordered if i.startswith(base + "id/"))
    naming = f"<{t.LABEL}> <{t.PREF_LABEL}> <{t.TITLE}> <{t.URL}>"
    return f"""
CONSTRUCT {{ ?x ?p ?o . ?x <{t.HAS_GEOMETRY}> ?g . ?g <{t.AS_WKT}> ?w . ?x ?own ?owner . ?owner ?lp ?ol }}
WHERE {{
  {{ VALUES ?x {{ {values} }} VALUES ?p {{ {naming} }} ?x ?p ?o }}
  UNION {{ VALUES ?x {{ {entities} }} ?x a ?o BIND(<{t.TYPE}> AS ?p) }}
  UNION {{ VALUES ?x {{ {entities} }} ?x <{t.HAS_GEOMETRY}> ?g . ?g <{t.AS_WKT}> ?w }}
  UNION {{ VALUES ?x {{ {entities} }} VALUES ?own {{ {_owner_values()} }} ?x ?own ?owner .
           ?owner ?lp ?ol VALUES ?lp {{ <{t.LABEL}> }} }}
}}"""


def _construct(store: ox.Store, query: str) -> list[ox.Triple]:
    result = store.query(sparql_prefix_block(("rdf",)) + query)
    assert isinstance(result, ox.QueryTriples)
    return list(result)


@dataclass
class Description:
    """The triples of one entity's description, indexed both ways for the page builders."""

    iri: str
    triples: list[ox.Triple]
    incoming_truncated: bool = False
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


def describe(store: ox.Store, iri: str, base: str) -> Description:
    """The description of `iri`; empty (`exists` is False) when the graph says nothing about it."""
    core = _construct(store, _core_query(iri, base))
    incoming = _construct(store, _incoming_query(iri))
    linked = {tr.object.value for tr in core if isinstance(tr.object, ox.NamedNode)}
    linked |= {tr.subject.value for tr in [*core, *incoming] if isinstance(tr.subject, ox.NamedNode)}
    linked.discard(iri)
    context = _construct(store, _context_query(linked, base)) if linked else []
    triples = list(_dedupe([*core, *incoming, *context]))
    # The entity's own statements first, so a reader of the Turtle sees them at the top.
    triples.sort(key=lambda tr: value_of(tr.subject) != iri)
    graphs = fact_graphs(store, triples)
    return Description(
        iri,
        triples,
        incoming_truncated=len(incoming) >= MAX_INCOMING,
        graphs=graphs,
        graph_descriptions=graph_descriptions(store, {g for found in graphs.values() for g in found}),
    )
