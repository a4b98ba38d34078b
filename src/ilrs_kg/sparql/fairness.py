"""Who is asking: per-client counts and a fair queue, so no client's queries delay another's for long.

A client is its address. `ClientLedger` counts each client's queries in flight (the pool refuses more
than the limit with 429) and remembers which clients ran a long query recently: those are *heavy*.
`FairQueue` hands out waiting jobs round-robin across clients, every light client's before any heavy
one's, so a client sending many queries, or queries that run long, waits behind the others.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")


@dataclass
class ClientLedger:
    max_in_flight: int
    heavy_for: float = 30.0  # seconds a client stays heavy after its last long query
    clock: Callable[[], float] = time.monotonic
    _in_flight: dict[str, int] = field(default_factory=dict)
    _heavy_until: dict[str, float] = field(default_factory=dict)

    def admit(self, client: str | None) -> bool:
        """Count one more query in flight for the client, unless it already has the most allowed."""
        if client is None:  # the server's own queries (pages, the service description)
            return True
        count = self._in_flight.get(client, 0)
        if count >= self.max_in_flight:
            return False
        self._in_flight[client] = count + 1
        return True

    def release(self, client: str | None) -> None:
        if client is None:
            return
        count = self._in_flight.get(client, 0) - 1
        if count > 0:
            self._in_flight[client] = count
        else:
            self._in_flight.pop(client, None)

    def ran_long(self, client: str | None) -> None:
        if client is not None:
            self._heavy_until[client] = self.clock() + self.heavy_for
            if len(self._heavy_until) > 4096:  # forget those whose time is up
                now = self.clock()
                self._heavy_until = {c: t for c, t in self._heavy_until.items() if t > now}

    def heavy(self, client: str | None) -> bool:
        return client is not None and self._heavy_until.get(client, 0.0) > self.clock()


class FairQueue(Generic[Item]):
    """Waiting items by client: round-robin among light clients first, then among heavy ones."""

    def __init__(self, heavy: Callable[[str | None], bool]) -> None:
        self._heavy = heavy
        self._queues: OrderedDict[str | None, deque[Item]] = OrderedDict()

    def __len__(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    def __bool__(self) -> bool:
        return bool(self._queues)

    def __iter__(self) -> Iterator[Item]:
        return (item for queue in list(self._queues.values()) for item in list(queue))

    def push(self, client: str | None, item: Item) -> None:
        self._queues.setdefault(client, deque()).append(item)

    def remove(self, client: str | None, item: Item) -> bool:
        queue = self._queues.get(client)
        if queue is None or item not in queue:
            return False
        queue.remove(item)
        if not queue:
            del self._queues[client]
        return True

    def next_client(self) -> tuple[bool, str | None]:
        """(found, client): the client whose item is next, light clients before heavy ones."""
        heavy: tuple[bool, str | None] = (False, None)
        for client in self._queues:
            if not self._heavy(client):
                return True, client
            if not heavy[0]:
                heavy = (True, client)
        return heavy

    def pop(self, client: str | None) -> Item:
        """The first item of the client's queue; the client goes to the back of the round."""
        queue = self._queues.pop(client)
        item = queue.popleft()
        if queue:
            self._queues[client] = queue
        return item
