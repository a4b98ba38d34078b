"""Class index pages: every instance of one class, by name."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.naming import as_text, name_of, pick_literal
from ilrs_kg.linked_data.source_list import source_entries
from ilrs_kg.linked_data.values import Citations
from ilrs_kg.linked_data.viewmodel import Link, SourceEntry, Text
from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH, PREFIXES
from ilrs_kg.statement_graphs import fact_graphs
from ilrs_kg.web.frame import PageMeta


@dataclass(frozen=True)
class IndexEntry:
    link: Link
    note: Text | None


@dataclass(frozen=True)
class ClassIndexPage:
    meta: PageMeta
    class_iri: str
    label: str
    definition: str | None
    documentation: str
    entries: tuple[IndexEntry, ...]
    sources: tuple[SourceEntry, ...] = ()
    # Paging: how many instances there are in all, this page's number of how many, and the neighbours.
    total: int = 0
    page: int = 1
    pages: int = 1
    previous_href: str | None = None
    next_href: str | None = None


RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def class_iri(name: str) -> str | None:
    """`Mission` names ilrs:Mission; a CURIE such as `skos:Concept` names a reused class."""
    prefix, sep, local = name.partition(":")
    if not sep:
        prefix, local = "ilrs", name
    namespace = PREFIXES.get(prefix)
    if namespace is None or not local.replace("_", "").isalnum():
        return None
    return namespace + local


# Instances per class page: a class with a hundred thousand instances is a thousand pages, not one.
CLASS_PAGE_SIZE = 200
# The facts a row shows (its name, its note, what a claim is about).
_SHOWN: tuple[str, ...] = (t.LABEL, t.PREF_LABEL, t.TITLE, t.DESCRIPTION, t.ORG + "member")
_SHOWN += (t.ILRS + "ofMission", t.ILRS + "involvedAgent")


def _instances_where(cls: str, base: str) -> str:
    # Instances of subclasses belong on the page too: an agreement is an event. Instances are what the
    # statement graphs (and, for source documents, the provenance graph) type, never the ontology.
    return f"""?type <{RDFS_SUBCLASS_OF}>* <{cls}>
        GRAPH ?g {{ ?s a ?type }}
        FILTER(?g != <{ONTOLOGY_GRAPH}> && STRSTARTS(STR(?s), "{ID_NS}"))"""


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def _page_of_instances(
    store: ox.Store, cls: str, base: str, lang: str, page: int
) -> tuple[list[ox.NamedNode], int]:
    """One page of the class's instances, in the order of their names in the page's language (then in
    English, then by IRI), and how many instances there are."""
    where = _instances_where(cls, base)
    rows = _select(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")
    total = int(rows[0]["n"].value) if rows and isinstance(rows[0]["n"], ox.Literal) else 0
    chosen = _select(
        store,
        f"""SELECT ?s (MIN(?name) AS ?key) WHERE {{
              {{ SELECT DISTINCT ?s WHERE {{ {where} }} }}
              OPTIONAL {{ ?s <{t.LABEL}> ?own FILTER(LANGMATCHES(LANG(?own), "{lang}")) }}
              OPTIONAL {{ ?s <{t.LABEL}> ?en FILTER(LANGMATCHES(LANG(?en), "en")) }}
              BIND(LCASE(STR(COALESCE(?own, ?en, ?s))) AS ?name)
            }} GROUP BY ?s ORDER BY ?key ?s
            LIMIT {CLASS_PAGE_SIZE} OFFSET {(page - 1) * CLASS_PAGE_SIZE}""",
    )
    return [r["s"] for r in chosen if isinstance(r["s"], ox.NamedNode)], total


def _index_graph(store: ox.Store, cls: str, nodes: list[ox.NamedNode]) -> Description:
    """The chosen instances' types (of this class or a subclass, as a statement graph states them) and the
    facts a row shows, read by index lookups."""
    rows = _select(store, f"SELECT ?type WHERE {{ ?type <{RDFS_SUBCLASS_OF}>* <{cls}> }}")
    kinds = {r["type"] for r in rows}
    rdf_type, cls_node = ox.NamedNode(t.TYPE), ox.NamedNode(cls)
    triples: list[ox.Triple] = []
    for node in nodes:
        triples.append(ox.Triple(node, rdf_type, cls_node))
        for quad in store.quads_for_pattern(node, rdf_type, None, None):
            named = quad.graph_name
            if isinstance(named, ox.NamedNode) and named.value != ONTOLOGY_GRAPH and quad.object in kinds:
                triples.append(quad.triple)
        for prop in _SHOWN:
            triples += [q.triple for q in store.quads_for_pattern(node, ox.NamedNode(prop), None, _DEFAULT)]
    unique = list(dict.fromkeys(triples))
    return Description(cls, unique, graphs=fact_graphs(store, unique))


_DEFAULT = ox.DefaultGraph()


def build_class_index(
    store: ox.Store,
    cls: str,
    frame: PageFrame,
    meta: PageMeta,
    page: int = 1,
    page_href: Callable[[int], str] | None = None,
) -> ClassIndexPage | None:
    """Page `page` of the class's instances (the last page when it is beyond); None if it has none."""
    nodes, total = _page_of_instances(store, cls, frame.iris.base, frame.lang, page)
    pages = max(1, math.ceil(total / CLASS_PAGE_SIZE))
    if total and page > pages:
        page = pages
        nodes, total = _page_of_instances(store, cls, frame.iris.base, frame.lang, page)
    graph = _index_graph(store, cls, nodes)
    citations = Citations(graph, frame.provenance)
    instances = {
        s for s, p in graph.incoming(ox.NamedNode(cls)) if p == t.TYPE and isinstance(s, ox.NamedNode)
    }
    if not instances:
        return None
    rows = []
    for node in instances:
        name = name_of(graph, node, frame.lang, frame.vocabulary)
        note = pick_literal(
            [o for o in graph.objects(node, t.DESCRIPTION) if isinstance(o, ox.Literal)], frame.lang
        )
        # The row says the entity is of this class (or a subclass) and shows its description: it cites
        # the graphs stating those.
        stated = [g for o in graph.objects(node, t.TYPE) for g in graph.graphs_of(node, t.TYPE, o)]
        if note is not None:
            stated += graph.graphs_of(node, t.DESCRIPTION, note)
        rows.append((Link(frame.iris.page(node.value), name, node.value), note, stated))
    rows.sort(key=lambda row: (row[0].text.value.casefold(), row[0].href))
    # Numbered in reading order.
    entries = [
        IndexEntry(
            replace(link, citations=citations.cite_graphs(stated)),
            as_text(note) if note is not None else None,
        )
        for link, note, stated in rows
    ]
    local = cls.removeprefix(t.ILRS)
    documentation = frame.iris.url("ontology") + (f"#{local}" if cls.startswith(t.ILRS) else "")
    return ClassIndexPage(
        meta,
        cls,
        frame.vocabulary.label(cls),
        frame.vocabulary.definition(cls),
        documentation,
        tuple(entries),
        source_entries(citations.numbers, frame.provenance, frame.iris, frame.lang),
        total=total,
        page=page,
        pages=pages,
        previous_href=page_href(page - 1) if page_href and page > 1 else None,
        next_href=page_href(page + 1) if page_href and page < pages else None,
    )
