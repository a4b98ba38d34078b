"""A heartbeat between processes: one beats from its event loop, another reads how long ago it did.

The HTTP process beats from its event loop (the query pool's heartbeat loop calls `beat`), so a
process whose loop is stuck, not only a dead one, stops beating; `ilrs-kg serve`'s supervisor
restarts an HTTP process whose last beat is too old. The time is CLOCK_MONOTONIC, which all
processes on the machine share. Before its first beat a process is starting up (loading the store
into its workers), which may take longer than a sensible hang limit on a busy machine: it gets a
longer allowance.
"""

from __future__ import annotations

import time
from multiprocessing.context import BaseContext


class Heartbeat:
    def __init__(self, context: BaseContext) -> None:
        self._last = context.Value("d", 0.0, lock=False)  # 0: no beat yet
        self._created = time.monotonic()

    def beat(self) -> None:
        self._last.value = time.monotonic()

    def age(self) -> float:
        """Seconds since the last beat (0 before the first)."""
        last = float(self._last.value)
        return time.monotonic() - last if last else 0.0

    def stale(self, limit: float, startup_limit: float) -> bool:
        """No beat for `limit` seconds, or none at all within `startup_limit` of creation."""
        if float(self._last.value):
            return self.age() > limit
        return time.monotonic() - self._created > startup_limit
