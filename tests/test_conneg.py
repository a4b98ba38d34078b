"""Content negotiation: a table of Accept headers against what a resource offers."""

from __future__ import annotations

import pytest

from ilrs_kg.conneg import negotiate, parse_accept
from ilrs_kg.errors import NotAcceptable

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TURTLE = "text/turtle"
HTML = "text/html"
RESULTS = (JSON, XML, CSV, "application/json")
PAGE_OR_RDF = (TURTLE, "application/ld+json", HTML)


@pytest.mark.parametrize(
    ("accept", "offered", "default", "expected"),
    [
        (None, RESULTS, JSON, JSON),
        ("", RESULTS, JSON, JSON),
        ("*/*", RESULTS, JSON, JSON),
        ("*", RESULTS, JSON, JSON),
        (XML, RESULTS, JSON, XML),
        ("text/csv", RESULTS, JSON, CSV),
        ("TEXT/CSV", RESULTS, JSON, CSV),
        ("text/*", RESULTS, JSON, CSV),
        ("application/*", RESULTS, JSON, JSON),
        ("application/*;q=0.5, text/csv;q=0.4", RESULTS, JSON, JSON),
        ("application/*;q=0.3, text/csv;q=0.4", RESULTS, JSON, CSV),
        # q-values beat order; q=0 refuses even when a wildcard would allow it
        (f"{XML};q=0.2, {CSV};q=0.9", RESULTS, JSON, CSV),
        (f"*/*, {JSON};q=0", RESULTS, JSON, XML),
        # the most specific range sets the quality
        (f"text/*;q=0.1, {CSV};q=1", RESULTS, JSON, CSV),
        (f"{CSV};q=0.1, text/*", RESULTS, JSON, CSV),
        # equal quality: the more specific match, then the default, then the earlier offer
        (f"*/*, {XML}", RESULTS, JSON, XML),
        (f"{XML}, {CSV}", RESULTS, JSON, XML),
        (f"{CSV}, {XML}", RESULTS, JSON, XML),
        (f"{CSV}, {JSON}", RESULTS, JSON, JSON),
        # parameters besides q are ignored; accept-extensions after q too
        (f"{CSV};charset=utf-8;q=0.5, {XML};q=0.4", RESULTS, JSON, CSV),
        (f"{CSV};q=0.5;ext=1, {XML};q=0.4", RESULTS, JSON, CSV),
        # malformed entries are dropped, not fatal
        (f"garbage, {CSV}", RESULTS, JSON, CSV),
        (f"{XML};q=abc, {CSV};q=0.5", RESULTS, JSON, CSV),
        (f"{XML};q=7, {CSV};q=0.5", RESULTS, JSON, CSV),
        ("garbage", RESULTS, JSON, JSON),
        # what browsers, YASGUI and SPARQLWrapper send
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", PAGE_OR_RDF, TURTLE, HTML),
        (f"{JSON},*/*;q=0.9", RESULTS, JSON, JSON),
        (f"{JSON},application/json,text/javascript,application/javascript", RESULTS, JSON, JSON),
        ("application/ld+json, application/x-json+ld", PAGE_OR_RDF, TURTLE, "application/ld+json"),
    ],
)
def test_negotiate_picks_what_the_client_prefers(
    accept: str | None, offered: tuple[str, ...], default: str, expected: str
) -> None:
    assert negotiate(accept, offered, default) == expected


@pytest.mark.parametrize(
    "accept",
    ["image/png", f"{JSON};q=0, {XML};q=0, {CSV};q=0, application/json;q=0", "text/turtle, image/*"],
)
def test_nothing_acceptable_names_what_is_on_offer(accept: str) -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(accept, RESULTS, JSON)
    assert caught.value.offered == RESULTS
    for media_type in RESULTS:
        assert media_type in str(caught.value)
    assert accept in str(caught.value)


def test_default_must_be_on_offer() -> None:
    with pytest.raises(ValueError, match="default"):
        negotiate(None, (CSV,), JSON)


def test_parse_accept_keeps_order_and_quality() -> None:
    ranges = parse_accept("text/*;q=0.5, application/json , */*;q=0.1")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "*", 0.5),
        ("application", "json", 1.0),
        ("*", "*", 0.1),
    ]
