"""The search index the build writes into the release: the same answers as name_search over the store's
names, bounded work per query, opened read-only by the pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.class_index import CLASS_PAGE_SIZE, COLUMNS, Sort, _page_of_instances
from ilrs_kg.linked_data.class_order import classes_with_instances
from ilrs_kg.linked_data.home import choose
from ilrs_kg.linked_data.name_search import EXACT, Name, NameIndex
from ilrs_kg.linked_data.page_index import (
    PAGE_INDEX_FILE,
    PageIndex,
    entity_names,
    fts_query,
    write_page_index,
)
from ilrs_kg.linked_data.pages import open_pages
from ilrs_kg.linked_data.stats_queries import count_graph
from ilrs_kg.releases import current_release
from ilrs_kg.settings import Settings
from ilrs_kg.web.languages import SUPPORTED_LANGUAGES
from ilrs_kg.web.reply import Request
from tests.fixtures.linked_data.support import BROWSER


def test_the_build_writes_the_index_into_the_release_and_its_manifest(built_settings: Settings) -> None:
    release = current_release(built_settings)
    assert release is not None
    path = release.index_dir / PAGE_INDEX_FILE
    assert path.is_file()
    assert f"index/{PAGE_INDEX_FILE}" in release.files
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (count,) = db.execute("SELECT count(*) FROM names").fetchone()
    assert count > 300


def test_the_index_answers_as_name_search_does_over_every_word_of_the_real_names(graph: ox.Store) -> None:
    names = list(entity_names(graph))
    reference, index = NameIndex.of(names), PageIndex.of(names)
    words = sorted({w for n in names for w in n.text.replace("-", " ").split()})
    queries = [
        *words,
        "a",
        "e",
        "ro",
        "4",
        "2024",
        "unar",
        "四号",
        "嫦娥",
        "Россия",
        "Китая",
        "lunar station",
    ]
    for query in queries:
        expected = [(h.subject, h.rank) for h in reference.search(query)]
        assert [(h.subject, h.rank) for h in index.search(query).hits] == expected, query


def test_a_broad_query_ranks_a_bounded_number_of_names_and_keeps_the_exact_one_first() -> None:
    names = [
        Name(f"https://w3id.org/ilrs/id/mission/m-{i}", f"Synthetic mission {i}", "en") for i in range(5000)
    ]
    index = PageIndex.of(names)
    found = index.search("synthetic mission 4999", limit=100)
    assert found.hits[0].name.text == "Synthetic mission 4999" and found.hits[0].rank == EXACT
    broad = index.search("mission", limit=100)
    assert broad.capped and len(broad.hits) <= 200
    # Shortest names first within a rank: the cap keeps the best of it.
    assert broad.hits[0].name.text == "Synthetic mission 0"
    # "… 12" is a whole number: the names going on to 120, 1200 … are no candidates, and no cap is hit.
    number = index.search("synthetic mission 12", limit=100)
    assert [h.name.text for h in number.hits] == ["Synthetic mission 12"] and not number.capped


def test_the_ids_of_names_do_not_depend_on_the_order_they_came_in() -> None:
    """The same name of one entity in two languages (or none) is two names, numbered the same way
    whichever the store returned first."""
    names = [
        Name("https://w3id.org/ilrs/id/agency/cnsa", "CNSA", lang) for lang in ("en", "fr", None, "zh", "ru")
    ]
    names += [Name("https://w3id.org/ilrs/id/agency/nasa", "NASA", "en"), names[0]]
    kept = [
        PageIndex.of(order)._db.execute("SELECT * FROM names ORDER BY id").fetchall()
        for order in (names, names[::-1], names[2:] + names[:2])
    ]
    assert kept[0] == kept[1] == kept[2] and len(kept[0]) == 6


def test_query_words_cannot_reach_the_fts_syntax() -> None:
    assert fts_query(("or", "near", "4")) == '(inside : "or"*) AND (inside : "near"*) AND words : "4"'


def test_pages_read_the_release_index_not_the_store(
    tmp_path: Path, graph: ox.Store, built_settings: Settings
) -> None:
    """A name only the index holds is found: search reads the index file (read-only), not the store."""
    other = ox.Store()
    venezuela = ox.NamedNode("https://w3id.org/ilrs/id/country/venezuela")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    other.add(ox.Quad(venezuela, label, ox.Literal("Zyxwvut", language="en")))
    path = tmp_path / PAGE_INDEX_FILE
    assert write_page_index(other, path) == 1
    path.chmod(0o444)
    pages = open_pages(built_settings, graph, None, page_index=path)
    reply = pages.render(
        "search",
        Request(
            path="/search",
            query_string=b"q=zyxwvut",
            headers=tuple((k.lower(), v) for k, v in BROWSER.items()),
        ),
    )
    assert reply.status == 200
    assert b"/doc/country/venezuela.html" in reply.body
    assert b">Venezuela</a>" in reply.body  # what a hit shows is the store's


@pytest.mark.parametrize("page", [b"0", b"x", b"-1"])
def test_bad_page_numbers_are_refused(graph: ox.Store, built_settings: Settings, page: bytes) -> None:
    pages = open_pages(built_settings, graph, None)
    reply = pages.render(
        "search",
        Request(
            path="/search",
            query_string=b"q=a&page=" + page,
            headers=tuple((k.lower(), v) for k, v in BROWSER.items()),
        ),
    )
    assert reply.status == 400 and b"page must be a positive whole number" in reply.body


def test_the_kept_class_orders_are_the_orders_sparql_gives(graph: ox.Store) -> None:
    """Every table order the build keeps, in every language, equals the SPARQL the page would run."""
    index = PageIndex.of_store(graph)
    classes = [c for c in classes_with_instances(graph) if c.startswith(t.ILRS)]
    assert t.ILRS + "Mission" in classes
    for cls in classes:
        sorts = [Sort(), Sort(descending=True)]
        sorts += [Sort(c.key, d) for c in COLUMNS.get(cls, ()) for d in (False, True)]
        for sort in sorts:
            for lang in SUPPORTED_LANGUAGES:
                expected = _page_of_instances(graph, cls, lang, 1, sort)
                assert index.class_page(cls, sort, lang, 0, CLASS_PAGE_SIZE) == expected, (cls, sort, lang)


def test_the_index_keeps_the_counts_and_what_the_home_page_shows(graph: ox.Store) -> None:
    index = PageIndex.of_store(graph)
    assert index.graph_counts() == count_graph(graph)
    assert index.home() == choose(graph)
