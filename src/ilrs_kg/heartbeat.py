"""A heartbeat between processes: one beats from its event loop, another reads how long ago it did.

The HTTP process beats from its event loop (the query pool's heartbeat loop calls `beat`), so a
process whose loop is stuck, not only a dead one, stops beating; `ilrs-kg serve`'s supervisor
restarts an HTTP process whose last beat is too old. The time is CLOCK_MONOTONIC, which all
processes on the machine share.
"""

from __future__ import annotations

import time
from multiprocessing.context import BaseContext


class Heartbeat:
    def __init__(self, context: BaseContext) -> None:
        self._last = context.Value("d", time.monotonic(), lock=False)

    def beat(self) -> None:
        self._last.value = time.monotonic()

    def age(self) -> float:
        """Seconds since the last beat (or since creation, before the first)."""
        return time.monotonic() - float(self._last.value)
