"""The query page a browser gets at /sparql, as the server renders it: the site frame, examples, a
results table with links, downloads, errors; escaped, and working in a real headless Chromium with
scripts off and without any network. The editor that scripts add is tests/test_sparql_editor.py's."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog

from ilrs_kg.sparql.examples import load_examples
from ilrs_kg.sparql.protocol import SparqlEndpoint
from tests.fixtures.browser import screenshot
from tests.fixtures.sparql.support import BROWSER_ACCEPT, ROOT, Served, endpoint, get, serving, settings

MISSIONS = load_examples(ROOT / "queries")[0]


@pytest.fixture(scope="module")
def ep(tmp_path_factory: pytest.TempPathFactory) -> SparqlEndpoint:
    return endpoint(settings(tmp_path_factory.mktemp("build")), examples=load_examples(ROOT / "queries"))


def page(ep: SparqlEndpoint, query: str | None = None) -> tuple[int, str]:
    reply = get(ep, query, BROWSER_ACCEPT)
    assert reply.header("content-type") == "text/html; charset=utf-8"
    assert reply.header("vary") == "Accept"
    return reply.status, reply.body.decode()


def test_examples_come_from_the_query_files_with_their_titles() -> None:
    examples = load_examples(ROOT / "queries")
    assert [e.title for e in examples] == [
        "Which missions are there, and who operates them?",
        "What is said about Chang'e 6?",
    ]
    assert examples[0].query.startswith("# Which missions")


def test_a_bare_visit_shows_the_editor_with_the_first_example(ep: SparqlEndpoint) -> None:
    status, body = page(ep)
    assert status == 200
    editor = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', body, re.S)
    assert editor is not None and html.unescape(editor.group(1)) == MISSIONS.query
    assert "What is said about Chang&#39;e 6?</a>" in body
    assert f'href="/sparql?{urllib.parse.urlencode({"query": MISSIONS.query})}"' in body
    assert '<details class="examples">' in body  # collapsed: the list does not push anything down


def test_the_page_is_in_the_site_frame_with_the_editor_configured_by_data(ep: SparqlEndpoint) -> None:
    _, body = page(ep)
    assert '<header class="site">' in body and '<footer class="site">' in body
    assert '<a class="brand" href="/">ILRS knowledge graph</a>' in body
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts == [
        '<script src="/static/yasgui/yasgui.min.js" defer>',
        '<script src="/static/sparql-chart.js" defer>',
        '<script src="/static/sparql-editor.js" defer>',
    ]  # no inline script: its configuration is a data attribute
    attribute = re.search(r'data-editor="([^"]*)"', body)
    assert attribute is not None
    config = json.loads(html.unescape(attribute.group(1)))
    assert config["prefixes"]["ilrs"] == "https://w3id.org/ilrs/ontology#"
    assert config["base"] == "https://w3id.org/ilrs/" and config["ran"] is False


def test_results_link_our_iris_to_their_pages_and_escape_labels(ep: SparqlEndpoint) -> None:
    status, body = page(
        ep, "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert status == 200
    assert '<a href="/id/mission/change-6" title="https://w3id.org/ilrs/id/mission/change-6">' in body
    assert "Roscosmos &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body
    assert '<span class="note">@zh</span>' in body
    assert "11 rows" in body
    for key in ("json", "xml", "csv", "tsv"):
        assert f"format={key}" in body


def test_a_broken_query_shows_the_parser_message_with_its_status(ep: SparqlEndpoint) -> None:
    status, body = page(ep, "SELECT * WHERE { ?s ?p }")
    assert status == 400
    assert 'role="alert"' in body and "error at 1:" in body


def test_a_query_shown_back_is_escaped(ep: SparqlEndpoint) -> None:
    _, body = page(ep, 'SELECT ("</textarea><script>alert(1)</script>" AS ?x) {}')
    assert "</textarea><script>" not in body
    assert "&lt;/textarea&gt;&lt;script&gt;" in body


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("build"), "--http-processes", "1") as server:
        yield server


def test_with_scripts_off_an_example_runs_and_shows_its_rows(served: Served, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    tab = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    outside: list[str] = []
    tab.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(served.url) else None,
    )

    tab.goto(f"{served.url}/sparql")
    assert "ilrs:Mission" in tab.locator("textarea#query").input_value()
    tab.get_by_text("Example questions").click()  # <details> opens without a script
    tab.get_by_role("link", name=MISSIONS.title).click()
    tab.wait_for_selector("table tbody tr")
    cells = tab.locator("table tbody tr").all_inner_texts()
    assert len(cells) == 2
    assert "Chang'e 6" in cells[0] and "Luna 25" in cells[1]
    assert tab.locator("text=2 rows").count() == 1
    link = tab.locator("table a", has_text="id:mission/change-6")
    assert link.get_attribute("href") == "/id/mission/change-6"

    # Edit the query in the editor and run it with the button.
    tab.locator("textarea#query").fill(
        "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    )
    tab.get_by_role("button", name="Run query").click()
    tab.wait_for_selector("text=11 rows")
    assert "Roscosmos <script>alert(1)</script>" in tab.locator("table").inner_text()

    csv_link = tab.get_by_role("link", name="SPARQL Results in CSV".removeprefix("SPARQL Results in "))
    href = csv_link.get_attribute("href") or ""
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)["format"] == ["csv"]

    assert screenshot(tab, "sparql-ui-without-scripts").stat().st_size > 10_000
    assert dialogs == []  # no script from the data ran
    assert outside == []  # nothing fetched from anywhere else (works offline)
    context.close()
