"""What a snapshot keeps for the whole store (its page index, its counts) outlives the memo's clearing,
which per-entity entries trigger after a few hundred pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox

from ilrs_kg.linked_data.snapshot import Snapshot
from ilrs_kg.linked_data.vocabulary import Vocabulary


def test_what_is_kept_is_computed_once_however_many_pages_are_remembered() -> None:
    snapshot = Snapshot(ox.Store(), Vocabulary({}, {}), datetime.now(UTC))
    opened: list[object] = []

    def open_index() -> object:
        opened.append(object())
        return opened[-1]

    first = snapshot.keep("search:index", open_index)
    for n in range(1_000):  # one entry per entity page, as the disagreements of each page are
        snapshot.remember(f"disagreements:{n}", tuple)
    assert snapshot.keep("search:index", open_index) is first
    assert len(opened) == 1
