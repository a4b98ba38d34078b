"""The built Oxigraph store, as readers open it: always one release's store (ilrs_kg.releases), whose
directory the reader names once and never re-resolves."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import StoreError
from ilrs_kg.releases import current_release, hold_current, require_current
from ilrs_kg.settings import Settings
from ilrs_kg.sources import SourceFile, parse_file

# Quads per bulk load. Oxigraph's loader holds its whole batch in memory (about 1 KB a quad: 1.9 GB for 2M
# quads at 1M triples); batches of this size keep it near 350 MB whatever the size, for ≈ 13 % more time.
_BATCH = 250_000


@dataclass(frozen=True)
class BuildInfo:
    data_version: str
    triples: int


def current_build(settings: Settings) -> BuildInfo | None:
    """What the current release holds, or None when there is no complete one."""
    release = current_release(settings)
    return BuildInfo(release.data_version, release.triples) if release is not None else None


def open_store_dir(store_dir: Path) -> ox.Store:
    """Open one release's store for reading; many processes may do so at once."""
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {store_dir}: {exc}") from exc


def load_store_dir(store_dir: Path) -> ox.Store:
    """A private in-memory copy of one release's store (fast to query, no file locks, cheap at this size)."""
    memory = ox.Store()
    memory.extend(open_store_dir(store_dir).quads_for_pattern(None, None, None, None))
    return memory


def load_in_memory(settings: Settings) -> ox.Store:
    """An in-memory copy of the release current now (for one-shot commands; servers pin a release)."""
    return load_store_dir(require_current(settings).store_dir)


@contextlib.contextmanager
def open_current(settings: Settings) -> Iterator[ox.Store]:
    """The current release's store, opened read-only on disk and held (no cleanup removes it while the
    block runs, whatever a concurrent build swaps in): for one-shot commands, which then cost no copy
    of the graph in memory."""
    release, lock = hold_current(settings)
    try:
        yield open_store_dir(release.store_dir)
    finally:
        lock.release()


def fill_store(store: ox.Store, sources: Iterable[SourceFile]) -> int:
    """Stream the files into `store` (an empty on-disk store, the build's): each file's graphs and, in the
    default graph, their merge (why: sources.with_merged_default_graph). Returns the quads it holds.

    One quad at a time from the parser to Oxigraph's bulk loader, which sorts and writes them in batches
    (`_BATCH`): memory does not grow with the data. The default graph's merge costs no set of seen
    triples, since the store keeps each quad once. Blank nodes are the exception: the parser names them at
    random, so the quads that mention one are kept aside and added with the names RDF Dataset
    Canonicalization (RDFC-1.0) gives them; those names depend only on the quads that mention blank nodes,
    so they are the names the whole dataset's canonicalization would give, and an unchanged graph is
    stored, hence dumped, the same way build after build. The bulk loader is not transactional: the store
    is a draft release's, which a failed build leaves unpublished (ilrs_kg.releases), and the files were
    parsed once already in validation.
    """
    blank: list[ox.Quad] = []
    quads = _named_and_merged(sources, blank)
    while True:
        batch = _Counted(itertools.islice(quads, _BATCH))
        store.bulk_extend(batch)
        if batch.count < _BATCH:
            break
    if blank:
        dataset = ox.Dataset(blank)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        store.bulk_extend(dataset)
    return len(store)


class _Counted:
    """An iterator that counts what it yields (the loader does not say how much it took)."""

    def __init__(self, items: Iterator[ox.Quad]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        return self

    def __next__(self) -> ox.Quad:
        item = next(self.items)
        self.count += 1
        return item


def _named_and_merged(sources: Iterable[SourceFile], blank: list[ox.Quad]) -> Iterator[ox.Quad]:
    """Each statement twice, in its graph and in the default graph; those with a blank node into `blank`."""
    default = ox.DefaultGraph()
    for source in sources:
        graph = ox.NamedNode(source.graph) if source.graph is not None else default
        rdf_format = ox.RdfFormat.from_extension(source.path.suffix[1:])
        assert rdf_format is not None
        try:
            for quad in ox.parse(path=source.path, format=rdf_format, rename_blank_nodes=True):
                s, p, o, g = quad.subject, quad.predicate, quad.object, quad.graph_name
                named = g if isinstance(g, ox.NamedNode) else graph
                if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                    blank += (ox.Quad(s, p, o, named), ox.Quad(s, p, o, default))
                else:
                    yield ox.Quad(s, p, o, named)
                    yield ox.Quad(s, p, o, default)
        except SyntaxError:
            list(parse_file(source))  # raises SourceSyntaxError naming file, line and column
            raise
