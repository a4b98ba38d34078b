"""Incremental revalidation (`serve --watch`): after an edit, check only the focus nodes the edit can affect.

The last validation leaves a state: the digest of every source file, a copy of each (by content, so an
edit in place cannot change what we compare against) and its findings. The next one diffs each changed
file's old and new quads, asks which focus nodes can read a changed triple (ilrs_kg.reach: one query per
path a shape reads along, in the new graph), re-checks those nodes with every shape, and keeps the old
findings of every other node. The result is the report full validation gives; whatever this cannot
bound (changed shapes, blank nodes in the change, a shape whose reach is unknown, a change reaching
too many nodes) is validated in full, and the caller logs why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from ilrs_kg import reach, shacl_sparql
from ilrs_kg.sources import SourceFile, rdf_format

# Above this many affected focus nodes the restricted queries (a VALUES list joined per constraint) stop
# paying for themselves: full validation instead. Measured at 1M triples in memory, checking 200 / 2,000
# / 20,000 nodes took 0.3 / 2.1 / 16.2 s of CPU, against about 9 s for all of them.
MAX_AFFECTED = 5_000
_STATE = "state.json"


class FullValidation(Exception):
    """Why this change is validated in full."""


# A finding as the state keeps it: validation._Found's fields (this module does not import that one).
Saved = dict[str, object]


@dataclass(frozen=True)
class Change:
    quads: frozenset[ox.Quad]  # added or removed by the edit (old △ new content of the changed files)
    files: tuple[str, ...]  # the changed files, for the log


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _key(source: SourceFile) -> str:
    return f"{source.path}|{source.graph or ''}"


def shapes_digest(shape_sources: Iterable[SourceFile]) -> str:
    return hashlib.sha256("".join(f"{_key(s)}={digest(s.path)};" for s in shape_sources).encode()).hexdigest()


class State:
    """The state directory: state.json (file digests, shapes digest, findings) and files/<digest>."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.copies = directory / "files"

    def load(self) -> dict[str, object] | None:
        try:
            loaded = json.loads((self.directory / _STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def save(
        self,
        sources: list[SourceFile],
        files: dict[str, str],
        shapes: str,
        reads: list[reach.Read] | str,
        findings: Iterable[Saved],
    ) -> None:
        """Copies first, then state.json by rename, then the copies no state names: a crash at any point
        leaves a state whose copies all exist. `files`: the sources' digests (digests)."""
        self.copies.mkdir(parents=True, exist_ok=True)
        for source in sources:
            sha = files[_key(source)]
            copy = self.copies / sha
            if not copy.exists():
                partial = copy.with_name(f".{sha}.{os.getpid()}")
                shutil.copyfile(source.path, partial)
                partial.replace(copy)
        cached = reads if isinstance(reads, str) else [list(asdict(r).values()) for r in reads]
        state = {"shapes": shapes, "reads": cached, "files": files, "findings": list(findings)}
        partial_state = self.directory / f".{_STATE}.{os.getpid()}"
        partial_state.write_text(json.dumps(state), encoding="utf-8")
        partial_state.replace(self.directory / _STATE)
        kept = set(files.values())
        for copy in self.copies.iterdir():
            if copy.name not in kept and not copy.name.startswith("."):
                copy.unlink(missing_ok=True)


def saved_findings(state: dict[str, object]) -> list[Saved]:
    raw = state.get("findings")
    assert isinstance(raw, list)
    return [{**f, "quad": tuple(f["quad"]) if f["quad"] else None} for f in raw]


def _quads(path: Path, graph: str | None, name: str) -> set[ox.Quad]:
    """The file's quads as validation loads them (statements outside GRAPH blocks in the file's graph);
    `name`: the source's, whose suffix says the syntax (a copy's name is its digest)."""
    fmt = rdf_format(name)
    default = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    return {
        ox.Quad(q.subject, q.predicate, q.object, default) if isinstance(q.graph_name, ox.DefaultGraph) else q
        for q in ox.parse(path=path, format=fmt)
    }


def _contents(files: dict[str, str]) -> set[tuple[str, str]]:
    return {(sha, key.partition("|")[2]) for key, sha in files.items()}


def digests(sources: list[SourceFile]) -> dict[str, str]:
    """Each source's digest by its key: read once a validation, for the change and the saved state."""
    return {_key(s): digest(s.path) for s in sources}


def change(state: State, loaded: dict[str, object], now: dict[str, str]) -> Change:
    """The quads the edit added or removed (`now`: the sources' digests); FullValidation when they
    cannot be located in the store."""
    before = loaded.get("files")
    assert isinstance(before, dict)
    gone = {k: d for k, d in before.items() if now.get(k) != d}
    came = {k: d for k, d in now.items() if before.get(k) != d}
    # A file that only moved (a derived file: its folder is named by the data version) adds and removes
    # the same quads: left out of both sides.
    moved = _contents(gone) & _contents(came)
    old: set[ox.Quad] = set()
    new: set[ox.Quad] = set()
    names = []
    for key, sha in sorted(gone.items()):
        path, _, graph = key.partition("|")
        if (sha, graph) not in moved:
            old |= _quads(state.copies / sha, graph or None, path)
            names.append(Path(path).name)
    for key, sha in sorted(came.items()):
        path, _, graph = key.partition("|")
        if (sha, graph) not in moved:
            new |= _quads(Path(path), graph or None, path)
            names.append(Path(path).name)
    # The changed files' old and new quads together, not file by file: a derived file moves with the
    # data version, and what its old and new copies share changes nothing. (The graphs differ by at
    # most this: the unchanged files' quads are in both.)
    changed = old ^ new
    if any(isinstance(t, ox.BlankNode) for q in changed for t in (q.subject, q.object)):
        # A blank node's label is the parser's, not the store's: the store cannot be asked about it.
        raise FullValidation("the change involves blank nodes")
    if any(isinstance(t, ox.Triple) for q in changed for t in (q.subject, q.object)):
        raise FullValidation("the change involves quoted triples, whose reach is not followed")
    return Change(frozenset(changed), tuple(dict.fromkeys(names)))


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str | None:
    return str(term) if isinstance(term, ox.NamedNode | ox.Literal) else None


def all_reads(shapes: rdflib.Graph) -> list[reach.Read]:
    """Every read of every targeted shape: targets, core constraints, SPARQL constraints."""
    reads: set[reach.Read] = set()
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None)):
        if shapes.value(shape, SH.deactivated) == rdflib.Literal(True):
            continue
        reads |= set(reach.target_reads(shapes, shape)) | set(reach.constraint_reads(shapes, shape))
    for constraint in shacl_sparql.collect(shapes):
        reads |= set(reach.sparql_reads(constraint.prefixes + constraint.select))
        reads |= set(reach.target_reads(shapes, constraint.shape))
    return sorted(reads, key=lambda r: (r.prefix, r.forward, r.predicate or ""))


def reads_for(
    loaded: dict[str, object] | None, shapes: str, shapes_graph: rdflib.Graph
) -> list[reach.Read] | str:
    """The shapes' reads, from the state when the shapes are the same (rdflib parses the SPARQL
    constraints slowly); the reason when they are not bounded."""
    if loaded is not None and loaded.get("shapes") == shapes and "reads" in loaded:
        cached = loaded["reads"]
        if isinstance(cached, str):
            return cached
        assert isinstance(cached, list)
        return [reach.Read(*r) for r in cached]
    try:
        return all_reads(shapes_graph)
    except reach.Unbounded as exc:
        return f"a shape's reach is not bounded: {exc}"


def affected(store: ox.Store, reads: list[reach.Read], edit: Change) -> set[str]:
    """The focus nodes (SPARQL terms) whose result the edit can change, found in the new graph."""
    seeds: dict[str, set[str]] = {}
    for read in reads:
        for quad in edit.quads:
            if read.predicate is not None and quad.predicate.value != read.predicate:
                continue
            end = _term(quad.subject if read.forward else quad.object)
            if end is not None:
                seeds.setdefault(read.prefix, set()).add(end)
    nodes = {n for n in seeds.pop("", set()) if not n.startswith('"')}
    for prefix, ends in sorted(seeds.items()):
        query = f"SELECT DISTINCT ?x WHERE {{ VALUES ?n {{ {' '.join(sorted(ends))} }} ?x {prefix} ?n }}"
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            node = row["x"]
            if isinstance(node, ox.BlankNode):
                raise FullValidation("a blank node can be affected, and a query cannot name it")
            if isinstance(node, ox.NamedNode):
                nodes.add(str(node))
        if len(nodes) > MAX_AFFECTED:
            raise FullValidation(f"the change reaches more than {MAX_AFFECTED:,} focus nodes")
    return nodes
