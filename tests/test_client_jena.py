"""Apache Jena, as Debian packages it (libapache-jena-java 4.5), against a real `ilrs-kg serve`.

`rsparql` is Jena's remote query command (the class arq.rsparql; Debian installs no wrapper script).
Its `--results` names the format Jena writes the answer in after reading ours: every one is tried on
SELECT, ASK and CONSTRUCT, by GET and by POST (`--post`). Jena's HTTP client (the JDK's) sends
`Connection: Upgrade, HTTP2-Settings` and `Upgrade: h2c` on every request, and POSTs any query over
2 KB whatever it was told. ASK answers in CSV and TSV, which rsparql never asks for, are read through
Jena's own query execution with an explicit Accept header. All commands run in one JVM
(clients/jena/Batch.java), which is what keeps this module quick.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.fixtures.clients.support import (
    ABOUT_CHANGE_6,
    CLIENTS,
    LABELS_OF_CHANGE_6,
    java,
    jena_classpath,
    run,
)
from tests.fixtures.sparql.support import CHANGE_6, Served

LABELS = {"Chang'e 6", "嫦娥六号"}
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
YES, NO = f"ASK {{ <{CHANGE_6}> ?p ?o }}", "ASK { <urn:x:none> ?p ?o }"
TABLES = ("text", "XML", "JSON", "CSV", "TSV")
GRAPHS = {
    "TTL": ox.RdfFormat.TURTLE,
    "N-Triples": ox.RdfFormat.N_TRIPLES,
    "RDF/XML": ox.RdfFormat.RDF_XML,
    "TriG": ox.RdfFormat.TRIG,
    "N-Quads": ox.RdfFormat.N_QUADS,
}
METHODS = {"GET": (), "POST": ("--post",)}
# Jena parses and rewrites a query before sending it (comments go), so the length has to be in the query.
LONG_QUERY = LABELS_OF_CHANGE_6.replace(
    "?label }",
    "?label FILTER(?label NOT IN (" + ", ".join(f'"not a label {n}"' for n in range(150)) + ")) }",
)


def jobs() -> dict[str, list[str]]:
    """Every Jena command the tests below read, by name: rsparql's arguments, or an --ask-as."""
    found: dict[str, list[str]] = {}
    for method, flags in METHODS.items():
        for results in TABLES:
            found[f"select-{method}-{results}"] = ["--results", results, *flags, LABELS_OF_CHANGE_6]
            found[f"ask-yes-{method}-{results}"] = ["--results", results, *flags, YES]
            found[f"ask-no-{method}-{results}"] = ["--results", results, *flags, NO]
        for results in GRAPHS:
            found[f"construct-{method}-{results}"] = ["--results", results, *flags, ABOUT_CHANGE_6]
    found["long-query"] = ["--results", "JSON", LONG_QUERY]
    return found


@pytest.fixture(scope="module")
def outputs(client_server: Served, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Runs every job in one JVM; each test then checks its own command's exit code and output."""
    scratch = tmp_path_factory.mktemp("jena")
    folder = scratch / "jobs"
    folder.mkdir()
    endpoint = f"{client_server.url}/sparql"
    commands = {name: ["--service", endpoint, *args] for name, args in jobs().items()}
    for answer, query in (("yes", YES), ("no", NO)):
        commands[f"ask-csv-{answer}"] = ["--ask-as", endpoint, "text/csv", query]
        commands[f"ask-tsv-{answer}"] = ["--tsv-boolean", endpoint, query]
    for name, args in commands.items():
        (folder / f"{_file_name(name)}.args").write_text("\0".join(args), encoding="utf-8")
    run(
        [java(), "-cp", jena_classpath(scratch), str(CLIENTS / "jena" / "Batch.java"), str(folder)],
        timeout=300,
    )
    return {name: Ran(folder, name) for name in commands}


def _file_name(name: str) -> str:
    return name.replace("/", "_")


class Ran:
    """One command's outcome; `output` fails the test that reads it if the command failed."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        stem = folder / _file_name(name)
        self.code = stem.with_suffix(".rc").read_text()
        self.errors = stem.with_suffix(".err").read_text(encoding="utf-8")
        self.stdout = stem.with_suffix(".out").read_text(encoding="utf-8")

    @property
    def output(self) -> str:
        assert self.code == "0", f"Jena's {self.name} exited {self.code}:\n{self.errors[-3000:]}"
        return self.stdout


def labels_in(output: str, results: str) -> set[str]:
    """The labels in rsparql's output, read in the format it was asked to write."""
    if results == "XML":
        return {literal.text or "" for literal in ET.fromstring(output).iter(f"{RESULTS}literal")}
    if results == "JSON":
        return {row["label"]["value"] for row in json.loads(output)["results"]["bindings"]}
    if results == "CSV":
        return {row["label"] for row in csv.DictReader(io.StringIO(output))}
    lines = [line for line in output.splitlines() if line.startswith(("|", '"'))]
    cells = (line.strip("| ").rsplit("@", 1)[0] for line in lines)
    return {cell.strip('"') for cell in cells if cell != "label"}


def boolean_in(output: str, results: str) -> bool:
    if results == "XML":
        found = ET.fromstring(output).find(f"{RESULTS}boolean")
        assert found is not None
        return found.text == "true"
    if results == "JSON":
        value = json.loads(output)["boolean"]
        assert isinstance(value, bool)
        return value
    if results in ("CSV", "TSV"):
        header, value = output.split()
        assert header == ("_askResult" if results == "CSV" else "?_askResult")
        return value == "true"
    return {"Ask => Yes": True, "Ask => No": False}[output.strip()]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("results", TABLES)
def test_rsparql_select(outputs: dict[str, Ran], method: str, results: str) -> None:
    assert labels_in(outputs[f"select-{method}-{results}"].output, results) == LABELS


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("results", TABLES)
def test_rsparql_ask(outputs: dict[str, Ran], method: str, results: str) -> None:
    yes, no = outputs[f"ask-yes-{method}-{results}"].output, outputs[f"ask-no-{method}-{results}"].output
    assert (boolean_in(yes, results), boolean_in(no, results)) == (True, False)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("results", GRAPHS)
def test_rsparql_construct(outputs: dict[str, Ran], method: str, results: str) -> None:
    quads = list(ox.parse(outputs[f"construct-{method}-{results}"].output.encode(), GRAPHS[results]))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert {q.object.value for q in quads if q.predicate == label} == LABELS
    assert {q.subject for q in quads} == {ox.NamedNode(CHANGE_6)} and len(quads) == 5


def test_rsparql_query_over_2_kb(outputs: dict[str, Ran]) -> None:
    """Jena POSTs a query over 2 KB even when told GET; the answer must be the same."""
    assert len(LONG_QUERY.encode()) > 2048
    assert labels_in(outputs["long-query"].output, "JSON") == LABELS


@pytest.mark.parametrize("form", ["csv", "tsv"])
def test_jena_reads_ask_answers_in_csv_and_tsv(outputs: dict[str, Ran], form: str) -> None:
    """CSV through Jena's query execution; TSV through Jena's TSV boolean reader (see Batch.java)."""
    assert (outputs[f"ask-{form}-yes"].output.strip(), outputs[f"ask-{form}-no"].output.strip()) == (
        "true",
        "false",
    )
