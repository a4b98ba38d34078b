"""A property graph spooled to disk while it is derived, then read back group by group by each writer.

The writers need the whole schema before the first row (each attribute's one type, whether it is a list,
the list delimiter no value contains) and the nodes in groups (one Neo4j file per list of classes, per
relation). So the derivation appends each node and edge, as it is made, to its group's file and tallies
the schema; `finish` turns the tally into the schema, and the groups are read back as often as there are
writers, each value converted to its attribute's type on the way out. Memory holds the tally, not the
graph.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ilrs_kg.exports.files import ExportError
from ilrs_kg.exports.graph_model import (
    ARRAY_DELIMITER_CANDIDATES,
    Attribute,
    Edge,
    EdgeGroup,
    Kind,
    Node,
    NodeGroup,
    PropertyGraph,
    Value,
    render_value,
)

_KINDS = {bool: Kind.BOOLEAN, int: Kind.INT, float: Kind.FLOAT, str: Kind.STRING}
_NATIVE = {kind: native for native, kind in _KINDS.items()}
_SEEN_MAPPINGS = 4096


def coerce(
    attributes: Mapping[str, tuple[Value, ...]], kinds: Mapping[str, Kind]
) -> dict[str, tuple[Value, ...]]:
    """Values converted to their attribute's one type (an int among floats becomes a float, …)."""
    converted: dict[str, tuple[Value, ...]] = {}
    for name, values in attributes.items():
        if kinds[name] is Kind.STRING:
            converted[name] = tuple(render_value(v) for v in values)
        elif kinds[name] is Kind.FLOAT:
            converted[name] = tuple(float(v) for v in values)
        else:
            converted[name] = values
    return converted


@dataclass
class Tally:
    """What the schema needs to know of every value, gathered one node or edge at a time."""

    # The Python types of each attribute's values (their Kind once the tally is done: cheaper per value).
    types: dict[str, set[type]] = field(default_factory=lambda: defaultdict(set))
    multi: set[str] = field(default_factory=set)
    # The delimiter candidates that occur in some value of each attribute.
    clashes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    # Attribute mappings already tallied, by identity (held, so no other object takes their id): the
    # relation edges of one set of statement graphs share one mapping.
    seen: dict[int, Mapping[str, tuple[Value, ...]]] = field(default_factory=dict)

    def add(self, attributes: Mapping[str, tuple[Value, ...]]) -> None:
        if self.seen.get(id(attributes)) is attributes:
            return
        if len(self.seen) == _SEEN_MAPPINGS:
            self.seen.clear()
        self.seen[id(attributes)] = attributes
        for name, values in attributes.items():
            self.types[name].update(map(type, values))
            # One search per candidate in all the texts at once (NUL is none of them, nor in any text).
            texts = "\0".join(v for v in values if type(v) is str)
            clashes = [c for c in ARRAY_DELIMITER_CANDIDATES if c in texts]
            if clashes:
                self.clashes[name].update(clashes)
            if len(values) > 1:
                self.multi.add(name)

    def schema(
        self, origins: Mapping[str, str], always_multi: Callable[[str], bool]
    ) -> tuple[Attribute, ...]:
        """Each attribute's type (one for all its values) and whether it is a list."""
        attributes = []
        for name in sorted(self.types):
            kinds = {_KINDS[t] for t in self.types[name]}
            if len(kinds) == 1:
                kind = next(iter(kinds))
            else:
                kind = Kind.FLOAT if kinds == {Kind.INT, Kind.FLOAT} else Kind.STRING
            is_multi = name in self.multi or always_multi(name)
            attributes.append(Attribute(name, kind, is_multi, origins.get(name, name)))
        return tuple(attributes)


@dataclass
class _GroupFile:
    path: Path
    stream: BinaryIO
    used: set[str] = field(default_factory=set)


class Spool:
    """Group files in a private temporary directory, removed by `close` (or leaving the `with` block)."""

    def __init__(self, always_multi: Callable[[str], bool], directory: Path | None = None) -> None:
        self.always_multi = always_multi
        self.directory = Path(tempfile.mkdtemp(prefix="ilrs-graph-", dir=directory))
        self.node_tally, self.edge_tally = Tally(), Tally()
        self.node_files: dict[tuple[str, ...], _GroupFile] = {}
        self.edge_files: dict[str, _GroupFile] = {}

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        for group in (*self.node_files.values(), *self.edge_files.values()):
            group.stream.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _file(self, prefix: str, number: int) -> tuple[Path, BinaryIO]:
        path = self.directory / f"{prefix}-{number}.pickle"
        return path, path.open("wb")

    def add_node(self, node: Node) -> None:
        group = self.node_files.get(node.types)
        if group is None:
            group = self.node_files[node.types] = _GroupFile(*self._file("nodes", len(self.node_files)))
        self.node_tally.add(node.attributes)
        group.used.update(node.attributes)
        pickle.dump((node.key, node.iri, node.label, node.types, node.attributes), group.stream, 5)

    def add_edge(self, edge: Edge) -> None:
        group = self.edge_files.get(edge.type)
        if group is None:
            group = self.edge_files[edge.type] = _GroupFile(*self._file("edges", len(self.edge_files)))
        self.edge_tally.add(edge.attributes)
        group.used.update(edge.attributes)
        record = (edge.key, edge.source, edge.target, edge.label, edge.attributes)
        pickle.dump((*record, edge.source_iri, edge.target_iri), group.stream, 5)

    def finish(self, origins: Mapping[str, str]) -> SpooledGraph:
        for group in (*self.node_files.values(), *self.edge_files.values()):
            group.stream.flush()
        return SpooledGraph(self, origins)


def _records(path: Path) -> Iterator[tuple[object, ...]]:
    with path.open("rb") as stream:
        while True:
            try:
                yield pickle.load(stream)  # noqa: S301  # our own spool, written by this process
            except EOFError:
                return


def _mixed(attributes: tuple[Attribute, ...], tally: Tally) -> frozenset[str]:
    return frozenset(a.name for a in attributes if tally.types[a.name] != {_NATIVE[a.kind]})


class SpooledGraph:
    """The spool read back: a GraphSource (graph_model) whose groups stream from disk."""

    def __init__(self, spool: Spool, origins: Mapping[str, str]) -> None:
        self.spool = spool
        self.node_attributes = spool.node_tally.schema(origins, spool.always_multi)
        self.edge_attributes = spool.edge_tally.schema(origins, spool.always_multi)
        self._node_kinds = {a.name: a.kind for a in self.node_attributes}
        self._edge_kinds = {a.name: a.kind for a in self.edge_attributes}
        # The attributes some of whose values are not yet of the attribute's type: only they are converted.
        self._node_mixed = _mixed(self.node_attributes, spool.node_tally)
        self._edge_mixed = _mixed(self.edge_attributes, spool.edge_tally)

    def array_delimiter(self) -> str:
        """A character that occurs in no element of any list-valued attribute, so lists split back exactly."""
        clashes: set[str] = set()
        for attributes, tally in (
            (self.node_attributes, self.spool.node_tally),
            (self.edge_attributes, self.spool.edge_tally),
        ):
            for attribute in attributes:
                if attribute.multi:
                    clashes |= tally.clashes.get(attribute.name, set())
        for candidate in ARRAY_DELIMITER_CANDIDATES:
            if candidate not in clashes:
                return candidate
        raise ExportError("every candidate list delimiter occurs inside some list value")

    def node_groups(self) -> list[NodeGroup]:
        return [
            NodeGroup(types, frozenset(group.used), lambda path=group.path: self._nodes(path))  # type: ignore[misc]
            for types, group in sorted(self.spool.node_files.items())
        ]

    def edge_groups(self) -> list[EdgeGroup]:
        return [
            EdgeGroup(
                edge_type,
                frozenset(group.used),
                lambda edge_type=edge_type, path=group.path: self._edges(edge_type, path),  # type: ignore[misc]
            )
            for edge_type, group in sorted(self.spool.edge_files.items())
        ]

    def _nodes(self, path: Path) -> Iterator[Node]:
        kinds, mixed = self._node_kinds, self._node_mixed
        for key, iri, label, types, attributes in _records(path):
            if not mixed.isdisjoint(attributes):  # type: ignore[arg-type]
                attributes = coerce(attributes, kinds)  # type: ignore[arg-type]
            yield Node(key, iri, label, types, attributes)  # type: ignore[arg-type]

    def _edges(self, edge_type: str, path: Path) -> Iterator[Edge]:
        kinds, mixed = self._edge_kinds, self._edge_mixed
        for key, source, target, label, attributes, source_iri, target_iri in _records(path):
            if not mixed.isdisjoint(attributes):  # type: ignore[arg-type]
                attributes = coerce(attributes, kinds)  # type: ignore[arg-type]
            yield Edge(key, source, target, edge_type, label, attributes, source_iri, target_iri)  # type: ignore[arg-type]

    def in_memory(self) -> PropertyGraph:
        """The whole graph as one PropertyGraph: nodes by IRI, edges by type, ends and key."""
        nodes = sorted((n for g in self.node_groups() for n in g.nodes()), key=lambda n: n.iri)
        edges = sorted(
            (e for g in self.edge_groups() for e in g.edges()),
            key=lambda e: (e.type, e.source, e.target, e.key),
        )
        return PropertyGraph(tuple(nodes), tuple(edges), self.node_attributes, self.edge_attributes)
