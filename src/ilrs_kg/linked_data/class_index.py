"""Class index pages: every instance of one class, as a table that sorts by its columns.

Sorting is server-side (`?sort=launch&order=desc`, links in the column headings), so it works with
scripts off and across pages: the pages' Content-Security-Policy runs no script at all. Dates sort
chronologically at mixed precision because their ISO text does ("2024-05-03" < "2026" < "2028-08").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.naming import as_text, name_of, pick_literal
from ilrs_kg.linked_data.read_ahead import read_ahead
from ilrs_kg.linked_data.source_list import source_entries
from ilrs_kg.linked_data.values import Citations, ValueContext, cited_values
from ilrs_kg.linked_data.viewmodel import Link, SourceEntry, Text, Value
from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH, PREFIXES
from ilrs_kg.web.frame import PageMeta


@dataclass(frozen=True)
class Column:
    """A column of a class's table: the first of `props` that an instance has gives its values."""

    key: str
    label: str
    props: tuple[str, ...]


@dataclass(frozen=True)
class Sort:
    key: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class ColumnHead:
    label: str
    href: str  # sorts by this column (the other way round when it is the sort column already)
    sorted: str | None  # "ascending", "descending" (aria-sort) or None


@dataclass(frozen=True)
class IndexEntry:
    link: Link
    note: Text | None
    cells: tuple[tuple[Value, ...], ...] = ()


_ILRS, _ORG = t.ILRS, t.ORG
_JOINED = Column("joined", "Joined", (_ILRS + "joinDate",))
# The columns of a class's table, besides the name (classes without columns are a list of names).
COLUMNS: dict[str, tuple[Column, ...]] = {
    _ILRS + "Mission": (
        Column("launch", "Launch", (_ILRS + "launchDate", _ILRS + "plannedLaunchDate")),
        Column("status", "Status", (_ILRS + "missionStatus",)),
        Column("vehicle", "Launch vehicle", (_ILRS + "launchVehicle", _ILRS + "candidateLaunchVehicle")),
        Column("operator", "Operator", (_ILRS + "operator",)),
        Column("phase", "Phase", (_ILRS + "phase",)),
    ),
    _ILRS + "Country": (_JOINED, Column("iso", "ISO 3166-1", (_ILRS + "iso3166Alpha2",))),
    _ILRS + "Agency": (Column("country", "Country", (_ILRS + "country",)), _JOINED),
    _ILRS + "Organization": (Column("country", "Country", (_ILRS + "country",)), _JOINED),
    _ILRS + "Person": (
        Column("position", "Position", (_ILRS + "positionTitle",)),
        Column("member-of", "Member of", (_ORG + "memberOf",)),
    ),
    _ILRS + "LaunchVehicle": (
        Column("built-by", "Built by", (_ILRS + "builtBy",)),
        Column("variant-of", "Variant of", (_ILRS + "variantOf",)),
    ),
}


def parse_sort(cls: str, sort: str | None, order: str | None) -> Sort | None:
    """`?sort=<column>&order=asc|desc` for this class's table; None when either names nothing."""
    keys = {"name", *(c.key for c in COLUMNS.get(cls, ()))}
    key = sort or "name"
    if key not in keys or order not in (None, "asc", "desc"):
        return None
    return Sort(key, order == "desc")


@dataclass(frozen=True)
class ClassIndexPage:
    meta: PageMeta
    class_iri: str
    label: str
    definition: str | None
    documentation: str
    entries: tuple[IndexEntry, ...]
    sources: tuple[SourceEntry, ...] = ()
    # A table's headings (the name first); empty for a plain list of names.
    columns: tuple[ColumnHead, ...] = ()
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


def instances_where(cls: str) -> str:
    # Instances of subclasses belong on the page too: an agreement is an event. Instances are what the
    # statement graphs (and, for source documents, the provenance graph) type, never the ontology.
    return f"""?type <{RDFS_SUBCLASS_OF}>* <{cls}>
        GRAPH ?g {{ ?s a ?type }}
        FILTER(?g != <{ONTOLOGY_GRAPH}> && STRSTARTS(STR(?s), "{ID_NS}"))"""


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def _sort_clause(column: Column | None, lang: str) -> tuple[str, str]:
    """The pattern binding ?k, the column's sort text for ?s (a literal's text, a linked thing's name),
    and the aggregate of it per instance."""
    if column is None:
        return "", ""
    parts, keys = [], []
    for i, prop in enumerate(column.props):
        parts.append(
            f"""OPTIONAL {{ ?s <{prop}> ?v{i}
                  OPTIONAL {{ ?v{i} <{t.LABEL}> ?l{i} FILTER(LANGMATCHES(LANG(?l{i}), "{lang}")) }}
                  OPTIONAL {{ ?v{i} <{t.LABEL}> ?e{i} FILTER(LANGMATCHES(LANG(?e{i}), "en")) }} }}"""
        )
        keys += [f"STR(?l{i})", f"STR(?e{i})", f"STR(?v{i})"]
    pattern = " ".join(parts) + f" BIND(LCASE(COALESCE({', '.join(keys)})) AS ?k)"
    return pattern, "(MIN(?k) AS ?sortkey)"


# (class, sort, language, offset, limit) -> that slice of the build's order and the class's size, or None.
OrderLookup = Callable[[str, Sort, str, int, int], tuple[list[ox.NamedNode], int] | None]


def _page_of_instances(
    store: ox.Store, cls: str, lang: str, page: int, sort: Sort = Sort(), orders: OrderLookup | None = None
) -> tuple[list[ox.NamedNode], int]:
    """One page of the class's instances, in the order asked for: by a column (instances without a
    value last, either way round), then by their names in the page's language (then in English, then by
    IRI); and how many instances there are. From the orders the build kept (class_order), else sorted
    now, by the same rules."""
    kept = orders(cls, sort, lang, (page - 1) * CLASS_PAGE_SIZE, CLASS_PAGE_SIZE) if orders else None
    if kept is not None:
        return kept
    where = instances_where(cls)
    rows = _select(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")
    total = int(rows[0]["n"].value) if rows and isinstance(rows[0]["n"], ox.Literal) else 0
    column = next((c for c in COLUMNS.get(cls, ()) if c.key == sort.key), None)
    pattern, aggregate = _sort_clause(column, lang)
    direction = "DESC" if sort.descending else "ASC"
    if column is not None:
        order = f"(!BOUND(?sortkey)) {direction}(?sortkey) ?key ?s"
    else:
        order = f"{direction}(?key) {direction}(?s)"
    chosen = _select(
        store,
        f"""SELECT ?s (MIN(?name) AS ?key) {aggregate} WHERE {{
              {{ SELECT DISTINCT ?s WHERE {{ {where} }} }}
              OPTIONAL {{ ?s <{t.LABEL}> ?own FILTER(LANGMATCHES(LANG(?own), "{lang}")) }}
              OPTIONAL {{ ?s <{t.LABEL}> ?en FILTER(LANGMATCHES(LANG(?en), "en")) }}
              BIND(LCASE(STR(COALESCE(?own, ?en, ?s))) AS ?name)
              {pattern}
            }} GROUP BY ?s ORDER BY {order}
            LIMIT {CLASS_PAGE_SIZE} OFFSET {(page - 1) * CLASS_PAGE_SIZE}""",
    )
    return [r["s"] for r in chosen if isinstance(r["s"], ox.NamedNode)], total


def _index_graph(store: ox.Store, cls: str, nodes: list[ox.NamedNode]) -> Description:
    """The chosen instances' types (of this class or a subclass, as a statement graph states them) and the
    facts a row shows, with the named graphs each sits in. One read of each instance's statements in
    every graph gives all three (a lookup per property, then another read of every statement for its
    graphs, made class pages 1.7–2.1 times as slow at 1M), and one read of each linked thing's names (a
    status or a country is linked from most rows)."""
    rows = _select(store, f"SELECT ?type WHERE {{ ?type <{RDFS_SUBCLASS_OF}>* <{cls}> }}")
    kinds = {r["type"] for r in rows}
    rdf_type, cls_node, label = ox.NamedNode(t.TYPE), ox.NamedNode(cls), ox.NamedNode(t.LABEL)
    shown = (*_SHOWN, *(p for c in COLUMNS.get(cls, ()) for p in c.props))
    triples: list[ox.Triple] = []
    graphs: dict[ox.Triple, set[str]] = defaultdict(set)
    named: set[ox.NamedNode] = set()
    read_ahead(store, nodes)
    for node in nodes:
        merged: dict[str, list[ox.Triple]] = defaultdict(list)  # the default graph's, by property
        stated = [ox.Triple(node, rdf_type, cls_node)]
        for quad in store.quads_for_pattern(node, None, None, None):
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode):
                merged[quad.predicate.value].append(quad.triple)
                continue
            graphs[quad.triple].add(graph.value)
            if quad.predicate == rdf_type and graph.value != ONTOLOGY_GRAPH and quad.object in kinds:
                stated.append(quad.triple)
        triples += stated
        for prop in shown:
            for triple in merged.get(prop, ()):
                triples.append(triple)
                linked = triple.object
                if isinstance(linked, ox.NamedNode) and linked not in named:  # what a cell shows of it
                    named.add(linked)
                    for quad in store.quads_for_pattern(linked, label, None, None):
                        if isinstance(quad.graph_name, ox.NamedNode):
                            graphs[quad.triple].add(quad.graph_name.value)
                        else:
                            triples.append(quad.triple)
    unique = list(dict.fromkeys(triples))
    return Description(cls, unique, graphs={f: tuple(sorted(graphs[f])) for f in unique if f in graphs})


def _cell(ctx: ValueContext, node: ox.NamedNode, column: Column) -> tuple[Value, ...]:
    """The values of the first of the column's properties the instance has, each citing its graphs; a
    fallback property's values say which it is ("2028 (planned launch date)")."""
    for index, prop in enumerate(column.props):
        objects = ctx.description.objects(node, prop)
        if objects:
            values = cited_values(ctx, node, prop, objects)
            if index:
                label = ctx.vocabulary.label(prop)
                values = tuple(
                    replace(v, text=Text(f"{v.text.value} ({label})", v.text.lang)) for v in values
                )
            return values
    return ()


def build_class_index(
    store: ox.Store,
    cls: str,
    frame: PageFrame,
    meta: PageMeta,
    page: int = 1,
    page_href: Callable[[int], str] | None = None,
    sort: Sort = Sort(),
    sort_href: Callable[[Sort], str] | None = None,
    orders: OrderLookup | None = None,
) -> ClassIndexPage | None:
    """Page `page` of the class's instances (the last page when it is beyond), sorted by `sort`; None
    if it has none. `page_href` and `sort_href` give the addresses of other pages and orders."""
    nodes, total = _page_of_instances(store, cls, frame.lang, page, sort, orders)
    pages = max(1, math.ceil(total / CLASS_PAGE_SIZE))
    if total and page > pages:
        page = pages
        nodes, total = _page_of_instances(store, cls, frame.lang, page, sort, orders)
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
    if sort.key == "name":
        rows.sort(key=lambda row: (row[0].text.value.casefold(), row[0].href), reverse=sort.descending)
    else:  # the store's order, by the column
        position = {node.value: i for i, node in enumerate(nodes)}
        rows.sort(key=lambda row: position.get(row[0].hint or "", len(position)))
    columns = COLUMNS.get(cls, ())
    ctx = ValueContext(graph, frame.iris, frame.lang, frame.vocabulary, citations)
    # Numbered in reading order.
    entries = [
        IndexEntry(
            replace(link, citations=citations.cite_graphs(stated)),
            as_text(note) if note is not None else None,
            tuple(_cell(ctx, ox.NamedNode(link.hint or ""), column) for column in columns),
        )
        for link, note, stated in rows
    ]
    heads: tuple[ColumnHead, ...] = ()
    if columns and sort_href is not None:
        heads = tuple(
            ColumnHead(
                label,
                sort_href(Sort(key, descending=not sort.descending if sort.key == key else False)),
                ("descending" if sort.descending else "ascending") if sort.key == key else None,
            )
            for key, label in (("name", "Name"), *((c.key, c.label) for c in columns))
        )
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
        columns=heads,
        total=total,
        page=page,
        pages=pages,
        previous_href=page_href(page - 1) if page_href and page > 1 else None,
        next_href=page_href(page + 1) if page_href and page < pages else None,
    )
