"""The schema.org JSON-LD embedded in entity pages: public IRIs only, a sensible type for every class."""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.schema_org import SCHEMA_TYPES
from ilrs_kg.settings import Settings
from tests.fixtures.linked_data.support import BROWSER, ROOT, fetch, make_app

ID = "https://w3id.org/ilrs/id/"


@pytest.fixture(scope="module")
def app(graph: ox.Store, built_settings: Settings) -> FastAPI:
    return make_app(graph, built_settings)


def _json_ld(app: FastAPI, path: str) -> tuple[str, dict[str, Any]]:
    text = fetch(app, path, BROWSER).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert block is not None, path
    data: dict[str, Any] = json.loads(block.group(1))
    return block.group(1), data


def _iris(value: object) -> list[str]:
    """Every string in the JSON that looks like an address."""
    if isinstance(value, dict):
        return [i for v in value.values() for i in _iris(v)]
    if isinstance(value, list):
        return [i for v in value for i in _iris(v)]
    return [value] if isinstance(value, str) and "://" in value else []


@pytest.mark.parametrize(
    ("path", "schema_type"),
    [
        ("/doc/mission/change-4.html", "Event"),
        ("/doc/country/pakistan.html", "Country"),
        ("/doc/agency/cnsa.html", "GovernmentOrganization"),
        ("/doc/organization/apsco.html", "Organization"),
        ("/doc/person/wu-yanhua.html", "Person"),
        ("/doc/programme/ilrs.html", "ResearchProject"),
        ("/doc/phase/construction.html", "Event"),
        ("/doc/site/statio-tianhe.html", "Landform"),
        ("/doc/launch-vehicle/long-march-5.html", "Product"),
        ("/doc/facility/lunar-scientific-facility.html", "DefinedTerm"),
    ],
)
def test_types_and_public_iris_only(app: FastAPI, path: str, schema_type: str) -> None:
    raw, data = _json_ld(app, path)
    assert data["@type"] == schema_type
    assert data["@id"] == ID + path.removeprefix("/doc/").removesuffix(".html")
    assert data["url"] == "https://w3id.org/ilrs/doc/" + path.removeprefix("/doc/")
    # The app answers on http://testserver/: none of that may leak into what search engines index.
    assert "testserver" not in raw and "127.0.0.1" not in raw
    ours = [i for i in _iris(data) if "w3id.org/ilrs" in i]
    assert ours and all(i.startswith("https://w3id.org/ilrs/") for i in ours)
    assert all(c.startswith("https://w3id.org/ilrs/ontology#") or "://" in c for c in data["additionalType"])


def test_mission_is_an_event_with_its_dates_operator_and_landing_site(app: FastAPI) -> None:
    _, data = _json_ld(app, "/doc/mission/change-4.html")
    assert data["startDate"] == "2018-12-07"
    assert data["organizer"] == [{"@id": ID + "agency/cnsa", "name": "China National Space Administration"}]
    assert {"@type": "Place", "@id": ID + "site/statio-tianhe", "name": "Statio Tianhe"} in data["location"]
    assert t.ILRS + "Mission" in data["additionalType"]


def test_planned_mission_starts_at_its_planned_launch(app: FastAPI) -> None:
    _, data = _json_ld(app, "/doc/mission/change-8.html")
    assert data["@type"] == "Event" and data["startDate"] == "2028"


def test_country_carries_its_iso_codes(app: FastAPI) -> None:
    _, data = _json_ld(app, "/doc/country/pakistan.html")
    assert {"@type": "PropertyValue", "propertyID": "ISO 3166-1 alpha-2", "value": "PK"} in data["identifier"]
    assert data["memberOf"] == [
        {"@id": ID + "programme/ilrs", "name": "International Lunar Research Station"}
    ]


def test_every_class_of_the_ontology_has_a_schema_org_type() -> None:
    store = ox.Store()
    store.load(path=ROOT / "ontology" / "ilrs.ttl", format=ox.RdfFormat.TURTLE)
    classes = {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(t.TYPE), ox.NamedNode(t.OWL + "Class"), None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(t.ILRS)
    }
    assert len(classes) > 20
    assert sorted(classes - SCHEMA_TYPES.keys()) == []
