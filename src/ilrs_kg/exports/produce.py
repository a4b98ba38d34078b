"""Write the exports: one to any stream (`ilrs-kg export`), or all of them into dumps/ (the build)."""

from __future__ import annotations

import contextlib
import gzip
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ilrs_kg.exports.catalog import DUMP_FORMATS, FORMATS_BY_KEY, DumpFile, DumpFormat, describe_file
from ilrs_kg.exports.cytoscape import write_cytoscape
from ilrs_kg.exports.files import ExportError, atomic_output
from ilrs_kg.exports.graph_spool import SpooledGraph
from ilrs_kg.exports.graphml import write_graphml
from ilrs_kg.exports.neo4j import write_neo4j_bundle
from ilrs_kg.exports.property_graph import new_spool, spool_property_graph
from ilrs_kg.exports.rdf_dumps import (
    graph_prefixes,
    ontology_graph,
    rewrite,
    shape_triples,
    used_prefixes_in_ntriples,
    write_default_graph,
    write_store,
    write_triples,
)
from ilrs_kg.settings import Settings

Progress = Callable[[str], None]
# gzip's own default: a third of level 9's time on these files, for a few per cent more bytes.
_GZIP_LEVEL = 6
_COPY_CHUNK = 1 << 20


def _quiet(_message: str) -> None:
    return None


class ExportInputs:
    """What the writers read, each computed once however many files need it; `close` removes the
    property graph's spool (a `with` block does it)."""

    def __init__(self, settings: Settings, store: ox.Store, scratch: Path | None = None) -> None:
        self.settings = settings
        self.store = store
        self.scratch = scratch
        # An N-Quads dump of the store already written, which the property graph reads instead of it.
        self.nquads: Path | None = None
        self._closing = contextlib.ExitStack()

    def __enter__(self) -> ExportInputs:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._closing.close()

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """The vocabulary prefixes the dataset uses, read from its N-Triples (dumped to a scratch file)."""
        with tempfile.TemporaryFile(dir=self.scratch) as nt:
            self.store.dump(nt, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            nt.seek(0)
            return used_prefixes_in_ntriples(nt)

    def learn_prefixes(self, ntriples: Path) -> None:
        """Take the prefixes from an N-Triples dump of the dataset already written."""
        with ntriples.open("rb") as stream:
            self.__dict__["prefixes"] = used_prefixes_in_ntriples(stream)

    @cached_property
    def ontology_prefixes(self) -> dict[str, str]:
        return graph_prefixes(self.store, ontology_graph())

    @cached_property
    def property_graph(self) -> SpooledGraph:
        spool = self._closing.enter_context(new_spool(self.scratch))
        return spool_property_graph(self.store, spool, self.nquads)


Writer = Callable[[ExportInputs, BinaryIO], None]


# Syntaxes that write every IRI in full: their prefixes would cost a whole extra pass over the store (the
# prefixes are read from a dump of it) for bytes that never change.
_NO_PREFIXES = frozenset({ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS})


def _prefixes(inputs: ExportInputs, rdf_format: ox.RdfFormat) -> dict[str, str]:
    return {} if rdf_format in _NO_PREFIXES else inputs.prefixes


def _union(rdf_format: ox.RdfFormat) -> Writer:
    return lambda i, out: write_store(i.store, out, rdf_format, _prefixes(i, rdf_format), ox.DefaultGraph())


def _dataset(rdf_format: ox.RdfFormat) -> Writer:
    return lambda i, out: write_store(i.store, out, rdf_format, _prefixes(i, rdf_format))


def _ontology(rdf_format: ox.RdfFormat) -> Writer:
    return lambda i, out: write_store(i.store, out, rdf_format, i.ontology_prefixes, ontology_graph())


_WRITERS: dict[str, Writer] = {
    "turtle": _union(ox.RdfFormat.TURTLE),
    "ntriples": _union(ox.RdfFormat.N_TRIPLES),
    "nquads": _dataset(ox.RdfFormat.N_QUADS),
    "trig": _dataset(ox.RdfFormat.TRIG),
    "jsonld": _union(ox.RdfFormat.JSON_LD),
    "rdfxml": _union(ox.RdfFormat.RDF_XML),
    "ontology-turtle": _ontology(ox.RdfFormat.TURTLE),
    "ontology-owl": _ontology(ox.RdfFormat.RDF_XML),
    "shapes": lambda i, out: write_triples(shape_triples(i.settings), out, ox.RdfFormat.TURTLE),
    "graphml": lambda i, out: write_graphml(i.property_graph, out),
    "neo4j": lambda i, out: write_neo4j_bundle(i.property_graph, out),
    "cytoscape": lambda i, out: write_cytoscape(i.property_graph, out),
}


@contextlib.contextmanager
def _gzipped(output: BinaryIO) -> Iterator[BinaryIO]:
    # mtime=0 and no file name in the header: the same graph always gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=output, mtime=0, compresslevel=_GZIP_LEVEL) as packed:
        yield packed  # type: ignore[misc]


def write_format(dump_format: DumpFormat, inputs: ExportInputs, output: BinaryIO) -> None:
    """Serialize one format to `output`; gzip variants compress their plain format's bytes."""
    if dump_format.gzip:
        with _gzipped(output) as compressed:
            _WRITERS[dump_format.key.removesuffix("-gz")](inputs, compressed)
    else:
        _WRITERS[dump_format.key](inputs, output)


def compress_file(plain: Path, output: BinaryIO) -> None:
    """A gzip variant from its plain file already written (the same bytes as serializing again)."""
    with plain.open("rb") as source, _gzipped(output) as compressed:
        shutil.copyfileobj(source, compressed, _COPY_CHUNK)


def export_format(key: str, settings: Settings, store: ox.Store, output: BinaryIO) -> None:
    """Write the export named `key` (an `ilrs-kg export --format` value) to a binary stream."""
    if key not in FORMATS_BY_KEY:
        raise ExportError(f"unknown export format {key!r}; choose one of {', '.join(FORMATS_BY_KEY)}")
    with ExportInputs(settings, store) as inputs:
        write_format(FORMATS_BY_KEY[key], inputs, output)


def export_to_file(key: str, settings: Settings, store: ox.Store, path: Path) -> None:
    """Write one export to `path` atomically."""
    with atomic_output(path) as output:
        export_format(key, settings, store, output)


# Dumps written from another dump rather than from the store: format key → (its source's key, the
# source's syntax). N-Quads is the one read from the store; the default graph comes first in it.
_REWRITTEN = {
    "ntriples": ("nquads", None),
    "turtle": ("ntriples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("ntriples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("ntriples", ox.RdfFormat.N_TRIPLES),
    "trig": ("nquads", ox.RdfFormat.N_QUADS),
}


def _writing_order() -> list[DumpFormat]:
    """N-Quads, then N-Triples (the other RDF files are rewritten from them and take their prefixes from
    N-Triples), then the rest in catalog order (a gzip variant after its plain file, which it compresses)."""
    first = [f for key in ("nquads", "ntriples") for f in DUMP_FORMATS if f.key == key]
    return first + [f for f in DUMP_FORMATS if f not in first]


def _write_one(
    dump_format: DumpFormat, inputs: ExportInputs, output: BinaryIO, done: dict[str, Path]
) -> None:
    """One file, from the cheapest input already written: its plain file, a dump to rewrite, the store."""
    plain = done.get(dump_format.key.removesuffix("-gz"))
    source_key, source_format = _REWRITTEN.get(dump_format.key, ("", None))
    if dump_format.gzip and plain is not None:
        compress_file(plain, output)
    elif source_key in done and source_format is None:
        write_default_graph(done[source_key], output)
    elif source_key in done and source_format is not None:
        rdf_format = ox.RdfFormat.from_media_type(dump_format.rdf_media_type or "")
        assert rdf_format is not None
        rewrite(done[source_key], source_format, output, rdf_format, inputs.prefixes)
    else:
        write_format(dump_format, inputs, output)


def produce_all(
    settings: Settings, store: ox.Store, progress: Progress = _quiet, *, directory: Path | None = None
) -> list[DumpFile]:
    """Write every file of `DUMP_FORMATS` into settings.dumps_dir (or `directory`), each atomically, each
    streamed from the store to its file.

    Returns the files written, with their sizes and SHA-256 digests, in catalog order.
    """
    target = directory if directory is not None else settings.dumps_dir
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the dumps directory {target}: {exc.strerror or exc}") from exc
    written: dict[str, DumpFile] = {}
    done: dict[str, Path] = {}  # format key → its file, once written
    # The property graph's spool beside the dumps: the same disk, never a small /tmp.
    with ExportInputs(settings, store, scratch=target) as inputs:
        for dump_format in _writing_order():
            started = time.perf_counter()
            path = target / dump_format.name
            with atomic_output(path) as output:
                _write_one(dump_format, inputs, output, done)
            done[dump_format.key] = path
            if dump_format.key == "ntriples":
                inputs.learn_prefixes(path)
            if dump_format.key == "nquads":
                inputs.nquads = path
            entry = describe_file(dump_format, path)
            assert entry is not None
            written[dump_format.name] = entry
            progress(f"wrote {path} ({entry.bytes:,} bytes, {time.perf_counter() - started:.2f} s)")
    return [written[f.name] for f in DUMP_FORMATS]
