"""A bounded in-process cache of query results, keyed on the data version and the request.

Answers depend only on the query, its dataset, the chosen format and the data, so a result can be
reused until the data changes; callers put the data version in every key. Bounded by entries and by
bytes; a result bigger than a sixteenth of the byte budget is not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class Cached(NamedTuple):
    content_type: str
    body: bytes
    etag: str


class ResultCache:
    def __init__(self, entries: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Hashable, Cached] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Cached | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, value: Cached) -> None:
        if self.entries <= 0 or len(value.body) > self.max_bytes // 16:
            return
        previous = self._items.pop(key, None)
        if previous is not None:
            self.bytes -= len(previous.body)
        self._items[key] = value
        self.bytes += len(value.body)
        while len(self._items) > self.entries or self.bytes > self.max_bytes:
            _, evicted = self._items.popitem(last=False)
            self.bytes -= len(evicted.body)
