"""The HTTP behaviour of entity IRIs, their documents, the ontology and VoID: conneg tables, 303s,
Vary, Link, validators and 304, HEAD, 404 and 406."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.fixtures.linked_data.support import BROWSER, CURL, fetch, fixture_store, make_app


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return make_app(fixture_store())


@pytest.mark.parametrize(
    ("headers", "location"),
    [
        (BROWSER, "/doc/mission/change-6.html"),
        ({"User-Agent": BROWSER["User-Agent"], "Accept": "*/*"}, "/doc/mission/change-6.html"),
        (CURL, "/doc/mission/change-6.ttl"),
        ({}, "/doc/mission/change-6.ttl"),
        ({"Accept": "text/turtle"}, "/doc/mission/change-6.ttl"),
        ({"Accept": "application/ld+json"}, "/doc/mission/change-6.jsonld"),
        ({"Accept": "application/n-triples"}, "/doc/mission/change-6.nt"),
        ({"Accept": "application/rdf+xml"}, "/doc/mission/change-6.rdf"),
        ({"Accept": "application/rdf+xml;q=0.3, text/turtle;q=0.8"}, "/doc/mission/change-6.ttl"),
        ({"Accept": "text/html"}, "/doc/mission/change-6.html"),
    ],
)
def test_entity_iri_redirects_to_the_negotiated_document(
    app: FastAPI, headers: dict[str, str], location: str
) -> None:
    response = fetch(app, "/id/mission/change-6", headers)
    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver" + location
    assert "Accept" in response.headers["vary"]
    assert f'<http://testserver{location}>; rel="describedby"' in response.headers["link"]
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("fmt", "extension"), [("jsonld", "jsonld"), ("text/turtle", "ttl"), ("html", "html")]
)
def test_format_parameter_overrides_accept(app: FastAPI, fmt: str, extension: str) -> None:
    response = fetch(app, f"/id/mission/change-6?format={fmt}", {"Accept": "application/rdf+xml"})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/doc/mission/change-6.{extension}")


def test_unknown_format_parameter_is_a_406_naming_the_formats(app: FastAPI) -> None:
    response = fetch(app, "/doc/mission/change-6?format=pdf")
    assert response.status_code == 406  # as on /sparql and /dumps/ (ilrs_kg.web.statuses)
    assert "format=pdf" in response.text
    assert "?format=html|turtle|ntriples|jsonld|rdfxml|trig|nquads" in response.text


@pytest.mark.parametrize(
    "path", ["/id/mission/change-6", "/doc/mission/change-6", "/ontology", "/.well-known/void"]
)
def test_unacceptable_accept_is_406_listing_the_formats(app: FastAPI, path: str) -> None:
    response = fetch(app, path, {"Accept": "image/png"})
    assert response.status_code == 406
    for media_type in (
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
    ):
        assert media_type in response.text
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/doc/mission/change-6.html", "text/html"),
        ("/doc/mission/change-6.ttl", "text/turtle"),
        ("/doc/mission/change-6.jsonld", "application/ld+json"),
        ("/doc/mission/change-6.nt", "application/n-triples"),
        ("/doc/mission/change-6.rdf", "application/rdf+xml"),
    ],
)
def test_document_headers(app: FastAPI, path: str, content_type: str) -> None:
    response = fetch(app, path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["content-location"] == "http://testserver" + path
    link = response.headers["link"]
    others = {".html", ".ttl", ".jsonld", ".nt", ".rdf"} - {path[path.rindex(".") :]}
    for extension in others:
        assert f'<http://testserver/doc/mission/change-6{extension}>; rel="alternate"' in link
    assert '<http://testserver/id/mission/change-6>; rel="about"' in link
    assert 'rel="license"' in link
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith("GMT")
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_negotiated_document_names_its_location(app: FastAPI) -> None:
    response = fetch(app, "/doc/mission/change-6", {"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-location"] == "http://testserver/doc/mission/change-6.jsonld"
    assert "Accept" in response.headers["vary"]


def test_etag_and_last_modified_give_304(app: FastAPI) -> None:
    first = fetch(app, "/doc/country/venezuela.ttl")
    again = fetch(app, "/doc/country/venezuela.ttl", {"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    since = fetch(app, "/doc/country/venezuela.ttl", {"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    stale = fetch(app, "/doc/country/venezuela.ttl", {"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_etag_differs_between_formats_and_languages(app: FastAPI) -> None:
    tags = {
        fetch(app, "/doc/mission/change-6.ttl").headers["etag"],
        fetch(app, "/doc/mission/change-6.nt").headers["etag"],
        fetch(app, "/doc/mission/change-6.html").headers["etag"],
        fetch(app, "/doc/mission/change-6.html", {"Accept-Language": "zh"}).headers["etag"],
    }
    assert len(tags) == 4


@pytest.mark.parametrize(
    "path",
    [
        "/id/mission/change-6",
        "/doc/mission/change-6.html",
        "/doc/mission/change-6.ttl",
        "/",
        "/ontology",
        "/.well-known/void",
        "/class/Mission",
        "/doc/mission/nothing.html",
    ],
)
def test_head_answers_like_get_without_a_body(app: FastAPI, path: str) -> None:
    get = fetch(app, path, BROWSER)
    head = fetch(app, path, BROWSER, method="HEAD")
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers.get("etag") == get.headers.get("etag")
    assert head.headers.get("content-type") == get.headers.get("content-type")


@pytest.mark.parametrize(
    "path",
    [
        "/id/mission/no-such-mission",
        "/doc/mission/no-such-mission.ttl",
        "/id/mission/bad%20slug",
        "/id/nokind/change-6",
    ],
)
def test_unknown_entity_is_404(app: FastAPI, path: str) -> None:
    response = fetch(app, path, CURL)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")


def test_unknown_entity_gives_browsers_an_html_page_with_a_search_hint(app: FastAPI) -> None:
    response = fetch(app, "/id/mission/change", BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'action="http://testserver/search"' in response.text
    assert "Chang&#39;e 6" in response.text  # a suggestion


def test_search_finds_names(app: FastAPI) -> None:
    response = fetch(app, "/search?q=venez", BROWSER)
    assert response.status_code == 200
    assert 'href="http://testserver/doc/country/venezuela.html"' in response.text


@pytest.mark.parametrize(
    ("headers", "content_type", "location"),
    [
        (BROWSER, "text/html", "/ontology.html"),
        (CURL, "text/turtle", "/ontology.ttl"),
        ({"Accept": "application/rdf+xml"}, "application/rdf+xml", "/ontology.rdf"),
        ({"Accept": "application/ld+json"}, "application/ld+json", "/ontology.jsonld"),
        ({"Accept": "application/n-triples"}, "application/n-triples", "/ontology.nt"),
    ],
)
def test_ontology_negotiates(app: FastAPI, headers: dict[str, str], content_type: str, location: str) -> None:
    response = fetch(app, "/ontology", headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["content-location"] == "http://testserver" + location
    assert "Accept" in response.headers["vary"]
    fixed = fetch(app, location)
    assert fixed.status_code == 200 and fixed.headers["content-type"].startswith(content_type)


def test_ontology_version_iri_resolves_and_other_versions_do_not(app: FastAPI) -> None:
    version = fetch(app, "/ontology/0.1.0", CURL)
    assert version.status_code == 200
    assert b"owl:versionIRI" in version.content or b"versionIRI" in version.content
    assert fetch(app, "/ontology/0.1.0.rdf").headers["content-type"].startswith("application/rdf+xml")
    assert fetch(app, "/ontology/9.9.9", CURL).status_code == 404


def test_root_sends_rdf_clients_to_the_dataset_description(app: FastAPI) -> None:
    response = fetch(app, "/", {"Accept": "text/turtle"})
    assert response.status_code == 303
    assert "/.well-known/void" in response.headers["location"]
    assert fetch(app, "/dataset").status_code == 303


def test_stylesheet_is_served(app: FastAPI) -> None:
    response = fetch(app, "/static/ld/ld.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
