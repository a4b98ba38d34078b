"""GET /search?q=…: one page of the entities whose names match, from the release's search index.

The matching itself (folding, ranks) is the pure `name_search`, run over the candidates the index
(page_index) gives; this module reads what each hit shows (its labels, its classes) from the store by
index lookups, for the one page shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.name_search import Hit
from ilrs_kg.linked_data.naming import pick_literal
from ilrs_kg.linked_data.page_index import PageIndex
from ilrs_kg.linked_data.viewmodel import Link, SearchResult, Text
from ilrs_kg.linked_data.vocabulary import Vocabulary
from ilrs_kg.web.iris import IriMap

SEARCH_PAGE_SIZE = 20
_DEFAULT = ox.DefaultGraph()


@dataclass(frozen=True)
class SearchResults:
    results: tuple[SearchResult, ...]
    total: int
    page: int
    pages: int
    capped: bool = False  # more names matched than were ranked: `total` is a lower bound


def _result(hit: Hit, store: ox.Store, iris: IriMap, lang: str, vocabulary: Vocabulary) -> SearchResult:
    node = ox.NamedNode(hit.subject)
    labels = [
        q.object
        for q in store.quads_for_pattern(node, ox.NamedNode(t.LABEL), None, _DEFAULT)
        if isinstance(q.object, ox.Literal)
    ]
    shown = pick_literal(labels, lang)
    text = Text(shown.value, shown.language) if shown is not None else Text(hit.name.text, hit.name.lang)
    matched = None if text.value == hit.name.text else Text(hit.name.text, hit.name.lang)
    types = sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(t.TYPE), None, _DEFAULT)
        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(t.ILRS)
    )
    kinds = tuple(vocabulary.label(k) for k in dict.fromkeys(types))
    return SearchResult(Link(iris.page(hit.subject), text, hit.subject), kinds, matched)


def search_entities(
    index: PageIndex,
    store: ox.Store,
    query: str,
    iris: IriMap,
    lang: str,
    vocabulary: Vocabulary,
    page: int = 1,
    page_size: int = SEARCH_PAGE_SIZE,
) -> SearchResults:
    """One page of the entities whose names match `query`, best first; past the last page, the last."""
    found = index.search(query)
    hits = found.hits
    pages = max(1, math.ceil(len(hits) / page_size))
    page = min(max(page, 1), pages)
    chosen = hits[(page - 1) * page_size : page * page_size]
    return SearchResults(
        tuple(_result(h, store, iris, lang, vocabulary) for h in chosen),
        len(hits),
        page,
        pages,
        found.capped,
    )


def page_number(text: str | None) -> int | None:
    """`?page=`: a positive whole number, 1 when absent, None when it is not one."""
    if text is None:
        return 1
    if not text.isdigit() or int(text) < 1:
        return None
    return int(text)
