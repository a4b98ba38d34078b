"""The Cytoscape.js JSON loads with NetworkX's Cytoscape reader and has the shape Cytoscape expects."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from ilrs_kg.exports import PropertyGraph, build_property_graph
from ilrs_kg.exports.cytoscape import write_cytoscape
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def graph() -> PropertyGraph:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return build_property_graph(store)


@pytest.fixture(scope="module")
def document(graph: PropertyGraph) -> dict[str, object]:
    buffer = io.BytesIO()
    write_cytoscape(graph, buffer)
    result = json.loads(buffer.getvalue().decode("utf-8"))
    assert isinstance(result, dict)
    return result


def test_networkx_reads_it_with_every_node_and_edge(
    document: dict[str, object], graph: PropertyGraph
) -> None:
    loaded = nx.cytoscape_graph(document)
    assert loaded.is_directed() and loaded.is_multigraph()
    assert set(loaded.nodes) == {n.key for n in graph.nodes}
    assert loaded.number_of_edges() == len(graph.edges)
    assert loaded.nodes["country:china"]["label_zh"] == "中国"
    assert loaded.nodes["phase:reconnaissance"]["phaseNumber"] == 1
    assert loaded.number_of_edges("country:venezuela", "programme:ilrs") == 2  # two sources, two claims


def test_element_ids_are_unique_and_edges_join_existing_nodes(document: dict[str, object]) -> None:
    elements = document["elements"]
    assert isinstance(elements, dict)
    nodes, edges = elements["nodes"], elements["edges"]
    ids = [n["data"]["id"] for n in nodes] + [e["data"]["id"] for e in edges]
    assert len(ids) == len(set(ids))
    node_ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in edges)


def test_cytoscape_desktop_columns_are_filled(document: dict[str, object]) -> None:
    elements = document["elements"]
    assert isinstance(elements, dict)
    china = next(n["data"] for n in elements["nodes"] if n["data"]["id"] == "country:china")
    assert china["name"] == "China"  # Cytoscape's default style labels nodes by `name`
    assert china["altLabel"] == ["PRC", "People's Republic of China"]  # lists stay JSON arrays
    membership = next(
        e["data"]
        for e in elements["edges"]
        if e["data"]["source"] == "country:china" and e["data"]["type"] == "memberOf"
    )
    assert membership["interaction"] == "memberOf"
    assert membership["startYear"] == 2021
    assert membership["sources"] == ["https://w3id.org/ilrs/id/source/cnsa-2021-roadmap"]


def test_each_edge_and_property_carries_its_own_sources(document: dict[str, object]) -> None:
    elements = document["elements"]
    assert isinstance(elements, dict)
    tass = next(
        e["data"]
        for e in elements["edges"]
        if e["data"].get("claim") == "https://w3id.org/ilrs/id/membership/venezuela-tass-2023"
    )
    assert tass["sources"] == [
        "https://w3id.org/ilrs/id/source/tass-2023-venezuela",
        "https://w3id.org/ilrs/id/source/xinhua-2023-venezuela",
    ]
    assert tass["start_sources"] == ["https://w3id.org/ilrs/id/source/tass-2023-venezuela"]
    assert tass["source_parts"] == ["the report's second paragraph"]
    change6 = next(n["data"] for n in elements["nodes"] if n["data"]["id"] == "mission:change-6")
    assert change6["cosparId_sources"] == ["https://w3id.org/ilrs/id/source/cnsa-2021-roadmap"]
    assert "sources" not in change6  # no entity-level list: each property has its own
