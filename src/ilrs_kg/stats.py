"""Counts that describe the graph: triples and facts per kind of graph, entities per class, sources,
label languages.

Kinds of graph (docs/provenance.md): the ontology, the provenance graph (source documents and the
descriptions of the statement graphs), and the statement graphs, whose facts are sourced, editorial or
derived. A fact stated by two sources sits in two graphs: it is two triples (quads) and one fact.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.namespaces import ID_NS, PREFIXES, curie
from ilrs_kg.statement_graphs import STATEMENT_KINDS, Kind, load_provenance

_TYPE = PREFIXES["rdf"] + "type"
_LABELS = {PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "altLabel", PREFIXES["skos"] + "prefLabel"}
_SOURCE_DOCUMENT = PREFIXES["ilrs"] + "SourceDocument"
KIND_ORDER = (Kind.ONTOLOGY, Kind.PROVENANCE, *STATEMENT_KINDS, Kind.UNDESCRIBED)


@dataclass(frozen=True)
class GraphStats:
    triples_by_kind: dict[str, int]  # quads in the graphs of each kind
    graphs_by_kind: dict[str, int]
    facts_by_kind: dict[str, int]  # distinct facts in the statement graphs of each kind
    facts: int  # distinct facts in all statement graphs
    facts_in_several_sources: int  # facts that two or more sourced graphs state
    entities_by_class: dict[str, int]
    sources: int
    languages: dict[str, int]

    def render(self) -> str:
        lines = ["triples per kind of graph (graphs):"]
        lines += [
            f"  {kind:<45} {count:>7}  ({self.graphs_by_kind.get(kind, 0)})"
            for kind, count in self.triples_by_kind.items()
        ]
        lines.append(f"  {'total':<45} {sum(self.triples_by_kind.values()):>7}")
        lines.append("facts per kind (a fact in graphs of two kinds counts in each):")
        lines += [f"  {kind:<45} {count:>7}" for kind, count in self.facts_by_kind.items()]
        lines.append(f"  {'distinct facts':<45} {self.facts:>7}")
        lines.append(f"  {'stated by two or more sources':<45} {self.facts_in_several_sources:>7}")
        lines.append("entities per class:")
        lines += [f"  {cls:<45} {count:>7}" for cls, count in self.entities_by_class.items()]
        lines.append(f"source documents: {self.sources}")
        lines.append("labels per language: " + ", ".join(f"{k} {v}" for k, v in self.languages.items()))
        return "\n".join(lines)


def compute(store: ox.Store) -> GraphStats:
    """One pass over every quad (the store holds tens of thousands: well under a second)."""
    provenance = load_provenance(store)
    triples: Counter[Kind] = Counter()
    graphs: dict[Kind, set[str]] = defaultdict(set)
    facts: dict[Kind, set[ox.Triple]] = defaultdict(set)
    sourced_graphs: dict[ox.Triple, int] = Counter()
    members: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[ox.Triple]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, None, None, None):
        if not isinstance(quad.graph_name, ox.NamedNode):
            continue  # the default graph: the generated merge of the named graphs
        name = quad.graph_name.value
        kind = provenance.kind(name)
        triples[kind] += 1
        graphs[kind].add(name)
        if kind is Kind.ONTOLOGY:
            continue
        if kind.is_statements:
            facts[kind].add(quad.triple)
            if kind is Kind.SOURCED:
                sourced_graphs[quad.triple] += 1
        subject, obj = quad.subject, quad.object
        if (
            quad.predicate.value == _TYPE
            and isinstance(subject, ox.NamedNode)
            and subject.value.startswith(ID_NS)
        ):
            members[str(obj.value) if not isinstance(obj, ox.Triple) else ""].add(subject.value)
        if quad.predicate.value in _LABELS and isinstance(obj, ox.Literal) and obj.language:
            labels[obj.language].add(quad.triple)
    all_facts = set().union(*(facts[k] for k in facts))
    by_class = sorted(((cls, len(s)) for cls, s in members.items()), key=lambda item: (-item[1], item[0]))
    return GraphStats(
        triples_by_kind={k.value: triples[k] for k in KIND_ORDER if triples[k] or k is not Kind.UNDESCRIBED},
        graphs_by_kind={k.value: len(graphs[k]) for k in KIND_ORDER},
        facts_by_kind={
            k.value: len(facts[k])
            for k in (*STATEMENT_KINDS, Kind.UNDESCRIBED)
            if facts[k] or k is not Kind.UNDESCRIBED
        },
        facts=len(all_facts),
        facts_in_several_sources=sum(1 for n in sourced_graphs.values() if n > 1),
        entities_by_class=_shorten(dict(by_class)),
        sources=len(members.get(_SOURCE_DOCUMENT, ())),
        languages=dict(
            sorted(((k, len(v)) for k, v in labels.items()), key=lambda item: (-item[1], item[0]))
        ),
    )


def _shorten(by_iri: dict[str, int]) -> dict[str, int]:
    return {curie(iri) or iri: n for iri, n in by_iri.items()}
