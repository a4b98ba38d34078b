"""Write the exports: one to any stream (`ilrs-kg export`), or all of them into dumps/ (the build)."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ilrs_kg.exports.catalog import DUMP_FORMATS, FORMATS_BY_KEY, DumpFile, DumpFormat, describe_file
from ilrs_kg.exports.cytoscape import write_cytoscape
from ilrs_kg.exports.files import ExportError, atomic_output
from ilrs_kg.exports.graph_model import PropertyGraph
from ilrs_kg.exports.graphml import write_graphml
from ilrs_kg.exports.neo4j import write_neo4j_bundle
from ilrs_kg.exports.property_graph import build_property_graph
from ilrs_kg.exports.rdf_dumps import dataset_quads, ontology_triples, shape_triples, union_triples, write_rdf
from ilrs_kg.settings import Settings

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


class ExportInputs:
    """What the writers read, each computed once however many files need it."""

    def __init__(self, settings: Settings, store: ox.Store) -> None:
        self.settings = settings
        self.store = store

    @cached_property
    def quads(self) -> list[ox.Quad]:
        return dataset_quads(self.store)

    @cached_property
    def triples(self) -> list[ox.Triple]:
        return union_triples(self.quads)

    @cached_property
    def ontology(self) -> list[ox.Triple]:
        return ontology_triples(self.quads)

    @cached_property
    def shapes(self) -> list[ox.Triple]:
        return shape_triples(self.settings)

    @cached_property
    def property_graph(self) -> PropertyGraph:
        return build_property_graph(self.store)


Writer = Callable[[ExportInputs, BinaryIO], None]

_WRITERS: dict[str, Writer] = {
    "turtle": lambda i, out: write_rdf(i.triples, out, ox.RdfFormat.TURTLE),
    "ntriples": lambda i, out: write_rdf(i.triples, out, ox.RdfFormat.N_TRIPLES),
    "nquads": lambda i, out: write_rdf(i.quads, out, ox.RdfFormat.N_QUADS),
    "trig": lambda i, out: write_rdf(i.quads, out, ox.RdfFormat.TRIG),
    "jsonld": lambda i, out: write_rdf(i.triples, out, ox.RdfFormat.JSON_LD),
    "rdfxml": lambda i, out: write_rdf(i.triples, out, ox.RdfFormat.RDF_XML),
    "ontology-turtle": lambda i, out: write_rdf(i.ontology, out, ox.RdfFormat.TURTLE),
    "ontology-owl": lambda i, out: write_rdf(i.ontology, out, ox.RdfFormat.RDF_XML),
    "shapes": lambda i, out: write_rdf(i.shapes, out, ox.RdfFormat.TURTLE),
    "graphml": lambda i, out: write_graphml(i.property_graph, out),
    "neo4j": lambda i, out: write_neo4j_bundle(i.property_graph, out),
    "cytoscape": lambda i, out: write_cytoscape(i.property_graph, out),
}


def write_format(dump_format: DumpFormat, inputs: ExportInputs, output: BinaryIO) -> None:
    """Serialize one format to `output`; gzip variants compress their plain format's bytes."""
    if dump_format.gzip:
        # mtime=0 and no file name in the header: the same graph always gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=output, mtime=0) as compressed:
            _WRITERS[dump_format.key.removesuffix("-gz")](inputs, compressed)  # type: ignore[arg-type]
    else:
        _WRITERS[dump_format.key](inputs, output)


def export_format(key: str, settings: Settings, store: ox.Store, output: BinaryIO) -> None:
    """Write the export named `key` (an `ilrs-kg export --format` value) to a binary stream."""
    if key not in FORMATS_BY_KEY:
        raise ExportError(f"unknown export format {key!r}; choose one of {', '.join(FORMATS_BY_KEY)}")
    write_format(FORMATS_BY_KEY[key], ExportInputs(settings, store), output)


def export_to_file(key: str, settings: Settings, store: ox.Store, path: Path) -> None:
    """Write one export to `path` atomically."""
    with atomic_output(path) as output:
        export_format(key, settings, store, output)


def produce_all(
    settings: Settings, store: ox.Store, progress: Progress = _quiet, *, directory: Path | None = None
) -> list[DumpFile]:
    """Write every file of `DUMP_FORMATS` into settings.dumps_dir (or `directory`), each atomically.

    Returns the files written, with their sizes and SHA-256 digests, in catalog order.
    """
    target = directory if directory is not None else settings.dumps_dir
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the dumps directory {target}: {exc.strerror or exc}") from exc
    inputs = ExportInputs(settings, store)
    written = []
    for dump_format in DUMP_FORMATS:
        started = time.perf_counter()
        path = target / dump_format.name
        with atomic_output(path) as output:
            write_format(dump_format, inputs, output)
        entry = describe_file(dump_format, path)
        assert entry is not None
        written.append(entry)
        progress(f"wrote {path} ({entry.bytes:,} bytes, {time.perf_counter() - started:.2f} s)")
    return written
