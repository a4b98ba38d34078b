"""WorkerPool: a QueryBackend that evaluates queries and renders pages in worker processes it can kill.

pyoxigraph cannot cancel a query, and some queries crash it (deep nesting overflows the parser's
stack). So queries run in worker processes (ilrs_kg.sparql.worker_main), cut off from any network
(ilrs_kg.sparql.sandbox), answering their jobs in order (ilrs_kg.sparql.worker_process). Pages are jobs
too (ilrs_kg.sparql.page_jobs): the HTTP process holds no store, and a page gets everything below
that a query gets: the fast lane, fairness, the time limit and kill, the crash budget.

- The store: below `in_memory_below` triples each worker loads its own in-memory copy (joins run
  several times faster, and at that size the copies are small); from there on every worker opens the
  release's on-disk store read-only, one copy shared through the OS page cache, so memory does not
  grow with the number of workers. The pool logs which it chose when it starts.

- The fast lane: `workers` processes and a spare take new jobs. A job goes to an idle one, or else to the one
  with the fewest jobs in flight, up to `depth` each, so a busy worker finds its next job waiting.
- Long queries: once a worker's current query has used `slow_after` seconds of CPU time (or run
  `slow_wall` seconds, at most a quarter of the time limit, whatever it used: it waits on the disk,
  or the machine gives it little CPU) it
  leaves the fast lane. CPU time, not the time since it began: on a busy machine a query of a
  millisecond may wait a tenth of a second for a core, and demoting its worker for that would replace
  workers exactly when CPU is scarcest. It drops to SCHED_IDLE (it gets the CPU only when no fast
  worker wants it), the jobs queued behind it move to other workers, and a fresh worker takes its
  place in the fast lane. At most
  `max_long_queries` workers run long queries at once; a query that would be one more is stopped
  (503, retry later). When its query ends, a long worker rejoins the fast lane or retires.
- Fairness (ilrs_kg.sparql.fairness): each client (by address) may have `max_client_queries` queries
  in flight (429 beyond). Waiting jobs are served round-robin across clients, light clients first;
  a client that ran a long query lately is heavy, and may not take the last idle fast worker.
- Timeout: a query's time counts from its arrival, queueing included. At `query_timeout` a running
  query's worker is killed (503); a job still waiting then gets ServiceBusy (503).
- Crashes (ilrs_kg.sparql.crash_budget): a worker that dies by itself (segfault, abort, out of memory)
  fails its current query with 400, and that query's fingerprint is refused from then on without
  costing a worker (a page that did so fails with 500, the server's fault, and that page, by handler
  and path, is refused from then on); replacements after repeated crashes start only after a growing
  delay. A worker
  killed from outside (SIGKILL by someone else) fails its query with 503 "retry" instead.
- Heartbeat: every `heartbeat_interval` the pool pings its idle workers; one that does not answer
  within `heartbeat_timeout`, or that is found stopped, is replaced and its jobs moved. The same
  loop calls `on_tick`, so a supervisor can tell that this process's event loop is alive.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ilrs_kg.errors import (
    BadRequest,
    ClientBusy,
    IlrsKgError,
    PageFailed,
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
    WorkerLost,
)
from ilrs_kg.releases import ReleaseLock, hold_current
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.crash_budget import CrashMemory, RespawnBudget
from ilrs_kg.sparql.fairness import ClientLedger, FairQueue
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.page_jobs import PageJob, PageSite
from ilrs_kg.sparql.worker_process import EXTERNAL_SIGNALS, Message, WorkerProcess, WorkerSpec, spawn

if TYPE_CHECKING:
    from ilrs_kg.web.reply import Reply

logger = logging.getLogger(__name__)

# Below this many triples each worker holds an in-memory copy (see the module's docstring; measured in
# benchmarks/store_modes.py): the copies then cost less than a hundred MB each.
IN_MEMORY_BELOW = 200_000
Job = QueryJob | PageJob
# A worker opens its pages (imports, templates) with its first page job, not at start, so replacements
# start in a quarter of a second; that first page gets this much longer before it counts as long.
PAGES_OPENING = 1.0
# How soon to look again at a job that has run slow_after but not used it in CPU time: the kernel counts
# a process's CPU time in clock ticks (10 ms).
_RECHECK = 0.01

# The errors a worker may report, by name (the only names turned back into exceptions).
_REPORTED = {
    cls.__name__: cls
    for cls in (
        BadRequest,
        QueryRefused,
        UpdateRefused,
        QuerySyntaxError,
        QueryTooLarge,
        QueryTooDeep,
        ResultTooLarge,
        QueryFailed,
        StoreError,
        PageFailed,
    )
}
_CRASHED = (
    "evaluating the query stopped the query engine's process (deeply nested or very long expressions "
    "overflow the SPARQL parser's stack; huge intermediate results exceed a worker's memory limit); "
    "simplify the query"
)


def store_mode(triples: int | None, in_memory_below: int = IN_MEMORY_BELOW) -> str:
    """ "memory" for a small store (or one of unknown size: older releases), else "disk"."""
    return "memory" if triples is None or triples < in_memory_below else "disk"


def _what(job: Job) -> str:
    return "page" if isinstance(job, PageJob) else "query"


def _shown(job: Job) -> str:
    return job.describe() if isinstance(job, PageJob) else f"{job.query:.200}"


@dataclass(eq=False)
class _Pending:
    job: Job
    future: asyncio.Future[Message]
    client: str | None
    deadline: float  # loop time: arrival + timeout
    abandoned: bool = False  # moved to another worker: this worker's answer is to be ignored
    timer: asyncio.TimerHandle | None = None  # while waiting: the end of the wait

    def moved(self) -> _Pending:
        """A copy to send elsewhere; this one's answer is then ignored."""
        self.abandoned = True
        return _Pending(self.job, self.future, self.client, self.deadline)

    @property
    def live(self) -> bool:
        return not self.abandoned and not self.future.done()


_Worker = WorkerProcess[_Pending]


class WorkerPool:
    def __init__(
        self,
        settings: Settings,
        data_version: str,
        store_dir: Path,
        *,
        memory_mb: int = 4096,
        depth: int = 4,
        slow_after: float = 0.1,
        slow_wall: float = 1.0,
        busy_wait: float | None = None,
        start_timeout: float = 60.0,
        heartbeat_interval: float = 0.5,
        heartbeat_timeout: float = 2.0,
        on_tick: Callable[[], None] | None = None,
        spare: int = 1,
        release_lock: ReleaseLock | None = None,
        pages: PageSite | None = None,
        triples: int | None = None,
        in_memory_below: int = IN_MEMORY_BELOW,
    ) -> None:
        self.settings = settings
        # One release's store, named once: every worker of this pool, replacements included, loads this
        # directory, so the pool answers from one data version however often workers are replaced.
        self.store_dir = store_dir
        self._release_lock = release_lock  # keeps that release on disk until close()
        self.size = max(1, settings.workers)
        # The fast lane holds a spare beyond `workers`: when a worker leaves it (long query, crash,
        # timeout), the others still have room while its replacement starts (a second or so).
        self.lane = self.size + max(0, spare)
        self.timeout = settings.query_timeout
        self.slow_after = min(slow_after, self.timeout)  # CPU seconds
        # Seconds since the job began; at most a quarter of the time limit, so that a runaway query
        # the machine gives little CPU still leaves the lane, and its replacement is ready, well before
        # it is killed.
        self.slow_wall = min(slow_wall, self.timeout / 4)
        self.busy_wait = settings.query_timeout if busy_wait is None else busy_wait
        self.depth = max(1, depth)
        self.max_long = max(0, settings.max_long_queries)
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_timeout = heartbeat_timeout
        self.on_tick = on_tick
        self.triples = triples
        self.spec = WorkerSpec(
            store_dir,
            json.dumps(asdict(Limits.from_settings(settings))),
            memory_mb,
            settings.query_sandbox,
            start_timeout,
            store_mode(triples, in_memory_below),
            pages,
        )
        self.ledger = ClientLedger(max(1, settings.max_client_queries))
        self.crashes = CrashMemory()
        self.page_crashes = CrashMemory(key=str)  # pages by handler and path, not by query shape
        self.respawns = RespawnBudget()
        self.protection: str | None = None  # what keeps the workers off the network, once started
        self._data_version = data_version
        self._workers: list[_Worker] = []  # ready and not retired
        self._starting = 0  # fast-lane workers being started
        self._waiting: FairQueue[_Pending] = FairQueue(self.ledger.heavy)
        self._tasks: set[asyncio.Task[None]] = set()
        self._endings: set[asyncio.Task[None]] = set()  # disposals and settlements of lost workers
        self._state = "new"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        memory_mb: int = 4096,
        on_tick: Callable[[], None] | None = None,
        pages: PageSite | None = None,
        in_memory_below: int = IN_MEMORY_BELOW,
    ) -> WorkerPool:
        """A pool over the release current now, kept on disk while the pool runs; raises StoreError
        when there is none."""
        release, lock = hold_current(settings)
        return cls(
            settings,
            release.data_version,
            release.store_dir,
            memory_mb=memory_mb,
            on_tick=on_tick,
            release_lock=lock,
            pages=pages,
            triples=release.triples,
            in_memory_below=in_memory_below,
        )

    @property
    def data_version(self) -> str:
        return self._data_version

    # Life cycle --------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the fast lane at once and wait until every worker holds the store."""
        if self._state != "new":
            return
        self._state = "running"
        results: list[_Worker | BaseException] = await asyncio.gather(
            *(spawn(self.spec) for _ in range(self.lane)), return_exceptions=True
        )
        for result in results:
            if isinstance(result, WorkerProcess):
                self._enlist(result)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            await self.close()
            raise failures[0]
        self.protection = self._workers[0].protection
        size = f"{self.triples:,} triples" if self.triples is not None else "size unknown"
        logger.info(
            "%d query workers started, %s (%s); network access from queries: %s",
            self.lane,
            "each with its own in-memory copy of the store"
            if self.spec.store_mode == "memory"
            else "sharing the on-disk store read-only",
            size,
            "blocked by " + self.protection if not self.protection.startswith("none") else self.protection,
        )
        self._background(self._heartbeat())

    async def close(self) -> None:
        self._state = "closed"
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # each cleans up after itself
        # Not cancelled: each reaps a process that is already ending.
        await asyncio.gather(*list(self._endings), return_exceptions=True)
        workers = list(self._workers)
        self._workers.clear()
        for pending in [*self._waiting, *(p for w in workers for p in w.inflight)]:
            if not pending.future.done():
                pending.future.set_exception(StoreError("the server is shutting down"))
        await asyncio.gather(*(worker.dispose() for worker in workers), return_exceptions=True)
        if self._release_lock is not None:
            self._release_lock.release()

    def _enlist(self, worker: _Worker) -> None:
        if self._state != "running":
            self._background(worker.dispose(), ending=True)
            return
        self._workers.append(worker)
        worker.channel.on_message = lambda message: self._answered(worker, worker.noted(message))
        worker.channel.on_lost = lambda: self._fail_over(worker)
        self._pump()

    def _background(self, coroutine: Coroutine[object, object, None], *, ending: bool = False) -> None:
        """Run the coroutine as a task; close() cancels it, unless it is a worker's ending."""
        task = asyncio.get_running_loop().create_task(coroutine)
        tasks = self._endings if ending else self._tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def _fast(self) -> list[_Worker]:
        return [w for w in self._workers if not w.long]

    def _top_up(self, delay: float = 0.0, *, unhurried: bool = False) -> None:
        """Start workers until the fast lane is full again (counting those already starting).

        Unhurried (a worker left the lane for a long query, the others serve): niced while starting."""
        for _ in range(self.lane - len(self._fast()) - self._starting):
            self._starting += 1
            self._background(self._start_one(delay, unhurried))

    async def _start_one(self, delay: float, unhurried: bool) -> None:
        counted = True  # in self._starting until enlisted or given up
        try:
            await asyncio.sleep(delay)
            backoff = 0.5
            while self._state == "running":
                try:
                    worker: _Worker = await spawn(self.spec, low_priority=unhurried and bool(self._fast()))
                except StoreError:
                    logger.exception("could not start a query worker; retrying in %g s", backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 30.0)
                    continue
                self._starting -= 1
                counted = False
                self._enlist(worker)
                return
        finally:
            if counted:
                self._starting -= 1

    def _retire(self, worker: _Worker, reason: str, *, move_head: bool) -> None:
        """Take the worker out now: its jobs go elsewhere (its current one too if move_head)."""
        if worker in self._workers:
            self._workers.remove(worker)
        worker.stop(reason)
        live = [p for i, p in enumerate(worker.inflight) if p.live and (move_head or i > 0)]
        worker.inflight.clear()
        self._background(worker.dispose(), ending=True)
        if self._state == "running":
            self._top_up()
            for pending in live:
                self._dispatch(pending.moved())

    # Dispatch ----------------------------------------------------------------------------------------

    async def run(self, job: QueryJob, client: str | None = None) -> QueryResult:
        how = self.crashes.recall(job.query)
        if how is not None:
            raise QueryCrashed(
                f"a query of the same shape {how} before, so this one is refused without "
                f"running; {_CRASHED.split('; ', 1)[1]}"
            )
        result = await self._submit(job, client)
        assert isinstance(result, QueryResult)
        return result

    async def page(self, job: PageJob, client: str | None = None) -> Reply:
        how = self.page_crashes.recall(job.describe())
        if how is not None:
            raise PageFailed(
                f"rendering this page {how} before, so it is not tried again; this is a fault of "
                "the server, not of the request"
            )
        reply = await self._submit(job, client)
        return reply  # type: ignore[return-value]  # the page site's Reply, pickled back

    async def _submit(self, job: Job, client: str | None) -> object:
        if self._state != "running":
            raise StoreError("the query workers are not running")
        if not self.ledger.admit(client):
            raise ClientBusy(
                f"this client already has {self.ledger.max_in_flight} queries in flight (pages count as "
                "queries), the most allowed at once; wait for their answers, then send more"
            )
        try:
            loop = asyncio.get_running_loop()
            pending = _Pending(job, loop.create_future(), client, loop.time() + self.timeout)
            self._dispatch(pending)
            reply = await pending.future
        finally:
            self.ledger.release(client)
        if reply[0] == "ok":
            return reply[1]
        raise _REPORTED.get(str(reply[1]), QueryFailed)(str(reply[2]))

    def _choose(self, client: str | None) -> _Worker | None:
        """The fast worker to send the client's next job to, if one may take it now."""
        room = [w for w in self._workers if not w.long and len(w.inflight) < self.depth]
        # A worker being pinged may take jobs (they queue behind the ping), but one not pinged first.
        idle = sorted((w for w in room if not w.inflight), key=lambda w: w.ping_sent is not None)
        if self.ledger.heavy(client):
            # A client that ran long lately leaves one idle worker for the others.
            reserve = 1 if self.lane > 1 else 0
            return idle[0] if len(idle) > reserve else None
        if idle:
            return idle[0]
        return min(room, key=lambda w: len(w.inflight), default=None)

    def _dispatch(self, pending: _Pending) -> None:
        if pending.future.done():
            return
        worker = self._choose(pending.client) if not self._waiting else None
        if worker is None:
            self._wait(pending)
            self._pump()
            return
        self._send(worker, pending)

    def _send(self, worker: _Worker, pending: _Pending) -> None:
        worker.inflight.append(pending)
        worker.send(pending.job)
        if len(worker.inflight) == 1:
            self._arm(worker)

    def _wait(self, pending: _Pending) -> None:
        loop = asyncio.get_running_loop()

        def give_up() -> None:
            if self._waiting.remove(pending.client, pending) and not pending.future.done():
                pending.future.set_exception(
                    ServiceBusy(
                        f"no query worker was free for {self.busy_wait:g} s (each client's queries and "
                        "pages take turns with everyone else's); try again shortly"
                    )
                )

        end = min(pending.deadline, loop.time() + self.busy_wait)
        pending.timer = loop.call_at(end, give_up)
        self._waiting.push(pending.client, pending)

    def _pump(self) -> None:
        """Hand waiting jobs to workers, round-robin across clients, light clients first."""
        while self._waiting:
            found, client = self._waiting.next_client()
            worker = self._choose(client) if found else None
            if worker is None:
                return
            pending = self._waiting.pop(client)
            if pending.timer is not None:
                pending.timer.cancel()
            if not pending.future.done():
                self._send(worker, pending)

    # Watching the running query -----------------------------------------------------------------------

    def _arm(self, worker: _Worker) -> None:
        """Watch the worker's new current query: long after slow_after, killed at its deadline."""
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if worker.inflight:
            head = worker.inflight[0]
            loop = asyncio.get_running_loop()
            worker.since = loop.time()
            # No job uses more CPU time than time: nothing to look at before slow_after.
            at = min(worker.since + self._opening(worker, head) + self.slow_after, head.deadline)
            worker.timer = loop.call_at(at, self._on_slow, worker, head)

    def _opening(self, worker: _Worker, head: _Pending) -> float:
        """The extra time the head gets because it opens the worker's pages first."""
        return PAGES_OPENING if isinstance(head.job, PageJob) and not worker.pages_open else 0.0

    def _recheck_at(self, worker: _Worker, head: _Pending, now: float) -> float | None:
        """When to look again at a head past slow_after that has not used slow_after of CPU time (its
        worker waited for a core); None when it counts as long now."""
        opening = self._opening(worker, head)
        wall_limit = worker.since + opening + max(self.slow_wall, self.slow_after)
        if now >= wall_limit:
            return None
        cpu = worker.cpu_time()
        if cpu is None:  # gone: its loss is settled elsewhere
            return None
        left = opening + self.slow_after - (cpu - worker.cpu_mark)
        if left <= 0:
            return None
        return min(now + max(left, _RECHECK), wall_limit, head.deadline)

    def _on_slow(self, worker: _Worker, head: _Pending) -> None:
        if not worker.inflight or worker.inflight[0] is not head or worker not in self._workers:
            return
        if worker.stopped_by_signal():  # hung, not slow: the query deserves another worker
            logger.warning("query worker %s is stopped (SIGSTOP?); replacing it", worker.pid)
            self._retire(worker, "hung", move_head=True)
            return
        loop = asyncio.get_running_loop()
        if loop.time() >= head.deadline:
            self._on_timeout(worker, head)
            return
        if not worker.long:
            again = self._recheck_at(worker, head, loop.time())
            if again is not None:
                worker.timer = loop.call_at(again, self._on_slow, worker, head)
                return
            self.ledger.ran_long(head.client)
            if sum(w.long for w in self._workers) >= self.max_long:
                self._stop_head(
                    worker,
                    head,
                    "crowded",
                    ServiceBusy(
                        f"{self.max_long} long-running queries are already being evaluated, the most at "
                        f"once (pages count as queries); this {_what(head.job)} was stopped after "
                        f"{self.slow_after:g} s of CPU time; try again later"
                    ),
                )
                return
            worker.long = True
            worker.set_idle_priority(True)
            for queued in list(worker.inflight)[1:]:
                if queued.live:
                    self._dispatch(queued.moved())
            self._top_up(unhurried=True)
        worker.timer = loop.call_at(head.deadline, self._on_timeout, worker, head)

    def _on_timeout(self, worker: _Worker, head: _Pending) -> None:
        if worker.inflight and worker.inflight[0] is head:
            what = _what(head.job)
            logger.warning("stopped a %s after %g s: %r", what, self.timeout, _shown(head.job))
            advice = "narrow it or add a LIMIT" if what == "query" else "try again later"
            self._stop_head(
                worker,
                head,
                "timeout",
                QueryTimeout(
                    f"the {what} ran longer than the {self.timeout:g} s limit (counted from its arrival) "
                    f"and was stopped; {advice}"
                ),
            )

    def _stop_head(self, worker: _Worker, head: _Pending, reason: str, error: IlrsKgError) -> None:
        if head.live:
            head.future.set_exception(error)
        self._retire(worker, reason, move_head=False)

    # Answers and losses ---------------------------------------------------------------------------------

    def _answered(self, worker: _Worker, message: Message) -> None:
        if message[0] == "pong":
            worker.ping_sent = None
            self._pump()
            return
        if not worker.inflight:  # a retired worker's late answers: its jobs were moved or failed
            return
        finished = worker.inflight.popleft()
        worker.pages_open = worker.pages_open or isinstance(finished.job, PageJob)
        if finished.live:
            finished.future.set_result(message)
        if worker.long and not any(p.live for p in worker.inflight):
            self._after_long(worker)
        self._arm(worker)
        if self._waiting:
            self._pump()

    def _after_long(self, worker: _Worker) -> None:
        """A long query ended: back to the fast lane if it has room, otherwise retire."""
        if len(self._fast()) + self._starting < self.lane and worker.set_idle_priority(False):
            worker.long = False  # answers still due for moved jobs come first and are ignored
            return
        self._retire(worker, "retired", move_head=True)

    def _fail_over(self, worker: _Worker) -> None:
        """The worker's socket closed without the pool stopping it: find out why, then settle."""
        if worker not in self._workers:
            return
        self._workers.remove(worker)
        if worker.timer is not None:  # its query's fate is decided by how the worker ended
            worker.timer.cancel()
        if self._state == "running":
            self._background(self._settle_loss(worker), ending=True)

    async def _settle_loss(self, worker: _Worker) -> None:
        status = await worker.exit_status()
        head = next((p for p in list(worker.inflight)[:1] if p.live), None)
        external = status is not None and status < 0 and -status in EXTERNAL_SIGNALS
        how = f"stopped a query worker (it ended with {_describe(status)})"
        delay = 0.0
        if head is not None and external:
            what = _what(head.job)
            logger.warning("query worker %s was killed from outside (%s)", worker.pid, _describe(status))
            head.future.set_exception(
                WorkerLost(
                    f"the worker answering this {what} was stopped from outside the server "
                    f"({_describe(status)}); the {what} is not to blame: send it again"
                )
            )
        elif head is not None:
            logger.warning("a %s %s: %r", _what(head.job), how, _shown(head.job))
            delay = self.respawns.delay_after_crash()
            if isinstance(head.job, PageJob):
                self.page_crashes.remember(head.job.describe(), how)
                head.future.set_exception(
                    PageFailed(
                        f"rendering this page {how}; a fresh worker serves the next requests; this is a "
                        "fault of the server, not of the request"
                    )
                )
            else:
                self.crashes.remember(head.job.query, how)
                head.future.set_exception(QueryCrashed(_CRASHED))
        others = [p for p in list(worker.inflight)[1:] if p.live]
        worker.inflight.clear()
        if not worker.long:
            self._top_up(delay)
        for pending in others:
            self._dispatch(pending.moved())

    # Heartbeat --------------------------------------------------------------------------------------

    async def _heartbeat(self) -> None:
        loop = asyncio.get_running_loop()
        while self._state == "running":
            if self.on_tick is not None:
                self.on_tick()
            await asyncio.sleep(self.heartbeat_interval)
            now = loop.time()
            for worker in list(self._workers):
                if worker.ping_sent is not None:
                    if now - worker.ping_sent > self.heartbeat_timeout:
                        logger.warning(
                            "query worker %s stopped answering its heartbeat; replacing it", worker.pid
                        )
                        self._retire(worker, "hung", move_head=True)
                elif not worker.inflight and not worker.long:
                    worker.ping_sent = now
                    worker.send("ping")


def _describe(status: int | None) -> str:
    if status is None:
        return "an unknown status"
    if status < 0:
        try:
            return f"signal {signal.Signals(-status).name}"
        except ValueError:
            return f"signal {-status}"
    return f"exit status {status}"
