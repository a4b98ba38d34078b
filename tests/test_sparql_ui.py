"""The query page a browser gets at /sparql: examples, a results table with links, downloads, errors;
rendered by the server, escaped, and working in a real headless Chromium without any network."""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from ilrs_kg.sparql.examples import load_examples
from ilrs_kg.sparql.protocol import SparqlEndpoint
from tests.fixtures.browser import chromium, screenshot
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
    editor = body.split('<textarea id="query" name="query" spellcheck="false">', 1)[1].split("</textarea>")[0]
    assert html.unescape(editor) == MISSIONS.query
    assert "What is said about Chang&#39;e 6?</a>" in body
    assert f'href="/sparql?{urllib.parse.urlencode({"query": MISSIONS.query})}"' in body


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_in_a_browser_an_example_runs_and_shows_its_rows(served: Served, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    outside: list[str] = []
    tab.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(served.url) else None,
    )

    tab.goto(f"{served.url}/sparql")
    assert "ilrs:Mission" in tab.locator("textarea#query").input_value()
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

    assert screenshot(tab, "sparql-ui").stat().st_size > 10_000
    assert dialogs == []  # no script from the data ran
    assert outside == []  # nothing fetched from anywhere else (works offline)
    context.close()
