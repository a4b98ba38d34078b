"""The Neo4j bundle loaded into a real embedded property-graph database: Ladybug (PyPI `ladybug`, the
maintained fork of Kùzu; Neo4j itself is not installable here), then counted and queried in Cypher.

The loader reads the bundle as `neo4j-admin database import` would: the headers' `name:type[]` fields,
`:ID`/`:LABEL`/`:START_ID`/`:END_ID`/`:TYPE`, empty cells as absent properties, lists split on the
delimiter import.sh names. Ladybug's schema is typed and has no multiple labels, so every node goes into
one table `Entity` with its labels as a list, and each relationship type gets its own table. The answers
are compared with the property graph the bundle was written from.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ladybug
import pyoxigraph as ox
import pytest

from ilrs_kg.exports import PropertyGraph, build_property_graph
from ilrs_kg.exports.neo4j import relationship_type
from ilrs_kg.settings import Settings

TYPES = {
    "string": "STRING",
    "long": "INT64",
    "int": "INT64",
    "double": "DOUBLE",
    "float": "DOUBLE",
    "boolean": "BOOLEAN",
}
HEADER = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?:\((?P<group>[^)]*)\))?(?P<array>\[\])?)?$")
SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a key of TYPES, or one of SPECIAL
    array: bool

    @property
    def ddl(self) -> str:
        return TYPES[self.kind] + ("[]" if self.array else "")


def column(header: str) -> Column:
    found = HEADER.match(header)
    assert found is not None, header
    kind = found["type"] or "string"
    return Column(found["name"], kind, bool(found["array"]))


def value(cell: str, col: Column, delimiter: str) -> Any:
    """A cell as neo4j-admin reads it: empty is no property; lists split on the array delimiter."""
    if cell == "":
        return None
    items = cell.split(delimiter) if col.array else [cell]
    convert = {
        "long": int,
        "int": int,
        "double": float,
        "float": float,
        "boolean": lambda text: text == "true",
    }.get(col.kind, str)
    converted = [convert(item) for item in items]
    return converted if col.array else converted[0]


@dataclass
class Bundle:
    delimiter: str
    nodes: list[tuple[list[Column], list[list[str]]]]
    relationships: dict[str, tuple[list[Column], list[list[str]]]]


def read_bundle(path: Path) -> Bundle:
    with zipfile.ZipFile(path) as archive:
        script = archive.read("import.sh").decode()
        found = re.search(r"--array-delimiter=(.)", script)
        assert found is not None, "import.sh names no array delimiter"
        tables: dict[str, tuple[list[Column], list[list[str]]]] = {}
        for name in sorted(archive.namelist()):
            if name.endswith(".csv"):
                rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
                tables[name] = ([column(h) for h in rows[0]], rows[1:])
    nodes = [table for name, table in tables.items() if name.startswith("nodes/")]
    relationships = {
        Path(name).stem: table for name, table in tables.items() if name.startswith("relationships/")
    }
    return Bundle(found[1], nodes, relationships)


def load(connection: ladybug.Connection, bundle: Bundle) -> None:
    properties: dict[str, Column] = {}
    for columns, _ in bundle.nodes:
        properties.update({c.name: c for c in columns if c.kind not in SPECIAL})
    ddl = ", ".join(f"`{name}` {c.ddl}" for name, c in sorted(properties.items()))
    connection.execute(f"CREATE NODE TABLE Entity(iri STRING PRIMARY KEY, labels STRING[], {ddl})")
    for columns, rows in bundle.nodes:
        for row in rows:
            fields = {"iri": row[0]}
            for col, cell in zip(columns, row, strict=True):
                if col.kind == "LABEL":
                    fields["labels"] = cell.split(bundle.delimiter)
                elif (
                    col.kind not in SPECIAL and (converted := value(cell, col, bundle.delimiter)) is not None
                ):
                    fields[col.name] = converted
            assignments = ", ".join(f"`{name}`: ${_param(name)}" for name in fields)
            connection.execute(
                f"CREATE (:Entity {{{assignments}}})", {_param(k): v for k, v in fields.items()}
            )
    for rel_type, (columns, rows) in bundle.relationships.items():
        own = [c for c in columns if c.kind not in SPECIAL]
        extra = "".join(f", `{c.name}` {c.ddl}" for c in own)
        connection.execute(f"CREATE REL TABLE `{rel_type}`(FROM Entity TO Entity{extra})")
        for row in rows:
            cells = dict(zip([c.name or c.kind for c in columns], row, strict=True))
            assert cells["TYPE"] == rel_type
            fields = {c.name: v for c in own if (v := value(cells[c.name], c, bundle.delimiter)) is not None}
            assignments = ", ".join(f"`{name}`: ${_param(name)}" for name in fields)
            connection.execute(
                f"MATCH (a:Entity {{iri: $source_iri}}), (b:Entity {{iri: $target_iri}}) CREATE (a)-[:`{rel_type}` {{{assignments}}}]->(b)",
                {
                    "source_iri": cells["START_ID"],
                    "target_iri": cells["END_ID"],
                    **{_param(k): v for k, v in fields.items()},
                },
            )


def _param(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


def rows(connection: ladybug.Connection, query: str) -> list[tuple[Any, ...]]:
    result = connection.execute(query)
    assert not isinstance(result, list)
    found = []
    while result.has_next():
        found.append(tuple(result.get_next()))
    return found


@pytest.fixture(scope="module")
def property_graph(graph: ox.Store) -> PropertyGraph:
    return build_property_graph(graph)


@pytest.fixture(scope="module")
def database(
    built_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ladybug.Connection]:
    db = ladybug.Database(str(tmp_path_factory.mktemp("ladybug") / "ilrs.lbug"))
    connection = ladybug.Connection(db)
    load(connection, read_bundle(built_settings.dumps_dir / "ilrs-neo4j.zip"))
    yield connection
    connection.close()
    db.close()


def test_every_node_and_edge_is_in_the_database(
    database: ladybug.Connection, property_graph: PropertyGraph
) -> None:
    assert rows(database, "MATCH (n:Entity) RETURN count(n)") == [(len(property_graph.nodes),)]
    edges = Counter(relationship_type(e.type) for e in property_graph.edges)
    theirs = {
        rel_type: rows(database, f"MATCH ()-[r:`{rel_type}`]->() RETURN count(r)")[0][0] for rel_type in edges
    }
    assert theirs == dict(edges)
    assert rows(database, "MATCH ()-[r]->() RETURN count(r)") == [(len(property_graph.edges),)]


def test_members_with_their_join_dates(database: ladybug.Connection, property_graph: PropertyGraph) -> None:
    found = rows(
        database,
        """
        MATCH (c:Entity)-[m:MEMBER_OF]->(p:Entity)
        WHERE m.claim IS NOT NULL AND list_contains(p.labels, 'Programme')
        RETURN c.label, m.start, m.sources ORDER BY c.label, m.start""",
    )
    labels = {n.key: n.label for n in property_graph.nodes}
    expected = list(
        (
            labels[e.source],
            e.attributes["start"][0] if "start" in e.attributes else None,
            list(e.attributes["sources"]),
        )
        for e in property_graph.edges
        if e.type == "memberOf" and "claim" in e.attributes
    )
    assert len(found) >= 10
    assert sorted(found, key=repr) == sorted(expected, key=repr)


def test_missions_per_launch_vehicle(database: ladybug.Connection, property_graph: PropertyGraph) -> None:
    found = rows(
        database,
        """
        MATCH (m:Entity)-[:LAUNCH_VEHICLE]->(v:Entity)
        RETURN v.label, count(m) AS missions ORDER BY missions DESC, v.label""",
    )
    labels = {n.key: n.label for n in property_graph.nodes}
    counts = Counter(labels[e.target] for e in property_graph.edges if e.type == "launchVehicle")
    assert found and dict(found) == dict(counts)
    assert [n for _, n in found] == sorted(counts.values(), reverse=True)


def test_one_members_sources(database: ladybug.Connection, property_graph: PropertyGraph) -> None:
    """Every source a member's node and its membership claims cite, for one member: South Africa."""
    found = rows(
        database,
        """
        MATCH (c:Entity {key: 'country:south-africa'})-[m:MEMBER_OF]->(:Entity)
        UNWIND m.sources AS source RETURN DISTINCT source ORDER BY source""",
    )
    expected: defaultdict[str, set[str]] = defaultdict(set)
    for e in property_graph.edges:
        if e.type == "memberOf" and "claim" in e.attributes:
            expected[e.source].update(str(s) for s in e.attributes["sources"])
    assert [s for (s,) in found] == sorted(expected["country:south-africa"])
    assert found
