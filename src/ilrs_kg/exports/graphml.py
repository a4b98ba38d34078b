"""GraphML for Gephi, yEd, Cytoscape and NetworkX.

Every node has `label` (Gephi shows it as the node's label), `type`, `types` and `iri`; every edge `label`
and `type`. The other attributes are declared once with their GraphML type (`long`, `double`, `boolean`,
`string`); a list is written as one string joined by the delimiter in the graph's `arrayDelimiter` data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import BinaryIO

from ilrs_kg.exports.graph_model import (
    Attribute,
    GraphSource,
    Kind,
    Value,
    all_edges,
    all_nodes,
    joined,
)

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
_TYPES = {Kind.STRING: "string", Kind.INT: "long", Kind.FLOAT: "double", Kind.BOOLEAN: "boolean"}
# Characters XML 1.0 cannot carry at all; replaced rather than producing a file no parser accepts.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"}
)

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
    if value.isascii() and value.isprintable():  # most values: nothing XML cannot carry, no translation
        if "&" in value:
            value = value.replace("&", "&amp;")
        if "<" in value:
            value = value.replace("<", "&lt;")
        if ">" in value:
            value = value.replace(">", "&gt;")
        return value
    return _NOT_XML.sub("\ufffd", value).translate(_TEXT_ESCAPES)


def _attribute(value: str) -> str:
    if value.isascii() and value.isprintable() and not any(c in value for c in '&<>"'):
        return value  # ids and keys: nothing to escape
    return value.translate(_ATTRIBUTE_ESCAPES)


def _start(name: str, attributes: Mapping[str, str], *, empty: bool = False) -> str:
    pairs = "".join(f' {key}="{_attribute(value)}"' for key, value in attributes.items())
    return f"<{name}{pairs}{' /' if empty else ''}>"


class _Writer:
    """GraphML text written element by element, laid out as ElementTree.indent lays it out (two spaces a
    level), so no tree of the whole graph is ever built."""

    def __init__(self, output: BinaryIO, delimiter: str) -> None:
        self.output = output
        self.delimiter = delimiter

    def line(self, depth: int, text: str) -> None:
        self.output.write(("  " * depth + text + "\n").encode("utf-8"))

    def declare(self, scope: str, attributes: Iterable[Attribute]) -> dict[str, str]:
        ids = {}
        for attribute in attributes:
            key_id = f"{scope[0]}_{attribute.name}"
            fields = {"id": key_id, "for": scope, "attr.name": attribute.name}
            self.line(1, _start("key", {**fields, "attr.type": _TYPES[attribute.kind]}))
            desc = attribute.origin + (" (a list joined by the arrayDelimiter)" if attribute.multi else "")
            self.line(2, f"<desc>{_text(desc)}</desc>")
            self.line(1, "</key>")
            ids[attribute.name] = key_id
        return ids

    def element(
        self,
        depth: int,
        name: str,
        attributes: Mapping[str, str],
        ids: Mapping[str, str],
        values: Mapping[str, tuple[Value, ...]],
    ) -> None:
        inner = "  " * (depth + 1)
        data = [
            f'{inner}<data key="{ids[key]}">{_text(joined(found, self.delimiter))}</data>\n'
            for key, found in values.items()
            if found
        ]
        outer = "  " * depth
        if not data:
            self.output.write(f"{outer}{_start(name, attributes, empty=True)}\n".encode())
            return
        text = f"{outer}{_start(name, attributes)}\n{''.join(data)}{outer}</{name}>\n"
        self.output.write(text.encode("utf-8"))


def write_graphml(graph: GraphSource, output: BinaryIO) -> None:
    delimiter = graph.array_delimiter()
    out = _Writer(output, delimiter)
    output.write(b"<?xml version='1.0' encoding='utf-8'?>\n")
    out.line(0, _start("graphml", {"xmlns": GRAPHML_NS, "xmlns:xsi": _XSI, "xsi:schemaLocation": _SCHEMA}))
    graph_keys = out.declare(
        "graph",
        [
            Attribute("title", Kind.STRING, False, "what the graph is"),
            Attribute(
                "arrayDelimiter", Kind.STRING, False, "the character that separates the items of a list"
            ),
        ],
    )
    node_keys = out.declare("node", (*NODE_FIXED, *graph.node_attributes))
    edge_keys = out.declare("edge", (*EDGE_FIXED, *graph.edge_attributes))
    title = ("International Lunar Research Station knowledge graph",)
    out.line(1, _start("graph", {"id": "ilrs", "edgedefault": "directed"}))
    for key, found in (("title", title), ("arrayDelimiter", (delimiter,))):
        out.line(2, f'<data key="{graph_keys[key]}">{_text(found[0])}</data>')
    for node in all_nodes(graph):
        fixed = {"label": (node.label,), "type": (node.type,), "types": node.types, "iri": (node.iri,)}
        out.element(2, "node", {"id": node.key}, node_keys, {**fixed, **node.attributes})
    for edge in all_edges(graph):
        ends = {"id": edge.key, "source": edge.source, "target": edge.target}
        fixed_edge = {"label": (edge.label,), "type": (edge.type,)}
        out.element(2, "edge", ends, edge_keys, {**fixed_edge, **edge.attributes})
    out.line(1, "</graph>")
    output.write(b"</graphml>")
