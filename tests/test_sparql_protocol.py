"""The /sparql resource as a client sees it: the SPARQL 1.1 Protocol, content negotiation, datasets,
errors, caching headers, CORS and the service description (handler called without sockets)."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.protocol import SparqlEndpoint
from ilrs_kg.web.reply import Reply, Request
from tests.fixtures.sparql.support import (
    CHANGE_6,
    FIXTURE_GRAPH,
    LABELS,
    PROVENANCE_GRAPH,
    endpoint,
    get,
    handle,
    settings,
)

CONSTRUCT = f"CONSTRUCT {{ <{CHANGE_6}> ?p ?o }} WHERE {{ <{CHANGE_6}> ?p ?o }}"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def ep(tmp_path_factory: pytest.TempPathFactory) -> SparqlEndpoint:
    return endpoint(settings(tmp_path_factory.mktemp("build")))


def rows(reply: Reply) -> list[dict[str, str]]:
    assert reply.status == 200, reply.body
    parsed = json.loads(reply.body)
    return [{k: v["value"] for k, v in binding.items()} for binding in parsed["results"]["bindings"]]


def post(
    ep: SparqlEndpoint,
    content_type: str | None,
    body: bytes,
    query_string: bytes = b"",
    accept: str | None = None,
) -> Reply:
    headers = {"host": "127.0.0.1:8000"}
    if content_type is not None:
        headers["content-type"] = content_type
    if accept is not None:
        headers["accept"] = accept
    return handle(ep, Request("POST", query_string, headers, body))


def test_get_answers_in_sparql_json_by_default(ep: SparqlEndpoint) -> None:
    reply = get(ep, LABELS)
    assert reply.header("content-type") == "application/sparql-results+json"
    labels = [row["label"] for row in rows(reply)]
    assert "Chang'e 6" in labels and "嫦娥六号" in labels and "mission" in labels
    assert reply.header("vary") == "Accept"
    assert reply.header("access-control-allow-origin") == "*"
    assert reply.header("cache-control") == "public, max-age=60"
    assert (reply.header("etag") or "").startswith('W/"')


def test_post_form_and_direct_give_the_same_answer(ep: SparqlEndpoint) -> None:
    by_get = rows(get(ep, LABELS))
    by_form = rows(post(ep, FORM, urllib.parse.urlencode({"query": LABELS}).encode()))
    by_body = rows(post(ep, "application/sparql-query", LABELS.encode()))
    assert by_get == by_form == by_body
    assert len(by_get) == 11


@pytest.mark.parametrize(
    ("accept", "content_type", "results_format"),
    [
        (None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("application/xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.1", "text/csv; charset=utf-8", None),
        ("text/*", "text/csv; charset=utf-8", None),
    ],
)
def test_select_results_in_every_format(
    ep: SparqlEndpoint, accept: str | None, content_type: str, results_format: ox.QueryResultsFormat | None
) -> None:
    reply = get(ep, LABELS, accept)
    assert reply.status == 200
    assert reply.header("content-type") == content_type
    if results_format is None:  # CSV: pyoxigraph does not read it back
        lines = reply.body.decode().splitlines()
        assert lines[0] == "s,label" and len(lines) == 12
    else:
        parsed = ox.parse_query_results(reply.body, format=results_format)
        assert isinstance(parsed, ox.QuerySolutions)
        assert len(list(parsed)) == 11


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/trig", "application/trig"),
        ("application/n-quads", "application/n-quads"),
        ("text/plain", "application/n-triples"),
        ("text/n3", "text/turtle"),
        ("text/rdf+n3", "text/turtle"),
        ("application/sparql-results+json, text/turtle;q=0.9", "text/turtle"),
    ],
)
def test_construct_results_in_every_rdf_format(
    ep: SparqlEndpoint, accept: str | None, content_type: str
) -> None:
    reply = get(ep, CONSTRUCT, accept)
    assert reply.status == 200, reply.body
    assert reply.header("content-type") == content_type
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(content_type)))
    assert len(triples) == 5
    assert {q.subject for q in triples} == {ox.NamedNode(CHANGE_6)}
    assert ox.Literal("嫦娥六号", language="zh") in {q.object for q in triples}


def test_ask_answers_a_boolean(ep: SparqlEndpoint) -> None:
    reply = get(ep, f"ASK {{ <{CHANGE_6}> a ?class }}")
    assert json.loads(reply.body)["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "answer", "body"),
    [
        ("text/csv", "ASK {}", b"_askResult\r\ntrue\r\n"),
        ("text/csv", "ASK { <urn:x:nothing> ?p ?o }", b"_askResult\r\nfalse\r\n"),
        ("text/tab-separated-values", "ASK {}", b"?_askResult\ntrue\n"),
    ],
)
def test_ask_in_csv_and_tsv_is_the_one_column_table_jena_reads(
    ep: SparqlEndpoint, accept: str, answer: str, body: bytes
) -> None:
    reply = get(ep, answer, accept=accept)
    assert reply.status == 200
    assert reply.body == body


@pytest.mark.parametrize(
    ("query", "format_name", "content_type"),
    [
        (LABELS, "csv", "text/csv; charset=utf-8"),
        (LABELS, "xml", "application/sparql-results+xml"),
        (LABELS, "text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        (CONSTRUCT, "ttl", "text/turtle"),
        (CONSTRUCT, "jsonld", "application/ld+json"),
        (CONSTRUCT, "nt", "application/n-triples"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "rdf+xml", "application/rdf+xml"),
        (CONSTRUCT, "n3", "text/turtle"),
        (CONSTRUCT, "json-ld", "application/ld+json"),
    ],
)
def test_format_parameter_overrides_accept(
    ep: SparqlEndpoint, query: str, format_name: str, content_type: str
) -> None:
    reply = get(ep, query, "application/sparql-results+json", format=format_name)
    assert reply.status == 200
    assert reply.header("content-type") == content_type


@pytest.mark.parametrize(
    ("query", "accept", "params", "says"),
    [
        (LABELS, "image/png", {}, "application/sparql-results+json, application/sparql-results+xml"),
        (CONSTRUCT, "text/csv", {}, "text/turtle, application/n-triples"),
        (CONSTRUCT, None, {"format": "csv"}, "format=csv"),
    ],
)
def test_nothing_acceptable_is_406_naming_the_formats(
    ep: SparqlEndpoint, query: str, accept: str | None, params: dict[str, str], says: str
) -> None:
    reply = get(ep, query, accept, **params)
    assert reply.status == 406
    assert says in reply.body.decode()


def test_the_default_graph_is_the_union_and_named_graphs_stay_addressable(ep: SparqlEndpoint) -> None:
    union = rows(get(ep, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert union == [{"n": "27"}]
    graphs = rows(
        get(ep, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    )
    assert graphs == [
        {"g": ONTOLOGY_GRAPH, "n": "10"},
        {"g": PROVENANCE_GRAPH, "n": "3"},
        {"g": FIXTURE_GRAPH, "n": "14"},
    ]


def test_protocol_dataset_overrides_the_union_and_from(ep: SparqlEndpoint) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert rows(get(ep, count, **{"default-graph-uri": ONTOLOGY_GRAPH})) == [{"n": "10"}]
    assert rows(get(ep, f"SELECT (COUNT(*) AS ?n) FROM <{FIXTURE_GRAPH}> WHERE {{ ?s ?p ?o }}")) == [
        {"n": "14"}
    ]
    overridden = get(
        ep,
        f"SELECT (COUNT(*) AS ?n) FROM <{FIXTURE_GRAPH}> WHERE {{ ?s ?p ?o }}",
        **{"default-graph-uri": ONTOLOGY_GRAPH},
    )
    assert rows(overridden) == [{"n": "10"}]
    named = get(
        ep, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": FIXTURE_GRAPH}
    )
    assert rows(named) == [{"g": FIXTURE_GRAPH}]


def test_relative_iris_resolve_against_the_data_base(ep: SparqlEndpoint) -> None:
    reply = get(
        ep,
        "SELECT ?label WHERE { <id/mission/change-6> <http://www.w3.org/2000/01/rdf-schema#label> "
        "?label } ORDER BY ?label",
    )
    assert [row["label"] for row in rows(reply)] == ["Chang'e 6", "嫦娥六号"]


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = }", 400, "error at 3:"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400, "SERVICE is refused"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", 400, "LOAD is refused"),
        ("INSERT DATA { <http://x> <http://y> <http://z> }", 403, "read-only"),
        ("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", 400, "nest 10002 deep"),
        ("SELECT * {}" + " " * 100_000, 413, "characters long"),
        ("", 400, "empty"),
    ],
    ids=["syntax", "service", "load", "update", "nesting", "too-long", "empty"],
)
def test_bad_queries_are_client_errors_that_say_why(
    ep: SparqlEndpoint, query: str, status: int, says: str
) -> None:
    reply = get(ep, query)
    assert reply.status == status
    assert says in reply.body.decode()
    assert reply.header("content-type") == "text/plain; charset=utf-8"
    assert reply.header("access-control-allow-origin") == "*"


@pytest.mark.parametrize(
    ("request_", "status", "says"),
    [
        (Request("GET", b"query=a&query=b"), 400, "given 2 times"),
        (Request("GET", b"query=%FF"), 400, "UTF-8"),
        (Request("GET", b"default-graph-uri=" + DATA_GRAPH.encode()), 400, "query parameter is missing"),
        (Request("POST", b"", {"content-type": FORM}, b"format=json"), 400, "query parameter is missing"),
        (Request("POST", b"", {}, LABELS.encode()), 415, "no Content-Type"),
        (Request("POST", b"", {"content-type": "text/plain"}, LABELS.encode()), 415, "text/plain"),
        (
            Request("POST", b"", {"content-type": "application/sparql-query"}, b"SELECT \xff"),
            400,
            "UTF-8",
        ),
        (
            Request("POST", b"", {"content-type": "application/sparql-update"}, b"CLEAR ALL"),
            403,
            "read-only",
        ),
        (Request("PUT", b"", {}, b""), 405, "PUT is not allowed"),
        (Request("DELETE", b"", {}, b""), 405, "DELETE is not allowed"),
    ],
    ids=[
        "duplicate",
        "not-utf8",
        "missing",
        "missing-post",
        "no-type",
        "wrong-type",
        "body-not-utf8",
        "update-body",
        "put",
        "delete",
    ],
)
def test_bad_requests_are_client_errors_that_say_why(
    ep: SparqlEndpoint, request_: Request, status: int, says: str
) -> None:
    reply = handle(ep, request_)
    assert reply.status == status
    assert says in reply.body.decode()
    if status == 405:
        assert reply.header("allow") == "GET, HEAD, POST, OPTIONS"


def test_a_result_over_the_limit_is_refused(tmp_path: Path) -> None:
    small = endpoint(settings(tmp_path, max_result_bytes=300))
    reply = get(small, LABELS)
    assert reply.status == 422
    assert "300-byte limit" in reply.body.decode()


def test_a_body_over_the_limit_is_413_before_it_is_read(tmp_path: Path) -> None:
    small = endpoint(settings(tmp_path, max_body_bytes=100))
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"query=" + b"x" * 200, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/sparql",
        "query_string": b"",
        "headers": [(b"content-type", FORM.encode()), (b"content-length", b"206")],
    }
    asyncio.run(small(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert b"limit is 100" in sent[1]["body"]  # type: ignore[operator]


def test_etag_revalidation_answers_304(ep: SparqlEndpoint) -> None:
    first = get(ep, LABELS)
    etag = first.header("etag")
    assert etag is not None and get(ep, LABELS).header("etag") == etag
    assert get(ep, LABELS, "text/csv").header("etag") != etag
    headers = {"if-none-match": etag}
    query_string = urllib.parse.urlencode({"query": LABELS}).encode()
    revalidated = handle(ep, Request("GET", query_string, headers))
    assert revalidated.status == 304 and revalidated.body == b""
    assert revalidated.header("etag") == etag and revalidated.header("vary") == "Accept"
    stale = handle(ep, Request("GET", query_string, {"if-none-match": 'W/"other"'}))
    assert stale.status == 200


def test_head_has_the_headers_of_get(ep: SparqlEndpoint) -> None:
    query_string = urllib.parse.urlencode({"query": LABELS}).encode()
    head = handle(ep, Request("HEAD", query_string))
    assert head.status == 200
    assert head.header("content-type") == "application/sparql-results+json"


def test_repeated_queries_come_from_the_cache(tmp_path: Path) -> None:
    counting = endpoint(settings(tmp_path))
    calls: list[QueryJob] = []
    run = counting.backend.run

    async def counted(job: QueryJob, client: str | None = None) -> QueryResult:
        calls.append(job)
        return await run(job, client)

    counting.backend.run = counted  # type: ignore[method-assign]
    for _ in range(3):
        assert get(counting, LABELS).status == 200
    get(counting, LABELS, "text/csv")
    assert len(calls) == 2


def test_simultaneous_identical_queries_run_once(tmp_path: Path) -> None:
    counting = endpoint(settings(tmp_path))
    calls: list[QueryJob] = []
    run = counting.backend.run

    async def slow(job: QueryJob, client: str | None = None) -> QueryResult:
        calls.append(job)
        await asyncio.sleep(0.05)
        return await run(job, client)

    counting.backend.run = slow  # type: ignore[method-assign]
    request = Request("GET", urllib.parse.urlencode({"query": LABELS}).encode())

    async def burst() -> list[Reply]:
        return await asyncio.gather(*(counting.handle(request) for _ in range(5)))

    replies = asyncio.run(burst())
    assert [r.status for r in replies] == [200] * 5
    assert len({r.body for r in replies}) == 1
    assert len(calls) == 1


def test_cors_preflight(ep: SparqlEndpoint) -> None:
    reply = handle(
        ep,
        Request(
            "OPTIONS",
            b"",
            {
                "origin": "https://yasgui.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        ),
    )
    assert reply.status == 204
    assert reply.header("access-control-allow-origin") == "*"
    assert "POST" in (reply.header("access-control-allow-methods") or "")
    assert reply.header("access-control-allow-headers") == "content-type"
    plain = handle(ep, Request("OPTIONS"))
    assert plain.status == 204 and plain.header("allow") == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        (None, ox.RdfFormat.TURTLE),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_bare_get_describes_the_service(
    ep: SparqlEndpoint, accept: str | None, rdf_format: ox.RdfFormat
) -> None:
    reply = get(ep, None, accept)
    assert reply.status == 200
    store = ox.Store()
    store.load(reply.body, format=rdf_format)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint_iri = ox.NamedNode("http://127.0.0.1:8000/sparql")
    assert list(store.quads_for_pattern(endpoint_iri, ox.NamedNode(sd + "endpoint"), endpoint_iri))
    void_link = store.query(f"""ASK {{ <http://127.0.0.1:8000/sparql> <{sd}defaultDataset>
        /<http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://127.0.0.1:8000/.well-known/void> }}""")
    assert bool(void_link), "the service description links to the VoID description"
    answer = store.query(f"""
        PREFIX sd: <{sd}> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?name ?triples WHERE {{
            <http://127.0.0.1:8000/sparql> sd:supportedLanguage sd:SPARQL11Query ;
                sd:feature sd:UnionDefaultGraph ;
                sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ;
                sd:defaultDataset/sd:namedGraph [ sd:name ?name ; sd:graph/void:triples ?triples ] .
        }} ORDER BY ?name""")
    assert isinstance(answer, ox.QuerySolutions)
    assert [(str(r["name"].value), int(r["triples"].value)) for r in answer] == [  # type: ignore[union-attr]
        (ONTOLOGY_GRAPH, 10),
        (PROVENANCE_GRAPH, 3),
        (FIXTURE_GRAPH, 14),
    ]


def test_bare_get_asking_for_results_is_told_the_query_is_missing(ep: SparqlEndpoint) -> None:
    reply = get(ep, None, "application/sparql-results+json")
    assert reply.status == 400
    assert "query parameter is missing" in reply.body.decode()


def test_results_keep_language_tags_and_datatypes(ep: SparqlEndpoint) -> None:
    reply = get(ep, f"SELECT ?o WHERE {{ <{CHANGE_6}> ?p ?o FILTER(isLiteral(?o)) }} ORDER BY ?o")
    bindings = json.loads(reply.body)["results"]["bindings"]
    assert {"type": "literal", "value": "2024", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"} in [
        b["o"] for b in bindings
    ]
    assert {"type": "literal", "value": "嫦娥六号", "xml:lang": "zh"} in [b["o"] for b in bindings]
