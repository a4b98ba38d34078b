"""A throwaway Oxigraph store for one pass over the sources (validation, derivation): in memory for small
data, on disk under TMPDIR for large data, so that pass's memory does not grow with the graph."""

from __future__ import annotations

import gc
import logging
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ilrs_kg.sources import SourceFile

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Source bytes above which the store is on disk. Measured with validation on the synthetic data: in memory
# 36 s / 493 MB at 1M triples (48 MB of TriG), 84 s / 1.29 GB at 3M (139 MB), growing with the graph
# (4.4 GB at 10M: more than the build may use); on disk 73 s / 536 MB at 1M, bounded by the bulk loader's
# batch, for two to four times the time (README, Validation). So memory while it stays near 2 GB (about 5M
# triples), disk beyond.
ON_DISK_ABOVE_BYTES = 256 << 20


def is_large(sources: Iterable[SourceFile]) -> bool:
    return sum(source.path.stat().st_size for source in sources) > ON_DISK_ABOVE_BYTES


def in_scratch_store(on_disk: bool, work: Callable[[ox.Store], T]) -> T:
    """`work` over a new empty store; an on-disk one is closed and removed afterwards, whatever happens.

    A function rather than a `with` block: the store must be closed before its directory is removed, and
    a caller's local naming it would keep it open (and RocksDB writing there) until the caller returns.
    """
    if not on_disk:
        return work(ox.Store())
    directory = Path(tempfile.mkdtemp(prefix="ilrs-kg-scratch-"))
    try:
        store = ox.Store(str(directory))
        try:
            return work(store)
        except BaseException as exc:
            traceback.clear_frames(exc.__traceback__)  # their locals would keep the store open
            raise
        finally:
            del store
    finally:
        _remove(directory)


def _remove(directory: Path) -> None:
    # The store closes with its last reference, and a query's result caught in a reference cycle keeps one
    # until the collector runs; until then RocksDB's background threads may still write there, so a single
    # rmtree can meet a file created behind it (seen in the suite under load: a scratch store left behind).
    gc.collect()
    for attempt in range(1, 6):
        shutil.rmtree(directory, ignore_errors=True)
        if not directory.exists():
            return
        time.sleep(0.1 * attempt)
    logger.warning("the scratch store %s could not be removed; remove it by hand", directory)
