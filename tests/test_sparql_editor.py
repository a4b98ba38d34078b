"""The query editor on /sparql (YASGUI, vendored; static/sparql-editor.js) in headless Chromium: typing and
Ctrl+Enter, results in the first screen on a desktop and on a phone, the examples, the table, response
and chart views, completion from our prefixes and ontology, shareable links; and, on every page load,
no request to any host but ours and nothing the Content-Security-Policy had to block.

The vendored files themselves: what scripts/vendor_yasgui.py recorded, served gzipped, and the one
inline <style> the policy allows by hash is still the bundle's."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from ilrs_kg.edge import EDITOR_STYLE_HASH
from ilrs_kg.sparql.assets import accepts_gzip
from ilrs_kg.sparql.examples import load_examples
from tests.fixtures.browser import screenshot
from tests.fixtures.linked_data.support import ROOT as PROJECT
from tests.fixtures.sparql.support import ROOT, Served, serving

MISSIONS = load_examples(ROOT / "queries")[0]
LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
TYPES = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
VENDORED = PROJECT / "src" / "ilrs_kg" / "static" / "yasgui"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("build"), "--http-processes", "1") as server:
        yield server


@dataclass
class Watched:
    """A tab, and what it did that a reader would not want: other hosts, blocked code, script errors."""

    tab: Page
    outside: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched(served: Served, browser: Browser, request: pytest.FixtureRequest) -> Iterator[Watched]:
    viewport: ViewportSize = getattr(request, "param", DESKTOP)
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    tab = context.new_page()
    seen = Watched(tab)
    tab.on("request", lambda r: None if r.url.startswith(served.url + "/") else seen.outside.append(r.url))
    tab.on(
        "console",
        lambda m: seen.blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab.on("pageerror", lambda error: seen.errors.append(str(error)))
    yield seen
    context.close()
    assert seen.outside == []  # served from the package: works offline, tells no one what is asked
    assert seen.blocked == []  # the editor needs nothing the page's policy refuses
    assert seen.errors == []


def open_editor(watched: Watched, served: Served, query: str | None = None) -> Page:
    tab = watched.tab
    tab.goto(f"{served.url}/sparql" + (f"?{urllib.parse.urlencode({'query': query})}" if query else ""))
    tab.wait_for_selector(".yasqe .CodeMirror")
    return tab


def editor_text(tab: Page) -> str:
    return str(tab.evaluate("window.ilrsEditor.yasqe.getValue()"))


def result_rows(tab: Page) -> list[str]:
    tab.wait_for_selector("#editor-results table tbody tr")
    return tab.locator("#editor-results table tbody tr").all_inner_texts()


def shared_query(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    found = urllib.parse.parse_qs(parts.query).get("query")
    return found[0] if parts.path == "/sparql" and found else None


@pytest.mark.parametrize(("watched", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")], indirect=["watched"])
def test_typing_a_query_and_ctrl_enter_shows_results_in_the_first_screen(
    served: Served, watched: Watched, name: str
) -> None:
    tab = open_editor(watched, served)
    assert "ilrs:Mission" in editor_text(tab)  # the first example, ready to run
    tab.locator(".yasqe .CodeMirror").click()
    tab.keyboard.press("Control+A")
    tab.keyboard.press("Delete")
    tab.keyboard.type(LABELS)
    assert editor_text(tab) == LABELS
    tab.keyboard.press("Control+Enter")

    rows = result_rows(tab)
    assert len(rows) == 11
    assert tab.locator("#editor-results", has_text="11 results").count() == 1
    first, height = tab.locator("#editor-results table tbody tr").first.bounding_box(), tab.viewport_size
    assert first is not None and height is not None
    assert tab.evaluate("window.scrollY") == 0
    assert first["y"] + first["height"] <= height["height"], f"the first row is below the fold on the {name}"
    assert shared_query(tab.url) == LABELS  # the address bar now carries the query
    assert not tab.locator("#results").is_visible()  # the server's table gives way to the editor's
    assert screenshot(tab, f"sparql-editor-{name}").stat().st_size > 10_000


def test_an_example_from_the_list_loads_and_runs(served: Served, watched: Watched) -> None:
    tab = open_editor(watched, served)
    examples = tab.locator("details.examples")
    tab.get_by_text("Example questions").click()
    assert examples.get_attribute("open") is not None
    editor_top = tab.locator(".yasqe").bounding_box()
    tab.get_by_role("link", name=MISSIONS.title).click()

    rows = result_rows(tab)
    assert len(rows) == 2 and "Chang'e 6" in rows[0] and "Luna 25" in rows[1]
    assert editor_text(tab) == MISSIONS.query
    assert examples.get_attribute("open") is None  # closed again, over nothing
    assert tab.locator(".yasqe").bounding_box() == editor_top  # the list pushed nothing down
    assert shared_query(tab.url) == MISSIONS.query
    link = tab.locator("#editor-results table a", has_text="id:mission/change-6")
    assert link.get_attribute("href") == "/id/mission/change-6"  # our IRIs open our pages


def test_the_table_response_and_chart_views(served: Served, watched: Watched) -> None:
    tab = open_editor(watched, served, TYPES)
    rows = result_rows(tab)
    assert rows and "ilrs:Mission" in " ".join(rows)

    tab.get_by_role("button", name="Shows Response view").click()
    response = tab.locator("#editor-results .CodeMirror")
    response.wait_for()
    assert '"head"' in response.inner_text() and '"n"' in response.inner_text()

    tab.get_by_role("button", name="Shows Chart view").click()
    chart = tab.locator("#editor-results .ilrs-chart svg")
    chart.wait_for()
    assert chart.locator("rect.bar").count() == len(rows)  # one bar per type, its length the count
    labels = chart.locator("text.bar-label").all_text_contents()
    assert "ilrs:Mission" in labels
    assert tab.locator(".ilrs-chart-controls select").nth(1).input_value() == "n"
    tab.locator(".ilrs-chart-controls select").nth(1).select_option("")  # rows per value instead
    assert tab.locator("#editor-results .ilrs-chart rect.bar").count() == len(rows)
    assert screenshot(tab, "sparql-editor-chart").stat().st_size > 10_000

    tab.get_by_role("button", name="Shows Table view").click()
    assert len(result_rows(tab)) == len(rows)

    csv = tab.locator("#editor-downloads a", has_text="CSV")  # the whole answer, from the endpoint
    href = urllib.parse.urlsplit(csv.get_attribute("href") or "")
    assert urllib.parse.parse_qs(href.query) == {"query": [TYPES], "format": ["csv"]}
    assert csv.get_attribute("download") == "results.csv"


def test_a_graph_query_shows_triples_and_offers_rdf_downloads(served: Served, watched: Watched) -> None:
    construct = "CONSTRUCT { ?s a ?type } WHERE { ?s a ?type }"
    tab = open_editor(watched, served, construct)
    rows = result_rows(tab)
    assert rows and any("ilrs:Mission" in row for row in rows)
    offered = tab.locator("#editor-downloads a").all_inner_texts()
    assert "Turtle" in offered and "N-Triples" in offered and "CSV" not in offered


def test_a_shareable_link_reopens_the_query_and_runs_it(served: Served, watched: Watched) -> None:
    tab = open_editor(watched, served, LABELS)
    assert editor_text(tab) == LABELS
    assert len(result_rows(tab)) == 11  # run without asking
    share = tab.locator("form a.share")
    assert shared_query(urllib.parse.urljoin(tab.url, share.get_attribute("href") or "")) == LABELS

    tab.locator(".yasqe .CodeMirror").click()
    tab.keyboard.press("Control+End")
    tab.keyboard.type(" LIMIT 3")
    assert (
        shared_query(urllib.parse.urljoin(tab.url, share.get_attribute("href") or "")) == LABELS + " LIMIT 3"
    )
    tab.locator("button.yasqe_share").click()  # YASQE's own share pop-up gives the same link
    popup = tab.locator(".yasqe_sharePopup input")
    assert shared_query(popup.input_value()) == LABELS + " LIMIT 3"

    tab.goto(popup.input_value())
    tab.wait_for_selector(".yasqe .CodeMirror")
    assert editor_text(tab) == LABELS + " LIMIT 3"
    assert len(result_rows(tab)) == 3


def test_a_broken_query_shows_the_endpoints_message(served: Served, watched: Watched) -> None:
    tab = open_editor(watched, served)
    tab.evaluate("window.ilrsEditor.yasqe.setValue('SELECT * WHERE { ?s ?p }')")
    tab.get_by_role("button", name="Run query").click()
    message = tab.locator("#editor-results .errorResult pre")
    message.wait_for()
    assert message.inner_text().startswith("the query does not parse: error at 1:")
    assert tab.get_by_role("button", name="Run query").is_enabled()  # ready for the corrected query
    assert tab.locator(".yasqe .parseErrorIcon").count() == 1  # the editor had flagged the line too


def test_completion_offers_our_prefixes_classes_and_properties(served: Served, watched: Watched) -> None:
    tab = open_editor(watched, served)
    tab.locator(".yasqe .CodeMirror").click()
    tab.keyboard.press("Control+A")
    tab.keyboard.press("Delete")
    tab.keyboard.type("PREFIX il")
    hints = tab.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert hints.all_inner_texts() == ["ilrs: <https://w3id.org/ilrs/ontology#>"]  # ours, not prefix.cc's
    tab.keyboard.press("Enter")
    tab.keyboard.type("\nSELECT * WHERE { ?m a ilrs:Mi")
    tab.keyboard.press("Control+Space")
    hints.first.wait_for()
    assert hints.all_inner_texts() == ["ilrs:Mission"]  # from our endpoint, not LOV
    tab.keyboard.press("Enter")
    tab.keyboard.type(" ; rdfs:lab")  # an undeclared prefix we know is declared for the reader
    tab.keyboard.press("Control+Space")
    hints.first.wait_for()
    assert "rdfs:label" in hints.all_inner_texts()
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in editor_text(tab)


def test_the_vendored_build_is_the_pinned_one() -> None:
    finished = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "vendor_yasgui.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert (VENDORED / "LICENSE").read_text().startswith("The MIT License")


def test_the_policys_one_style_hash_is_the_bundles_column_resizer() -> None:
    bundle = (VENDORED / "yasgui.min.js").read_text(encoding="utf-8")
    (sheet,) = re.findall(r"createStyle\(\w+,`( \.grip-resizable\{[^`]*)`\)", bundle)
    digest = base64.b64encode(hashlib.sha256(sheet.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == EDITOR_STYLE_HASH


def test_the_editors_files_are_served_and_gzipped_when_asked(served: Served) -> None:
    with httpx.Client(base_url=served.url) as client:
        plain = client.get("/static/yasgui/yasgui.min.js", headers={"Accept-Encoding": "identity"})
        packed = client.get("/static/yasgui/yasgui.min.js", headers={"Accept-Encoding": "gzip"})
        missing = client.get("/static/yasgui/yasgui.min.js.map")
    assert plain.status_code == packed.status_code == 200
    assert plain.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    assert plain.content == (VENDORED / "yasgui.min.js").read_bytes() == packed.content  # httpx unpacks
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert missing.status_code == 404  # a fixed list of files, nothing else under static/yasgui/


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        (None, False),
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1, gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("identity", False),
        ("deflate, *;q=0.5", True),
        ("gzip;q=0.001", True),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_decides_gzip(header: str | None, gzipped: bool) -> None:
    assert accepts_gzip(header) is gzipped
