"""The dumps load whole into Virtuoso (Debian's virtuoso-opensource 7.2) by the recipe in
docs/using-the-data.md, run as written there, and Virtuoso then holds what our store holds: the same
number of statements in every graph, and the same answer to every competency question (queries/*.rq
against its .expected.csv).

Virtuoso runs from a temporary database on 127.0.0.1 (SQL and HTTP ports only), once for this module
(tests.fixtures.virtuoso: under `timeout`, so that it stops by itself whatever happens to the test run).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ilrs_kg.settings import Settings
from tests.conftest import PROJECT_ROOT
from tests.fixtures.virtuoso import COMPETENCY_QUESTIONS, Virtuoso, assert_same_answer, virtuoso_server
from tests.test_competency_questions import QUERIES

RECIPE = PROJECT_ROOT / "docs" / "using-the-data.md"
MOON_CRS = "<http://www.opengis.net/def/crs/IAU/2015/30100>"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def recipe_commands(server: Virtuoso) -> list[str]:
    """The Virtuoso recipe's two commands, as docs/using-the-data.md gives them, for this server."""
    text = RECIPE.read_text(encoding="utf-8")
    section = text[text.index("- **Virtuoso**") :]
    lines = [line.strip() for line in section.splitlines()]
    convert = next(line for line in lines if line.startswith("zcat ilrs.nq.gz"))
    load = next(line for line in lines if line.startswith("isql-vt "))
    load = load.replace("isql-vt 1111 dba PASSWORD", f"isql-vt 127.0.0.1:{server.sql_port} dba dba")
    return [convert, load.replace("/path/to/dumps", str(server.workdir))]


@pytest.fixture(scope="module")
def loaded(virtuoso: Virtuoso, built_settings: Settings) -> Virtuoso:
    """Virtuoso after the recipe, run on a copy of this build's N-Quads dump."""
    shutil.copy(built_settings.dumps_dir / "ilrs.nq.gz", virtuoso.workdir / "ilrs.nq.gz")
    convert, load = recipe_commands(virtuoso)
    subprocess.run(["bash", "-o", "pipefail", "-c", convert], cwd=virtuoso.workdir, check=True, timeout=60)
    done = subprocess.run(shlex.split(load), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "*** Error" not in done.stdout + done.stderr, done.stdout + done.stderr
    errors = virtuoso.isql("select ll_file, ll_error from DB.DBA.LOAD_LIST where ll_error is not null;")
    assert re.search(r"^0 Rows\.", errors, re.MULTILINE), f"Virtuoso refused a file:\n{errors}"
    return virtuoso


# The recipe's name for the graph that receives the dump's default graph (the merge, each fact once).
MERGE_GRAPH = "urn:ilrs:merge"


def our_graphs(store: ox.Store) -> dict[str, int]:
    """Statements per graph of our store, its default graph under the name the recipe loads it as."""
    counts: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else MERGE_GRAPH
        counts[name] = counts.get(name, 0) + 1
    return counts


def ask_virtuoso(server: Virtuoso, query: str, graphs: list[str]) -> dict[str, object]:
    """The query over our dataset as our endpoint sees it: the merge as the default graph, our named graphs
    as the named ones (Virtuoso's own system graphs left out); the answer as SPARQL JSON."""
    named = [g for g in graphs if g != MERGE_GRAPH]
    form = [("query", query), ("default-graph-uri", MERGE_GRAPH)]
    form += [("named-graph-uri", g) for g in named]
    response = httpx.post(
        server.sparql,
        content=urllib.parse.urlencode(form),
        timeout=60,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 200, response.text
    answer: dict[str, object] = json.loads(response.content)
    return answer


def as_csv(answer: dict[str, object]) -> str:
    """SPARQL JSON written as the SPARQL CSV results format: lexical forms only."""
    output = io.StringIO()
    writer = csv.writer(output)
    if "boolean" in answer:
        return "true" if answer["boolean"] else "false"
    head, results = answer["head"], answer["results"]
    assert isinstance(head, dict) and isinstance(results, dict)
    names: list[str] = head["vars"]
    if names == ["__ASK_RETVAL"]:  # Virtuoso 7.2 answers ASK as a table: one row holding 1, or no row
        return "true" if [row["__ASK_RETVAL"]["value"] for row in results["bindings"]] == ["1"] else "false"
    writer.writerow(names)
    for row in results["bindings"]:
        writer.writerow([row[name]["value"] if name in row else "" for name in names])
    return output.getvalue()


def test_every_graph_holds_as_many_statements_in_virtuoso(loaded: Virtuoso, graph: ox.Store) -> None:
    ours = our_graphs(graph)
    answer = ask_virtuoso(
        loaded, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", sorted(ours)
    )
    bindings = answer["results"]["bindings"]  # type: ignore[index]
    theirs = {row["g"]["value"]: int(row["n"]["value"]) for row in bindings}
    merge = ask_virtuoso(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", sorted(ours))
    theirs[MERGE_GRAPH] = int(merge["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]
    assert theirs == ours


def test_the_moon_crs_survives_the_load(loaded: Virtuoso, graph: ox.Store) -> None:
    """Every WKT literal reaches Virtuoso with its text whole, the IAU 2015 Moon CRS IRI first."""
    query = "SELECT DISTINCT ?wkt WHERE { ?g <http://www.opengis.net/ont/geosparql#asWKT> ?wkt }"
    theirs = sorted(as_csv(ask_virtuoso(loaded, query, sorted(our_graphs(graph)))).splitlines()[1:])
    as_wkt = ox.NamedNode("http://www.opengis.net/ont/geosparql#asWKT")
    ours = sorted({q.object.value for q in graph.quads_for_pattern(None, as_wkt, None, None)})
    assert theirs == ours
    assert len(ours) >= 5 and all(wkt.startswith(f"{MOON_CRS} POINT(") for wkt in ours)


def _compare(loaded: Virtuoso, graph: ox.Store, query_path: Path, text: str) -> None:
    assert_same_answer(text, as_csv(ask_virtuoso(loaded, text, sorted(our_graphs(graph)))), query_path)


@pytest.mark.parametrize("query_path", COMPETENCY_QUESTIONS, ids=[q.stem for q in QUERIES])
def test_virtuoso_answers_every_competency_question_as_we_do(
    loaded: Virtuoso, graph: ox.Store, query_path: Path
) -> None:
    _compare(loaded, graph, query_path, query_path.read_text(encoding="utf-8"))
