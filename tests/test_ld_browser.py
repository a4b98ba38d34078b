"""A person with a browser: headless Chromium against a real server on a free loopback port.

Screenshots go to test-artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, FloatRect, Page

from ilrs_kg.settings import Settings
from tests.fixtures.browser import screenshot
from tests.fixtures.linked_data.support import fixture_store, make_app, serving


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(make_app(fixture_store())) as url:
        yield url


def _shot(page: Page, name: str) -> Path:
    return screenshot(page, f"ld-{name}")


def test_home_then_a_member_with_its_join_date_and_source(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(server + "/")
    assert page.title() == "ILRS knowledge graph · ILRS knowledge graph"
    _shot(page, "home")
    page.locator("#members").get_by_role("link", name="Venezuela").click()
    page.wait_for_url("**/doc/country/venezuela.html")
    assert page.locator("h1").inner_text() == "Venezuela"
    claims = page.locator(".claim-group").first
    assert "since July 2023" in claims.inner_text()
    assert "since 17 July 2023" in claims.inner_text()
    _shot(page, "member")
    # The citation leads to the source in the list, which links to the source itself.
    page.locator(".claim-group sup.cite a").first.click()
    source = page.locator(".sources li:target")
    assert "International Lunar Research Station" in source.inner_text()
    assert source.locator("a.external").count() <= 1
    page.close()


def test_mission_in_chinese_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh"},
    )
    page = context.new_page()
    page.goto(server + "/id/mission/change-6")
    assert page.url.endswith("/doc/mission/change-6.html")
    assert page.locator("h1").inner_text() == "嫦娥六号"
    assert page.locator("html").get_attribute("lang") == "zh"
    assert "2024年5月3日" in page.locator(".claims").inner_text()
    assert page.locator("figure.moon svg circle").count() >= 2
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "mission-zh-phone")
    context.close()


def test_hostile_label_stays_text(browser: Browser, server: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/doc/country/ruritania.html")
    assert page.locator("h1").inner_text() == "<script>alert(1)</script> & Ruritania"
    page.goto(server + "/class/Country")
    assert dialogs == []
    page.close()


def test_ontology_hash_iri_lands_on_its_entry(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(server + "/ontology#Mission")
    entry = page.locator("section.entry:target")
    assert entry.get_attribute("id") == "Mission"
    assert entry.is_visible()
    _shot(page, "ontology")
    page.close()


def test_a_facts_citation_lands_on_its_own_source_and_part(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(server + "/doc/mission/change-6.html")
    page.locator("section.facts dt:text-is('COSPAR ID') + dd sup.cite a").click()
    source = page.locator(".sources li:target")
    assert source.is_visible()
    assert "Simple English Wikipedia: Chang'e 6" in source.inner_text()
    assert "LROC" not in source.inner_text()
    _shot(page, "citation")
    # The statement graph's IRI opens its own page, which lists what it is about.
    source.locator("a.graph-link").click()
    page.wait_for_url("**/graph/source/simplewiki-change-6")
    assert "Chang'e 6" in page.locator("section.stated").inner_text()
    page.goto(server + "/doc/country/pakistan.html")
    columns = page.locator(".claim-group").first.locator("thead th[scope=col]", has_text="According to")
    assert columns.count() == 3
    assert page.locator(".claim-group.disagree").count() >= 1
    _shot(page, "three-claims")
    page.close()


# -- the site over the real data: search, the summary box, a Chinese page, sorting, a 404 ------------


@pytest.fixture(scope="module")
def real_server(graph: ox.Store, built_settings: Settings) -> Iterator[str]:
    with serving(make_app(graph, built_settings)) as url:
        yield url


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def test_search_from_the_header_with_a_typographic_apostrophe(browser: Browser, real_server: str) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
        page.goto(real_server + "/doc/country/venezuela.html")
        box = page.locator("header.site input[name=q]")
        assert box.is_visible()
        # Typed as news copy writes it: a right single quotation mark, not an ASCII apostrophe.
        box.fill("Chang\u2019e 4")
        box.press("Enter")
        page.wait_for_url("**/search?q=*")
        assert page.locator("header.site input[name=q]").input_value() == "Chang\u2019e 4"
        first = page.locator("ol.results li a").first
        assert first.inner_text() == "Chang'e 4"
        _shot(page, f"search-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        first.click()
        page.wait_for_url("**/doc/mission/change-4.html")
        assert page.locator("h1").inner_text() == "Chang'e 4"
        page.close()


def test_search_works_with_scripts_off(browser: Browser, real_server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(real_server + "/")
    page.locator("header.site input[name=q]").fill("Россия")
    page.locator("header.site button[type=submit]").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.results li a").first.inner_text() == "Russia"
    context.close()


def _in_first_viewport(page: Page, selector: str, height: int) -> FloatRect:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["y"] < height * 0.5, f"{selector} starts at {box['y']} px"
    return box


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/doc/country/pakistan.html", "Country"),
        ("/doc/mission/change-4.html", "Mission"),
        ("/doc/agency/cnsa.html", "Agency"),
        ("/doc/person/wu-yanhua.html", "Person"),
        ("/doc/phase/construction.html", "Phase"),
        ("/doc/facility/lunar-scientific-facility.html", "Facility"),
    ],
)
def test_summary_box_at_the_top_on_desktop_and_phone(
    browser: Browser, real_server: str, path: str, title: str
) -> None:
    slug = path.removeprefix("/doc/").removesuffix(".html").replace("/", "-")
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
        page.goto(real_server + path)
        summary = page.locator("aside.summary")
        assert summary.is_visible()
        assert summary.locator("h2").inner_text().casefold() == title.casefold()
        box = _in_first_viewport(page, "aside.summary", viewport["height"])
        heading = page.locator("h1").bounding_box()
        assert heading is not None
        if name == "desktop":  # beside the heading, like an infobox
            assert box["x"] > heading["x"] + heading["width"] - 1 or box["x"] > viewport["width"] / 2
        else:  # under the heading, the width of the screen
            assert box["y"] > heading["y"] and box["width"] > viewport["width"] * 0.85
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        _shot(page, f"summary-{slug}-{name}")
        page.close()


# Draws a character in the h1's font on a canvas and reads back which pixels got ink: without a font
# for it, Chromium draws the same .notdef box ("tofu") for every character.
_INK = """() => {
  const font = getComputedStyle(document.querySelector('h1')).font;
  const canvas = document.createElement('canvas');
  canvas.width = 120; canvas.height = 80;
  const g = canvas.getContext('2d');
  const ink = (ch) => {
    g.clearRect(0, 0, 120, 80); g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
    g.fillText(ch, 8, 8);
    const data = g.getImageData(0, 0, 120, 80).data;
    let bits = '', count = 0;
    for (let i = 3; i < data.length; i += 4) { const on = data[i] > 127; bits += on ? '1' : '0'; count += on; }
    return [count, bits];
  };
  const chang = ink('\\u5ae6'), e = ink('\\u5a25'), tofu = ink('\\u{10FFFD}');
  return {chang: chang[0], e: e[0], differ: chang[1] !== e[1], tofu: chang[1] === tofu[1]};
}"""


def test_chinese_page_renders_real_glyphs_not_tofu(browser: Browser, real_server: str) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(
            viewport=viewport,  # type: ignore[arg-type]
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN,zh"},
        )
        page = context.new_page()
        page.goto(real_server + "/doc/mission/change-6.html")
        assert page.locator("html").get_attribute("lang") == "zh"
        assert page.locator("h1").inner_text() == "嫦娥六号"
        assert "发射" in page.locator("aside.summary").inner_text()
        ink = page.evaluate(_INK)
        assert ink["chang"] > 20 and ink["e"] > 20, ink
        assert ink["differ"] and not ink["tofu"], ink
        # Four full-width characters: about four em wide, as CJK glyphs are.
        width = page.evaluate(
            "(() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('h1'));"
            " const w = r.getBoundingClientRect().width;"
            " return w / parseFloat(getComputedStyle(document.querySelector('h1')).fontSize); })()"
        )
        assert 3.5 < width < 4.5, width
        _shot(page, f"chinese-{name}")
        context.close()


def test_sorting_the_mission_table_by_clicking_its_headings(browser: Browser, real_server: str) -> None:
    page = browser.new_page(viewport=DESKTOP)  # type: ignore[arg-type]
    page.goto(real_server + "/class/Mission")
    page.locator("table.index thead th a", has_text="Launch").first.click()
    page.wait_for_url("**/class/Mission?sort=launch")
    first = page.locator("table.index tbody tr").first
    assert first.locator("th").inner_text().startswith("Chang'e 4")
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Launch")
    _shot(page, "class-missions-by-launch")
    page.locator("th[aria-sort=ascending] a").click()
    page.wait_for_url("**/class/Mission?sort=launch&order=desc")
    assert page.locator("table.index tbody tr").first.locator("th").inner_text().startswith("ILRS-5")
    page.locator("table.index thead th a", has_text="Status").click()
    page.wait_for_url("**/class/Mission?sort=status")
    cells = page.locator("table.index tbody tr td:nth-of-type(2)").all_inner_texts()
    statuses = [c.split("[")[0] for c in cells if c != "—"]  # without the citation marks
    assert statuses == sorted(statuses)
    page.close()


def test_an_unknown_entity_is_an_html_404_with_the_header_and_suggestions(
    browser: Browser, real_server: str
) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    response = page.goto(real_server + "/doc/country/venezuala.html")
    assert response is not None and response.status == 404
    assert "text/html" in response.headers["content-type"]
    assert page.locator("header.site input[name=q]").is_visible()
    assert page.locator("h1").inner_text() == "Nothing is known about this IRI"
    _shot(page, "not-found-phone")
    page.close()
