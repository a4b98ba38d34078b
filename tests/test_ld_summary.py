"""The summary box at the top of each entity page, and the disagreements section, over the real data:
each value a reader sees there cites the source that states it."""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.settings import Settings
from tests.fixtures.linked_data.support import BROWSER, fetch, make_app
from tests.test_ld_citations import cited_graphs

GRAPH = "https://w3id.org/ilrs/graph/"


@pytest.fixture(scope="module")
def app(graph: ox.Store, built_settings: Settings) -> FastAPI:
    return make_app(graph, built_settings)


def _page(app: FastAPI, path: str, lang: str = "en") -> str:
    response = fetch(app, path, {**BROWSER, "Accept-Language": lang})
    assert response.status_code == 200
    return response.text


def _box(text: str) -> str:
    match = re.search(r'<aside class="summary".*?</aside>', text, re.S)
    assert match is not None, "no summary box"
    return match.group(0)


def _box_row(text: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", _box(text), re.S)
    assert match is not None, f"no box row {label!r}"
    return match.group(1)


def _visible(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_box_comes_first_under_the_heading(app: FastAPI) -> None:
    text = _page(app, "/doc/country/pakistan.html")
    assert text.index("<h1>") < text.index('<aside class="summary"') < text.index('<section class="facts">')


def test_country_box_gives_every_claimed_join_date_each_with_its_own_source(app: FastAPI) -> None:
    text = _page(app, "/doc/country/pakistan.html")
    joined = _box_row(text, "Joined")
    assert _visible(joined).startswith("June 2023")
    assert "October 2023" in _visible(joined) and "20 October 2023" in _visible(joined)
    assert "sources disagree" in joined  # June and October cannot both be right
    by_date = {}
    for value in re.findall(
        r'<span class="value">(.*?)</span>(?=<span class="value">|\s*<a class="badge"|$)', joined, re.S
    ):
        by_date[_visible(re.sub(r"<sup.*?</sup>", "", value))] = cited_graphs(text, value)
    assert by_date["June 2023"] == {GRAPH + "source/wikipedia-ilrs/history"}
    assert by_date["October 2023"] == {GRAPH + "source/space-wiki-ilrs/members-table"}
    assert by_date["20 October 2023"] == {GRAPH + "source/wikipedia-ilrs/members-table"}
    assert _visible(_box_row(text, "Signed by")).startswith("SUPARCO")
    assert _visible(_box_row(text, "ISO 3166-1 alpha-2")).startswith("PK")
    assert cited_graphs(text, _box_row(text, "ISO 3166-1 alpha-3")) == {GRAPH + "source/iso-3166-1-pycountry"}


def test_a_day_within_the_month_is_not_a_disagreement(app: FastAPI) -> None:
    text = _page(app, "/doc/country/venezuela.html")
    joined = _box_row(text, "Joined")
    assert "July 2023" in _visible(joined) and "17 July 2023" in _visible(joined)
    assert "sources disagree" not in joined


def test_mission_box(app: FastAPI) -> None:
    text = _page(app, "/doc/mission/change-4.html")
    expected = {
        "Operator": "China National Space Administration",
        "Launch vehicle": "Long March 3B",
        "Launch": "7 December 2018",
        "Landing": "3 January 2019",
        "Landing site": "Statio Tianhe",
        "Side of the Moon": "far side of the Moon",
        "Status": "landed",
        "Phase": "Reconnaissance",
        "COSPAR ID": "2018-103A",
    }
    for label, value in expected.items():
        assert _visible(_box_row(text, label)).startswith(value), label
    # The derived launch date cites the launch claim's source, not only the rule that copied it.
    assert any("/source/" in g for g in cited_graphs(text, _box_row(text, "Launch")))


def test_mission_box_shows_both_launch_dates_where_sources_disagree(app: FastAPI) -> None:
    text = _page(app, "/doc/mission/icube-q.html")
    launch = _box_row(text, "Launch")
    assert "3 May 2024" in _visible(launch) and "8 May 2024" in _visible(launch)
    assert 'href="#disagreements"' in launch


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        ("/doc/agency/cnsa.html", {"Country": "China", "Operates": "Chang'e 4", "Also known as": "CNSA"}),
        ("/doc/organization/apsco.html", {"Joined": "June 2023", "Also known as": "APSCO"}),
        ("/doc/person/wu-yanhua.html", {"Position": "Vice Administrator of CNSA"}),
        ("/doc/phase/construction.html", {"Phase number": "2", "Period": "2026 – 2035"}),
        ("/doc/facility/lunar-scientific-facility.html", {"Definition": "To support in-orbit"}),
        (
            "/doc/event/azerbaijan-agreement-2023.html",
            {"Date": "3 October 2023", "Signed by": "Samaddin Asadov"},
        ),
        (
            "/doc/membership/pakistan-space-wiki.html",
            {"Period": "since October 2023", "Signed by": "SUPARCO"},
        ),
        ("/doc/event/change-6-launch.html", {"Date": "3 May 2024", "Site": "Wenchang"}),
        ("/doc/source/wikipedia-ilrs.html", {"Publisher": "Wikipedia"}),
    ],
)
def test_box_per_class(app: FastAPI, path: str, rows: dict[str, str]) -> None:
    text = _page(app, path)
    for label, value in rows.items():
        row = _box_row(text, label)
        assert value in _visible(row), (label, _visible(row))
        assert re.search(r'href="#source-\d+"', row), f"{label} cites nothing"


def test_box_speaks_the_readers_language(app: FastAPI) -> None:
    text = _page(app, "/doc/mission/change-6.html", "zh")
    box = _visible(_box(text))
    assert "任务" in box and "发射" in box and "2024年5月3日" in box


def _disagreement(text: str, title: str) -> str:
    section = re.search(r'<section class="disagreements" id="disagreements">(.*?)</section>', text, re.S)
    assert section is not None, "no disagreements section"
    blocks: list[str] = re.findall(r'<div class="disagreement">(.*?)</div>', section.group(1), re.S)
    for block in blocks:
        if title in html.unescape(block):
            return block
    raise AssertionError(f"no disagreement {title!r}")


def test_disagreements_section_names_each_side_with_its_source(app: FastAPI) -> None:
    text = _page(app, "/doc/country/pakistan.html")
    block = _disagreement(text, "Pakistan's join date")
    sides = re.findall(r"<li>(.*?)</li>", block, re.S)
    assert len(sides) == 3
    said = {}
    for side in sides:
        said[_visible(side.split("</a>: ")[1].split("<sup")[0])] = cited_graphs(text, side.split("</a>: ")[1])
    assert said["June 2023"] == {GRAPH + "source/wikipedia-ilrs/history"}
    assert said["October 2023"] == {GRAPH + "source/space-wiki-ilrs/members-table"}
    assert said["20 October 2023"] == {GRAPH + "source/wikipedia-ilrs/members-table"}
    # The finding itself is the curator's, cited to the editorial graph with its note.
    assert cited_graphs(text, block.split("</h3>")[0]) == {GRAPH + "editorial/disagreements"}
    assert "June and October cannot both be the month Pakistan joined" in html.unescape(block)
    # The one about the country comes before those it only takes part in.
    assert text.index("Pakistan&#39;s join date") < text.index("The first country to join")


def test_disagreement_over_a_claim_left_out_names_who_leaves_it_out(app: FastAPI) -> None:
    text = _page(app, "/doc/country/united-arab-emirates.html")
    block = _disagreement(text, "Is the United Arab Emirates a member?")
    omitted = re.findall(r'<li class="omitted">(.*?)</li>', block, re.S)
    assert len(omitted) == 2
    assert {g for o in omitted for g in cited_graphs(text, o)} == {
        GRAPH + "source/space-wiki-ilrs/members-table",
        GRAPH + "source/wikipedia-ilrs/members-table",
    }


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/doc/mission/icube-q.html", "ICUBE-Q's launch"),
        ("/doc/site/statio-tianhe.html", "Statio Tianhe's position"),
        ("/doc/phase/construction.html", "The start of construction"),
        ("/doc/mission/ilrs-3.html", "The five crucial missions"),
        ("/doc/programme/ilrs.html", "The founding"),
        ("/doc/country/china.html", "Founding members"),
    ],
)
def test_every_disagreement_shows_on_the_pages_it_concerns(app: FastAPI, path: str, title: str) -> None:
    block = _disagreement(_page(app, path), title)
    assert len(re.findall(r"<li>", block)) >= 1
