"""The property-graph writers read the graph spooled to disk exactly as they read it in memory, and the
spool leaves nothing behind."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from ilrs_kg.exports.cytoscape import write_cytoscape
from ilrs_kg.exports.graph_model import GraphSource, PropertyGraph
from ilrs_kg.exports.graphml import write_graphml
from ilrs_kg.exports.neo4j import write_neo4j_bundle
from ilrs_kg.exports.property_graph import new_spool, spool_property_graph
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return store


def _graphml(graph: GraphSource) -> tuple[object, ...]:
    buffer = io.BytesIO()
    write_graphml(graph, buffer)
    loaded = nx.read_graphml(io.BytesIO(buffer.getvalue()), force_multigraph=True)
    nodes = sorted((n, sorted(d.items())) for n, d in loaded.nodes(data=True))
    edges = sorted((s, t, sorted(d.items())) for s, t, d in loaded.edges(data=True))
    return nodes, edges, loaded.graph


def _neo4j(graph: GraphSource) -> dict[str, object]:
    buffer = io.BytesIO()
    write_neo4j_bundle(graph, buffer)
    files: dict[str, object] = {}
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            rows = list(csv.reader(io.StringIO(text))) if name.endswith(".csv") else [[text]]
            files[name] = (rows[0], sorted(map(tuple, rows[1:])))
    return files


def _cytoscape(graph: GraphSource) -> tuple[object, ...]:
    buffer = io.BytesIO()
    write_cytoscape(graph, buffer)
    document = json.loads(buffer.getvalue())
    elements = document.pop("elements")
    as_text = [sorted(json.dumps(e, sort_keys=True) for e in elements[kind]) for kind in ("nodes", "edges")]
    return document, *as_text


def test_every_writer_writes_the_same_graph_from_the_spool_as_from_memory(
    store: ox.Store, tmp_path: Path
) -> None:
    with new_spool(tmp_path) as spool:
        spooled = spool_property_graph(store, spool)
        in_memory: PropertyGraph = spooled.in_memory()
        assert len(in_memory.nodes) > 10 and len(in_memory.edges) > 10
        for render in (_graphml, _neo4j, _cytoscape):
            assert render(spooled) == render(in_memory), render.__name__
        # Each group reads back as often as there are writers.
        assert _cytoscape(spooled) == _cytoscape(in_memory)
    assert list(tmp_path.iterdir()) == []


def test_the_neo4j_zip_is_the_same_on_a_pipe_as_in_a_file(store: ox.Store, tmp_path: Path) -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    with new_spool(tmp_path) as spool:
        graph = spool_property_graph(store, spool)
        seekable, pipe = io.BytesIO(), Pipe()
        write_neo4j_bundle(graph, seekable)
        write_neo4j_bundle(graph, pipe)
    assert pipe.getvalue() == seekable.getvalue()
