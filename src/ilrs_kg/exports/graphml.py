"""GraphML for Gephi, yEd, Cytoscape and NetworkX.

Every node has `label` (Gephi shows it as the node's label), `type`, `types` and `iri`; every edge `label`
and `type`. The other attributes are declared once with their GraphML type (`long`, `double`, `boolean`,
`string`); a list is written as one string joined by the delimiter in the graph's `arrayDelimiter` data.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import BinaryIO

from ilrs_kg.exports.graph_model import (
    Attribute,
    Kind,
    PropertyGraph,
    Value,
    choose_array_delimiter,
    render_value,
)

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
_TYPES = {Kind.STRING: "string", Kind.INT: "long", Kind.FLOAT: "double", Kind.BOOLEAN: "boolean"}
# Characters XML 1.0 cannot carry at all; replaced rather than producing a file no parser accepts.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

NODE_FIXED = (
    Attribute("label", Kind.STRING, False, "the entity's English label (rdfs:label)"),
    Attribute("type", Kind.STRING, False, "the entity's most specific ILRS class"),
    Attribute("types", Kind.STRING, True, "all the entity's ILRS classes, most specific first"),
    Attribute("iri", Kind.STRING, False, "the entity's IRI"),
)
EDGE_FIXED = (
    Attribute("label", Kind.STRING, False, "the relation, for people"),
    Attribute("type", Kind.STRING, False, "the relation: the property's local name, or memberOf/involvedIn"),
)


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _declare(root: ET.Element, scope: str, attributes: Iterable[Attribute]) -> dict[str, str]:
    ids = {}
    for attribute in attributes:
        key_id = f"{scope[0]}_{attribute.name}"
        key = ET.SubElement(
            root,
            "key",
            {
                "id": key_id,
                "for": scope,
                "attr.name": attribute.name,
                "attr.type": _TYPES[attribute.kind],
            },
        )
        ET.SubElement(key, "desc").text = _text(
            attribute.origin + (" (a list joined by the arrayDelimiter)" if attribute.multi else "")
        )
        ids[attribute.name] = key_id
    return ids


def _add_data(
    element: ET.Element, ids: Mapping[str, str], values: Mapping[str, tuple[Value, ...]], delimiter: str
) -> None:
    for name, found in values.items():
        if found:
            ET.SubElement(element, "data", {"key": ids[name]}).text = _text(
                delimiter.join(render_value(v) for v in found)
            )


def write_graphml(graph: PropertyGraph, output: BinaryIO) -> None:
    delimiter = choose_array_delimiter(graph)
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS, "xmlns:xsi": _XSI, "xsi:schemaLocation": _SCHEMA})
    graph_keys = _declare(
        root,
        "graph",
        [
            Attribute("title", Kind.STRING, False, "what the graph is"),
            Attribute(
                "arrayDelimiter", Kind.STRING, False, "the character that separates the items of a list"
            ),
        ],
    )
    node_keys = _declare(root, "node", (*NODE_FIXED, *graph.node_attributes))
    edge_keys = _declare(root, "edge", (*EDGE_FIXED, *graph.edge_attributes))
    body = ET.SubElement(root, "graph", {"id": "ilrs", "edgedefault": "directed"})
    _add_data(
        body,
        graph_keys,
        {
            "title": ("International Lunar Research Station knowledge graph",),
            "arrayDelimiter": (delimiter,),
        },
        delimiter,
    )
    for node in graph.nodes:
        element = ET.SubElement(body, "node", {"id": node.key})
        fixed = {"label": (node.label,), "type": (node.type,), "types": node.types, "iri": (node.iri,)}
        _add_data(element, node_keys, {**fixed, **node.attributes}, delimiter)
    for edge in graph.edges:
        element = ET.SubElement(body, "edge", {"id": edge.key, "source": edge.source, "target": edge.target})
        fixed_edge = {"label": (edge.label,), "type": (edge.type,)}
        _add_data(element, edge_keys, {**fixed_edge, **edge.attributes}, delimiter)
    ET.indent(root)
    ET.ElementTree(root).write(output, encoding="utf-8", xml_declaration=True)
