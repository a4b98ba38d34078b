"""The web core under the three fronts: one reply model, one format registry, one error table, and
the same status and the same kind of error page for the same mistake on every route."""

from __future__ import annotations

import asyncio
import json
import pickle
import urllib.parse
from html.parser import HTMLParser

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.app import create_app
from ilrs_kg.errors import NotFound
from ilrs_kg.exports.catalog import DUMP_FORMATS
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import InProcessBackend
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.web.errors import answer
from ilrs_kg.web.formats import GRAPH_FORMATS, RESULTS_FORMATS, W3C_FORMATS
from ilrs_kg.web.reply import Reply, Request
from tests.fixtures.linked_data.support import BROWSER, ROOT, fixture_store

LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SPARQL = "/sparql?" + urllib.parse.urlencode({"query": LABELS})


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(root=ROOT, build_dir=tmp_path_factory.mktemp("build"))
    settings.dumps_dir.mkdir(parents=True)
    (settings.dumps_dir / DUMP_FORMATS[0].name).write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    store = fixture_store()
    backend = InProcessBackend(
        store, Limits.from_settings(settings), data_version="test-v1", pages=page_site(settings)
    )
    return create_app(settings, backend)


def fetch(
    app: FastAPI, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> httpx.Response:
    async def go() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                return await client.request(method, path, headers=headers or {})

    return asyncio.run(go())


class _Frame(HTMLParser):
    """Whether a page has the site's one header, and its <h1>."""

    def __init__(self) -> None:
        super().__init__()
        self.site_header = False
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header" and ("class", "site") in attrs:
            self.site_header = True
        self._in_h1 = tag == "h1"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = self._in_h1 and tag != "h1"


def frame_of(html: str) -> _Frame:
    parser = _Frame()
    parser.feed(html)
    return parser


# The same mistake on every route: a ?format= naming nothing on offer.
UNKNOWN_FORMAT = [
    SPARQL + "&format=pdf",
    "/class/Mission?format=pdf",  # HTML only: a ?format= naming anything else is refused the same way
    "/search?q=chang&format=pdf",
    "/doc/mission/change-6?format=pdf",
    "/id/mission/change-6?format=pdf",
    "/dumps/?format=pdf",
    "/ontology?format=pdf",
    "/.well-known/void?format=pdf",
    "/?format=pdf",
]


@pytest.mark.parametrize("path", UNKNOWN_FORMAT)
def test_an_unknown_format_is_406_naming_what_is_on_offer_on_every_route(app: FastAPI, path: str) -> None:
    reply = fetch(app, path, {"Accept": "*/*"})
    assert reply.status_code == 406, reply.text
    assert "format=pdf" in reply.text and "?format=" in reply.text.split("on offer:")[1]
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("path", UNKNOWN_FORMAT[1:])
def test_a_browser_is_told_in_a_page_of_the_site(app: FastAPI, path: str) -> None:
    reply = fetch(app, path, BROWSER)
    assert reply.status_code == 406
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    frame = frame_of(reply.text)
    assert frame.site_header and frame.h1 == "Not Acceptable"
    assert "format=pdf" in reply.text


@pytest.mark.parametrize(
    "path", ["/id/", "/doc/", "/class/", "/class/Foo", "/favicon.ico", "/nowhere", "/dumps/nothing.ttl"]
)
def test_nothing_here_is_an_html_404_in_the_frame_for_a_browser(app: FastAPI, path: str) -> None:
    reply = fetch(app, path, BROWSER)
    assert reply.status_code == 404
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert "detail" not in reply.text
    frame = frame_of(reply.text)
    assert frame.site_header and frame.h1 == "Not Found"


@pytest.mark.parametrize("path", ["/nowhere", "/class/Foo", "/id/mission/nothing-like-it"])
def test_nothing_here_is_plain_text_for_curl_and_json_for_json_clients(app: FastAPI, path: str) -> None:
    plain = fetch(app, path, {"Accept": "*/*", "User-Agent": "curl/8.5.0"})
    assert plain.status_code == 404 and plain.headers["content-type"] == "text/plain; charset=utf-8"
    assert plain.text.strip() and "<" not in plain.text.replace("<http", "")
    as_json = fetch(app, path, {"Accept": "application/json"})
    assert as_json.status_code == 404
    body = as_json.json()
    assert body["status"] == 404 and body["error"] == "Not Found" and body["message"]


def test_a_method_no_route_answers_is_405_with_allow(app: FastAPI) -> None:
    for path in ("/doc/mission/change-6", "/dumps/"):
        reply = fetch(app, path, BROWSER, method="POST")
        assert reply.status_code == 405
        assert "GET" in reply.headers["allow"]
        assert frame_of(reply.text).site_header
    assert fetch(app, "/sparql", {"Accept": "*/*"}, method="PUT").status_code == 405


def test_robots_txt_keeps_crawlers_off_the_query_endpoints(app: FastAPI) -> None:
    reply = fetch(app, "/robots.txt")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    rules = reply.text.splitlines()
    assert "User-agent: *" in rules and "Disallow: /sparql" in rules and "Disallow: /search" in rules
    assert "Disallow: /" not in rules  # the pages themselves may be indexed


def test_html_only_pages_take_format_html(app: FastAPI) -> None:
    assert fetch(app, "/class/Mission?format=html", BROWSER).status_code == 200
    assert fetch(app, "/class/Mission?format=turtle", BROWSER).status_code == 406


def test_a_bad_page_number_is_400_on_every_paged_list(app: FastAPI) -> None:
    assert fetch(app, "/class/Mission?page=two", BROWSER).status_code == 400
    incoming = "/incoming/mission/change-6?property=http%3A%2F%2Fx.example%2Fp&page=two"
    assert fetch(app, incoming, BROWSER).status_code == 400


# Every route takes the same spellings of a format.
@pytest.mark.parametrize(
    ("accept", "query", "media_type"),
    [
        ("application/xml", LABELS, "application/sparql-results+xml"),
        ("application/xml", CONSTRUCT, "application/rdf+xml"),
        ("text/plain", CONSTRUCT, "application/n-triples"),
        ("application/turtle", CONSTRUCT, "text/turtle"),
        ("application/json", LABELS, "application/sparql-results+json"),
        ("application/json", CONSTRUCT, "application/ld+json"),
    ],
)
def test_sparql_takes_the_common_aliases(app: FastAPI, accept: str, query: str, media_type: str) -> None:
    reply = fetch(app, "/sparql?" + urllib.parse.urlencode({"query": query}), {"Accept": accept})
    assert reply.status_code == 200
    assert reply.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/xml", "application/rdf+xml"),
        ("text/plain", "application/n-triples"),
        ("application/turtle", "text/turtle"),
        ("application/json", "application/ld+json"),
    ],
)
def test_documents_take_the_same_aliases(app: FastAPI, accept: str, media_type: str) -> None:
    for path in ("/doc/mission/change-6", "/ontology", "/.well-known/void"):
        reply = fetch(app, path, {"Accept": accept})
        assert reply.status_code == 200, path
        assert reply.headers["content-type"].split(";")[0] == media_type
        list(ox.parse(reply.content, format=ox.RdfFormat.from_media_type(media_type)))


@pytest.mark.parametrize(
    ("name", "sparql_type", "doc_type"),
    [
        ("turtle", "text/turtle", "text/turtle"),
        ("ttl", "text/turtle", "text/turtle"),
        ("rdfxml", "application/rdf+xml", "application/rdf+xml"),
        ("rdf", "application/rdf+xml", "application/rdf+xml"),
        ("xml", "application/rdf+xml", "application/rdf+xml"),
        ("ntriples", "application/n-triples", "application/n-triples"),
        ("nt", "application/n-triples", "application/n-triples"),
        ("application/turtle", "text/turtle", "text/turtle"),
    ],
)
def test_format_names_mean_the_same_on_every_route(
    app: FastAPI, name: str, sparql_type: str, doc_type: str
) -> None:
    query = urllib.parse.urlencode({"query": CONSTRUCT, "format": name})
    assert fetch(app, "/sparql?" + query).headers["content-type"].split(";")[0] == sparql_type
    format_name = urllib.parse.quote(name, safe="")
    doc = fetch(app, f"/doc/mission/change-6?format={format_name}")
    assert doc.status_code == 200 and doc.headers["content-type"].split(";")[0] == doc_type
    entity = fetch(app, f"/id/mission/change-6?format={format_name}")
    assert entity.status_code == 303


def test_the_registry_names_each_format_by_its_w3c_iri() -> None:
    for fmt in (*GRAPH_FORMATS, *RESULTS_FORMATS):
        assert fmt.iri is not None and fmt.iri.startswith(W3C_FORMATS)
    keys = [f.key for f in GRAPH_FORMATS]
    assert keys == ["turtle", "ntriples", "jsonld", "rdfxml"]


def test_the_service_description_lists_the_result_formats_by_their_w3c_iris(app: FastAPI) -> None:
    reply = fetch(app, "/sparql", {"Accept": "application/n-triples"})
    named = {q.object.value for q in ox.parse(reply.content, format=ox.RdfFormat.N_TRIPLES)}
    assert W3C_FORMATS + "JSON-LD" in named and W3C_FORMATS + "SPARQL_Results_XML" in named


def test_requests_and_replies_cross_a_process_boundary_unchanged() -> None:
    request = Request("GET", b"format=ttl&lang=zh", {"Accept": "text/turtle", "Host": "example.org"})
    copy = pickle.loads(pickle.dumps(request))
    assert copy == request and copy.query["format"] == "ttl" and copy.server == "http://example.org/"
    reply = Reply(200, (("Content-Type", "text/turtle"),), b"<a> <b> <c> .")
    assert pickle.loads(pickle.dumps(reply)) == reply


def test_dumps_listing_is_a_page_of_the_site(app: FastAPI) -> None:
    reply = fetch(app, "/dumps/", BROWSER)
    assert reply.status_code == 200
    frame = frame_of(reply.text)
    assert frame.site_header and frame.h1 == "Downloads"
    home = frame_of(fetch(app, "/", BROWSER).text)
    assert home.site_header
    assert 'href="http://127.0.0.1:8000/dumps/ilrs.ttl"' in reply.text
    listing = json.loads(fetch(app, "/dumps/?format=json").text)
    assert listing[0]["url"] == "http://127.0.0.1:8000/dumps/ilrs.ttl"


def test_a_handler_called_anywhere_answers_its_mistakes_through_the_table() -> None:
    def handler(_request: Request, kind: str) -> Reply:
        raise NotFound(f"no {kind} here")

    browser = answer(handler, Request(headers={"accept": BROWSER["Accept"], "host": "h.example"}), kind="x")
    assert browser.status == 404 and browser.header("content-type") == "text/html; charset=utf-8"
    assert frame_of(browser.body.decode()).site_header and "no x here" in browser.body.decode()
    program = answer(handler, Request(headers={"accept": "application/json"}), kind="x")
    assert json.loads(program.body) == {"status": 404, "error": "Not Found", "message": "no x here"}
    assert pickle.loads(pickle.dumps(program)) == program


ODD_REQUESTS = [
    ("/doc/mission/change-6?format=%FF", "*/*"),
    ("/id/mission/change-6?format=", "*/*"),
    ("/doc/mission/change-6.", "*/*"),
    ("/doc/mission/.ttl", "*/*"),
    ("/ontology.", "*/*"),
    ("/ontology/", "*/*"),
    ("/ontology/..%2F..%2Fetc", "*/*"),
    ("/class/%2E%2E", "*/*"),
    ("/class/Mission?page=-1", "*/*"),
    ("/class/Mission?page=99999999999999999999", "*/*"),
    ("/incoming/mission/change-6?property=", "*/*"),
    ("/graph/" + "a/" * 50, "*/*"),
    ("/search?q=" + "%22" * 300, "*/*"),
    ("/doc/mission/change-6", ";;;, text/html;q=2, */*;q=nope"),
    ("/doc/mission/change-6", "text/html;q=0, */*;q=0"),
    ("/dumps/..%2Fstore", "*/*"),
    ("/dumps/?format=json,html", "*/*"),
    (SPARQL + "&format=", "text/html;q=0"),
    ("/sparql?query=&format=pdf", "*/*"),
]


@pytest.mark.parametrize(("path", "accept"), ODD_REQUESTS)
def test_a_clients_odd_request_is_never_a_server_error(app: FastAPI, path: str, accept: str) -> None:
    for headers in ({"Accept": accept}, {**BROWSER, "Accept": accept}):
        reply = fetch(app, path, headers)
        assert reply.status_code < 500, (path, reply.status_code, reply.text[:300])


@pytest.mark.parametrize("path", ["/", "/sparql", "/dumps/", "/doc/country/ruritania.html", "/nowhere"])
def test_every_html_page_has_the_one_header_with_search_and_the_language_switch(
    app: FastAPI, path: str
) -> None:
    english = fetch(app, path, BROWSER).text
    assert 'role="search"' in english and 'name="q"' in english
    assert '<nav class="langs"' in english
    assert 'hreflang="zh"' in english and 'hreflang="ru"' in english
    chinese = fetch(app, path + ("&" if "?" in path else "?") + "lang=zh", BROWSER).text
    assert '<html lang="zh">' in chinese
    assert "下载" in chinese  # the header's own words follow the switch ("Downloads")
