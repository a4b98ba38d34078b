"""Which format and language a request gets (linked_data.formats over web.formats, web.languages)."""

from __future__ import annotations

import urllib.parse

import pytest

from ilrs_kg.errors import NotAcceptable, UnknownFormat
from ilrs_kg.linked_data.formats import DOCUMENT, is_browser, pick
from ilrs_kg.web.formats import Format
from ilrs_kg.web.languages import negotiate_language
from ilrs_kg.web.reply import Request


def choose_format(accept: str | None, user_agent: str | None, format_name: str | None = None) -> Format:
    headers = {"accept": accept, "user-agent": user_agent}
    query = urllib.parse.urlencode({"format": format_name}).encode() if format_name is not None else b""
    return pick(Request("GET", query, {k: v for k, v in headers.items() if v is not None}))


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "user_agent", "expected"),
    [
        (None, "curl/8.5.0", "ttl"),
        ("*/*", "curl/8.5.0", "ttl"),
        (None, None, "ttl"),
        ("*/*", FIREFOX, "html"),
        (None, FIREFOX, "html"),
        (CHROME_ACCEPT, FIREFOX, "html"),
        ("text/turtle", FIREFOX, "ttl"),
        ("application/ld+json", None, "jsonld"),
        ("application/json", None, "jsonld"),
        ("application/n-triples", None, "nt"),
        ("application/rdf+xml", None, "rdf"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", None, "ttl"),
        ("text/*", "curl/8.5.0", "ttl"),
        ("text/*", FIREFOX, "html"),
        ("text/html;q=0, */*", FIREFOX, "ttl"),
        ("application/xhtml+xml", None, "html"),
        ("TEXT/TURTLE", None, "ttl"),
        ("text/turtle;charset=utf-8", None, "ttl"),
        # rdflib's Graph().parse(url, format=...): N-Triples by its pre-2014 type, N3 answered in Turtle
        ("text/plain, */*;q=0.1", None, "nt"),
        ("text/n3, */*;q=0.1", None, "ttl"),
        ("text/rdf+n3", None, "ttl"),
        ("application/rdf+xml, */*;q=0.1", None, "rdf"),
        ("application/xml", None, "rdf"),
        ("application/turtle", None, "ttl"),
        ("text/plain", "curl/8.5.0", "nt"),
    ],
)
def test_choose_format(accept: str | None, user_agent: str | None, expected: str) -> None:
    assert choose_format(accept, user_agent).extension == expected


@pytest.mark.parametrize(
    "accept", ["image/png", "application/pdf, text/csv", "text/turtle;q=0, text/html;q=0"]
)
def test_nothing_acceptable_names_the_formats(accept: str) -> None:
    with pytest.raises(NotAcceptable) as caught:
        choose_format(accept, "curl/8")
    assert "text/turtle" in caught.value.offered and "text/html" in caught.value.offered


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ttl", "ttl"),
        ("text/turtle", "ttl"),
        ("JSONLD", "jsonld"),
        ("rdf", "rdf"),
        ("html", "html"),
        ("nt", "nt"),
        ("text/plain", "nt"),
        ("text/n3", "ttl"),
        # one canonical key each, every other spelling an alias, as on every route
        ("turtle", "ttl"),
        ("application/turtle", "ttl"),
        ("rdfxml", "rdf"),
        ("rdf+xml", "rdf"),
        ("xml", "rdf"),
        ("application/xml", "rdf"),
        ("ntriples", "nt"),
        ("json-ld", "jsonld"),
        ("application/json", "jsonld"),
    ],
)
def test_format_parameter(name: str, expected: str) -> None:
    assert choose_format("image/png", "curl/8", name).extension == expected
    found = DOCUMENT.named(name)
    assert found is not None and found.extension == expected


def test_unknown_format_parameter_lists_the_formats() -> None:
    with pytest.raises(UnknownFormat, match=r"format=pdf.*text/html.*text/turtle.*html\|turtle\|"):
        choose_format(None, None, "pdf")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("ru-RU, ru;q=0.9", "ru"),
        ("fr-FR, de;q=0.8", "en"),
        ("fr, ru;q=0.5", "ru"),
        ("en;q=0.4, zh-Hans;q=0.6", "zh"),
        ("*", "en"),
        ("zh;q=0", "en"),
    ],
)
def test_negotiate_language(header: str | None, expected: str) -> None:
    assert negotiate_language(header, ("en", "zh", "ru"), "en") == expected


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX, True),
        ("curl/8.5.0", False),
        ("rdflib/7.1", False),
        (None, False),
        ("Mozilla/5.0 (compatible; Googlebot/2.1)", True),
    ],
)
def test_is_browser(user_agent: str | None, expected: bool) -> None:
    assert is_browser(user_agent) is expected
