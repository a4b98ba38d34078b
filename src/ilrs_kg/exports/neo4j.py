"""A Neo4j bundle: node and relationship CSVs for `neo4j-admin database import`, and a LOAD CSV script.

The zip holds
    nodes/<Type>.csv               one file per kind of entity; `iri:ID(Entity)`, `:LABEL`, typed properties
    relationships/<TYPE>.csv       one file per relation; `:START_ID(Entity)`, `:END_ID(Entity)`, `:TYPE`
    import.sh                      the exact neo4j-admin command (Neo4j 5), run from the unzipped folder
    load-csv.cypher                the same graph through LOAD CSV, for a running database
    README.md                      both ways, step by step

Every node has the label `Entity` plus its ILRS classes (`Agreement`, `Event`); relationship types are the
relation names in upper snake case (`MEMBER_OF`, `LAUNCH_VEHICLE`). Lists are `string[]` columns split on
the array delimiter the bundle names (`|` unless a value contains it).
"""

from __future__ import annotations

import csv
import io
import re
import shlex
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from ilrs_kg.exports.graph_model import (
    Attribute,
    EdgeGroup,
    GraphSource,
    Kind,
    Value,
    joined,
)

ID_SPACE = "Entity"
ENTITY_LABEL = "Entity"
_TYPES = {Kind.STRING: "string", Kind.INT: "long", Kind.FLOAT: "double", Kind.BOOLEAN: "boolean"}
_CYPHER_CONVERSION = {
    Kind.STRING: "{}",
    Kind.INT: "toInteger({})",
    Kind.FLOAT: "toFloat({})",
    Kind.BOOLEAN: "toBoolean({})",
}
# A fixed timestamp for the zip entries: one graph always gives the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def relationship_type(edge_type: str) -> str:
    """`launchVehicle` → `LAUNCH_VEHICLE`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", edge_type).upper()


@dataclass(frozen=True)
class Column:
    name: str  # the attribute's name; "@…" for the columns every file has
    header: str  # e.g. `startYear:long`, `iri:ID(Entity)`, `:LABEL`
    attribute: Attribute | None = None


@dataclass(frozen=True)
class CsvFile:
    path: str  # inside the zip
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[list[str]]]  # read once, as the file is written
    labels: tuple[str, ...] = ()  # node files: the labels every row has
    relationship_type: str = ""  # relationship files


def _property_columns(attributes: Sequence[Attribute], used: frozenset[str]) -> list[Column]:
    columns = []
    for attribute in attributes:
        if attribute.name in used:
            suffix = _TYPES[attribute.kind] + ("[]" if attribute.multi else "")
            columns.append(Column(attribute.name, f"{attribute.name}:{suffix}", attribute))
    return columns


def _cells(names: Sequence[str], values: Mapping[str, Sequence[Value]], delimiter: str) -> list[str]:
    """The property columns of one row."""
    get = values.get
    return [joined(get(name, ()), delimiter) for name in names]


def _node_files(graph: GraphSource, delimiter: str) -> list[CsvFile]:
    groups = list(graph.node_groups())
    primaries: dict[str, int] = defaultdict(int)
    for group in groups:
        primaries[group.types[0]] += 1
    files = []
    for group in groups:
        types = group.types
        stem = types[0] if primaries[types[0]] == 1 else "_".join(types)
        fixed = [
            Column("@iri", f"iri:ID({ID_SPACE})"),
            Column("@labels", ":LABEL"),
            Column("@key", "key"),
            Column("@label", "label"),
            Column("@type", "type"),
        ]
        columns = tuple(fixed + _property_columns(graph.node_attributes, group.used))
        labels = (ENTITY_LABEL, *types)

        def rows(group=group, columns=columns, labels=labels) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
            names = [c.name for c in columns if c.attribute is not None]
            joined = delimiter.join(labels)
            for n in group.nodes():
                yield [n.iri, joined, n.key, n.label, n.types[0], *_cells(names, n.attributes, delimiter)]

        files.append(CsvFile(f"nodes/{stem}.csv", columns, rows, labels=labels))
    return files


def _relationship_files(graph: GraphSource, delimiter: str) -> list[CsvFile]:
    groups: dict[str, list[EdgeGroup]] = defaultdict(list)
    for group in graph.edge_groups():
        groups[relationship_type(group.type)].append(group)
    files = []
    for rel_type, members in sorted(groups.items()):
        used = frozenset(name for group in members for name in group.used)
        fixed = [
            Column("@start", f":START_ID({ID_SPACE})"),
            Column("@end", f":END_ID({ID_SPACE})"),
            Column("@type", ":TYPE"),
            Column("@label", "label"),
        ]
        columns = tuple(fixed + _property_columns(graph.edge_attributes, used))

        def rows(members=members, columns=columns, rel_type=rel_type) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
            names = [c.name for c in columns if c.attribute is not None]
            for group in members:
                for e in group.edges():
                    cells = _cells(names, e.attributes, delimiter)
                    yield [e.source_iri, e.target_iri, rel_type, e.label, *cells]

        files.append(CsvFile(f"relationships/{rel_type}.csv", columns, rows, relationship_type=rel_type))
    return files


def _write_csv(file: CsvFile, stream: BinaryIO) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header for c in file.columns])
    writer.writerows(file.rows())
    text.flush()
    text.detach()


def _cypher_value(column: Column, delimiter: str) -> str:
    assert column.attribute is not None
    field = f"row.`{column.header}`"
    convert = _CYPHER_CONVERSION[column.attribute.kind]
    if column.attribute.multi:
        value = f"[item IN split({field}, '{delimiter}') | {convert.format('item')}]"
    else:
        value = convert.format(field)
    return f"CASE WHEN {field} <> '' THEN {value} END"


def load_csv_script(files: Sequence[CsvFile], delimiter: str) -> str:
    lines = [
        "// Loads the ILRS graph into a running Neo4j 5 database with LOAD CSV.",
        "// Copy the nodes/ and relationships/ folders into the database's import directory, then run:",
        "//   cypher-shell -u neo4j -p <password> -f load-csv.cypher",
        "",
        f"CREATE CONSTRAINT entity_iri IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.iri IS UNIQUE;",
        "",
    ]
    for file in files:
        header = f"LOAD CSV WITH HEADERS FROM 'file:///{file.path}' AS row"
        if file.labels:
            labels = "".join(f":`{label}`" for label in file.labels)
            sets = ["n.key = row.key", "n.label = row.label", "n.type = row.type"]
            sets += [f"n.`{c.name}` = {_cypher_value(c, delimiter)}" for c in file.columns if c.attribute]
            lines += [
                header,
                f"MERGE (n:{ENTITY_LABEL} {{iri: row.`iri:ID({ID_SPACE})`}})",
                f"SET n{labels}, " + ",\n    ".join(sets) + ";",
                "",
            ]
        else:
            sets = ["r.label = row.label"]
            sets += [f"r.`{c.name}` = {_cypher_value(c, delimiter)}" for c in file.columns if c.attribute]
            lines += [
                header,
                f"MATCH (a:{ENTITY_LABEL} {{iri: row.`:START_ID({ID_SPACE})`}})",
                f"MATCH (b:{ENTITY_LABEL} {{iri: row.`:END_ID({ID_SPACE})`}})",
                f"CREATE (a)-[r:`{file.relationship_type}`]->(b)",
                "SET " + ",\n    ".join(sets) + ";",
                "",
            ]
    return "\n".join(lines)


def import_command(files: Sequence[CsvFile], delimiter: str) -> list[str]:
    """The neo4j-admin arguments, one per item."""
    args = [
        "neo4j-admin",
        "database",
        "import",
        "full",
        "--overwrite-destination=true",
        f"--array-delimiter={delimiter}",
        "--multiline-fields=true",
    ]
    args += [f"--nodes={f.path}" for f in files if f.labels]
    args += [f"--relationships={f.path}" for f in files if not f.labels]
    args.append("neo4j")
    return args


def _import_script(files: Sequence[CsvFile], delimiter: str) -> str:
    quoted = [shlex.quote(a) for a in import_command(files, delimiter)]
    command = " ".join(quoted[:4]) + " \\\n  " + " \\\n  ".join(quoted[4:])
    return "\n".join(
        [
            "#!/bin/sh",
            "# Imports the ILRS graph into an empty, stopped Neo4j 5 database named neo4j (it replaces",
            "# that database). Run from the folder this file is in, with neo4j-admin on the PATH; then",
            "# start Neo4j.",
            "set -e",
            'cd "$(dirname "$0")"',
            command,
            "",
        ]
    )


def _readme(delimiter: str) -> str:
    return f"""# ILRS knowledge graph for Neo4j

Nodes carry the label `Entity` and their ILRS classes; `iri` is unique. Relationship types are the
relations in upper snake case (`MEMBER_OF`, `LAUNCH_VEHICLE`, `OPERATOR`). Membership claims are
`MEMBER_OF` relationships from the country to the programme with `start`, `startYear`, `role`,
`signatoryBody`, `sources` and `claim` (the claim's IRI); two sources that disagree give two relationships.
List properties are split on `{delimiter}`.

Every fact names its source. Each relationship has `sources` (the IRIs of the source documents that
state it), `source_parts` (where in them), `provenance_kind` (sourced, editorial or derived) and `graphs`
(the statement graphs it sits in, described in the RDF dumps); each property `p` of a node or of a claim
relationship has the same four as `p_sources`, `p_source_parts`, `p_provenance_kind` and `p_graphs`:

    MATCH (m:Mission {{label: "Chang'e 6"}}) RETURN m.cosparId, m.cosparId_sources, m.cosparId_source_parts

## Bulk import (fast, into a new database)

    unzip ilrs-neo4j.zip -d ilrs-neo4j
    neo4j stop
    sh ilrs-neo4j/import.sh
    neo4j start

## LOAD CSV (into a running database)

Copy `nodes/` and `relationships/` into the database's `import` directory, then

    cypher-shell -u neo4j -p <password> -f load-csv.cypher

## A first query

    MATCH (c:Country)-[m:MEMBER_OF]->(p:Programme)
    RETURN c.label, m.start, m.signatoryBody ORDER BY m.start
"""


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    archive.writestr(_entry(name, mode), data)


def _entry(name: str, mode: int = 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16
    return info


def _add_csv(archive: zipfile.ZipFile, file: CsvFile) -> None:
    """One CSV file, written to a temporary file a row at a time and then copied into the zip: knowing the
    size first gives the entry the same header a whole-file write gives (zip64 only where needed)."""
    with tempfile.TemporaryFile() as spooled:
        _write_csv(file, spooled)
        info = _entry(file.path)
        info.file_size = spooled.tell()
        spooled.seek(0)
        with archive.open(info, "w") as entry:
            shutil.copyfileobj(spooled, entry, 1 << 20)


def neo4j_files(graph: GraphSource) -> tuple[list[CsvFile], str]:
    delimiter = graph.array_delimiter()
    return _node_files(graph, delimiter) + _relationship_files(graph, delimiter), delimiter


def write_neo4j_bundle(graph: GraphSource, output: BinaryIO) -> None:
    files, delimiter = neo4j_files(graph)
    if not output.seekable():
        # A zip written to a pipe needs data descriptors; the same graph must give the same bytes anywhere.
        with tempfile.TemporaryFile() as seekable:
            write_neo4j_bundle(graph, seekable)
            seekable.seek(0)
            shutil.copyfileobj(seekable, output, 1 << 20)
        return
    with zipfile.ZipFile(output, "w") as archive:
        for file in files:
            _add_csv(archive, file)
        _add(archive, "import.sh", _import_script(files, delimiter).encode(), 0o755)
        _add(archive, "load-csv.cypher", load_csv_script(files, delimiter).encode())
        _add(archive, "README.md", _readme(delimiter).encode())
