"""The app's edge (ilrs_kg.edge): security headers on every reply, links and Location from the
configured public base whatever Host a client sends, and pages in which hostile data runs nothing,
checked in process and in headless Chromium."""

from __future__ import annotations

import asyncio
import html.parser
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import ConsoleMessage, Dialog

from ilrs_kg.app import create_app
from ilrs_kg.edge import EDITOR_STYLE_HASH, PublicBase
from ilrs_kg.exports.catalog import DUMP_FORMATS
from ilrs_kg.http_server import ConnectionLimits, LimitedHttpProtocol
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import InProcessBackend
from ilrs_kg.sparql.limits import Limits
from tests.fixtures.browser import chromium
from tests.fixtures.linked_data.support import ROOT, fixture_store, serving

HOSTILE = "https://w3id.org/ilrs/id/country/ruritania"  # labelled "<script>alert(1)</script> & Ruritania"
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = {
    "home": ("/", BROWSER),
    "entity page": ("/doc/country/ruritania.html", BROWSER),
    "query page with results": ("/sparql?" + urllib.parse.urlencode({"query": LABELS}), BROWSER),
    "query page with an error": ("/sparql?query=%3Cscript%3E", BROWSER),
    "downloads": ("/dumps/", BROWSER),
    "not found": ("/id/country/nowhere", BROWSER),
}
OTHERS = {
    "303 to a document": ("/id/country/ruritania", "text/turtle"),
    "results": ("/sparql?" + urllib.parse.urlencode({"query": LABELS}), "application/sparql-results+json"),
    "plain-text error echoing the query": ("/sparql?query=%3Cscript%3Ealert(1)%3C/script%3E", "text/csv"),
    "406": ("/id/country/ruritania", "image/png"),
    "service description": ("/sparql", "text/turtle"),
    "stylesheet": ("/static/sparql.css", "text/css"),
}


def app_for(settings: Settings) -> FastAPI:
    store = fixture_store()
    backend = InProcessBackend(
        store, Limits.from_settings(settings), data_version="test-v1", pages=page_site(settings)
    )
    return create_app(settings, backend)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = Settings(root=ROOT, build_dir=tmp_path_factory.mktemp("build"))
    base.dumps_dir.mkdir(parents=True)
    first = DUMP_FORMATS[0]
    (base.dumps_dir / first.name).write_bytes(b"a dump, listed with its absolute URL\n")
    return base


def fetch(app: FastAPI, path: str, accept: str, host: str = "127.0.0.1:8000") -> httpx.Response:
    async def go() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                return await client.get(path, headers={"Accept": accept, "Host": host})

    return asyncio.run(go())


def directives(reply: httpx.Response) -> dict[str, str]:
    policy = reply.headers["content-security-policy"]
    return {name: value for name, _, value in (d.strip().partition(" ") for d in policy.split(";"))}


EDITOR_PAGES = {"query page with results", "query page with an error"}


@pytest.mark.parametrize("name", PAGES)
def test_html_pages_allow_no_script_but_the_editors_own_and_no_framing(settings: Settings, name: str) -> None:
    path, accept = PAGES[name]
    reply = fetch(app_for(settings), path, accept)
    assert reply.headers["content-type"].startswith("text/html")
    policy = directives(reply)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    if name in EDITOR_PAGES:  # the query editor's files, from this origin only, and one fixed <style>
        assert policy["script-src"] == policy["connect-src"] == "'self' http://127.0.0.1:8000"
        assert policy["style-src"] == f"'self' http://127.0.0.1:8000 {EDITOR_STYLE_HASH}"
    else:
        assert "script-src" not in policy and "connect-src" not in policy
        assert policy["style-src"] == "'self' http://127.0.0.1:8000"  # where the pages' links point
    assert "unsafe" not in reply.headers["content-security-policy"]
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert_no_inline_code(reply.text)


class _InlineCode(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        inline_script = tag == "script" and names.get("type") != "application/ld+json" and "src" not in names
        if tag == "style" or inline_script:
            self.found.append(f"<{tag}>")
        if tag == "script" and "src" in names and not (names["src"] or "").startswith("/static/"):
            self.found.append(f"<script src={names['src']}>")  # only our own files
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]


def assert_no_inline_code(page: str) -> None:
    """What the policy would block must not be there at all: the pages work with it."""
    parser = _InlineCode()
    parser.feed(page)
    assert parser.found == []


@pytest.mark.parametrize("name", OTHERS)
def test_every_other_reply_is_nosniff_and_sandboxed(settings: Settings, name: str) -> None:
    path, accept = OTHERS[name]
    reply = fetch(app_for(settings), path, accept)
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert not reply.headers.get("content-type", "").startswith("text/html")
    if reply.status_code >= 400:
        assert reply.headers["content-type"].startswith("text/plain")
    assert "sandbox" in directives(reply) and directives(reply)["frame-ancestors"] == "'none'"


HOSTILE_HOSTS = ["evil.example", "evil.example:8000", "127.0.0.1:8000@evil.example", "xn--evil-.example"]
LINKED = {
    "entity 303": ("/id/country/ruritania", "text/turtle"),
    "entity page": ("/doc/country/ruritania.html", BROWSER),
    "home": ("/", BROWSER),
    "downloads as JSON": ("/dumps/", "application/json"),
    "downloads page": ("/dumps/", BROWSER),
    "service description": ("/sparql", "text/turtle"),
    "search": ("/search?q=Ruritania", BROWSER),
}


def comparable(reply: httpx.Response) -> str:
    """The body, its blank node labels (fresh in each rendering) aside."""
    return re.sub(r"_:[0-9a-z]+", "_:b", reply.text)


@pytest.mark.parametrize("name", LINKED)
def test_a_hostile_host_header_changes_no_link_no_location_and_no_cached_reply(
    settings: Settings, name: str
) -> None:
    public = settings.with_changes(public_base="https://ilrs.example.org/")
    app = app_for(public)
    path, accept = LINKED[name]
    honest = fetch(app, path, accept, host="ilrs.example.org")
    for host in HOSTILE_HOSTS:
        hostile = fetch(app, path, accept, host=host)
        assert hostile.status_code == honest.status_code
        assert comparable(hostile) == comparable(honest)
        for header in ("location", "content-location", "link"):
            assert hostile.headers.get(header) == honest.headers.get(header)
        assert "evil" not in hostile.text and "evil" not in str(hostile.headers)
        after = fetch(app, path, accept, host="ilrs.example.org")  # what the next client is served
        assert comparable(after) == comparable(honest) and "evil" not in after.text
    assert "https://ilrs.example.org/" in honest.text + str(honest.headers)
    if name == "entity 303":
        assert honest.headers["location"] == "https://ilrs.example.org/doc/country/ruritania.ttl"


def test_without_a_public_base_links_use_the_configured_host_and_port(settings: Settings) -> None:
    app = app_for(settings.with_changes(host="127.0.0.1", port=8123))
    reply = fetch(app, "/id/country/ruritania", "text/turtle", host="evil.example")
    assert reply.headers["location"] == "http://127.0.0.1:8123/doc/country/ruritania.ttl"


@pytest.mark.parametrize(
    "text",
    [
        "ftp://example.org/",
        "https://example.org/ilrs/",
        "https://example.org/?a=1",
        "https://user@example.org/",
        "https://example.org:99999/",
        "example.org",
    ],
)
def test_a_public_base_must_be_an_http_origin(text: str) -> None:
    with pytest.raises(ValueError, match=r"public base|Port"):
        PublicBase.parse(text)


def test_the_public_base_keeps_its_port_and_ends_with_a_slash() -> None:
    assert PublicBase.parse("https://ILRS.example.org").url == "https://ilrs.example.org/"
    assert PublicBase.parse("http://[::1]:8080/").url == "http://[::1]:8080/"


# A real server and a real browser -------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    """The app on the HTTP server of `ilrs-kg serve`, on a free loopback port, its links pointing there."""
    protocol = LimitedHttpProtocol.with_limits(ConnectionLimits.from_settings(settings))
    with serving(lambda port: app_for(settings.with_changes(port=port)), http=protocol) as url:
        yield url


HOSTILE_QUERY = (
    "SELECT ?label ?x WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    'BIND("</script><script>window.__ran = 3</script><img src=x onerror=window.__ran=4>" AS ?x) } '
    "# </textarea><script>window.__ran = 5</script>"
)


def test_hostile_labels_run_nothing_in_chromium(served: str, tmp_path: Path) -> None:
    with chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        violations: list[str] = []

        def dismiss(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        def note(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                violations.append(message.text)

        page.on("dialog", dismiss)
        page.on("console", note)
        visits = {
            "entity page": served + "/id/country/ruritania",
            "entity page, the server reached by another name": served.replace("127.0.0.1", "localhost")
            + "/doc/country/ruritania.html",
            "query page": served + "/sparql?" + urllib.parse.urlencode({"query": HOSTILE_QUERY}),
        }
        for name, url in visits.items():
            page.goto(url)
            page.wait_for_load_state("load")
            if name == "query page":  # the editor runs the query again to show it in its views
                page.wait_for_selector("#editor-results table tbody tr")
            assert "Ruritania" in page.content(), name
            page.wait_for_timeout(300)  # time for an onerror to fire
            assert page.evaluate("window.__ran") is None, name
            assert page.evaluate("document.querySelectorAll('img[src=x], body script').length") == 0, name
            assert page.evaluate("getComputedStyle(document.body).margin") == "0px", f"{name}: unstyled"
        page.get_by_placeholder("Filter query results").press_sequentially("Ruritania")  # past page 1
        page.locator("#editor-results table tbody tr", has_text="Ruritania").first.wait_for()
        assert "<script>alert(1)</script> & Ruritania" in page.locator("#editor-results table").inner_text()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran") is None
        assert page.evaluate("document.querySelectorAll('img[src=x], body script').length") == 0
        assert page.evaluate("window.ilrsEditor.yasqe.getValue()") == HOSTILE_QUERY
    assert dialogs == []
    assert violations == []  # nothing was even attempted: the pages carry no inline code to block


def test_a_bad_public_base_stops_serve_before_it_builds(tmp_path: Path) -> None:
    import subprocess
    import sys

    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "ilrs_kg",
            "serve",
            "--root",
            str(ROOT),
            "--store",
            str(tmp_path),
            "--public-base",
            "https://example.org/ilrs/",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert (
        "--public-base: the public base 'https://example.org/ilrs/' must be an origin only" in finished.stderr
    )
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(
    ("given", "html"),
    [
        ([(b"content-type", b"text/html; charset=utf-8")], True),
        ([(b"Content-Type", b"application/xhtml+xml")], True),
        ([(b"content-type", b"text/plain; charset=utf-8")], False),
        ([], False),
    ],
)
def test_reply_headers_add_what_is_missing_and_keep_what_the_app_set(
    given: list[tuple[bytes, bytes]], html: bool
) -> None:
    from ilrs_kg.edge import HTML_POLICY, OTHER_POLICY, html_headers, reply_headers

    base = PublicBase.parse("https://ilrs.example.org/")
    added = dict(reply_headers(given, html_headers(base)))
    expected = HTML_POLICY.format(base="https://ilrs.example.org") if html else OTHER_POLICY
    assert added[b"content-security-policy"] == expected.encode()
    assert added[b"x-content-type-options"] == b"nosniff"
    kept = dict(reply_headers([*given, (b"X-Frame-Options", b"SAMEORIGIN")], html_headers(base)))
    assert kept[b"X-Frame-Options"] == b"SAMEORIGIN" and b"x-frame-options" not in kept
