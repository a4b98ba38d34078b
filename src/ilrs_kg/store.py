"""The built, on-disk Oxigraph store: how a build swaps it in atomically and how readers open it.

Layout under the build directory:
    store            symlink to the current store directory (replaced atomically by each build)
    store-<version>-<nonce>/   one complete store; its BUILD_INFO.json is written last
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import StoreError
from ilrs_kg.settings import Settings

BUILD_INFO = "BUILD_INFO.json"


@dataclass(frozen=True)
class BuildInfo:
    data_version: str
    triples: int


def current_build(settings: Settings) -> BuildInfo | None:
    """What the current store holds, or None when there is no complete store."""
    info_path = settings.store_path / BUILD_INFO
    try:
        raw = json.loads(info_path.read_text(encoding="utf-8"))
        return BuildInfo(data_version=str(raw["data_version"]), triples=int(raw["triples"]))
    except (OSError, ValueError, KeyError):
        return None


def write_store(settings: Settings, version: str, fill: Callable[[ox.Store], int]) -> Path:
    """Create a new store directory, let `fill` load it, then point the `store` link at it.

    Until the final rename the previous store stays current, so a failure anywhere leaves it untouched.
    """
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    target = settings.output_dir / f"store-{version}-{uuid.uuid4().hex[:8]}"
    try:
        store = ox.Store(str(target))
        triples = fill(store)
        store.flush()
        store.optimize()
        del store  # releases the RocksDB lock before readers open it
        (target / BUILD_INFO).write_text(
            json.dumps({"data_version": version, "triples": triples}), encoding="utf-8"
        )
        link_tmp = settings.output_dir / f".store-link-{uuid.uuid4().hex[:8]}"
        os.symlink(target.name, link_tmp)
        _replace_store_link(settings.store_path, link_tmp)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _remove_stale_stores(settings, keep=target)
    return target


def _replace_store_link(store_path: Path, new_link: Path) -> None:
    if store_path.exists() and not store_path.is_symlink():
        # A store directory from an older layout: move it aside so the link can take its place.
        shutil.rmtree(store_path)
    os.replace(new_link, store_path)


def _remove_stale_stores(settings: Settings, keep: Path) -> None:
    for candidate in settings.output_dir.glob("store-*"):
        if candidate.is_dir() and candidate.resolve() != keep.resolve():
            shutil.rmtree(candidate, ignore_errors=True)


def open_read_only(settings: Settings) -> ox.Store:
    """Open the current store for reading; many processes may do so at once."""
    if current_build(settings) is None:
        raise StoreError(f"no built store at {settings.store_path}: run `ilrs-kg build` first")
    try:
        return ox.Store.read_only(str(settings.store_path.resolve()))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {settings.store_path}: {exc}") from exc


def load_in_memory(settings: Settings) -> ox.Store:
    """A private in-memory copy of the current store (fast to query, no file locks, cheap at this size)."""
    source = open_read_only(settings)
    memory = ox.Store()
    memory.extend(source.quads_for_pattern(None, None, None, None))
    return memory
