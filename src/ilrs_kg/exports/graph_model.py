"""The property graph the GraphML, Neo4j and Cytoscape.js writers share: nodes, edges, typed attributes.

`property_graph` derives it from the store; the writers only render it. They read it through `GraphSource`:
the schema first (GraphML declares its keys and Neo4j its columns before any row), then the nodes and the
edges in groups (a Neo4j file per group), each group a stream read once per writer. `PropertyGraph` is one
held in memory (tests, small graphs); `property_graph.spool_property_graph` one spooled to disk, so a
graph of millions of entities is written without being held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Protocol

from ilrs_kg.exports.files import ExportError

Value = str | int | float | bool


class Kind(Enum):
    """An attribute's value type; the writers map it onto their own type names."""

    STRING = "string"
    INT = "int"
    FLOAT = "float"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: Kind
    # True when the attribute holds a list of values (every node or edge then gets a list).
    multi: bool
    # Where the values come from: a property IRI or a short explanation.
    origin: str


@dataclass(frozen=True)
class Node:
    # Short, stable identifier: `country:china` for <https://w3id.org/ilrs/id/country/china>. It is a valid
    # XML NMTOKEN (GraphML's rule for ids) and reads well in Gephi's Id column.
    key: str
    iri: str
    label: str
    # The entity's most specific ILRS class, then its other ILRS classes and superclasses:
    # ("Agreement", "Event").
    types: tuple[str, ...]
    attributes: Mapping[str, tuple[Value, ...]]

    @property
    def type(self) -> str:
        return self.types[0]


@dataclass(frozen=True)
class Edge:
    key: str
    source: str  # Node.key
    target: str  # Node.key
    # The relation's name: the property's local name (`launchVehicle`), or `memberOf` / `involvedIn` for
    # the claims that become edges.
    type: str
    label: str  # for people: "launch vehicle", "member of"
    attributes: Mapping[str, tuple[Value, ...]]
    # The ends' IRIs (Neo4j's ids), where known; PropertyGraph fills them in from its nodes.
    source_iri: str = field(default="", compare=False)
    target_iri: str = field(default="", compare=False)


@dataclass(frozen=True)
class NodeGroup:
    """The nodes of one list of classes (`Node.types`), read by calling `nodes`."""

    types: tuple[str, ...]
    used: frozenset[str]  # the attributes some node of the group has
    nodes: Callable[[], Iterator[Node]]


@dataclass(frozen=True)
class EdgeGroup:
    """The edges of one type, with their ends' IRIs, read by calling `edges`."""

    type: str
    used: frozenset[str]
    edges: Callable[[], Iterator[Edge]]


class GraphSource(Protocol):
    """What the writers read: the schema, the list delimiter, and the nodes and edges group by group
    (node groups sorted by their types, edge groups by their type)."""

    @property
    def node_attributes(self) -> tuple[Attribute, ...]: ...

    @property
    def edge_attributes(self) -> tuple[Attribute, ...]: ...

    def array_delimiter(self) -> str: ...

    def node_groups(self) -> Iterable[NodeGroup]: ...

    def edge_groups(self) -> Iterable[EdgeGroup]: ...


@dataclass(frozen=True)
class PropertyGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    node_attributes: tuple[Attribute, ...]
    edge_attributes: tuple[Attribute, ...]

    def node_attribute(self, name: str) -> Attribute:
        return next(a for a in self.node_attributes if a.name == name)

    def edge_attribute(self, name: str) -> Attribute:
        return next(a for a in self.edge_attributes if a.name == name)

    def array_delimiter(self) -> str:
        return choose_array_delimiter(self)

    def node_groups(self) -> list[NodeGroup]:
        groups: dict[tuple[str, ...], list[Node]] = defaultdict(list)
        for node in self.nodes:
            groups[node.types].append(node)
        return [
            NodeGroup(types, _used(nodes), lambda nodes=nodes: iter(nodes))  # type: ignore[misc]
            for types, nodes in sorted(groups.items())
        ]

    def edge_groups(self) -> list[EdgeGroup]:
        iris = {n.key: n.iri for n in self.nodes}
        groups: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            source, target = edge.source_iri or iris[edge.source], edge.target_iri or iris[edge.target]
            groups[edge.type].append(replace(edge, source_iri=source, target_iri=target))
        return [
            EdgeGroup(edge_type, _used(edges), lambda edges=edges: iter(edges))  # type: ignore[misc]
            for edge_type, edges in sorted(groups.items())
        ]


def _used(items: Iterable[Node | Edge]) -> frozenset[str]:
    return frozenset(name for item in items for name in item.attributes)


def all_nodes(graph: GraphSource) -> Iterator[Node]:
    for group in graph.node_groups():
        yield from group.nodes()


def all_edges(graph: GraphSource) -> Iterator[Edge]:
    for group in graph.edge_groups():
        yield from group.edges()


def render_value(value: Value) -> str:
    """A value as text, the way CSV and GraphML write it: booleans as `true`/`false`, floats without noise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def joined(values: Sequence[Value], delimiter: str) -> str:
    """A list of values as one text (GraphML's data, a Neo4j cell): most hold one value, not joined."""
    if len(values) == 1:
        value = values[0]
        return value if type(value) is str else render_value(value)
    return delimiter.join([v if type(v) is str else render_value(v) for v in values])


ARRAY_DELIMITER_CANDIDATES = ("|", "¦", "\u241f")


def choose_array_delimiter(graph: PropertyGraph) -> str:
    """A character that occurs in no element of any list-valued attribute, so lists split back exactly."""
    multi = {a.name for a in (*graph.node_attributes, *graph.edge_attributes) if a.multi}
    items: list[Node | Edge] = [*graph.nodes, *graph.edges]
    texts = [
        render_value(value)
        for item in items
        for name, values in item.attributes.items()
        if name in multi
        for value in values
    ]
    for candidate in ARRAY_DELIMITER_CANDIDATES:
        if not any(candidate in text for text in texts):
            return candidate
    raise ExportError("every candidate list delimiter occurs inside some list value")
