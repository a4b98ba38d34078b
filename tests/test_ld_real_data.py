"""Every IRI in the real data (data/, ontology/) dereferences, and the pages people visit most read right."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.settings import Settings
from tests.fixtures.linked_data.support import BROWSER, fetch, make_app
from tests.test_ld_citations import cited_graphs, claim_cells, row

BASE = "https://w3id.org/ilrs/"


@pytest.fixture(scope="module")
def app(graph: ox.Store, built_settings: Settings) -> FastAPI:
    return make_app(graph, built_settings)


def _our_iris(graph: ox.Store) -> list[str]:
    iris = set()
    for quad in graph.quads_for_pattern(None, None, None, None):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value.split("#")[0])
    return sorted(iris)


def test_every_iri_in_the_data_dereferences(app: FastAPI, graph: ox.Store) -> None:
    iris = _our_iris(graph)
    assert len(iris) > 300
    failures = []
    for iri in iris:
        path = "/" + iri.removeprefix(BASE)
        first = fetch(app, path, BROWSER)
        if first.status_code == 303 and path.startswith("/id/"):
            page = fetch(app, first.headers["location"].removeprefix("http://testserver"), BROWSER)
            data = fetch(app, path.replace("/id/", "/doc/", 1) + ".nt")
            if page.status_code != 200 or data.status_code != 200 or f"<{iri}> ".encode() not in data.content:
                failures.append((iri, page.status_code, data.status_code))
        elif first.status_code not in (200, 303):
            failures.append((iri, first.status_code))
    assert failures == []


def test_member_country_page(app: FastAPI) -> None:
    text = fetch(app, "/doc/country/venezuela.html", BROWSER).text
    assert "<h1>Venezuela</h1>" in text
    assert "July 2023" in text and "17 July 2023" in text
    assert "Membership claim: International Lunar Research Station" in text


def test_mission_page_in_chinese(app: FastAPI) -> None:
    text = fetch(app, "/doc/mission/change-6.html", {**BROWSER, "Accept-Language": "zh"}).text
    assert "<h1>嫦娥六号</h1>" in text
    assert "2024年5月3日" in text
    assert "<svg" in text  # the landing site on the Moon


def test_home_lists_members_with_join_dates(app: FastAPI) -> None:
    text = fetch(app, "/", BROWSER).text
    members = text[text.index('id="members"') : text.index('id="missions"')]
    for name in ("China", "Russia", "Venezuela", "Pakistan", "Senegal"):
        assert f">{name}</a>" in members
    assert "<time datetime=" in members


def test_class_index_includes_instances_of_subclasses(app: FastAPI) -> None:
    """The Event page lists agreements and mission milestones, which are events too."""
    events = fetch(app, "/class/Event", BROWSER).text
    assert "Borisov on recreating Luna 25" in events  # an ilrs:Event
    assert "CNSA – SANSA memorandum of understanding (South Africa joins)" in events  # an ilrs:Agreement
    assert "Chang&#39;e 6 landing" in events or "Chang'e 6 landing" in events  # an ilrs:MissionEvent
    agreements = fetch(app, "/class/Agreement", BROWSER).text
    assert "Borisov on recreating Luna 25" not in agreements


def test_real_pages_cite_each_fact_to_its_own_source(app: FastAPI) -> None:
    """On the real data: Chang'e 6's COSPAR ID cites the Simple English Wikipedia page alone (not the
    LROC image the entity also draws on), Luna 28's launch vehicle the Wikipedia mission table alone."""
    graph = BASE + "graph/source/"
    change6 = fetch(app, "/doc/mission/change-6.html", BROWSER).text
    assert cited_graphs(change6, row(change6, "COSPAR ID")) == {graph + "simplewiki-change-6"}
    assert graph + "lroc-1374" in change6
    luna28 = fetch(app, "/doc/mission/luna-28.html", BROWSER).text
    assert cited_graphs(luna28, row(luna28, "launch vehicle")) == {
        graph + "wikipedia-ilrs/mission-table-construction"
    }


def test_pakistans_three_claims_stand_side_by_side(app: FastAPI) -> None:
    text = fetch(app, "/doc/country/pakistan.html", BROWSER).text
    assert "sources disagree" in text
    cells = claim_cells(text, "member during")
    assert len(cells) == 3
    assert [sorted(cited_graphs(text, c)) for c in cells] == [
        [BASE + "graph/source/wikipedia-ilrs/history"],
        [BASE + "graph/source/space-wiki-ilrs/members-table"],
        [BASE + "graph/source/wikipedia-ilrs/members-table"],
    ]
