"""What a source document's page adds: the statement sets drawn from it and the entities they speak of.

A source is no longer linked from each entity (a fact's source is the graph it sits in), so this is how
a reader goes from a source to what it says. Each set is read with one graph-bound index lookup. A
large graph (more than SCAN_QUADS facts, as the page index counted them) lists the entities of its
first facts, with the counts the index kept: what a page reads does not grow with the graph.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.naming import as_text, pick_literal
from ilrs_kg.linked_data.read_ahead import first_quads
from ilrs_kg.linked_data.viewmodel import Link, StatementSet, Text
from ilrs_kg.linked_data.vocabulary import humanize
from ilrs_kg.namespaces import ID_NS
from ilrs_kg.statement_graphs import Kind, StatementGraph

MAX_ENTITIES = 60
# A graph with more facts than this is not read whole for its page.
SCAN_QUADS = 5000
# (graph IRI) -> (facts, entities about which it states them), as the build counted them, or None.
GraphSizes = Callable[[str], tuple[int, int] | None]


def _title(graph: StatementGraph) -> Text:
    if graph.kind is Kind.SOURCED:
        return as_text(graph.part) if graph.part is not None else Text("the document as a whole", "en")
    note = f": {graph.note.value}" if graph.note is not None else ""
    return Text(f"Editorial, interpreting this source{note}", "en")


def _name(store: ox.Store, node: ox.NamedNode, lang: str) -> Text:
    labels = [
        q.object
        for q in store.quads_for_pattern(node, ox.NamedNode(t.LABEL), None, None)
        if isinstance(q.object, ox.Literal)
    ]
    chosen = pick_literal(labels, lang)
    return as_text(chosen) if chosen is not None else Text(humanize(node.value))


def statement_sets(
    store: ox.Store, frame: PageFrame, source: str, sizes: GraphSizes | None = None
) -> tuple[StatementSet, ...]:
    """The sourced graphs of `source` (its parts) and the editorial graphs that interpret it."""
    graphs = sorted(
        (
            g
            for g in frame.provenance.graphs.values()
            if source in g.derived_from and g.kind in (Kind.SOURCED, Kind.EDITORIAL)
        ),
        key=lambda g: (g.kind is not Kind.SOURCED, g.iri),
    )
    return tuple(statement_set(store, frame, graph, sizes) for graph in graphs)


def statement_set(
    store: ox.Store, frame: PageFrame, graph: StatementGraph, sizes: GraphSizes | None = None
) -> StatementSet:
    """One statement graph: how many facts it holds and the entities they are about (of a large graph,
    those of its first facts)."""
    counted = sizes(graph.iri) if sizes is not None else None
    large = counted is not None and counted[0] > SCAN_QUADS
    facts = 0
    subjects: set[ox.NamedNode] = set()
    for quad in first_quads(store, None, None, None, ox.NamedNode(graph.iri), SCAN_QUADS if large else None):
        facts += 1
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(ID_NS):
            subjects.add(quad.subject)
            if large and len(subjects) >= MAX_ENTITIES:
                break
    links = sorted(
        (Link(frame.iris.page(s.value), _name(store, s, frame.lang), s.value) for s in subjects),
        key=lambda link: (link.text.value.casefold(), link.href),
    )
    return StatementSet(
        _title(graph),
        graph.kind.value,
        graph.iri,
        frame.iris.page(graph.iri),
        counted[0] if counted is not None and large else facts,
        tuple(links[:MAX_ENTITIES]),
        counted[1] if counted is not None and large else len(links),
    )
