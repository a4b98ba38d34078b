"""The store as the pages see it, with what is worth computing once per store: term labels, the time
the data was built."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from ilrs_kg.linked_data.vocabulary import Vocabulary, load_vocabulary
from ilrs_kg.releases import current_release
from ilrs_kg.settings import Settings
from ilrs_kg.statement_graphs import Provenance, load_provenance

StoreProvider = Callable[[], ox.Store]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Snapshot:
    store: ox.Store
    vocabulary: Vocabulary
    modified: datetime
    # The statement graphs and source documents, which every citation on every page looks up.
    provenance: Provenance = field(default_factory=Provenance)
    # Results worth keeping while this store is current (graph counts, rendered pages), by key.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # What the whole store's pages share (its page index, its counts): never dropped to make room, since
    # the memo's clearing would reopen the index (a file handle left behind) or recompute it from the store.
    kept: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: str, compute: Callable[[], Any], limit: int = 256) -> Any:
        if key not in self.memo:
            if len(self.memo) >= limit:
                self.memo.clear()
            self.memo[key] = compute()
        return self.memo[key]

    def keep(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.kept:
            self.kept[key] = compute()
        return self.kept[key]


class Snapshots:
    """Hands out a Snapshot of whatever store the provider currently returns, rebuilt when it changes."""

    def __init__(self, settings: Settings, provider: StoreProvider, modified: Clock | None = None) -> None:
        self._settings = settings
        self._provider = provider
        # When the store the provider returns was built (a server passes its pinned release's time).
        self._built_at = modified or self._current_release_time
        self._lock = threading.Lock()
        self._current: Snapshot | None = None

    def _current_release_time(self) -> datetime:
        release = current_release(self._settings)
        return release.built_at if release is not None else datetime.now(UTC).replace(microsecond=0)

    def current(self) -> Snapshot:
        store = self._provider()
        with self._lock:
            if self._current is None or self._current.store is not store:
                self._current = Snapshot(
                    store, load_vocabulary(store), self._built_at(), load_provenance(store)
                )
            return self._current
