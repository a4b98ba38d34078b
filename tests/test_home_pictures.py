"""A reader looking at the home page's pictures in headless Chromium, on the real data: the world map of
members and the timeline of joins and missions, on a desk and on a phone, with and without JavaScript.

Screenshots go to test-artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page

from ilrs_kg.namespaces import sparql_prefix_block
from ilrs_kg.settings import Settings
from tests.fixtures.browser import screenshot
from tests.fixtures.linked_data.support import make_app, serving

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(graph: ox.Store, built_settings: Settings) -> Iterator[str]:
    with serving(make_app(graph, built_settings)) as url:
        yield url


def _member_countries(graph: ox.Store) -> dict[str, int]:
    """Each member country's page slug and the earliest year a source gives for its joining."""
    rows = graph.query(
        sparql_prefix_block()
        + """SELECT ?member (MIN(SUBSTR(STR(?date), 1, 4)) AS ?year) WHERE {
               ?member org:memberOf <https://w3id.org/ilrs/id/programme/ilrs> ; ilrs:iso3166Numeric ?code ; ilrs:joinDate ?date }
             GROUP BY ?member"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    return {r["member"].value.rsplit("/", 1)[1]: int(r["year"].value) for r in rows}


def _fill(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "nodes => nodes.map(n => getComputedStyle(n).fill)")


def _label_boxes(page: Page) -> list[tuple[str, dict[str, float]]]:
    return page.eval_on_selector_all(
        "figure.timeline-picture text.label, figure.timeline-picture text.note",
        """nodes => nodes.map(n => { const r = n.getBoundingClientRect();
             return [n.textContent, {x: r.x, y: r.y, w: r.width, h: r.height}]; })""",
    )


def _overlapping(boxes: list[tuple[str, dict[str, float]]]) -> list[tuple[str, str]]:
    return [
        (a, b)
        for (a, p), (b, q) in itertools.combinations(boxes, 2)
        if p["x"] < q["x"] + q["w"]
        and q["x"] < p["x"] + p["w"]
        and p["y"] < q["y"] + q["h"]
        and q["y"] < p["y"] + p["h"]
    ]


def test_the_map_fills_each_member_country_with_its_join_years_colour(
    browser: Browser, server: str, graph: ox.Store
) -> None:
    expected = _member_countries(graph)
    page = browser.new_page(viewport=DESK)
    page.goto(server + "/")
    members = page.locator("figure.world a.member")
    assert members.count() == len(expected) == 14
    legend = {
        item.inner_text().split()[0]: item.locator("rect").evaluate("r => getComputedStyle(r).fill")
        for item in page.locator("ul.years li").all()
    }
    assert set(legend) == {str(y) for y in expected.values()}
    for link in members.all():
        slug = link.get_attribute("href").rsplit("/", 1)[1].removesuffix(".html")  # type: ignore[union-attr]
        fill = link.locator("path").evaluate("p => getComputedStyle(p).fill")
        assert fill == legend[str(expected[slug])], slug
    grey = _fill(page, "figure.world path.others")
    assert grey and grey[0] not in legend.values()
    # The members that are not countries are named beside the map, and the table is a link away.
    assert "Asia-Pacific Space Cooperation Organization" in page.locator("figure.world .beside").inner_text()
    assert page.locator('figure.world figcaption a[href="#members"]').count() == 1
    screenshot(page, "home-pictures-desk")
    page.close()


def test_a_country_tells_its_dates_and_opens_its_page(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport=DESK)
    page.goto(server + "/")
    pakistan = (
        page.locator('figure.world a.member[href$="/country/pakistan.html"] title').text_content() or ""
    )
    assert "June 2023" in pakistan and "20 October 2023" in pakistan and "sources disagree" in pakistan
    page.locator('figure.world a.member[href$="/country/china.html"] path').click()
    page.wait_for_url("**/doc/country/china.html")
    assert page.locator("h1").inner_text() == "China"
    # A small country is drawn with a dot too, which is as good a way in.
    page.goto(server + "/")
    page.locator('figure.world a.member[href$="/country/serbia.html"] circle').click()
    page.wait_for_url("**/doc/country/serbia.html")
    page.close()


def test_the_timeline_shows_every_dated_happening_without_overlaps_and_links_it(
    browser: Browser, server: str
) -> None:
    page = browser.new_page(viewport=DESK)
    page.goto(server + "/")
    timeline = page.locator("figure.timeline-picture svg")
    assert timeline.is_visible()
    boxes = _label_boxes(page)
    labels = [text for text, _ in boxes]
    assert {"Venezuela", "Pakistan", "Luna 25", "ICUBE-Q", "ILRS-5"} <= set(labels)
    assert labels.count("sources disagree") == 2  # Pakistan's joining, ICUBE-Q's launch
    assert _overlapping(boxes) == []
    page.locator("figure.timeline-picture a.event text.label", has_text="Luna 25").click()
    page.wait_for_url("**/doc/mission/luna-25.html")
    page.close()


def test_on_a_phone_without_javascript_both_pictures_fit_and_read(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, device_scale_factor=2)
    page = context.new_page()
    page.goto(server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    world = page.locator("figure.world > svg").bounding_box()
    timeline = page.locator("figure.timeline-picture svg").bounding_box()
    assert world and timeline
    assert 300 < world["width"] <= PHONE["width"] and 300 < timeline["width"] <= PHONE["width"]
    assert page.locator("figure.world a.member path").count() == 14
    boxes = _label_boxes(page)
    assert _overlapping(boxes) == []
    # Label text stays near body size: the timeline is drawn for a phone's width, not shrunk onto it.
    heights = [box["h"] for text, box in boxes if text != "sources disagree"]
    assert min(heights) >= 11
    assert all(box["x"] >= 0 and box["x"] + box["w"] <= PHONE["width"] for _, box in boxes)
    screenshot(page, "home-pictures-phone")
    # Links work without script: a country on the map, a label on the timeline.
    page.locator('figure.world a.member[href$="/country/kazakhstan.html"] path').click()
    page.wait_for_url("**/doc/country/kazakhstan.html")
    page.go_back()
    page.locator("figure.timeline-picture a.event text.label", has_text="Venezuela").click()
    page.wait_for_url("**/doc/country/venezuela.html")
    context.close()


def test_the_page_asks_nothing_of_any_other_host(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport=DESK)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    assert requested and all(re.match(re.escape(server) + r"/", url) for url in requested), requested
    page.close()


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_in_chinese_and_russian_the_labels_still_fit_a_phone(
    browser: Browser, server: str, lang: str
) -> None:
    # Russian names run long ("Боливарианская Республика Венесуэла"), Chinese ones wide per character.
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{server}/?lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    boxes = _label_boxes(page)
    assert len(boxes) >= 25 and _overlapping(boxes) == []
    right = page.locator("figure.timeline-picture svg").bounding_box()
    assert right and all(box["x"] + box["w"] <= right["x"] + right["width"] + 0.5 for _, box in boxes)
    assert page.locator("figure.world a.member path").count() == 14
    page.close()
