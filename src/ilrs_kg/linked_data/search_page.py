"""GET /search?q=…: the names of the store's entities, indexed once per store, and one page of hits.

The matching itself (folding, ranks) is the pure `name_search`; this module reads the names and types
from the store and turns hits into what the page shows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.name_search import Hit, Name, NameIndex
from ilrs_kg.linked_data.naming import pick_literal
from ilrs_kg.linked_data.viewmodel import Link, SearchResult, Text
from ilrs_kg.linked_data.vocabulary import Vocabulary
from ilrs_kg.namespaces import ID_NS
from ilrs_kg.web.iris import IriMap

SEARCH_PAGE_SIZE = 20


@dataclass(frozen=True)
class EntityNames:
    """Every entity's names (labels and other names) and ILRS classes, as the store has them."""

    index: NameIndex
    labels: dict[str, tuple[ox.Literal, ...]]
    types: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SearchResults:
    results: tuple[SearchResult, ...]
    total: int
    page: int
    pages: int


def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return rows


def load_entity_names(store: ox.Store) -> EntityNames:
    """One pass over the names of every entity under `id/` (a few hundred today; this is read once per
    store and kept in its snapshot's memo)."""
    names: list[Name] = []
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    # Instants, intervals and geometries are named after what they date or place: they would crowd out
    # the entities themselves ("Venezuela … period of membership").
    dependent = " && ".join(f'!STRSTARTS(STR(?s), "{ID_NS}{kind}/")' for kind in t.DEPENDENT_KINDS)
    prefix = f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID_NS}") && {dependent})'
    for row in _rows(
        store,
        f"SELECT ?s ?p ?name WHERE {{ VALUES ?p {{ <{t.LABEL}> <{t.ALT_LABEL}> <{t.PREF_LABEL}> }} "
        f"?s ?p ?name {prefix} FILTER(isLiteral(?name)) }}",
    ):
        subject, prop, name = row["s"], row["p"], row["name"]
        if not isinstance(subject, ox.NamedNode) or not isinstance(name, ox.Literal):
            continue
        names.append(Name(subject.value, name.value, name.language))
        if isinstance(prop, ox.NamedNode) and prop.value == t.LABEL:
            labels[subject.value].append(name)
    types: dict[str, list[str]] = defaultdict(list)
    for row in _rows(
        store, f'SELECT ?s ?type WHERE {{ ?s a ?type {prefix} FILTER(STRSTARTS(STR(?type), "{t.ILRS}")) }}'
    ):
        subject, kind = row["s"], row["type"]
        if isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode):
            types[subject.value].append(kind.value)
    return EntityNames(
        NameIndex.of(names),
        {s: tuple(v) for s, v in labels.items()},
        {s: tuple(sorted(v)) for s, v in types.items()},
    )


def _result(hit: Hit, names: EntityNames, iris: IriMap, lang: str, vocabulary: Vocabulary) -> SearchResult:
    shown = pick_literal(names.labels.get(hit.subject, ()), lang)
    text = Text(shown.value, shown.language) if shown is not None else Text(hit.name.text, hit.name.lang)
    matched = None if text.value == hit.name.text else Text(hit.name.text, hit.name.lang)
    kinds = tuple(vocabulary.label(k) for k in names.types.get(hit.subject, ()))
    return SearchResult(Link(iris.page(hit.subject), text, hit.subject), kinds, matched)


def search_entities(
    names: EntityNames,
    query: str,
    iris: IriMap,
    lang: str,
    vocabulary: Vocabulary,
    page: int = 1,
    page_size: int = SEARCH_PAGE_SIZE,
) -> SearchResults:
    """One page of the entities whose names match `query`, best first; past the last page, the last."""
    hits = names.index.search(query)
    pages = max(1, math.ceil(len(hits) / page_size))
    page = min(max(page, 1), pages)
    chosen = hits[(page - 1) * page_size : page * page_size]
    return SearchResults(
        tuple(_result(h, names, iris, lang, vocabulary) for h in chosen), len(hits), page, pages
    )


def page_number(text: str | None) -> int | None:
    """`?page=`: a positive whole number, 1 when absent, None when it is not one."""
    if text is None:
        return 1
    if not text.isdigit() or int(text) < 1:
        return None
    return int(text)
