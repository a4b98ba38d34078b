"""Pages of hubs: a thing that thousands of others link to shows the count and the first links, and pages
the rest, and what a page reads does not grow with the hub."""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.linked_data.describe import HUB_PREVIEW, describe
from ilrs_kg.linked_data.page_index import HUB_LINKS, PageIndex
from ilrs_kg.linked_data.source_page import MAX_ENTITIES, SCAN_QUADS
from tests.fixtures.linked_data.support import BROWSER, CURL, EXTRA_GRAPH, ID, fetch, fixture_store, make_app

VEHICLE = "launch-vehicle/angara-a5"
LAUNCH_VEHICLE = "https://w3id.org/ilrs/ontology#launchVehicle"


def hub_turtle(missions: int) -> str:
    """`missions` missions, all on Angara A5 (the fixture's own launch vehicle)."""
    lines = [
        "@prefix ilrs: <https://w3id.org/ilrs/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    lines += [
        f'<mission/hub-{i:05d}> a ilrs:Mission ; rdfs:label "Hub mission {i}"@en ; ilrs:launchVehicle <{VEHICLE}> .'
        for i in range(missions)
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def stores() -> dict[int, ox.Store]:
    return {n: fixture_store(hub_turtle(n)) for n in (HUB_LINKS + 50, 4 * HUB_LINKS)}


@pytest.fixture(scope="module")
def apps(stores: dict[int, ox.Store]) -> dict[int, FastAPI]:
    return {n: make_app(store) for n, store in stores.items()}


def _page(app: FastAPI, path: str) -> str:
    reply = fetch(app, path, BROWSER)
    assert reply.status_code == 200, path
    return reply.text


def _group(text: str) -> str:
    found = re.search(
        r'<div class="incoming-group">\s*<h3>launched[^<]*<span class="count">\(([\d,]+)\)</span>(.*?)</div>',
        text,
        re.S,
    )
    assert found is not None
    return found.group(0)


def test_the_index_counts_the_hub(stores: dict[int, ox.Store]) -> None:
    for n, store in stores.items():
        assert PageIndex.of_store(store).hub(ID + VEHICLE)[LAUNCH_VEHICLE] == n + 1  # and the fixture's own


def test_a_hub_page_shows_the_count_the_first_links_and_a_link_to_all(apps: dict[int, FastAPI]) -> None:
    n = 4 * HUB_LINKS
    text = _page(apps[n], f"/doc/{VEHICLE}.html")
    group = _group(text)
    assert f"({n + 1:,})" in group
    assert len(re.findall(r'href="http://testserver/doc/mission/', group)) == HUB_PREVIEW
    more = re.search(r'<a href="([^"]+)">All ([\d,]+) →</a>', group)
    assert more is not None and more.group(2) == f"{n + 1:,}"
    # The summary box's row of missions is bounded too, and links to all of them.
    summary = re.search(r'<aside class="summary".*?</aside>', text, re.S)
    assert summary is not None
    assert len(re.findall(r"/doc/mission/hub-", summary.group(0))) <= 50
    assert f"all {n + 1:,} →" in summary.group(0)

    first = _page(apps[n], html.unescape(more.group(1)).removeprefix("http://testserver"))
    listed = re.findall(r'<li><a href="http://testserver/doc/(mission/[^"]+)\.html"', first)
    assert len(listed) == 50
    assert 'rel="prev"' not in first and f"Page 1 of {-(-(n + 1) // 50)}" in first
    following = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert following is not None
    second = _page(apps[n], html.unescape(following.group(1)).removeprefix("http://testserver"))
    listed_second = re.findall(r'<li><a href="http://testserver/doc/(mission/[^"]+)\.html"', second)
    assert len(listed_second) == 50 and not set(listed) & set(listed_second)
    assert '<ol class="links" start="51">' in second


def test_every_link_of_a_hub_is_on_exactly_one_incoming_page(apps: dict[int, FastAPI]) -> None:
    n = HUB_LINKS + 50
    base = f"/incoming/{VEHICLE}?property={LAUNCH_VEHICLE.replace('#', '%23')}"
    seen: list[str] = []
    for number in range(1, -(-(n + 1) // 50) + 1):
        seen += re.findall(
            r'<li><a href="http://testserver/doc/(mission/[^"]+)\.html"',
            _page(apps[n], f"{base}&page={number}"),
        )
    assert len(seen) == len(set(seen)) == n + 1
    last = _page(apps[n], f"{base}&page=100000")
    assert 'rel="next"' not in last  # past the last page: the last


HYDRA = "http://www.w3.org/ns/hydra/core#"
_PARTIAL_LISTS = f"""
PREFIX hydra: <{HYDRA}>
SELECT ?list ?total ?property ?object WHERE {{
  ?doc <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?list .
  ?list a hydra:Collection ; hydra:totalItems ?total ;
        hydra:manages [ hydra:property ?property ; hydra:object ?object ] .
}}"""


def _partial_lists(document: bytes, rdf_format: ox.RdfFormat) -> list[tuple[str, int, str, str]]:
    store = ox.Store()
    store.load(document, format=rdf_format, base_iri="http://testserver/")
    return [
        (row["list"].value, int(row["total"].value), row["property"].value, row["object"].value)
        for row in store.query(_PARTIAL_LISTS, use_default_graph_as_union=True)  # type: ignore[union-attr]
    ]


@pytest.mark.parametrize(
    ("extension", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG)]
)
def test_a_hubs_rdf_document_says_its_links_are_the_first_of_how_many_and_where_all_are(
    apps: dict[int, FastAPI], extension: str, rdf_format: ox.RdfFormat
) -> None:
    # Without it a crawler would take the first links it got for all of them.
    n = 4 * HUB_LINKS
    reply = fetch(apps[n], f"/doc/{VEHICLE}.{extension}", CURL)
    assert reply.status_code == 200
    found = _partial_lists(reply.content, rdf_format)
    assert [(total, prop, obj) for _, total, prop, obj in found] == [(n + 1, LAUNCH_VEHICLE, ID + VEHICLE)]
    held = ox.Store()
    held.load(reply.content, format=rdf_format)
    links = [
        q for q in held.quads_for_pattern(None, ox.NamedNode(LAUNCH_VEHICLE), ox.NamedNode(ID + VEHICLE))
    ]
    assert 0 < len({q.subject for q in links}) <= HUB_PREVIEW
    # The list's IRI is canonical; the server pages it.
    address = found[0][0]
    assert address.startswith("https://w3id.org/ilrs/incoming/" + VEHICLE + "?property=")
    page = _page(apps[n], address.removeprefix("https://w3id.org/ilrs"))
    assert f"Page 1 of {-(-(n + 1) // 50)}" in page


def test_a_document_holding_all_its_links_names_no_partial_list(apps: dict[int, FastAPI]) -> None:
    reply = fetch(apps[4 * HUB_LINKS], "/doc/mission/hub-00001.ttl", CURL)
    assert reply.status_code == 200
    assert _partial_lists(reply.content, ox.RdfFormat.TURTLE) == []
    assert HYDRA not in reply.text


def test_what_a_hub_page_reads_does_not_grow_with_the_hub(
    stores: dict[int, ox.Store], apps: dict[int, FastAPI]
) -> None:
    small, large = sorted(stores)
    sizes = {
        n: len(describe(store, ID + VEHICLE, PageIndex.of_store(store).hub(ID + VEHICLE)).triples)
        for n, store in stores.items()
    }
    assert sizes[small] == sizes[large]
    pages = {n: len(_page(app, f"/doc/{VEHICLE}.html").encode()) for n, app in apps.items()}
    assert abs(pages[large] - pages[small]) < 200  # the counts' digits, not the links


@pytest.mark.parametrize("page", ["0", "-1", "two", ""])
def test_a_bad_page_number_is_refused_on_every_paged_list(apps: dict[int, FastAPI], page: str) -> None:
    app = apps[HUB_LINKS + 50]
    for path in (
        f"/incoming/{VEHICLE}?property={LAUNCH_VEHICLE.replace('#', '%23')}&page={page}",
        f"/class/Mission?page={page}",
        f"/search?q=hub&page={page}",
    ):
        reply = fetch(app, path, BROWSER)
        assert reply.status_code == 400, path
        assert "page must be a positive whole number" in reply.text


def test_hostile_names_on_an_incoming_page_are_escaped() -> None:
    turtle = (
        hub_turtle(3)
        + f'\n<mission/evil> <{LAUNCH_VEHICLE}> <{VEHICLE}> ; <http://www.w3.org/2000/01/rdf-schema#label> "<script>x</script>"@en .'
    )
    app = make_app(fixture_store(turtle))
    text = _page(app, f"/incoming/{VEHICLE}?property={LAUNCH_VEHICLE.replace('#', '%23')}")
    assert "<script>x" not in text and "&lt;script&gt;x&lt;/script&gt;" in text


def test_a_large_statement_graph_is_counted_not_listed() -> None:
    """A source whose graph states thousands of facts: its page gives the index's counts and lists only
    the first entities; the graph's own page too."""
    entities = SCAN_QUADS  # three facts each: three times more facts than a page reads
    turtle = "\n".join(
        f"<country/many-{i:05d}> a <https://w3id.org/ilrs/ontology#Country> ; "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Many {i}"@en ; '
        f'<https://w3id.org/ilrs/ontology#iso3166Alpha2> "Q{i}" .'
        for i in range(entities)
    )
    store = fixture_store(turtle)
    app = make_app(store)
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(EXTRA_GRAPH)))
    facts, about = (
        len(quads),
        len(
            {
                q.subject
                for q in quads
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ID)
            }
        ),
    )
    for path in ("/doc/source/lroc-1374.html", "/graph/source/lroc-1374"):
        text = _page(app, path)
        assert re.search(rf"[(>]{facts} facts about {about} entities", text), path
        assert 0 < len(re.findall(r"/doc/country/many-", text)) <= MAX_ENTITIES, path
