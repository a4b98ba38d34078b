"""A person with a browser: headless Chromium against a real server on a free loopback port.

Screenshots go to test-artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.fixtures.browser import chromium, screenshot
from tests.fixtures.linked_data.support import fixture_store, make_app, serving


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(make_app(fixture_store())) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


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
    page.locator("dt:text-is('COSPAR ID') + dd sup.cite a").click()
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
