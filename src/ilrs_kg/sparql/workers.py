"""WorkerPool: a QueryBackend that evaluates queries in worker processes it can kill.

pyoxigraph cannot cancel a query, and some queries crash it (deep nesting overflows the parser's
stack). So queries run in worker processes (ilrs_kg.sparql.worker_main), each holding its own
in-memory copy of the store and answering its jobs in order.

- Dispatch: a job goes to the live worker with the fewest jobs in flight, up to `depth` each, so a
  busy worker finds its next job already waiting instead of sleeping between jobs (on a VM, waking a
  sleeping process costs more than many a query).
- Slow: once a worker's current query has run `slow_after` seconds, it gets no new jobs and the jobs
  queued behind it move to other workers (its late answers to them are ignored): one slow query
  holds up no one else.
- Timeout: once the current query has run `timeout` seconds, the worker is killed; that query's
  client gets QueryTimeout, and a fresh worker starts in the background.
- Crash: a worker that dies by itself (segfault, out of memory) is replaced the same way; its current
  query gets QueryCrashed, jobs queued behind it move on.
- Busy: a job that finds no worker with room for `busy_wait` seconds gets ServiceBusy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from typing import cast

from ilrs_kg.errors import (
    BadRequest,
    IlrsKgError,
    QueryCrashed,
    QueryFailed,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooDeep,
    QueryTooLarge,
    ResultTooLarge,
    ServiceBusy,
    StoreError,
    UpdateRefused,
)
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.worker_main import HEADER, encode
from ilrs_kg.store import current_build

logger = logging.getLogger(__name__)

# The errors a worker may report, by name (the only names turned back into exceptions).
_REPORTED = {
    cls.__name__: cls
    for cls in (BadRequest, QueryRefused, UpdateRefused, QuerySyntaxError, QueryTooLarge, QueryTooDeep,
                ResultTooLarge, QueryFailed, StoreError)
}
_CRASHED = (
    "evaluating the query stopped the query engine's process (deeply nested or very long expressions "
    "overflow the SPARQL parser's stack; huge intermediate results exceed a worker's memory limit); "
    "simplify the query"
)
Message = tuple[object, ...]


@dataclass(eq=False)
class _Pending:
    job: QueryJob
    future: asyncio.Future[Message]
    abandoned: bool = False  # moved to another worker: this worker's answer is to be ignored
    busy_timer: asyncio.TimerHandle | None = None


class _Channel(asyncio.Protocol):
    """The parent's end of a worker's socket: frames in, one callback per message."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.WriteTransport | None = None
        self.on_message: Callable[[Message], None] = lambda _message: None
        self.on_lost: Callable[[], None] = lambda: None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.WriteTransport, transport)  # a stream transport (uvloop's or not)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= HEADER.size:
            size = HEADER.unpack_from(buffer)[0]
            end = HEADER.size + size
            if len(buffer) < end:
                break
            message = pickle.loads(memoryview(buffer)[HEADER.size:end])  # noqa: S301  # our own worker
            del buffer[:end]
            self.on_message(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_lost()


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    channel: _Channel
    inflight: deque[_Pending] = field(default_factory=deque)  # in the order sent; the first is running
    slow: bool = False
    timed_out: bool = False
    timer: asyncio.TimerHandle | None = None
    outbox: list[bytes] = field(default_factory=list)

    def send(self, job: QueryJob) -> None:
        """Queue the job; jobs queued in one turn of the event loop leave in one write."""
        if not self.outbox:
            asyncio.get_running_loop().call_soon(self.flush)
        self.outbox.append(encode(job))

    def flush(self) -> None:
        if self.outbox and self.channel.transport is not None and not self.channel.transport.is_closing():
            self.channel.transport.write(b"".join(self.outbox))
        self.outbox.clear()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()

    async def dispose(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.kill()
        if self.channel.transport is not None:
            self.channel.transport.close()
        await asyncio.to_thread(self.process.wait)


class WorkerPool:
    def __init__(self, settings: Settings, data_version: str, *, memory_mb: int = 4096, depth: int = 4,
                 slow_after: float = 0.1, busy_wait: float | None = None,
                 start_timeout: float = 60.0) -> None:
        self.settings = settings
        self.size = max(1, settings.workers)
        self.timeout = settings.query_timeout
        self.slow_after = min(slow_after, self.timeout)
        self.busy_wait = settings.query_timeout if busy_wait is None else busy_wait
        self.depth = max(1, depth)
        self.memory_mb = memory_mb
        self.start_timeout = start_timeout
        self._data_version = data_version
        self._limits = json.dumps(asdict(Limits.from_settings(settings)))
        self._workers: list[_Worker] = []  # ready and not retired
        self._starting: set[_Worker] = set()
        self._waiting: deque[_Pending] = deque()
        self._tasks: set[asyncio.Task[None]] = set()
        self._state = "new"

    @classmethod
    def from_settings(cls, settings: Settings, *, memory_mb: int = 4096) -> WorkerPool:
        """A pool over the current built store; raises StoreError when there is none."""
        build = current_build(settings)
        if build is None:
            raise StoreError(f"no built store at {settings.store_path}: run `ilrs-kg build` first")
        return cls(settings, build.data_version, memory_mb=memory_mb)

    @property
    def data_version(self) -> str:
        return self._data_version

    # Life cycle --------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start every worker at once and wait until all hold the store."""
        if self._state != "new":
            return
        self._state = "running"
        results = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        for result in results:
            if isinstance(result, _Worker):
                self._enlist(result)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            await self.close()
            raise failures[0]

    async def close(self) -> None:
        self._state = "closed"
        for task in list(self._tasks):
            task.cancel()
        workers = [*self._workers, *self._starting]
        self._workers.clear()
        for pending in [*self._waiting, *(p for w in workers for p in w.inflight)]:
            if not pending.future.done():
                pending.future.set_exception(StoreError("the server is shutting down"))
        await asyncio.gather(*(worker.dispose() for worker in workers), return_exceptions=True)

    async def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        try:
            process = subprocess.Popen(  # noqa: S603  # our own module, arguments we built
                [sys.executable, "-m", "ilrs_kg.sparql.worker_main", "--fd", str(child.fileno()),
                 "--root", str(self.settings.root), "--build-dir", str(self.settings.output_dir),
                 "--limits", self._limits, "--memory-mb", str(self.memory_mb)],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()
        loop = asyncio.get_running_loop()
        _transport, channel = await loop.create_unix_connection(_Channel, sock=parent)
        worker = _Worker(process, channel)
        ready: asyncio.Future[Message] = loop.create_future()

        def first_message(message: Message) -> None:
            if not ready.done():
                ready.set_result(message)

        def lost() -> None:
            if not ready.done():
                ready.set_exception(ConnectionError("the worker exited"))

        channel.on_message, channel.on_lost = first_message, lost
        self._starting.add(worker)
        try:
            reply = await asyncio.wait_for(ready, self.start_timeout)
        except (TimeoutError, ConnectionError) as exc:
            await worker.dispose()
            raise StoreError(f"a query worker did not start (exit status {process.returncode})") from exc
        finally:
            self._starting.discard(worker)
        if reply[0] != "ready":
            await worker.dispose()
            raise StoreError(f"a query worker did not start: {reply[-1]}")
        return worker

    def _enlist(self, worker: _Worker) -> None:
        if self._state != "running":
            self._background(worker.dispose())
            return
        self._workers.append(worker)
        worker.channel.on_message = lambda message: self._answered(worker, message)
        worker.channel.on_lost = lambda: self._fail_over(worker)
        self._pump()

    def _background(self, coroutine: Coroutine[object, object, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, worker: _Worker) -> None:
        await worker.dispose()
        logger.info("query worker %s exited with status %s; starting another", worker.process.pid,
                    worker.process.returncode)
        delay = 0.5
        while self._state == "running":
            try:
                self._enlist(await self._spawn())
                return
            except StoreError:
                logger.exception("could not start a query worker; retrying in %g s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    # Dispatch ----------------------------------------------------------------------------------------

    async def run(self, job: QueryJob) -> QueryResult:
        if self._state != "running":
            raise StoreError("the query workers are not running")
        pending = _Pending(job, asyncio.get_running_loop().create_future())
        self._dispatch(pending)
        reply = await pending.future
        if reply[0] == "ok":
            result = reply[1]
            assert isinstance(result, QueryResult)
            return result
        raise _REPORTED.get(str(reply[1]), QueryFailed)(str(reply[2]))

    def _dispatch(self, pending: _Pending) -> None:
        candidates = [w for w in self._workers if not w.slow and len(w.inflight) < self.depth]
        if not candidates:
            self._wait(pending)
            return
        worker = min(candidates, key=lambda w: len(w.inflight))
        worker.inflight.append(pending)
        worker.send(pending.job)
        if len(worker.inflight) == 1:
            self._arm(worker)

    def _wait(self, pending: _Pending) -> None:
        def give_up() -> None:
            if pending in self._waiting:
                self._waiting.remove(pending)
                if not pending.future.done():
                    pending.future.set_exception(ServiceBusy(
                        f"all {self.size} query workers stayed busy for {self.busy_wait:g} s; "
                        "try again shortly"
                    ))

        pending.busy_timer = asyncio.get_running_loop().call_later(self.busy_wait, give_up)
        self._waiting.append(pending)

    def _pump(self) -> None:
        """Hand waiting jobs to workers with room."""
        while self._waiting and any(not w.slow and len(w.inflight) < self.depth for w in self._workers):
            pending = self._waiting.popleft()
            if pending.busy_timer is not None:
                pending.busy_timer.cancel()
            if not pending.future.done():
                self._dispatch(pending)

    def _arm(self, worker: _Worker) -> None:
        """Watch the worker's current query: slow after slow_after, killed after timeout."""
        if worker.timer is not None:
            worker.timer.cancel()
        worker.slow = False
        if worker.inflight:
            head = worker.inflight[0]
            worker.timer = asyncio.get_running_loop().call_later(self.slow_after, self._on_slow, worker, head)

    def _on_slow(self, worker: _Worker, head: _Pending) -> None:
        if not worker.inflight or worker.inflight[0] is not head:
            return
        worker.slow = True
        for queued in list(worker.inflight)[1:]:
            if not queued.abandoned:
                queued.abandoned = True
                self._dispatch(_Pending(queued.job, queued.future))
        worker.timer = asyncio.get_running_loop().call_later(
            self.timeout - self.slow_after, self._on_timeout, worker, head
        )

    def _on_timeout(self, worker: _Worker, head: _Pending) -> None:
        if worker.inflight and worker.inflight[0] is head:
            worker.timed_out = True
            logger.warning("stopped a query after %g s: %.200r", self.timeout, head.job.query)
            worker.kill()  # its reader sees the end of the stream and settles the jobs

    def _answered(self, worker: _Worker, message: Message) -> None:
        finished = worker.inflight.popleft()
        if not finished.abandoned and not finished.future.done():
            finished.future.set_result(message)
        self._arm(worker)
        if self._waiting:
            self._pump()

    def _fail_over(self, worker: _Worker) -> None:
        """The worker is gone: settle its current job, move the others, start a replacement."""
        if worker not in self._workers:
            return
        self._workers.remove(worker)
        if self._state != "running":
            return
        error: IlrsKgError = QueryTimeout(
            f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
            "narrow it or add a LIMIT"
        ) if worker.timed_out else QueryCrashed(_CRASHED)
        for index, pending in enumerate(worker.inflight):
            if pending.abandoned or pending.future.done():
                continue
            if index == 0:
                if not worker.timed_out:
                    logger.warning("a query stopped worker %s: %.200r", worker.process.pid, pending.job.query)
                pending.future.set_exception(error)
            else:
                self._dispatch(_Pending(pending.job, pending.future))
        worker.inflight.clear()
        self._background(self._replace(worker))
