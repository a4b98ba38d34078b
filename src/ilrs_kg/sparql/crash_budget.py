"""The crash budget: a query that crashed a worker does not get to crash another, and crashes cannot
make the pool spend its time starting processes.

- `fingerprint` reduces a query to its shape: comments and spacing dropped, every IRI, string,
  number, variable and name replaced by its kind, and any run of a repeated unit (`1+1+1...`,
  `!!!...`) written once with the order of magnitude of its length. Queries that differ only in
  their constants, their spacing or the exact length of a long chain share a fingerprint.
- `CrashMemory` remembers the fingerprints of queries that crashed a worker (the last `entries`):
  the pool refuses them with 400 before they reach a worker.
- `RespawnBudget` says how long to wait before starting a worker after a crash: nothing while
  crashes are rare, then a delay that doubles with each crash in the window (capped).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from ilrs_kg.sparql.screen import tokens

_KINDS = {"string": "S", "iri": "I", "var": "V", "bnode": "B", "pname": "P", "number": "N"}
_RUN = re.compile(r"(.{1,12}?)\1{3,}", re.DOTALL)


def fingerprint(query: str) -> str:
    shape = " ".join(_KINDS.get(kind, text.upper()) for kind, text, _match in tokens(query))

    def collapse(run: re.Match[str]) -> str:
        repeats = len(run.group()) // len(run.group(1))
        return f"[{run.group(1)}]x{len(str(repeats))}"  # the number of digits: 10-99 alike

    return hashlib.blake2b(_RUN.sub(collapse, shape).encode(), digest_size=16).hexdigest()


class CrashMemory:
    def __init__(self, entries: int = 1024, key: Callable[[str], str] = fingerprint) -> None:
        self.entries = entries
        self.key = key  # what counts as the same job: a query's shape by default
        self._seen: OrderedDict[str, str] = OrderedDict()  # key -> how the worker ended

    def remember(self, query: str, how: str) -> None:
        key = self.key(query)
        self._seen[key] = how
        self._seen.move_to_end(key)
        if len(self._seen) > self.entries:
            self._seen.popitem(last=False)

    def recall(self, query: str) -> str | None:
        return self._seen.get(self.key(query)) if self._seen else None

    def __len__(self) -> int:
        return len(self._seen)


class RespawnBudget:
    def __init__(
        self,
        free: int = 3,
        window: float = 10.0,
        longest: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.window = window
        self.longest = longest
        self.clock = clock
        self._crashes: deque[float] = deque()

    def delay_after_crash(self) -> float:
        """Record a crash; the seconds to wait before starting its replacement."""
        now = self.clock()
        self._crashes.append(now)
        while self._crashes and self._crashes[0] < now - self.window:
            self._crashes.popleft()
        over = len(self._crashes) - self.free
        return 0.0 if over <= 0 else min(self.longest, 0.25 * 2 ** (over - 1))
