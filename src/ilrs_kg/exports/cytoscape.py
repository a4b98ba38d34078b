"""Cytoscape.js JSON (`.cyjs`): what `cy.add()` / `cytoscape({elements})` take and Cytoscape desktop imports.

Each element's `data` holds its attributes; lists stay JSON arrays. Nodes also get `name` (Cytoscape
desktop's default style labels nodes by it) and edges `name` and `interaction` (its edge columns); nodes
repeat their id as `value` and edges as `key`, which NetworkX's `cytoscape_graph` reads (without `key`,
it would merge parallel edges such as two sources' membership claims).
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from ilrs_kg.exports.graph_model import Attribute, PropertyGraph, Value


def _values(attributes: tuple[Attribute, ...], found: dict[str, tuple[Value, ...]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attribute in attributes:
        values = found.get(attribute.name)
        if values:
            out[attribute.name] = list(values) if attribute.multi else values[0]
    return out


def cytoscape_document(graph: PropertyGraph) -> dict[str, Any]:
    nodes = [
        {
            "data": {
                "id": n.key,
                "value": n.key,
                "name": n.label,
                "label": n.label,
                "type": n.type,
                "types": list(n.types),
                "iri": n.iri,
                **_values(graph.node_attributes, dict(n.attributes)),
            }
        }
        for n in graph.nodes
    ]
    edges = [
        {
            "data": {
                "id": e.key,
                "key": e.key,
                "source": e.source,
                "target": e.target,
                "name": e.label,
                "label": e.label,
                "interaction": e.type,
                "type": e.type,
                **_values(graph.edge_attributes, dict(e.attributes)),
            }
        }
        for e in graph.edges
    ]
    return {
        "format_version": "1.0",
        "generated_by": "ilrs-kg",
        "target_cytoscapejs_version": "~3",
        "data": {"name": "International Lunar Research Station knowledge graph"},
        "directed": True,
        "multigraph": True,
        "elements": {"nodes": nodes, "edges": edges},
    }


def write_cytoscape(graph: PropertyGraph, output: BinaryIO) -> None:
    text = json.dumps(cytoscape_document(graph), ensure_ascii=False, indent=1)
    output.write(text.encode("utf-8"))
    output.write(b"\n")
