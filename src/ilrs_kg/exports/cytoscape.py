"""Cytoscape.js JSON (`.cyjs`): what `cy.add()` / `cytoscape({elements})` take and Cytoscape desktop imports.

Each element's `data` holds its attributes; lists stay JSON arrays. Nodes also get `name` (Cytoscape
desktop's default style labels nodes by it) and edges `name` and `interaction` (its edge columns); nodes
repeat their id as `value` and edges as `key`, which NetworkX's `cytoscape_graph` reads (without `key`,
it would merge parallel edges such as two sources' membership claims).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from ilrs_kg.exports.graph_model import Attribute, Edge, GraphSource, Node, Value, all_edges, all_nodes


def _values(attributes: tuple[Attribute, ...], found: dict[str, tuple[Value, ...]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attribute in attributes:
        values = found.get(attribute.name)
        if values:
            out[attribute.name] = list(values) if attribute.multi else values[0]
    return out


def node_element(node: Node, attributes: tuple[Attribute, ...]) -> dict[str, Any]:
    return {
        "data": {
            "id": node.key,
            "value": node.key,
            "name": node.label,
            "label": node.label,
            "type": node.type,
            "types": list(node.types),
            "iri": node.iri,
            **_values(attributes, dict(node.attributes)),
        }
    }


def edge_element(edge: Edge, attributes: tuple[Attribute, ...]) -> dict[str, Any]:
    return {
        "data": {
            "id": edge.key,
            "key": edge.key,
            "source": edge.source,
            "target": edge.target,
            "name": edge.label,
            "label": edge.label,
            "interaction": edge.type,
            "type": edge.type,
            **_values(attributes, dict(edge.attributes)),
        }
    }


_HEAD = {
    "format_version": "1.0",
    "generated_by": "ilrs-kg",
    "target_cytoscapejs_version": "~3",
    "data": {"name": "International Lunar Research Station knowledge graph"},
    "directed": True,
    "multigraph": True,
}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


# Each element on one line, compact: json's C encoder serves only unindented output, ten times faster.
_ELEMENT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_LINES_PER_WRITE = 1024


def _array(output: BinaryIO, name: str, elements: Iterable[dict[str, Any]]) -> None:
    """`"name": [ … ]`, one element a line (written a thousand lines at a time)."""
    output.write(f'  "{name}": ['.encode())
    encode = _ELEMENT.encode
    lines: list[str] = []
    empty = True
    for element in elements:
        lines.append(encode(element))
        if len(lines) == _LINES_PER_WRITE:
            output.write(("\n   " if empty else ",\n   ").encode() + ",\n   ".join(lines).encode("utf-8"))
            empty = False
            lines.clear()
    if lines:
        output.write(("\n   " if empty else ",\n   ").encode() + ",\n   ".join(lines).encode("utf-8"))
        empty = False
    output.write(b"]" if empty else b"\n  ]")


def write_cytoscape(graph: GraphSource, output: BinaryIO) -> None:
    """The document written element by element: indented as json.dumps(indent=1) would down to the element
    lists, each element then on a line of its own."""
    head = _json(_HEAD)
    output.write(head[: -len("\n}")].encode("utf-8") + b',\n "elements": {\n')
    nodes: Iterator[dict[str, Any]] = (node_element(n, graph.node_attributes) for n in all_nodes(graph))
    _array(output, "nodes", nodes)
    output.write(b",\n")
    _array(output, "edges", (edge_element(e, graph.edge_attributes) for e in all_edges(graph)))
    output.write(b"\n }\n}\n")
