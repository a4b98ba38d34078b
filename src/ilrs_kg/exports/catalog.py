"""The files a build publishes under dumps/: their names, media types and what they hold.

`DUMP_FORMATS` is the fixed list of what a build produces; `list_dumps` says which of those files exist,
with their sizes and SHA-256 digests. The VoID description, the `/dumps/` listing and `ilrs-kg export` all
read this one list.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ilrs_kg.settings import Settings


class Scope(Enum):
    """Which part of the graph a file holds."""

    DATASET = "dataset"  # the whole graph: ontology, provenance and every statement graph
    ONTOLOGY = "ontology"  # the ontology alone
    SHAPES = "shapes"  # the SHACL shapes the data is validated against
    PROPERTY_GRAPH = "property-graph"  # entities and relations, for graph tools


@dataclass(frozen=True)
class DumpFormat:
    key: str  # the `ilrs-kg export --format` value
    name: str  # file name under dumps/
    media_type: str  # what the file is served as
    scope: Scope
    description: str
    # The RDF syntax inside the file (after decompression), or None for files that are not RDF.
    rdf_media_type: str | None = None
    gzip: bool = False

    @property
    def is_rdf(self) -> bool:
        return self.rdf_media_type is not None

    @property
    def is_dataset_dump(self) -> bool:
        """An RDF file holding the whole dataset: what VoID lists as void:dataDump."""
        return self.is_rdf and self.scope is Scope.DATASET


def _rdf(key: str, name: str, media_type: str, scope: Scope, description: str) -> DumpFormat:
    return DumpFormat(key, name, media_type, scope, description, rdf_media_type=media_type)


def _gzipped(plain: DumpFormat) -> DumpFormat:
    return DumpFormat(
        key=f"{plain.key}-gz",
        name=f"{plain.name}.gz",
        media_type="application/gzip",
        scope=plain.scope,
        description=f"{plain.description}, gzip-compressed",
        rdf_media_type=plain.rdf_media_type,
        gzip=True,
    )


_TURTLE = _rdf(
    "turtle",
    "ilrs.ttl",
    "text/turtle",
    Scope.DATASET,
    "The whole graph as Turtle: the union of every named graph, each fact once "
    "(which statement graph a fact sits in needs N-Quads or TriG)",
)
_NTRIPLES = _rdf(
    "ntriples",
    "ilrs.nt",
    "application/n-triples",
    Scope.DATASET,
    "The whole graph as N-Triples: the union of every named graph, each fact once",
)
_NQUADS = _rdf(
    "nquads",
    "ilrs.nq",
    "application/n-quads",
    Scope.DATASET,
    "The whole dataset as N-Quads: every named graph kept (ontology, provenance, and each "
    "statement graph, so each fact's sources), with their merge as the default graph",
)
_TRIG = _rdf(
    "trig",
    "ilrs.trig",
    "application/trig",
    Scope.DATASET,
    "The whole dataset as TriG: every named graph kept (ontology, provenance, and each "
    "statement graph, so each fact's sources), with their merge as the default graph",
)
_JSONLD = _rdf(
    "jsonld",
    "ilrs.jsonld",
    "application/ld+json",
    Scope.DATASET,
    "The whole graph as expanded JSON-LD: the union of every named graph, each fact once",
)
_RDFXML = _rdf(
    "rdfxml",
    "ilrs.rdf",
    "application/rdf+xml",
    Scope.DATASET,
    "The whole graph as RDF/XML: the union of every named graph, each fact once",
)

DUMP_FORMATS: tuple[DumpFormat, ...] = (
    _TURTLE,
    _NTRIPLES,
    _gzipped(_NTRIPLES),
    _NQUADS,
    _gzipped(_NQUADS),
    _TRIG,
    _JSONLD,
    _gzipped(_JSONLD),
    _RDFXML,
    _rdf(
        "ontology-turtle", "ilrs-ontology.ttl", "text/turtle", Scope.ONTOLOGY, "The ontology alone as Turtle"
    ),
    _rdf(
        "ontology-owl",
        "ilrs-ontology.owl",
        "application/rdf+xml",
        Scope.ONTOLOGY,
        "The ontology alone as RDF/XML, for Protégé and other OWL tools",
    ),
    _rdf(
        "shapes",
        "ilrs-shapes.ttl",
        "text/turtle",
        Scope.SHAPES,
        "The SHACL shapes the data is validated against, as Turtle",
    ),
    DumpFormat(
        "graphml",
        "ilrs.graphml",
        "application/graphml+xml",
        Scope.PROPERTY_GRAPH,
        "Entities and relations as GraphML, for Gephi, yEd, Cytoscape and NetworkX",
    ),
    DumpFormat(
        "neo4j",
        "ilrs-neo4j.zip",
        "application/zip",
        Scope.PROPERTY_GRAPH,
        "Node and relationship CSVs for neo4j-admin database import, with a LOAD CSV script",
    ),
    DumpFormat(
        "cytoscape",
        "ilrs.cyjs",
        "application/json",
        Scope.PROPERTY_GRAPH,
        "Entities and relations as Cytoscape.js JSON, for Cytoscape and Cytoscape.js",
    ),
)

FORMATS_BY_KEY: dict[str, DumpFormat] = {f.key: f for f in DUMP_FORMATS}
FORMATS_BY_NAME: dict[str, DumpFormat] = {f.name: f for f in DUMP_FORMATS}


def dump_formats() -> tuple[DumpFormat, ...]:
    """Every file a build produces, in the order they are listed."""
    return DUMP_FORMATS


@dataclass(frozen=True)
class DumpFile:
    format: DumpFormat
    path: Path
    bytes: int
    sha256: str

    @property
    def name(self) -> str:
        return self.format.name

    @property
    def media_type(self) -> str:
        return self.format.media_type

    @property
    def is_rdf(self) -> bool:
        return self.format.is_rdf


# Digests of the files as last seen, keyed by path and identified by inode, size and mtime: a file
# replaced by a new build (rename) gets a new inode, so its digest is computed afresh.
_digests: dict[Path, tuple[tuple[int, int, int], str]] = {}
_digests_lock = threading.Lock()


def _sha256(path: Path, stat: os.stat_result) -> str:
    identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _digests_lock:
        cached = _digests.get(path)
    if cached is not None and cached[0] == identity:
        return cached[1]
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    value = digest.hexdigest()
    with _digests_lock:
        _digests[path] = (identity, value)
    return value


def describe_file(dump_format: DumpFormat, path: Path) -> DumpFile | None:
    """The file as it is now on disk, or None if it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return DumpFile(dump_format, path, stat.st_size, _sha256(path, stat))


def list_dumps(settings: Settings, directory: Path | None = None) -> list[DumpFile]:
    """The produced files in settings.dumps_dir (or `directory`), in `DUMP_FORMATS` order, with sizes
    and digests."""
    where = directory if directory is not None else settings.dumps_dir
    found = (describe_file(f, where / f.name) for f in DUMP_FORMATS)
    return [entry for entry in found if entry is not None]
