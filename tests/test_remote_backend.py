"""`ilrs-kg publish --to URL` and `ilrs-kg serve --backend URL` against a real Virtuoso (Debian's
virtuoso-opensource 7.2, tests.fixtures.virtuoso: loopback only, stopped by itself).

The build is published by the Graph Store Protocol as the writer user, then served through our front
from Virtuoso as the read-only user: the competency questions get the same answers as from the
embedded store, the pages read the same, and the front's limits and refusals hold, with Virtuoso's own
grants refusing the same attacks sent to it directly.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import httpx
import pyoxigraph as ox
import pytest

from ilrs_kg.cli import main
from ilrs_kg.errors import QueryFailed, QueryRefused, QuerySyntaxError, QueryTimeout, StoreError
from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.class_index import _index_graph
from ilrs_kg.linked_data.home import _home_graph, choose
from ilrs_kg.linked_data.read_ahead import first_quads
from ilrs_kg.settings import Settings
from ilrs_kg.sparql import remote_store
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.remote import MERGE_GRAPH, Remote, read_answer, rows
from ilrs_kg.sparql.remote_backend import RemoteBackend
from ilrs_kg.sparql.remote_screen import refuse_extensions
from ilrs_kg.sparql.remote_store import RemoteStore
from ilrs_kg.web.statuses import status_for
from tests.conftest import PROJECT_ROOT
from tests.fixtures.sparql.listener import loopback_listener
from tests.fixtures.sparql.support import Served, serving
from tests.fixtures.virtuoso import (
    COMPETENCY_QUESTIONS,
    READER,
    WRITER,
    Virtuoso,
    assert_same_answer,
    virtuoso_server,
)
from tests.test_competency_questions import QUERIES
from tests.test_exports_virtuoso import as_csv, our_graphs

QUERY_TIMEOUT = 10.0  # the default; the home page takes 4-5 s over Virtuoso (docs/remote-backend.md)
PUBLIC = "http://ilrs.test/"
ID = "https://w3id.org/ilrs/id/"
ORG = "http://www.w3.org/ns/org#"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module")
def secrets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("secrets")
    files = {}
    for user, password in (READER, WRITER):
        files[user] = folder / user
        files[user].write_text(password + "\n", encoding="utf-8")
    return files


def _publish(virtuoso: Virtuoso, settings: Settings, secrets: dict[str, Path]) -> int:
    return main(
        [
            "publish",
            "--root",
            str(PROJECT_ROOT),
            "--store",
            str(settings.output_dir),
            "--to",
            virtuoso.graph_store_auth,
            "--user",
            WRITER[0],
            "--password-file",
            str(secrets[WRITER[0]]),
            "--wkt-as-string",
        ]
    )


@pytest.fixture(scope="module")
def published(virtuoso: Virtuoso, built_settings: Settings, secrets: dict[str, Path]) -> Virtuoso:
    assert _publish(virtuoso, built_settings, secrets) == 0
    return virtuoso


@pytest.fixture(scope="module")
def remote(published: Virtuoso, built_settings: Settings, secrets: dict[str, Path]) -> Iterator[Served]:
    with serving(
        built_settings.output_dir,
        "--http-processes",
        "1",
        "--workers",
        "4",
        "--query-timeout",
        str(QUERY_TIMEOUT),
        "--public-base",
        PUBLIC,
        "--backend",
        published.sparql_auth,
        "--backend-user",
        READER[0],
        "--backend-password-file",
        str(secrets[READER[0]]),
        root=PROJECT_ROOT,
    ) as served:
        yield served


@pytest.fixture(scope="module")
def embedded(built_settings: Settings) -> Iterator[Served]:
    with serving(
        built_settings.output_dir, "--http-processes", "1", "--public-base", PUBLIC, root=PROJECT_ROOT
    ) as served:
        yield served


def _remote_counts(virtuoso: Virtuoso, graphs: list[str]) -> dict[str, int]:
    """Statements per graph, counted by Virtuoso's own anonymous endpoint, not through our code."""
    form = [("query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")]
    form += [("named-graph-uri", g) for g in graphs]
    response = httpx.post(virtuoso.sparql, content=_form(form), headers=_FORM, timeout=60)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


_FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON}


def _form(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs).encode()


# Publishing ------------------------------------------------------------------------------------------


def test_publish_loads_every_graph_with_as_many_statements(published: Virtuoso, graph: ox.Store) -> None:
    ours = our_graphs(graph)
    assert _remote_counts(published, sorted(ours)) == ours
    assert len(ours) > 50 and ours[MERGE_GRAPH] > 2000


def test_publishing_again_replaces_and_removes_what_the_build_no_longer_has(
    published: Virtuoso,
    built_settings: Settings,
    secrets: dict[str, Path],
    graph: ox.Store,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stale = "https://w3id.org/ilrs/graph/source/withdrawn-source"
    put = httpx.put(
        published.graph_store_auth,
        params={"graph": stale},
        content=b'<https://w3id.org/ilrs/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n',
        headers={"Content-Type": "application/n-triples"},
        auth=httpx.DigestAuth(*WRITER),
    )
    assert put.status_code in (200, 201), put.text
    capsys.readouterr()
    assert _publish(published, built_settings, secrets) == 0
    report = capsys.readouterr().out
    ours = our_graphs(graph)
    assert _remote_counts(published, [*sorted(ours), stale]) == ours  # nothing doubled, the stale one gone
    assert f"removed {stale}" in report
    # One line per graph, with the release's count and the remote's.
    merge_line = next(line for line in report.splitlines() if line.startswith(MERGE_GRAPH))
    assert merge_line.split()[1:] == [str(ours[MERGE_GRAPH])] * 2
    assert f"{len(ours)} graphs, {sum(ours.values())} statements" in report


def test_publishing_with_a_wrong_password_fails_naming_the_fix(
    published: Virtuoso, built_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password", encoding="utf-8")
    code = _publish(published, built_settings, {WRITER[0]: wrong})
    assert code == 1
    assert "did not accept the credentials (--user, --password-file)" in capsys.readouterr().err


def test_serving_refuses_an_endpoint_holding_another_data_version(
    published: Virtuoso, built_settings: Settings
) -> None:
    backend = RemoteBackend(built_settings, "not-this-version", Remote(published.sparql_auth, *READER))
    with pytest.raises(StoreError, match=r"holds data version .* the local release is not-this-version"):
        asyncio.run(backend.start())


# The same answers ----------------------------------------------------------------------------------


def _ask(served: Served, query: str, accept: str = JSON) -> httpx.Response:
    return httpx.post(
        f"{served.url}/sparql",
        content=_form([("query", query)]),
        headers={**_FORM, "Accept": accept},
        timeout=30,
    )


@pytest.mark.parametrize("query_path", COMPETENCY_QUESTIONS, ids=[q.stem for q in QUERIES])
def test_competency_question_through_the_remote_backend(remote: Served, query_path: Path) -> None:
    text = query_path.read_text(encoding="utf-8")
    response = _ask(remote, text)
    assert response.status_code == 200, response.text
    assert_same_answer(text, as_csv(response.json()), query_path)


def test_answers_come_in_our_formats_with_the_data_version(remote: Served, built_settings: Settings) -> None:
    query = "SELECT ?n WHERE { <https://w3id.org/ilrs/id/country/venezuela> <http://www.w3.org/2000/01/rdf-schema#label> ?n } ORDER BY ?n"
    csv = _ask(remote, query, "text/csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "n" and "Venezuela" in csv.text
    turtle = _ask(remote, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "text/turtle")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == 3
    ask = _ask(remote, "ASK { ?s ?p ?o }")
    assert ask.json() == {"head": {}, "boolean": True}
    assert csv.headers["data-version"] == _data_version(built_settings)


def _data_version(settings: Settings) -> str:
    from ilrs_kg.releases import require_current

    return require_current(settings).data_version


# Pages that read the same byte for byte. Elsewhere only the citations' numbering may differ: a page
# numbers its sources in the order it meets them, which follows the order the store hands out quads.
PAGES = [
    "/",
    "/doc/country/venezuela.html",
    "/doc/mission/change-6.html",
    "/class/Country",
    "/search?q=lunar",
]
_NUMBERED = re.compile(r'(source-|Source |\[|value=")\d+')


def _pages(remote: Served, embedded: Served, path: str, accept: str) -> tuple[httpx.Response, httpx.Response]:
    theirs = httpx.get(remote.url + path, headers={"Accept": accept}, timeout=30)
    ours = httpx.get(embedded.url + path, headers={"Accept": accept}, timeout=30)
    assert theirs.status_code == ours.status_code
    assert theirs.headers.get("location") == ours.headers.get("location")
    return theirs, ours


@pytest.mark.parametrize("path", PAGES)
def test_pages_read_the_same_from_the_remote_backend(remote: Served, embedded: Served, path: str) -> None:
    theirs, ours = _pages(remote, embedded, path, "text/html")
    assert theirs.status_code == 200
    assert theirs.text == ours.text


def test_a_page_citing_many_sources_says_the_same_in_another_numbering(
    remote: Served, embedded: Served
) -> None:
    theirs, ours = _pages(remote, embedded, "/doc/agency/cnsa.html", "text/html")
    assert theirs.status_code == 200
    assert sorted(_NUMBERED.sub(r"\1#", theirs.text).split("<li")) == sorted(
        _NUMBERED.sub(r"\1#", ours.text).split("<li")
    )


def _canonical(turtle: bytes) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def _counting_store(
    published: Virtuoso, graph: ox.Store, built_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> tuple[RemoteStore, list[str]]:
    """A RemoteStore over the publication, and the queries it sends (each one round trip)."""
    sent: list[str] = []
    real = remote_store.exchange

    def counted(*args: Any, **kwargs: Any) -> Any:
        sent.append(args[2].query)
        return real(*args, **kwargs)

    monkeypatch.setattr(remote_store, "exchange", counted)
    named = tuple(sorted(g.value for g in graph.named_graphs() if isinstance(g, ox.NamedNode)))
    store = RemoteStore(
        Remote(published.sparql_auth, *READER), named, Limits.from_settings(built_settings), 30.0
    )
    return store, sent


def test_a_pages_reads_over_the_backend_are_batched_not_one_round_trip_a_row(
    published: Virtuoso, graph: ox.Store, built_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each request to the engine is a round trip (10-30 ms): one per row made a class page of 200 rows, or
    # the home page of 10k triples, outrun the page limit (10 s).
    store, sent = _counting_store(published, graph, built_settings, monkeypatch)
    try:
        _check_batched(store, sent, graph)
    finally:
        store.close()


def _check_batched(store: RemoteStore, sent: list[str], graph: ox.Store) -> None:
    countries = [
        r["s"] for r in graph.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{t.ILRS}Country> }} ORDER BY ?s")
    ]
    assert len(countries) > 15
    with store.deadline(60):
        remote_rows = _index_graph(cast(ox.Store, store), t.ILRS + "Country", countries)
    local_rows = _index_graph(graph, t.ILRS + "Country", countries)
    assert set(remote_rows.triples) == set(local_rows.triples)
    assert dict(remote_rows.graphs) == dict(local_rows.graphs)  # each fact's sources, read the same
    assert len(sent) <= 6, sent

    chosen = choose(graph)
    assert len(chosen.members) > 10
    sent.clear()
    with store.deadline(60):
        remote_home = _home_graph(cast(ox.Store, store), chosen)
    local_home = _home_graph(graph, chosen)
    assert set(remote_home.triples) == set(local_home.triples)
    assert dict(remote_home.graphs) == dict(local_home.graphs)
    assert len(sent) <= 12, sent

    # A pattern's first links are asked for with LIMIT, not fetched whole and cut here.
    programme, organization = ox.NamedNode(ID + "programme/ilrs"), ox.NamedNode(ORG + "organization")
    assert len(list(graph.quads_for_pattern(None, organization, programme, ox.DefaultGraph()))) > 3
    sent.clear()
    with store.deadline(60):
        first = first_quads(cast(ox.Store, store), None, organization, programme, ox.DefaultGraph(), 3)
    assert len(first) == 3 and all(q.predicate == organization and q.object == programme for q in first)
    assert len(sent) == 1 and sent[0].rstrip().endswith("LIMIT 3"), sent


def test_entity_data_and_redirects_are_the_same(remote: Served, embedded: Served) -> None:
    theirs, ours = _pages(remote, embedded, "/doc/country/venezuela.ttl", "text/turtle")
    assert theirs.status_code == 200
    assert _canonical(theirs.content) == _canonical(ours.content)  # its blank nodes numbered in order too
    theirs, _ours = _pages(remote, embedded, "/dataset", "text/html")
    assert theirs.status_code == 303


def test_the_dumps_come_from_the_local_release(remote: Served, built_settings: Settings) -> None:
    response = httpx.get(f"{remote.url}/dumps/ilrs.nq.gz", timeout=30)
    assert response.status_code == 200
    assert response.content == (built_settings.dumps_dir / "ilrs.nq.gz").read_bytes()


# Safety ----------------------------------------------------------------------------------------------

ATTACKS = {
    "insert": "INSERT DATA { GRAPH <https://w3id.org/ilrs/graph/editorial/x> { <urn:x> <urn:y> <urn:z> } }",
    "clear": f"CLEAR GRAPH <{MERGE_GRAPH}>",
    "load": "LOAD <http://127.0.0.1:1/evil.ttl> INTO GRAPH <urn:evil>",
    "sponge": 'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:1/evil.ttl> WHERE { ?s ?p ?o }',
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_writes_and_fetches_are_refused_by_the_front_and_by_virtuoso(
    remote: Served, published: Virtuoso, graph: ox.Store, name: str
) -> None:
    query = ATTACKS[name]
    through_front = _ask(remote, query)
    assert through_front.status_code in (400, 403), through_front.text
    assert "refused" in through_front.text
    # The same text sent straight to Virtuoso with the credentials the front uses: its grants refuse it.
    direct = httpx.post(
        published.sparql_auth,
        content=_form([("query", query)]),
        headers=_FORM,
        auth=httpx.DigestAuth(*READER),
        timeout=30,
    )
    assert direct.status_code != 200
    assert "SECURITY" in direct.text and "No permission" in direct.text
    ours = our_graphs(graph)
    assert _remote_counts(published, sorted(ours)) == ours


def test_service_is_refused_with_the_clear_message(remote: Served) -> None:
    response = _ask(remote, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert response.status_code == 400
    assert "SERVICE is refused" in response.text


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    with loopback_listener() as found:
        yield found


def test_engine_functions_that_open_connections_are_refused_by_the_front(
    remote: Served, published: Virtuoso, listener: tuple[int, list[bytes]]
) -> None:
    """Virtuoso lets a SPARQL_SELECT-only user call bif:http_get: only the front (and the network the
    engine runs in) stop it. Both halves are shown: the front refuses, and the same query sent straight
    to Virtuoso as the read-only user does open a connection."""
    port, seen = listener
    query = f'SELECT (bif:http_get("http://127.0.0.1:{port}/from-virtuoso") AS ?x) WHERE {{}}'
    for spelling in (
        query,
        query.replace("bif:http_get", "<bif:http_get>"),
        query.replace("bif:", "\\u0062if:"),
    ):
        response = _ask(remote, spelling)
        assert response.status_code == 400 and "functions are refused" in response.text, spelling
    time.sleep(0.5)
    assert seen == []
    httpx.post(
        published.sparql_auth,
        content=_form([("query", query)]),
        headers=_FORM,
        auth=httpx.DigestAuth(*READER),
        timeout=10,
    )
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seen and b"/from-virtuoso" in seen[0]


def test_no_iri_in_a_query_makes_anyone_fetch_it(remote: Served, listener: tuple[int, list[bytes]]) -> None:
    """Requests go to the configured backend only, and the read-only user cannot make Virtuoso fetch a
    FROM graph: neither the front nor the engine connects to an IRI a query names."""
    port, seen = listener
    url = f"http://127.0.0.1:{port}/graph.ttl"
    for query in (
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{url}>",
    ):
        response = _ask(remote, query, "text/csv" if "SELECT" in query else "text/turtle")
        assert response.status_code == 200, response.text
    time.sleep(0.5)
    assert seen == []


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_runaway_query_times_out_and_other_clients_are_served_meanwhile(remote: Served) -> None:
    with ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        runaway = pool.submit(_ask, remote, RUNAWAY)
        time.sleep(0.5)
        others = [
            pool.submit(_ask, remote, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class }"),
            pool.submit(httpx.get, remote.url + "/class/Country", timeout=30),
        ]
        answered = [future.result() for future in others]
        served_within = time.monotonic() - started
        stopped = runaway.result()
        stopped_after = time.monotonic() - started
    assert [response.status_code for response in answered] == [200, 200]
    assert served_within < QUERY_TIMEOUT, "the other clients waited for the runaway query"
    assert stopped.status_code == 503 and "limit" in stopped.text
    assert QUERY_TIMEOUT <= stopped_after < QUERY_TIMEOUT + 5


def test_an_answer_the_engine_cut_at_its_row_limit_is_refused(remote: Served) -> None:
    response = _ask(remote, "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f }")
    assert response.status_code == 422
    assert "rows the SPARQL backend returns at once" in response.text


# The wire and the screen, without an engine ------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        'SELECT (bif:http_get("http://x/") AS ?x) {}',
        'SELECT (<bif:http_get>("http://x/") AS ?x) {}',
        'SELECT (<\\u0062if:http_get>("http://x/") AS ?x) {}',
        'PREFIX f: <sql:> SELECT (f:USER_CREATE("a", "b") AS ?x) {}',
        'define get:soft "replace" SELECT * FROM <http://x/> { ?s ?p ?o }',
    ],
)
def test_engine_extensions_are_refused_in_every_spelling(query: str) -> None:
    with pytest.raises(QueryRefused):
        refuse_extensions(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?define WHERE { ?s <urn:bif:x> "bif:http_get" . ?s <urn:p> ?define }',
        "PREFIX sqlx: <urn:x#> SELECT * { ?s sqlx:p ?o }  # bif:http_get in a comment",
    ],
)
def test_the_words_in_names_strings_and_comments_are_not_extensions(query: str) -> None:
    refuse_extensions(query)


def test_virtuoso_ask_tables_and_node_ids_are_read_as_the_standard_says() -> None:
    xml = (
        b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="__ASK_RETVAL"/></head>'
    )
    one = (
        xml
        + b'<results><result><binding name="__ASK_RETVAL"><literal>1</literal></binding></result></results></sparql>'
    )
    none = xml + b"<results></results></sparql>"
    headers = {"content-type": "application/sparql-results+xml; charset=UTF-8"}
    assert bool(read_answer(200, headers, one, is_ask=True)) is True
    assert bool(read_answer(200, headers, none, is_ask=True)) is False
    bnodes = (
        b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="b"/></head><results>'
        b'<result><binding name="b"><bnode>nodeID://b1</bnode></binding></result>'
        b'<result><binding name="b"><bnode>nodeID://b1</bnode></binding></result></results></sparql>'
    )
    first, second = (row["b"] for row in rows(read_answer(200, headers, bnodes)))
    assert isinstance(first, ox.BlankNode) and first == second


@pytest.mark.parametrize(
    ("status", "text", "error", "code"),
    [
        (400, "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error", QuerySyntaxError, 400),
        (500, "Virtuoso S1T00 Error SR171: Transaction timed out", QueryTimeout, 503),
        (500, "Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure", QueryRefused, 400),
        (401, "Unauthorized", StoreError, 503),
        (502, "<html><h1>Bad gateway</h1></html>", QueryFailed, 500),
    ],
)
def test_the_engines_errors_become_our_statuses(status: int, text: str, error: type, code: int) -> None:
    with pytest.raises(error) as raised:
        read_answer(status, {"content-type": "text/plain"}, text.encode())
    assert status_for(raised.value) == code
