"""Every IRI in the real data (data/, ontology/) dereferences, and the pages people visit most read right."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.settings import Settings
from tests.fixtures.linked_data.support import BROWSER, fetch, make_app

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
