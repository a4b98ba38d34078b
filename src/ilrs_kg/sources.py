"""The project's source files (ontology, data, shapes): where they are, which graph each feeds, and
how they are parsed, with syntax errors located to file, line and column."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import SourceSyntaxError
from ilrs_kg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from ilrs_kg.settings import Settings


@dataclass(frozen=True)
class SourceFile:
    path: Path
    # The named graph the file's triples go to; None for shapes, which are not part of the served graph.
    graph: str | None


# Turtle files hold triples for the file's graph; TriG files may also name graphs of their own, which is
# how a file says which statements come from which source (or, in a test root, which dataset graph).
_FORMATS: dict[str, ox.RdfFormat] = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}


def rdf_format(name: str | Path) -> ox.RdfFormat:
    """The syntax of a source file by the suffix of its name (Turtle unless .trig)."""
    return _FORMATS.get(Path(name).suffix, ox.RdfFormat.TURTLE)


def _turtle_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in _FORMATS and p.is_file())


def graph_files(settings: Settings) -> list[SourceFile]:
    """Ontology and data files, in a stable order."""
    return [SourceFile(p, ONTOLOGY_GRAPH) for p in _turtle_files(settings.ontology_dir)] + [
        SourceFile(p, DATA_GRAPH) for p in _turtle_files(settings.data_dir)
    ]


def shape_files(settings: Settings) -> list[SourceFile]:
    return [SourceFile(p, None) for p in _turtle_files(settings.shapes_dir)]


def rule_files(settings: Settings) -> list[Path]:
    """The derivation rules (rules/*.rq, one SPARQL CONSTRUCT each), in the order the build runs them."""
    directory = settings.root / "rules"
    return sorted(directory.glob("*.rq")) if directory.is_dir() else []


def data_version(settings: Settings) -> str:
    """A short digest of every source file's name and bytes: equal versions mean equal graphs."""
    digest = hashlib.sha256()
    rules = [SourceFile(path, None) for path in rule_files(settings)]
    for source in [*graph_files(settings), *shape_files(settings), *rules]:
        digest.update(source.path.relative_to(settings.root).as_posix().encode())
        digest.update(b"\0")
        digest.update(source.path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def parse_file(source: SourceFile) -> Iterator[ox.Quad]:
    """The file's statements as quads; a syntax error names file, line and column.

    Statements outside any GRAPH block go to the file's graph; a TriG file's named graphs keep their names.
    """
    graph: ox.NamedNode | ox.DefaultGraph = (
        ox.NamedNode(source.graph) if source.graph is not None else ox.DefaultGraph()
    )
    try:
        quads = list(ox.parse(path=source.path, format=rdf_format(source.path), rename_blank_nodes=True))
    except SyntaxError as exc:
        raise SourceSyntaxError(source.path, exc.lineno, exc.offset, _parser_message(exc)) from exc
    for quad in quads:
        named = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else graph
        yield ox.Quad(quad.subject, quad.predicate, quad.object, named)


def _parser_message(exc: SyntaxError) -> str:
    text = exc.msg or str(exc)
    # pyoxigraph prefixes its own location; ours comes from the exception's fields.
    if text.startswith("Parser error at line") and ": " in text:
        text = text.split(": ", 1)[1]
    return text


def with_merged_default_graph(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads, plus the RDF merge of their named graphs in the default graph, each triple once.

    A fact two sources state sits in both their statement graphs. Oxigraph 0.5's union default graph
    repeats a triple once per graph that holds it (oxigraph issue #1919), so a query without GRAPH would
    see that fact twice and count it twice. The store's default graph is therefore the merge itself:
    queries without GRAPH see each fact once, and GRAPH ?g still tells where each one comes from.
    """
    merged = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return quads + [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merged]


def load_files(store: ox.Store, sources: Iterable[SourceFile]) -> int:
    """Parse every file first, then add everything in one go: a bad file leaves the store unchanged.

    The store gets each file's graphs and, in its default graph, their merge (`with_merged_default_graph`).
    """
    quads = with_merged_default_graph([quad for source in sources for quad in parse_file(source)])
    store.extend(quads)
    return len(quads)
