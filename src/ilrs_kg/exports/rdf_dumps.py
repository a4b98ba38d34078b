"""RDF dumps of the store, written by Oxigraph's own serializers straight from the store (`Store.dump`):
no statement passes through Python, and memory does not grow with the graph.

Quad formats (N-Quads, TriG) hold the store exactly: every named graph (the ontology, the provenance
graph, and each statement graph, so each fact with its sources; docs/provenance.md) and the default graph,
their merge. Triple formats (Turtle, N-Triples, JSON-LD, RDF/XML) hold the union of the graphs, each fact
once, which is what the SPARQL endpoint's default graph shows and what single-graph tools (rdflib's Graph,
Protégé, NetworkX users) expect: that union is the store's default graph (the build's merge, see
sources.with_merged_default_graph), so they are the default graph dumped. The statement graphs'
descriptions are in it, which graph a fact sits in is not.

One store always gives the same bytes (stable digests and ETags): statements come in the order of the
store's indexes, whose keys are derived from the terms alone (not from when or how they were loaded), so
each subject's statements are together (Turtle groups them) and each graph's (TriG writes each graph
once). Blank nodes keep the names the store gives them, which the build makes canonical (store.fill_store),
so an unchanged graph also gives the same bytes build after build. Instance IRIs are written in full: an
`id:` prefix would need escaped slashes (`id:country\\/china`), which older Turtle parsers reject.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ilrs_kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from ilrs_kg.settings import Settings
from ilrs_kg.sources import parse_file, shape_files

# Prefixes offered to the serializers: every known vocabulary except the instance namespace.
_VOCABULARY_PREFIXES = {name: ns for name, ns in PREFIXES.items() if name != "id"}
_CHUNK = 1 << 24

Graph = ox.NamedNode | ox.DefaultGraph


def ontology_graph() -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY_GRAPH)


def write_store(
    store: ox.Store,
    output: BinaryIO,
    rdf_format: ox.RdfFormat,
    prefixes: dict[str, str],
    graph: Graph | None = None,
) -> None:
    """The whole dataset (a quad format, `graph` None) or one graph of it, streamed from the store."""
    if graph is None:
        store.dump(output, rdf_format, prefixes=prefixes)
    else:
        store.dump(output, rdf_format, from_graph=graph, prefixes=prefixes)


def rewrite(
    source: Path,
    source_format: ox.RdfFormat,
    output: BinaryIO,
    rdf_format: ox.RdfFormat,
    prefixes: dict[str, str],
) -> None:
    """A dump written again in another syntax, in the same order: parsing our own N-Triples or N-Quads
    file costs a fraction of reading the on-disk store again (which looks up every term's text)."""
    quads = ox.parse(path=source, format=source_format, lenient=True)  # lenient: our own output
    ox.serialize(quads, output, rdf_format, prefixes=prefixes)


def default_graph_of(nquads: Path) -> Iterator[ox.Triple]:
    """The default graph's statements of an N-Quads dump, which the store writes first."""
    default = ox.DefaultGraph()
    quads = ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
    return (quad.triple for quad in itertools.takewhile(lambda quad: quad.graph_name == default, quads))


def write_default_graph(nquads: Path, output: BinaryIO) -> None:
    """N-Triples of the default graph, from the N-Quads dump."""
    ox.serialize(default_graph_of(nquads), output, ox.RdfFormat.N_TRIPLES)


def used_prefixes_in_ntriples(stream: BinaryIO) -> dict[str, str]:
    """The vocabulary prefixes whose namespace begins some IRI of an N-Triples (or N-Quads) stream (unused
    ones only add noise), read a chunk at a time: in these syntaxes an IRI is written in full after `<`."""
    wanted = {name: b"<" + ns.encode() for name, ns in _VOCABULARY_PREFIXES.items()}
    found: set[str] = set()
    overlap = max(len(needle) for needle in wanted.values())
    tail = b""
    while wanted and (chunk := stream.read(_CHUNK)):
        window = tail + chunk
        for name in [name for name, needle in wanted.items() if needle in window]:
            found.add(name)
            del wanted[name]
        tail = window[-overlap:]
    return {name: ns for name, ns in _VOCABULARY_PREFIXES.items() if name in found}


def graph_prefixes(store: ox.Store, graph: Graph) -> dict[str, str]:
    """`used_prefixes_in_ntriples` of one graph of the store (for small graphs: it is dumped in memory)."""
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return used_prefixes_in_ntriples(io.BytesIO(text))


def shape_triples(settings: Settings) -> list[ox.Triple]:
    """The SHACL shapes, read from their source files (they are not part of the served graph), with blank
    nodes named canonically (RDFC-1.0) and sorted: the same shapes always give the same bytes."""
    quads = (quad for source in shape_files(settings) for quad in parse_file(source))
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((quad.triple for quad in dataset), key=str)


def write_triples(triples: Iterable[ox.Triple], output: BinaryIO, rdf_format: ox.RdfFormat) -> None:
    """A small list of triples (the shapes), with the prefixes they use."""
    listed = list(triples)
    text = ox.serialize(listed, format=ox.RdfFormat.N_TRIPLES) or b""
    ox.serialize(listed, output, rdf_format, prefixes=used_prefixes_in_ntriples(io.BytesIO(text)))
