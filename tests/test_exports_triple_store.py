"""The dumps load into a second triple store, the `oxigraph` server, and answer queries as our store does."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ilrs_kg.exports import produce_all
from ilrs_kg.namespaces import sparql_prefix_block
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"
OXIGRAPH = shutil.which("oxigraph")

QUERIES = {
    "triples per graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "members and the dates each source gives": """
        SELECT DISTINCT ?member ?start ?source WHERE {
            GRAPH ?h { ?claim a ilrs:Membership ; org:member ?member }
            GRAPH ?g { ?claim org:memberDuring/time:hasBeginning ?instant .
                       ?instant time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?start }
            GRAPH <https://w3id.org/ilrs/graph/provenance> { ?g prov:wasDerivedFrom ?source } }
        ORDER BY ?member ?start ?source""",
    "labels in every language": """
        SELECT ?s ?label WHERE { GRAPH ?g { ?s rdfs:label ?label } } ORDER BY ?s ?label""",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return store


@pytest.fixture(scope="module")
def dumps(store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(root=FIXTURE, build_dir=tmp_path_factory.mktemp("build"))
    produce_all(settings, store)
    return settings.dumps_dir


def _oxigraph(*args: str) -> str:
    assert OXIGRAPH is not None, "the oxigraph CLI (PyPI package `oxigraph`, in the test extra) is missing"
    done = subprocess.run([OXIGRAPH, *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(dumps: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve-read-only` on 127.0.0.1 over a store loaded from the gzipped N-Quads dump."""
    location = tmp_path_factory.mktemp("oxigraph-nq")
    _oxigraph("load", "--location", str(location), "--file", str(dumps / "ilrs.nq.gz"))
    port = _free_port()
    assert OXIGRAPH is not None
    process = subprocess.Popen(
        [OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "oxigraph server did not start within 20 s"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _rows_from_json(document: dict[str, object]) -> list[dict[str, str]]:
    bindings = document["results"]["bindings"]  # type: ignore[index]
    return [{name: cell["value"] for name, cell in row.items()} for row in bindings]


def _our_rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


@pytest.mark.parametrize("title", sorted(QUERIES))
def test_the_second_store_serves_the_same_answers(server: str, store: ox.Store, title: str) -> None:
    query = sparql_prefix_block() + QUERIES[title]
    response = httpx.post(
        f"{server}/query",
        content=query,
        timeout=10,
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    assert response.status_code == 200, response.text
    theirs = _rows_from_json(response.json())
    assert theirs, "the query should find something in the fixture"
    assert theirs == _our_rows(store, query)


def test_the_turtle_dump_loads_into_the_default_graph_of_a_new_store(
    dumps: Path, store: ox.Store, tmp_path: Path
) -> None:
    _oxigraph("load", "--location", str(tmp_path), "--file", str(dumps / "ilrs.ttl"))
    output = _oxigraph(
        "query",
        "--location",
        str(tmp_path),
        "--results-format",
        "json",
        "--query",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    )
    count = int(json.loads(output)["results"]["bindings"][0]["n"]["value"])
    assert count == len({quad.triple for quad in store})
