"""The built Oxigraph store, as readers open it: always one release's store (ilrs_kg.releases), whose
directory the reader names once and never re-resolves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import StoreError
from ilrs_kg.releases import current_release, require_current
from ilrs_kg.settings import Settings


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
