"""The property graph the GraphML, Neo4j and Cytoscape.js writers share: nodes, edges, typed attributes.

`property_graph.build_property_graph` derives it from the store; the writers only render it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

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


def render_value(value: Value) -> str:
    """A value as text, the way CSV and GraphML write it: booleans as `true`/`false`, floats without noise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


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
