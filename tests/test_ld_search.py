"""Search by name: the folding and ranking table (name_search), and the /search page over the real data."""

from __future__ import annotations

import random
import re

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.linked_data.name_search import (
    EXACT,
    INSIDE,
    PREFIX,
    STEM,
    WORD_STARTS,
    Name,
    NameIndex,
    fold,
    fold_unicode,
    query_words,
    rank,
)
from ilrs_kg.settings import Settings
from tests.fixtures.linked_data.support import BROWSER, fetch, make_app


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Chang’e 4", "change 4"),  # typographic apostrophe, as pasted from news copy
        ("Chang'e 4", "change 4"),
        ("Changʼe 4", "change 4"),  # modifier letter apostrophe
        ("CHANG`E 4", "change 4"),
        ("Chang'e-4", "change 4"),  # hyphen separates words
        ("  Chang'e   4 ", "change 4"),
        ("Curaçao", "curacao"),
        ("Objectif Lune — «Артемида»", "objectif lune артемида"),
        ("Объединённые", "объединенные"),  # ё as readers type it, е
        ("ＣＮＳＡ　４", "cnsa 4"),  # full-width letters, digits and space
        ("嫦娥四号", "嫦娥四号"),
        ("Straße", "strasse"),
        ("", ""),
        ("’'‘", ""),
    ],
)
def test_fold(typed: str, folded: str) -> None:
    assert fold(typed) == folded == fold_unicode(typed)


def test_ascii_folds_as_any_text_does() -> None:
    every = "".join(map(chr, range(128)))
    rng = random.Random(5)
    for text in [
        every,
        *(c + "Ab" + c for c in every),
        *("".join(rng.choices(every, k=12)) for _ in range(2000)),
    ]:
        assert fold(text) == fold_unicode(text), repr(text)


def test_query_words_are_bounded() -> None:
    assert query_words("a b c d e f g h") == ("a", "b", "c", "d", "e", "f")
    assert query_words("x" * 500) == ("x" * 200,)


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [
        ("Chang’e 4", "Chang'e 4", EXACT),
        ("CHANGE 4", "Chang'e 4", EXACT),
        ("chang'e", "Chang'e 4", PREFIX),
        ("chang", "Chang'e 4", PREFIX),
        ("4 change", "Chang'e 4", WORD_STARTS),
        ("lunar station", "International Lunar Research Station", WORD_STARTS),
        ("unar", "International Lunar Research Station", INSIDE),
        ("嫦娥", "嫦娥四号", PREFIX),
        ("四号", "嫦娥四号", INSIDE),
        ("俄罗斯", "俄罗斯", EXACT),
        ("俄罗斯", "白俄罗斯", INSIDE),
        ("Венесуэла", "Боливарианская Республика Венесуэла", WORD_STARTS),
        ("Россия", "Российская Федерация", STEM),  # ISO's formal name; the reader types the short one
        ("Китая", "Китай", STEM),  # genitive
        ("Луна 25", "Луна-25", EXACT),
        ("Chang'e 5", "Chang'e 4", None),
        ("Chang'e 4", "LROC image 1374: Chang'e 6 landing site", None),  # numbers are whole words
        ("Chang'e 4", "ICUBE-Q launch with Chang'e 6, 3 May 2024", None),
        ("Luna 2", "Луна-25 / Luna 25", None),
        ("Luna 25", "Luna 25 landing", PREFIX),
        ("landing 25", "Luna 25 landing", WORD_STARTS),
        ("mars", "Chang'e 4", None),
        ("Рос", "Российская Федерация", PREFIX),
        ("Россия", "Рис", None),
        ("", "Chang'e 4", None),
    ],
)
def test_rank(query: str, name: str, expected: int | None) -> None:
    assert rank(query_words(query), fold(name)) == expected


def test_index_ranks_exact_names_first_then_shorter_ones() -> None:
    index = NameIndex.of(
        [
            Name("launch", "Chang'e 4 launch", "en"),
            Name("mission", "Chang'e 4", "en"),
            Name("mission", "嫦娥四号", "zh"),
            Name("article", "Wikipedia: Chang'e 4", "en"),
            Name("other", "Chang'e 6", "en"),
        ]
    )
    hits = index.search("Chang’e 4")
    assert [h.subject for h in hits] == ["mission", "launch", "article"]
    assert hits[0].rank == EXACT and hits[0].name.text == "Chang'e 4"
    assert "other" not in {h.subject for h in hits}
    assert [h.subject for h in index.search("嫦娥")] == ["mission"]
    assert index.search("   ") == []


@pytest.fixture(scope="module")
def app(graph: ox.Store, built_settings: Settings) -> FastAPI:
    return make_app(graph, built_settings)


def _results(app: FastAPI, query: str, headers: dict[str, str] | None = None) -> list[tuple[str, str]]:
    response = fetch(app, "/search?q=" + query, {**BROWSER, **(headers or {})})
    assert response.status_code == 200
    block = re.search(r'<ol class="results"[^>]*>(.*?)</ol>', response.text, re.S)
    if block is None:
        return []
    return re.findall(r'<li><a href="[^"]*/doc/([^"]+)\.html"[^>]*>([^<]*)</a>', block.group(1))


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Chang%E2%80%99e%204", "mission/change-4"),  # Chang’e 4
        ("CHANGE%204", "mission/change-4"),
        ("chang'e%206", "mission/change-6"),
        ("%E5%AB%A6%E5%A8%A5%E5%85%AD%E5%8F%B7", "mission/change-6"),  # 嫦娥六号
        ("%E4%BF%84%E7%BD%97%E6%96%AF", "country/russia"),  # 俄罗斯 (before 白俄罗斯, Belarus)
        ("%D0%A0%D0%BE%D1%81%D1%81%D0%B8%D1%8F", "country/russia"),  # Россия
        ("%D0%92%D0%B5%D0%BD%D0%B5%D1%81%D1%83%D1%8D%D0%BB%D0%B0", "country/venezuela"),  # Венесуэла
        ("venezuela", "country/venezuela"),
        ("cnsa", "agency/cnsa"),
    ],
)
def test_search_page_finds_the_entity_first(app: FastAPI, query: str, first: str) -> None:
    results = _results(app, query)
    assert results, query
    assert results[0][0] == first


def test_chinese_characters_find_every_change_mission(app: FastAPI) -> None:
    found = {path for path, _ in _results(app, "%E5%AB%A6%E5%A8%A5")}  # 嫦娥
    assert {"mission/change-4", "mission/change-6", "mission/change-7", "mission/change-8"} <= found


def test_results_show_the_readers_language_and_the_name_that_matched(app: FastAPI) -> None:
    text = fetch(app, "/search?q=%D0%A0%D0%BE%D1%81%D1%81%D0%B8%D1%8F&lang=zh", BROWSER).text
    assert ">俄罗斯</a>" in text
    assert "Российская Федерация" in text  # what matched, shown beside the name
    assert '<html lang="zh">' in text


def test_dates_and_positions_do_not_crowd_the_results(app: FastAPI) -> None:
    paths = [path for path, _ in _results(app, "venezuela")]
    assert paths[0] == "country/venezuela"
    assert not [p for p in paths if p.split("/")[0] in ("interval", "instant", "geometry")]


def test_search_results_are_paged(app: FastAPI) -> None:
    first = fetch(app, "/search?q=a", BROWSER).text
    assert 'rel="next"' in first
    total = int(re.search(r"(\d+) found", first).group(1))  # type: ignore[union-attr]
    assert total > 20
    assert len(_results(app, "a")) == 20
    second = fetch(app, "/search?q=a&page=2", BROWSER).text
    assert 'rel="prev"' in second and '<ol class="results" start="21">' in second
    assert fetch(app, "/search?q=a&page=0", BROWSER).status_code == 400
    assert fetch(app, "/search?q=a&page=x", BROWSER).status_code == 400


def test_hostile_query_is_escaped_everywhere(app: FastAPI) -> None:
    text = fetch(app, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E%22", BROWSER).text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in text


def test_every_page_has_the_search_box_in_its_header(app: FastAPI) -> None:
    for path in ("/", "/doc/country/venezuela.html", "/class/Mission", "/search?q=x", "/ontology"):
        text = fetch(app, path, BROWSER).text
        header = re.search(r'<header class="site">(.*?)</header>', text, re.S)
        assert header is not None, path
        assert 'action="http://testserver/search" method="get"' in header.group(1), path
        assert 'name="q"' in header.group(1), path
