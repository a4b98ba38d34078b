"""The W3C SPARQL 1.1 Protocol test suite, query side: its 20 cases, each as the suite's manifest gives it
(request line, headers, body, expected status and result form), sent to a real `ilrs-kg serve` over HTTP.

The manifest (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl) writes every request against
`/sparql/` on a host of its own; here they go to /sparql on the served port. The six dataset cases need
the suite's graphs data1..3 as named graphs: the fixture root holds them in one TriG file, whose named
graphs keep their names (sources.py). The update cases are out of scope: the endpoint is read-only.
"""

from __future__ import annotations

import json
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import rdflib

from tests.fixtures.sparql.support import Served, serving

ROOT = Path(__file__).parent / "fixtures" / "w3c_protocol" / "root"
DATA = "http://kasei.us/2009/09/sparql/data/"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"

ASK_1_2 = f"ASK {{ <{DATA}data1.rdf> a ?type . <{DATA}data2.rdf> a ?type . }}"
ASK_NAMED_1_2 = (
    f"ASK {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
)
ASK_FULL = f"""ASK {{
  <{DATA}data3.rdf> a ?type
  GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }}
  GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }}
}}"""
ASK_FROM_3 = (
    f"ASK FROM <{DATA}data3.rdf> {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    params: tuple[tuple[str, str], ...] = ()  # the URL's query string, in order
    content_type: str | None = None
    body: bytes = b""
    expect: str = "4xx"  # "boolean", "tabular", "RDF" (each with a 2xx/3xx status) or "4xx"
    answer: bool | None = None  # the expected boolean, where the manifest gives one
    headers: dict[str, str] = field(default_factory=dict)


def dataset(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((name, f"{DATA}{graph}") for name, graph in pairs)


D0 = dataset(("default-graph-uri", "data0.rdf"))
CASES = (
    Case("query_post_form", "POST", D0, FORM, b"query=ASK%20%7B%7D", "boolean", True),
    Case(
        "query_dataset_default_graphs_get",
        "GET",
        (
            ("query", ASK_1_2),
            *dataset(("default-graph-uri", "data1.rdf"), ("default-graph-uri", "data2.rdf")),
        ),
        expect="boolean",
        answer=True,
    ),
    Case(
        "query_dataset_default_graphs_post",
        "POST",
        dataset(("default-graph-uri", "data1.rdf"), ("default-graph-uri", "data2.rdf")),
        DIRECT,
        ASK_1_2.encode(),
        "boolean",
        True,
    ),
    Case(
        "query_dataset_named_graphs_post",
        "POST",
        dataset(("named-graph-uri", "data1.rdf"), ("named-graph-uri", "data2.rdf")),
        DIRECT,
        ASK_NAMED_1_2.encode(),
        "boolean",
        True,
    ),
    Case(
        "query_dataset_named_graphs_get",
        "GET",
        (
            ("query", ASK_NAMED_1_2),
            *dataset(("named-graph-uri", "data1.rdf"), ("named-graph-uri", "data2.rdf")),
        ),
        expect="boolean",
        answer=True,
    ),
    Case(
        "query_dataset_full",
        "POST",
        dataset(
            ("default-graph-uri", "data3.rdf"),
            ("named-graph-uri", "data1.rdf"),
            ("named-graph-uri", "data2.rdf"),
        ),
        DIRECT,
        ASK_FULL.encode(),
        "boolean",
        True,
    ),
    Case(
        "query_multiple_dataset",
        "POST",
        dataset(("named-graph-uri", "data1.rdf"), ("named-graph-uri", "data2.rdf")),
        DIRECT,
        ASK_FROM_3.encode(),
        "boolean",
        True,
    ),
    Case("query_get", "GET", (("query", "ASK {}"), *D0), expect="boolean", answer=True),
    Case("query_content_type_select", "POST", D0, DIRECT, b"SELECT (1 AS ?value) {}", "tabular"),
    Case("query_content_type_ask", "POST", D0, DIRECT, b"ASK {}", "boolean"),
    Case("query_content_type_describe", "POST", D0, DIRECT, b"DESCRIBE <http://example.org/>", "RDF"),
    Case("query_content_type_construct", "POST", D0, DIRECT, b"CONSTRUCT { <s> <p> 1 } WHERE {}", "RDF"),
    Case("query_post_direct", "POST", (), DIRECT, b"ASK {}", "boolean", True),
    Case("bad_query_method", "PUT", (("query", "ASK {}"), *D0), FORM),
    Case("bad_multiple_queries", "GET", (("query", "ASK {}"), ("query", "SELECT * {}"))),
    Case("bad_query_wrong_media_type", "POST", (), "text/plain", b"ASK {}"),
    Case("bad_query_missing_form_type", "POST", (), None, b"query=ASK%20%7B%7D"),
    Case("bad_query_missing_direct_type", "POST", (), None, b"ASK {}"),
    Case(
        "bad_query_non_utf8",
        "POST",
        (),
        "application/sparql-query; charset=UTF-16",
        "ASK {}".encode("utf-16"),
    ),
    Case("bad_query_syntax", "GET", (("query", "ASK {"),)),
)

# What the manifest accepts as each result form: boolean XML or JSON; tabular XML, JSON, CSV or TSV;
# RDF as RDF/XML, Turtle, N-Triples (or RDFa, which this endpoint does not write).
FORMS = {
    "boolean": ("application/sparql-results+xml", "application/sparql-results+json"),
    "tabular": (
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(
        tmp_path_factory.mktemp("w3c-build"), "--http-processes", "1", "--workers", "1", root=ROOT
    ) as served:
        yield served


def send(server: Served, case: Case) -> httpx.Response:
    query = urllib.parse.urlencode(case.params, quote_via=urllib.parse.quote)
    headers = dict(case.headers)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    request = httpx.Request(
        case.method,
        f"{server.url}/sparql" + (f"?{query}" if query else ""),
        headers=headers,
        content=case.body or None,
    )
    if case.content_type is None and case.body:
        request.headers.pop("Content-Type", None)  # the suite's "missing media type" cases send none
    with httpx.Client(timeout=30) as client:
        return client.send(request)


def boolean_of(response: httpx.Response) -> bool:
    media = response.headers["content-type"].split(";")[0].strip()
    if media == "application/sparql-results+json":
        value = json.loads(response.content)["boolean"]
        assert isinstance(value, bool)
        return value
    found = ET.fromstring(response.content).find(f"{SPARQL_RESULTS}boolean")
    assert found is not None and found.text in ("true", "false")
    return found.text == "true"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol_case(server: Served, case: Case) -> None:
    response = send(server, case)
    if case.expect == "4xx":
        assert 400 <= response.status_code < 500, (response.status_code, response.text)
        assert response.text.strip(), "a refusal says why"
        return
    assert 200 <= response.status_code < 400, (response.status_code, response.text)
    media = response.headers["content-type"].split(";")[0].strip()
    assert media in FORMS[case.expect], media
    if case.expect == "boolean" and case.answer is not None:
        assert boolean_of(response) is case.answer
    elif case.expect == "tabular":
        assert json.loads(response.content)["results"]["bindings"] == [
            {
                "value": {
                    "type": "literal",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                    "value": "1",
                }
            }
        ]
    elif case.expect == "RDF":
        parser = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}[media]
        graph = rdflib.Graph().parse(data=response.content, format=parser, publicID=f"{server.url}/sparql")
        if "CONSTRUCT" in case.body.decode():
            assert len(graph) == 1 and next(iter(graph))[2] == rdflib.Literal(1)


def test_the_suite_is_whole() -> None:
    """Every query-side case of the manifest is here, once."""
    assert len(CASES) == 20 == len({c.name for c in CASES})
    assert sum(c.expect == "4xx" for c in CASES) == 7


def test_a_dataset_case_fails_without_its_named_graphs(server: Served) -> None:
    """The dataset cases test the dataset: naming graphs that hold nothing gives false, not true."""
    case = Case(
        "named graphs that do not exist",
        "GET",
        (
            ("query", ASK_NAMED_1_2),
            *dataset(("named-graph-uri", "data3.rdf"), ("named-graph-uri", "data4.rdf")),
        ),
        expect="boolean",
        answer=False,
    )
    response = send(server, case)
    assert response.status_code == 200
    assert boolean_of(response) is False
