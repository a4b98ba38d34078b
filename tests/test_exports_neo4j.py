"""The Neo4j bundle follows `neo4j-admin database import` rules to the letter, and holds the whole graph.

Neo4j itself is neither in Debian nor on PyPI (the `neo4j` package there is only the Bolt driver), so the
import tool's rules for CSV headers and values are checked here one by one, as the Neo4j 5 Operations
Manual ("Import", "CSV header format") states them.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.exports import PropertyGraph, build_property_graph
from ilrs_kg.exports.graph_model import Attribute, Edge, Kind, Node
from ilrs_kg.exports.neo4j import relationship_type, write_neo4j_bundle
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"

PROPERTY_TYPES = {
    "int",
    "long",
    "float",
    "double",
    "boolean",
    "byte",
    "short",
    "char",
    "string",
    "point",
    "date",
    "localtime",
    "time",
    "localdatetime",
    "datetime",
    "duration",
}
SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}
HEADER_FIELD = re.compile(
    r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?:\((?P<group>[^)]*)\))?(?P<array>\[\])?)?$"
)
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a property type, or one of SPECIAL
    group: str | None
    array: bool


def parse_header(header: list[str]) -> list[Field]:
    fields = []
    for raw in header:
        match = HEADER_FIELD.match(raw)
        assert match, f"header field {raw!r} is not name:type"
        kind = match["type"] or "string"
        assert kind in PROPERTY_TYPES | SPECIAL, f"unknown type in {raw!r}"
        if kind in SPECIAL - {"ID", "START_ID", "END_ID"}:
            assert match["group"] is None and not match["array"], raw
        if kind in PROPERTY_TYPES:
            assert IDENTIFIER.match(match["name"]), f"property name in {raw!r} needs quoting in Cypher"
        fields.append(Field(match["name"], kind, match["group"], bool(match["array"])))
    names = [f.name for f in fields if f.type in PROPERTY_TYPES or (f.type == "ID" and f.name)]
    assert len(names) == len(set(names)), f"a property appears twice in {header}"
    return fields


def check_value(text: str, field: Field, delimiter: str) -> None:
    items = text.split(delimiter) if field.array else [text]
    for item in items:
        if field.type in ("int", "long"):
            assert -(2**63) <= int(item) < 2**63, item
        elif field.type in ("float", "double"):
            float(item)
        elif field.type == "boolean":
            assert item.lower() in ("true", "false"), item
        elif field.type == "string":
            assert item != "" or not field.array, f"an empty item in array {text!r}"


@dataclass
class Bundle:
    files: dict[str, list[list[str]]]
    delimiter: str
    import_args: list[str]
    cypher: str
    readme: str

    def node_files(self) -> list[str]:
        return [name for name in self.files if name.startswith("nodes/")]

    def relationship_files(self) -> list[str]:
        return [name for name in self.files if name.startswith("relationships/")]


def read_bundle(data: bytes) -> Bundle:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    files = {}
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = archive.read(name).decode("utf-8")
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', strict=True)
            files[name] = list(reader)
    script = archive.read("import.sh").decode()
    command = shlex.split(script.split('cd "$(dirname "$0")"', 1)[1])
    delimiter = next(a.split("=", 1)[1] for a in command if a.startswith("--array-delimiter="))
    return Bundle(
        files,
        delimiter,
        command,
        archive.read("load-csv.cypher").decode(),
        archive.read("README.md").decode(),
    )


@pytest.fixture(scope="module")
def graph() -> PropertyGraph:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return build_property_graph(store)


@pytest.fixture(scope="module")
def bundle(graph: PropertyGraph) -> Bundle:
    buffer = io.BytesIO()
    write_neo4j_bundle(graph, buffer)
    return read_bundle(buffer.getvalue())


def test_headers_follow_the_import_tools_syntax(bundle: Bundle) -> None:
    for name in bundle.node_files():
        fields = parse_header(bundle.files[name][0])
        assert [f.type for f in fields].count("ID") == 1, name
        assert "START_ID" not in {f.type for f in fields}
    for name in bundle.relationship_files():
        kinds = [f.type for f in parse_header(bundle.files[name][0])]
        assert (kinds.count("START_ID"), kinds.count("END_ID"), kinds.count("TYPE")) == (1, 1, 1), name
        assert "ID" not in kinds


def test_every_value_parses_as_its_column_type(bundle: Bundle) -> None:
    for name, rows in bundle.files.items():
        fields = parse_header(rows[0])
        for row in rows[1:]:
            assert len(row) == len(fields), f"{name}: row has {len(row)} fields, header {len(fields)}"
            for text, field in zip(row, fields, strict=True):
                if field.type in ("ID", "START_ID", "END_ID", "TYPE", "LABEL"):
                    assert text, f"{name}: empty {field.type}"
                elif text:
                    check_value(text, field, bundle.delimiter)


def test_ids_are_unique_and_every_relationship_end_exists(bundle: Bundle) -> None:
    ids: dict[str | None, list[str]] = {}
    for name in bundle.node_files():
        fields = parse_header(bundle.files[name][0])
        column = next(i for i, f in enumerate(fields) if f.type == "ID")
        ids.setdefault(fields[column].group, []).extend(row[column] for row in bundle.files[name][1:])
    for group, values in ids.items():
        assert len(values) == len(set(values)), f"duplicate ids in group {group}"
    for name in bundle.relationship_files():
        fields = parse_header(bundle.files[name][0])
        for row in bundle.files[name][1:]:
            for i, field in enumerate(fields):
                if field.type in ("START_ID", "END_ID"):
                    assert row[i] in set(ids[field.group]), f"{name}: {field.type} {row[i]} is no node"


def test_labels_and_types_are_plain_names(bundle: Bundle) -> None:
    for name in bundle.node_files():
        fields = parse_header(bundle.files[name][0])
        column = next(i for i, f in enumerate(fields) if f.type == "LABEL")
        for row in bundle.files[name][1:]:
            labels = row[column].split(bundle.delimiter)
            assert labels[0] == "Entity"
            assert all(IDENTIFIER.match(label) for label in labels), labels
    for name in bundle.relationship_files():
        column = next(i for i, f in enumerate(parse_header(bundle.files[name][0])) if f.type == "TYPE")
        assert {row[column] for row in bundle.files[name][1:]} == {Path(name).stem}
        assert re.match(r"^[A-Z][A-Z0-9_]*$", Path(name).stem)


def test_the_bundle_holds_every_node_and_edge_of_the_graph(bundle: Bundle, graph: PropertyGraph) -> None:
    assert sum(len(bundle.files[n]) - 1 for n in bundle.node_files()) == len(graph.nodes)
    counts = Counter({Path(n).stem: len(bundle.files[n]) - 1 for n in bundle.relationship_files()})
    assert counts == Counter(relationship_type(e.type) for e in graph.edges)
    members = bundle.files["relationships/MEMBER_OF.csv"]
    header = members[0]
    rows = [dict(zip(header, row, strict=True)) for row in members[1:]]
    venezuela = [r for r in rows if r[":START_ID(Entity)"].endswith("/country/venezuela")]
    assert sorted(r["start:string"] for r in venezuela) == ["2023", "2023-09"]
    assert all(r["startYear:long"] == "2023" for r in venezuela)


def test_the_import_command_names_every_file_and_the_options_the_files_need(bundle: Bundle) -> None:
    args = bundle.import_args
    assert args[:4] == ["neo4j-admin", "database", "import", "full"]
    assert sorted(a.split("=", 1)[1] for a in args if a.startswith("--nodes=")) == sorted(bundle.node_files())
    assert sorted(a.split("=", 1)[1] for a in args if a.startswith("--relationships=")) == sorted(
        bundle.relationship_files()
    )
    assert any("\n" in value for rows in bundle.files.values() for row in rows for value in row)
    assert "--multiline-fields=true" in args  # the fixture has a line break inside a value
    assert args[-1] == "neo4j"


def test_the_load_csv_script_loads_every_file_and_column(bundle: Bundle) -> None:
    for name, rows in bundle.files.items():
        assert f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row" in bundle.cypher
        for header in rows[0]:
            assert f"row.`{header}`" in bundle.cypher or header in (":LABEL", ":TYPE", "key", "label", "type")
    constraint = "CREATE CONSTRAINT entity_iri IF NOT EXISTS FOR (n:Entity) REQUIRE n.iri IS UNIQUE;"
    assert constraint in bundle.cypher
    assert f"split(row.`sources:string[]`, '{bundle.delimiter}')" in bundle.cypher
    assert "toInteger(row.`startYear:long`)" in bundle.cypher
    assert "CREATE (a)-[r:`MEMBER_OF`]->(b)" in bundle.cypher


def test_a_list_item_holding_the_delimiter_changes_the_delimiter_everywhere() -> None:
    tags = Attribute("tags", Kind.STRING, True, "test")
    nodes = (
        Node("a", "http://example.org/a", "A", ("Thing",), {"tags": ("x|y", "z")}),
        Node("b", "http://example.org/b", "B", ("Thing",), {}),
    )
    graph = PropertyGraph(nodes, (Edge("e", "a", "b", "linksTo", "links to", {}),), (tags,), ())
    buffer = io.BytesIO()
    write_neo4j_bundle(graph, buffer)
    bundle = read_bundle(buffer.getvalue())
    assert bundle.delimiter != "|"
    header, row_a = bundle.files["nodes/Thing.csv"][:2]
    assert row_a[header.index("tags:string[]")].split(bundle.delimiter) == ["x|y", "z"]
    assert row_a[header.index(":LABEL")].split(bundle.delimiter) == ["Entity", "Thing"]
    assert f"split(row.`tags:string[]`, '{bundle.delimiter}')" in bundle.cypher
    assert relationship_type("linksTo") == "LINKS_TO"
    assert list(bundle.files) == ["nodes/Thing.csv", "relationships/LINKS_TO.csv"]


def _rows(bundle: Bundle, name: str) -> list[dict[str, str]]:
    header, *rows = bundle.files[name]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_each_relationship_and_property_carries_its_sources_as_array_columns(bundle: Bundle) -> None:
    memberships = _rows(bundle, "relationships/MEMBER_OF.csv")
    (china,) = [
        r
        for r in memberships
        if r.get("claim:string") == "https://w3id.org/ilrs/id/membership/china-cnsa-2021"
    ]
    assert china["sources:string[]"] == "https://w3id.org/ilrs/id/source/cnsa-2021-roadmap"
    assert china["provenance_kind:string[]"] == "sourced"
    (tass,) = [
        r
        for r in memberships
        if r.get("claim:string") == "https://w3id.org/ilrs/id/membership/venezuela-tass-2023"
    ]
    assert tass["sources:string[]"].split(bundle.delimiter) == [
        "https://w3id.org/ilrs/id/source/tass-2023-venezuela",
        "https://w3id.org/ilrs/id/source/xinhua-2023-venezuela",
    ]
    assert tass["start_sources:string[]"] == "https://w3id.org/ilrs/id/source/tass-2023-venezuela"
    vehicles = _rows(bundle, "nodes/LaunchVehicle.csv")
    (long_march,) = [r for r in vehicles if r["key"] == "launch-vehicle:long-march-5"]
    assert long_march["label_provenance_kind:string[]"] == "editorial"
    assert long_march["label_sources:string[]"] == ""  # a curator's name: no source states it
    assert "split(row.`cosparId_sources:string[]`" in bundle.cypher
