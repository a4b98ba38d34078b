"""RDF dumps of the store, written by pyoxigraph's own serializers.

Quad formats (N-Quads, TriG) hold the store exactly: every named graph (the ontology, the provenance
graph, and each statement graph, so each fact with its sources; docs/provenance.md) and the default graph,
their merge. Triple formats (Turtle, N-Triples, JSON-LD, RDF/XML) hold the union of the graphs, each fact
once, which is what the SPARQL endpoint's default graph shows and what single-graph tools (rdflib's Graph,
Protégé, NetworkX users) expect; the statement graphs' descriptions are in it, which graph a fact sits in
is not.

Statements are sorted, and blank nodes named canonically, so that one graph always gives the same bytes
(stable digests and ETags) and Turtle groups each subject's statements together. Instance IRIs are
written in full: an `id:` prefix would need escaped slashes (`id:country\\/china`), which older Turtle
parsers reject.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

import pyoxigraph as ox

from ilrs_kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from ilrs_kg.settings import Settings
from ilrs_kg.sources import parse_file, shape_files

# Prefixes offered to the serializers: every known vocabulary except the instance namespace.
_VOCABULARY_PREFIXES = {name: ns for name, ns in PREFIXES.items() if name != "id"}


def _canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with blank nodes named by RDF Dataset Canonicalization (RDFC-1.0), sorted.

    Each build parses the sources afresh and gives blank nodes new random names; canonical names make
    an unchanged graph give the same bytes build after build.
    """
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def dataset_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad in the store, in a stable order."""
    return _canonical(store.quads_for_pattern(None, None, None, None))


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The statements of all graphs merged into one graph, without repeats, in a stable order."""
    return sorted({quad.triple for quad in quads}, key=str)


def ontology_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    return sorted({quad.triple for quad in quads if quad.graph_name == graph}, key=str)


def shape_triples(settings: Settings) -> list[ox.Triple]:
    """The SHACL shapes, read from their source files (they are not part of the served graph)."""
    quads = (quad for source in shape_files(settings) for quad in parse_file(source))
    return [quad.triple for quad in _canonical(ox.Quad(q.subject, q.predicate, q.object) for q in quads)]


def _iris(statements: Sequence[ox.Triple | ox.Quad]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        found.add(statement.predicate.value)
        if isinstance(statement.subject, ox.NamedNode):
            found.add(statement.subject.value)
        obj = statement.object
        if isinstance(obj, ox.NamedNode):
            found.add(obj.value)
        elif isinstance(obj, ox.Literal):
            found.add(obj.datatype.value)
    return found


def used_prefixes(statements: Sequence[ox.Triple | ox.Quad]) -> dict[str, str]:
    """The vocabulary prefixes whose namespace occurs in the statements (unused ones only add noise)."""
    iris = _iris(statements)
    return {name: ns for name, ns in _VOCABULARY_PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def write_rdf(
    statements: Sequence[ox.Triple] | Sequence[ox.Quad], output: BinaryIO, rdf_format: ox.RdfFormat
) -> None:
    ox.serialize(statements, output, rdf_format, prefixes=used_prefixes(statements))
