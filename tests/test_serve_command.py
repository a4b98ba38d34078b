"""`ilrs-kg serve` end to end: a real server on a free loopback port, used by real clients; stopped
with Ctrl-C. Includes the safety guarantees over HTTP: timeout, parser crash, SERVICE."""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from tests.fixtures.sparql.evasions import evasions
from tests.fixtures.sparql.listener import loopback_listener
from tests.fixtures.sparql.support import (
    CHANGE_6,
    CROSS_JOIN,
    LABELS,
    PARSER_CRASH,
    ROOT,
    Served,
    serving,
)

TIMEOUT = 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    build = tmp_path_factory.mktemp("build")
    with serving(
        build,
        "--query-timeout",
        str(TIMEOUT),
        "--http-processes",
        "1",
        "--workers",
        "2",
        "--max-client-queries",
        "5",
    ) as served:
        yield served


def ask(
    server: Served, query: str, accept: str = "application/sparql-results+json", method: str = "GET"
) -> tuple[int, str, float]:
    """(status, body, seconds) of one query over HTTP."""
    if method == "GET":
        request = urllib.request.Request(
            f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
        )
    else:
        request = urllib.request.Request(
            f"{server.url}/sparql",
            data=query.encode(),
            method="POST",
            headers={"Accept": accept, "Content-Type": "application/sparql-query"},
        )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore_queries_the_endpoint(server: Served, return_format: str) -> None:
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql", returnFormat=return_format))
    query = f"SELECT ?l WHERE {{ <{CHANGE_6}> ?p ?l FILTER(isLiteral(?l)) }}"
    assert {"Chang'e 6", "嫦娥六号", "2024"} <= {str(row[0]) for row in graph.query(query)}  # type: ignore[index]
    assert (URIRef(CHANGE_6), None, Literal("嫦娥六号", lang="zh")) in graph
    if return_format == "xml":  # rdflib then accepts RDF/XML for graphs; with json, only SPARQL results
        constructed = graph.query(f"CONSTRUCT {{ <{CHANGE_6}> ?p ?o }} WHERE {{ <{CHANGE_6}> ?p ?o }}")
        assert len(constructed) == 5


def test_a_query_past_the_timeout_gets_503_while_others_are_served(server: Served) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        slow = pool.submit(ask, server, CROSS_JOIN)
        time.sleep(0.1)
        quick = [pool.submit(ask, server, LABELS, method="POST") for _ in range(4)]
        for future in quick:
            status, _body, seconds = future.result()
            assert status == 200 and seconds < 0.5
        status, body, seconds = slow.result()
    assert status == 503
    assert "ran longer than the 1 s limit" in body
    assert seconds < TIMEOUT + 1
    status, body, _ = ask(server, LABELS)
    assert status == 200 and "嫦娥六号" in body


def test_queries_that_would_crash_the_parser_get_400_and_the_server_stays_up(server: Served) -> None:
    nested = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    assert len(nested) > 20_000
    status, body, _ = ask(server, nested, method="POST")
    assert status == 400 and "nest 10002 deep" in body
    status, body, _ = ask(server, PARSER_CRASH, method="POST")
    assert status == 400 and "20,001 operators" in body and "shorten the expression" in body
    assert server.process.poll() is None
    assert ask(server, LABELS)[0] == 200


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A local TCP listener that records every connection made to it."""
    with loopback_listener() as witness:
        yield witness


def test_service_and_load_are_refused_and_nothing_leaves_the_server(
    server: Served, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    status, body, _ = ask(
        server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    )
    assert status == 400 and "SERVICE is refused" in body
    status, body, _ = ask(server, f"LOAD <http://127.0.0.1:{port}/data.ttl>", method="POST")
    assert status == 400 and "LOAD is refused" in body
    time.sleep(0.3)
    assert seen == []


def test_every_spelling_of_service_gets_400_and_nothing_leaves_the_server(
    server: Served, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    for name, query in evasions(f"http://127.0.0.1:{port}/x").items():
        status, body, _ = ask(server, query, method="POST")
        assert (status, name) == (400, name) and "SERVICE is refused" in body
    time.sleep(0.3)
    assert seen == []


def post_from(server: Served, source: str, query: str) -> tuple[int, http.client.HTTPMessage, str]:
    """(status, headers, body) of a query POSTed from the given loopback address: another client."""
    port = int(server.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def test_a_client_over_its_query_limit_gets_429_while_others_are_served(server: Served) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        # Distinct texts, so the server cannot merge them into one evaluation.
        mine = [pool.submit(post_from, server, "127.0.0.2", f"{CROSS_JOIN} # {n}") for n in range(5)]
        time.sleep(0.3)
        status, headers, body = post_from(server, "127.0.0.2", f"{LABELS} # not cached")
        assert status == 429 and headers["Retry-After"] == "1"
        assert "already has 5 queries in flight" in body
        started = time.monotonic()
        status, _, body = post_from(server, "127.0.0.3", LABELS)
        assert status == 200 and "嫦娥六号" in body
        assert time.monotonic() - started < 1.0
        assert {future.result()[0] for future in mine} == {503}
    last = post_from(server, "127.0.0.2", f"{LABELS} # not cached")
    assert last[0] == 200, last[2]  # its queries have ended


def test_serve_says_what_keeps_queries_off_the_network(server: Served) -> None:
    assert "network access from queries: blocked by" in "".join(server.log)


def test_a_hung_http_process_is_killed_and_replaced(tmp_path: Path) -> None:
    with serving(tmp_path, "--http-processes", "2", "--http-hang-seconds", "2", "--workers", "1") as served:
        while "".join(served.log).count("Application startup complete") < 2:  # both are beating
            time.sleep(0.1)
        before = http_processes(served.process.pid)
        assert len(before) == 2
        os.kill(before[0], signal.SIGSTOP)
        deadline = time.monotonic() + 90  # a restart loads the store into fresh workers: slow when busy
        while before[0] in http_processes(served.process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert before[0] not in http_processes(served.process.pid)
        assert "has not beaten for" in "".join(served.log)
        while len(http_processes(served.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(6):
            assert ask(served, LABELS)[0] == 200


def http_processes(parent: int) -> list[int]:
    """The HTTP processes `ilrs-kg serve` supervises (its multiprocessing children)."""
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except FileNotFoundError:
        return []
    found = []
    for child in map(int, children):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in command:
            found.append(child)
    return found


def test_updates_are_refused_and_the_data_stays(server: Served) -> None:
    status, body, _ = ask(server, f"DELETE WHERE {{ <{CHANGE_6}> ?p ?o }}", method="POST")
    assert status == 403 and "read-only" in body
    assert "嫦娥六号" in ask(server, LABELS)[1]


def test_help_documents_every_limit() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "ilrs_kg", "serve", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in (
        "--query-timeout",
        "--workers",
        "--http-processes",
        "--max-body-bytes",
        "--max-query-chars",
        "--max-query-nesting",
        "--max-result-bytes",
        "--result-cache-entries",
        "--worker-memory-mb",
        "--public-base",
        "--max-url-bytes",
        "--max-header-bytes",
        "--max-header-count",
        "--header-timeout",
        "--body-timeout",
        "--keep-alive-timeout",
        "--max-connections",
        "--max-query-operators",
        "--max-client-queries",
        "--max-long-queries",
        "--allow-network-in-queries",
        "--http-hang-seconds",
    ):
        assert option in shown
    assert "(default: 10.0)" in shown and "(default: 200)" in shown


def test_serve_builds_then_reuses_the_store_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with serving(tmp_path, "--http-processes", "2") as first:
        assert "validated" in "".join(first.log)
        assert ask(first, LABELS)[0] == 200
    assert first.process.returncode == 0
    with serving(tmp_path) as second:
        assert "store is up to date" in "".join(second.log)
        second.process.send_signal(signal.SIGINT)
        assert second.process.wait(20) == 0


def test_ctrl_c_stops_a_single_http_process_quietly(tmp_path: Path) -> None:
    with serving(tmp_path, "--http-processes", "1") as served:
        assert ask(served, LABELS)[0] == 200
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(20) == 0
    assert not [line for line in served.log if "Traceback" in line or "KeyboardInterrupt" in line], served.log


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
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
                "--port",
                str(taken.getsockname()[1]),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        taken.close()
    assert finished.returncode == 1
    assert "cannot listen on 127.0.0.1" in finished.stderr


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_gets_results_in_each_format(server: Served, return_format: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(f"SELECT ?l WHERE {{ <{CHANGE_6}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    client.setReturnFormat(return_format)
    converted = client.query().convert()
    text = (
        converted
        if isinstance(converted, str | bytes)
        else str(converted.toxml() if return_format == "xml" else converted)
    )
    text = text.decode() if isinstance(text, bytes) else text
    assert "嫦娥六号" in text


def test_sparqlwrapper_posts_a_construct_and_gets_turtle(server: Served) -> None:
    from SPARQLWrapper import POST, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod(POST)
    client.setQuery(f"CONSTRUCT {{ <{CHANGE_6}> ?p ?o }} WHERE {{ <{CHANGE_6}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    graph = Graph().parse(data=turtle.decode() if isinstance(turtle, bytes) else turtle, format="turtle")
    assert (URIRef(CHANGE_6), None, Literal("嫦娥六号", lang="zh")) in graph
