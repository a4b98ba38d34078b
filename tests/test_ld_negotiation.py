"""Which format and language a request gets (linked_data.formats, web.languages)."""

from __future__ import annotations

import pytest

from ilrs_kg.errors import NotAcceptable
from ilrs_kg.linked_data.formats import UnknownFormat, choose_format, format_by_name, is_browser
from ilrs_kg.web.languages import negotiate_language

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
    ],
)
def test_format_parameter(name: str, expected: str) -> None:
    assert format_by_name(name).extension == expected


def test_unknown_format_parameter_lists_the_formats() -> None:
    with pytest.raises(UnknownFormat, match="html, ttl, jsonld, nt, rdf"):
        format_by_name("pdf")


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
