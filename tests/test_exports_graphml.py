"""The GraphML file, read by NetworkX, has the model's nodes, edges and typed attributes."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from ilrs_kg.exports import PropertyGraph, build_property_graph
from ilrs_kg.exports.graph_model import Attribute, Edge, Kind, Node, Value
from ilrs_kg.exports.graphml import write_graphml
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def graph() -> PropertyGraph:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return build_property_graph(store)


@pytest.fixture(scope="module")
def graphml(graph: PropertyGraph) -> bytes:
    buffer = io.BytesIO()
    write_graphml(graph, buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def loaded(graphml: bytes) -> nx.MultiDiGraph:
    result = nx.read_graphml(io.BytesIO(graphml))
    assert isinstance(result, nx.MultiDiGraph)  # parallel edges: two sources, two membership edges
    return result


def _expected(values: tuple[Value, ...], attribute: Attribute, delimiter: str) -> object:
    return delimiter.join(str(v) for v in values) if attribute.multi else values[0]


def test_networkx_reads_every_node_with_its_typed_attributes(
    graph: PropertyGraph, loaded: nx.MultiDiGraph
) -> None:
    assert set(loaded.nodes) == {n.key for n in graph.nodes}
    delimiter = loaded.graph["arrayDelimiter"]
    for node in graph.nodes:
        data = loaded.nodes[node.key]
        assert data["label"] == node.label
        assert data["type"] == node.type
        assert data["iri"] == node.iri
        assert data["types"].split(delimiter) == list(node.types)
        for name, values in node.attributes.items():
            assert data[name] == _expected(values, graph.node_attribute(name), delimiter), (node.key, name)
        assert set(data) == {"label", "type", "types", "iri", *node.attributes}


def test_numbers_come_back_as_numbers(loaded: nx.MultiDiGraph) -> None:
    assert loaded.nodes["phase:reconnaissance"]["phaseNumber"] == 1
    assert isinstance(loaded.nodes["phase:reconnaissance"]["startYear"], int)
    assert loaded.nodes["mission:change-6"]["payloadMassKg"] == 10.5


def test_networkx_reads_every_edge_with_its_attributes(graph: PropertyGraph, loaded: nx.MultiDiGraph) -> None:
    assert loaded.number_of_edges() == len(graph.edges)
    delimiter = loaded.graph["arrayDelimiter"]
    for edge in graph.edges:
        data = loaded.edges[edge.source, edge.target, edge.key]
        assert (data["type"], data["label"]) == (edge.type, edge.label)
        for name, values in edge.attributes.items():
            assert data[name] == _expected(values, graph.edge_attribute(name), delimiter), (edge.key, name)


def test_the_membership_network_is_there_for_gephi(loaded: nx.MultiDiGraph) -> None:
    members = {s for s, t, d in loaded.edges(data=True) if d["type"] == "memberOf" and t == "programme:ilrs"}
    assert members == {"country:china", "country:russia", "country:venezuela"}
    venezuela = [
        d for s, _, d in loaded.edges(data=True) if s == "country:venezuela" and d["type"] == "memberOf"
    ]
    assert sorted(d["startYear"] for d in venezuela) == [2023, 2023]
    assert sorted(d["sources"].split(loaded.graph["arrayDelimiter"]) for d in venezuela)[0] == [
        "https://w3id.org/ilrs/id/source/tass-2023-venezuela",
        "https://w3id.org/ilrs/id/source/xinhua-2023-venezuela",
    ]


def test_ids_are_valid_graphml_ids_and_keys_are_declared_with_types(graphml: bytes) -> None:
    root = ET.fromstring(graphml)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nmtoken = re.compile(r"^[A-Za-z0-9._:-]+$")
    for element in root.iterfind(".//g:node", ns):
        assert nmtoken.match(element.get("id", "")), element.get("id")
    declared = {k.get("id"): k.get("attr.type") for k in root.iterfind("g:key", ns)}
    assert declared["n_label"] == "string"
    assert declared["n_phaseNumber"] == "long"
    assert declared["n_payloadMassKg"] == "double"
    assert declared["e_startYear"] == "long"
    used = {d.get("key") for d in root.iterfind(".//g:data", ns)}
    assert used <= set(declared)


def test_characters_xml_cannot_carry_are_replaced_not_written() -> None:
    node = Node("a", "http://example.org/a", "bell\x07 here", ("Thing",), {})
    graph = PropertyGraph((node,), (), (), ())
    buffer = io.BytesIO()
    write_graphml(graph, buffer)
    loaded = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert loaded.nodes["a"]["label"] == "bell\ufffd here"


def test_a_list_item_holding_the_delimiter_makes_the_writer_pick_another() -> None:
    tags = Attribute("tags", Kind.STRING, True, "test")
    node = Node("a", "http://example.org/a", "A", ("Thing",), {"tags": ("x|y", "z")})
    edge = Edge("e", "a", "a", "self", "self", {})
    buffer = io.BytesIO()
    write_graphml(PropertyGraph((node,), (edge,), (tags,), ()), buffer)
    loaded = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    delimiter = loaded.graph["arrayDelimiter"]
    assert delimiter != "|"
    assert loaded.nodes["a"]["tags"].split(delimiter) == ["x|y", "z"]


def test_a_membership_edge_carries_exactly_its_claims_sources(loaded: nx.MultiDiGraph) -> None:
    delimiter = loaded.graph["arrayDelimiter"]
    (xinhua,) = [
        d
        for s, _, d in loaded.edges(data=True)
        if d.get("claim") == "https://w3id.org/ilrs/id/membership/venezuela-xinhua-2023"
    ]
    assert xinhua["sources"].split(delimiter) == ["https://w3id.org/ilrs/id/source/xinhua-2023-venezuela"]
    assert xinhua["provenance_kind"] == "sourced"
    assert xinhua["start_graphs"] == "https://w3id.org/ilrs/graph/source/xinhua-2023-venezuela"
    # Node properties carry theirs as data keys of their own, declared like every other key.
    vehicle = loaded.nodes["launch-vehicle:long-march-5"]
    assert vehicle["label_provenance_kind"] == "editorial"
    assert vehicle["label_graphs"] == "https://w3id.org/ilrs/graph/editorial/launch-vehicle-names"
