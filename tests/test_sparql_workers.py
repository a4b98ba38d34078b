"""The worker-process pool: answers like the store, and survives what would take a process down —
queries that never end, queries that crash the parser, workers killed or stopped from outside, clients
that flood it; and its workers cannot reach the network whatever the query says."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.errors import (
    ClientBusy,
    QueryCrashed,
    QueryFailed,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    ServiceBusy,
    StoreError,
    WorkerLost,
)
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import select
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.worker_process import WorkerProcess
from ilrs_kg.sparql.workers import WorkerPool
from tests.fixtures.sparql.listener import loopback_listener
from tests.fixtures.sparql.support import CROSS_JOIN, LABELS, PARSER_CRASH, settings

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = settings(tmp_path_factory.mktemp("build"), query_timeout=TIMEOUT, workers=2)
    build_store(base)
    return base


def run_with_pool(base: Settings, scenario: object, **options: float) -> None:
    """Start a pool, run the async scenario with it, close the pool."""

    async def main() -> None:
        pool = WorkerPool.from_settings(base)
        for name, value in options.items():
            if name == "spare":
                pool.lane = pool.size + int(value)
            else:
                setattr(pool, name, value)
        await pool.start()
        try:
            await scenario(pool)  # type: ignore[operator]
        finally:
            await pool.close()

    asyncio.run(main())


async def labels(pool: WorkerPool) -> int:
    return len(await select(pool, LABELS))


def test_answers_like_the_store(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        results = await asyncio.gather(*(labels(pool) for _ in range(20)))
        assert results == [11] * 20
        with pytest.raises(QuerySyntaxError, match="error at 1:"):
            await pool.run(QueryJob("SELECT * WHERE { ?s ?p"))

    run_with_pool(built, scenario)


def test_a_query_past_the_timeout_is_stopped_while_others_are_served(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        started = time.monotonic()
        slow = asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN)))
        await asyncio.sleep(0.05)
        # Meanwhile, other clients are answered promptly.
        for _ in range(5):
            asked = time.monotonic()
            assert await labels(pool) == 11
            assert time.monotonic() - asked < 0.5
        with pytest.raises(QueryTimeout, match="1 s limit"):
            await slow
        assert time.monotonic() - started < TIMEOUT + 1
        # Afterwards the pool works as before, with a fresh worker in place of the killed one.
        assert await asyncio.gather(*(labels(pool) for _ in range(6))) == [11] * 6

    run_with_pool(built, scenario)


def resume(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:  # not yet killed and reaped by the pool
        process.send_signal(signal.SIGCONT)


async def full_again(pool: WorkerPool) -> set[int]:
    for _ in range(200):  # replacements start in the background
        if len(pool._workers) == pool.lane and not pool._starting:
            break
        await asyncio.sleep(0.05)
    return {w.pid for w in pool._workers}


def test_a_query_that_crashes_the_parser_is_reported_its_worker_replaced_and_its_like_refused(
    built: Settings,
) -> None:
    # The screen refuses operator chains this long; with its limit raised, one reaches a worker.
    unguarded = built.with_changes(max_query_operators=1_000_000)

    async def scenario(pool: WorkerPool) -> None:
        before = {w.pid for w in pool._workers}
        with pytest.raises(QueryCrashed, match="overflow the SPARQL parser's stack"):
            await pool.run(QueryJob(PARSER_CRASH))
        assert await labels(pool) == 11
        after = await full_again(pool)
        assert len(after) == pool.lane and after != before
        # The same query, or one of its shape (other constants, spacing, a longer chain), costs no worker.
        variant = "select * where {filter(" + " + ".join(["7"] * 21_000) + "=1)}"
        for query in (PARSER_CRASH, variant):
            with pytest.raises(QueryCrashed, match="same shape stopped a query worker"):
                await pool.run(QueryJob(query))
        assert {w.pid for w in pool._workers} == after
        assert len(pool.crashes) == 1

    run_with_pool(unguarded, scenario)


def test_a_worker_killed_from_outside_is_a_503_to_retry_not_the_querys_fault(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        running = asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN), client="127.0.0.2"))
        await asyncio.sleep(0.3)
        victim = next(w for w in pool._workers if w.inflight)
        os.kill(victim.pid, signal.SIGKILL)
        with pytest.raises(
            WorkerLost,
            match=r"stopped from outside the server \(signal SIGKILL\); the query "
            r"is not to blame: send it again",
        ):
            await running
        assert len(pool.crashes) == 0  # not remembered as a crasher
        assert await labels(pool) == 11

    run_with_pool(built, scenario)


def test_a_hung_idle_worker_is_found_by_its_heartbeat_and_replaced(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        hung = pool._workers[0]
        os.kill(hung.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            while hung in pool._workers and time.monotonic() - started < 5:
                await asyncio.sleep(0.05)
            assert hung not in pool._workers
            assert time.monotonic() - started < 1.5  # interval 0.2 s + timeout 0.5 s, on a busy machine
            assert len(await full_again(pool)) == pool.lane
            for _ in range(10):  # every query now finds a live worker
                asked = time.monotonic()
                assert await labels(pool) == 11
                assert time.monotonic() - asked < 0.5
        finally:
            resume(hung.process)

    run_with_pool(built, scenario, heartbeat_interval=0.2, heartbeat_timeout=0.5)


def test_a_query_sent_to_a_worker_that_hangs_moves_to_another(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        victim = pool._workers[0]  # the first choice for the next query
        os.kill(victim.pid, signal.SIGSTOP)
        try:
            asked = time.monotonic()
            assert await labels(pool) == 11
            assert time.monotonic() - asked < 1.0
            assert victim not in pool._workers
        finally:
            resume(victim.process)

    # A heartbeat too slow to find it first: the check at slow_after does.
    run_with_pool(built, scenario, heartbeat_interval=30)


def test_jobs_queued_behind_a_slow_query_move_to_another_worker(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        slow = asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN)))
        await asyncio.sleep(0)
        # These fill both workers' queues, some behind the slow query.
        quick = [asyncio.ensure_future(labels(pool)) for _ in range(6)]
        started = time.monotonic()
        assert await asyncio.gather(*quick) == [11] * 6
        assert time.monotonic() - started < TIMEOUT / 2
        with pytest.raises(QueryTimeout):
            await slow

    run_with_pool(built, scenario)


def test_when_no_worker_frees_up_the_client_is_told_it_is_busy(tmp_path: Path) -> None:
    base = settings(tmp_path, query_timeout=TIMEOUT, workers=1)
    build_store(base)

    async def scenario(pool: WorkerPool) -> None:
        slow = asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN)))
        await asyncio.sleep(0)
        with pytest.raises(ServiceBusy, match=r"no query worker was free for 0\.3 s"):
            await pool.run(QueryJob(LABELS))
        with pytest.raises(QueryTimeout):
            await slow

    # Never long (so the slow query keeps the only worker) and one job per worker.
    run_with_pool(base, scenario, busy_wait=0.3, slow_after=TIMEOUT, depth=1, spare=0)


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the pool never got there"
        await asyncio.sleep(0.02)


def test_long_queries_leave_the_fast_lane_and_their_number_is_capped(tmp_path: Path) -> None:
    base = settings(tmp_path, query_timeout=10.0, workers=1, max_long_queries=2)
    build_store(base)

    async def scenario(pool: WorkerPool) -> None:
        def long() -> list[WorkerProcess[object]]:
            return [w for w in pool._workers if w.long]

        def fast_idle() -> bool:
            return any(not w.long and not w.inflight for w in pool._workers)

        runaways = []
        for client in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
            # Each on a fast worker at once (on a busy machine replacements take a while to start).
            await until(fast_idle)
            runaways.append(asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN), client=client)))
            if len(runaways) < 3:
                await until(lambda: len(long()) == len(runaways))
        # Two run at idle priority beside the fast lane; the third was one too many.
        with pytest.raises(ServiceBusy, match="2 long-running queries are already being evaluated"):
            await runaways[2]
        assert len(long()) == 2
        assert all(os.sched_getscheduler(w.pid) == os.SCHED_IDLE for w in long())
        await until(fast_idle)
        asked = time.monotonic()
        assert await labels(pool) == 11
        assert time.monotonic() - asked < 1.0
        for runaway in runaways[:2]:
            with pytest.raises(QueryTimeout, match="counted from its arrival"):
                await runaway

    run_with_pool(base, scenario)


def test_a_client_may_have_only_so_many_queries_in_flight(tmp_path: Path) -> None:
    base = settings(tmp_path, query_timeout=TIMEOUT, max_client_queries=2)
    build_store(base)

    async def scenario(pool: WorkerPool) -> None:
        mine = [asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN), client="127.0.0.2")) for _ in range(2)]
        await asyncio.sleep(0)
        with pytest.raises(ClientBusy, match="already has 2 queries in flight"):
            await pool.run(QueryJob(LABELS), client="127.0.0.2")
        # Others are not affected.
        assert len(await select_as(pool, "127.0.0.3")) == 11
        for query in mine:
            with pytest.raises((QueryTimeout, ServiceBusy)):
                await query
        assert len(await select_as(pool, "127.0.0.2")) == 11  # its slots are free again

    run_with_pool(base, scenario)


async def select_as(pool: WorkerPool, client: str) -> list[object]:
    result = await pool.run(QueryJob(LABELS), client=client)
    return list(json.loads(result.body)["results"]["bindings"])


def test_results_over_the_limit_are_refused_in_the_worker(tmp_path: Path) -> None:
    base = settings(tmp_path, max_result_bytes=200)
    build_store(base)

    async def scenario(pool: WorkerPool) -> None:
        with pytest.raises(ResultTooLarge, match="200-byte limit"):
            await pool.run(QueryJob(LABELS))

    run_with_pool(base, scenario)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A local TCP listener that records every connection made to it."""
    with loopback_listener() as witness:
        yield witness


def test_service_never_leaves_the_worker(built: Settings, listener: tuple[int, list[bytes]]) -> None:
    port, seen = listener

    async def scenario(pool: WorkerPool) -> None:
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ service silent <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        ):
            # Straight to the pool, past the HTTP front end: the worker itself refuses.
            with pytest.raises(QueryRefused, match="SERVICE is refused"):
                await pool.run(QueryJob(query))

    run_with_pool(built, scenario)
    time.sleep(0.3)
    assert seen == []


def test_a_job_marked_screened_is_not_screened_again_and_service_still_never_leaves(
    built: Settings, listener: tuple[int, list[bytes]]
) -> None:
    port, seen = listener

    async def scenario(pool: WorkerPool) -> None:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        # As the endpoint marks what its screen let through: the worker runs it as it is, and its
        # sandbox, not a screen, stops the connection.
        with pytest.raises(QueryFailed) as failed:
            await pool.run(QueryJob(query, screened=True))
        assert "SERVICE is refused" not in str(failed.value)

    run_with_pool(built, scenario)
    time.sleep(0.3)
    assert seen == []


def test_a_pool_without_a_store_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `ilrs-kg build` first"):
        WorkerPool.from_settings(settings(tmp_path))


def test_two_clients_looping_crashers_cost_few_workers_and_others_stay_served(built: Settings) -> None:
    # The crashers reach the workers; a timeout long enough that a cheap query is late, never refused.
    unguarded = built.with_changes(max_query_operators=1_000_000, query_timeout=5.0)
    crashers = [PARSER_CRASH, "ASK { FILTER(" + "!" * 12_000 + "true) }"]

    async def scenario(pool: WorkerPool) -> None:
        deaths = 0
        latencies: list[float] = []
        stop = asyncio.Event()

        async def crasher(client: str) -> None:
            nonlocal deaths
            n = 0
            while not stop.is_set():
                n += 1
                query = crashers[n % 2] + f" # {n}"  # new text each time, the same two shapes
                try:
                    await pool.run(QueryJob(query), client=client)
                except QueryCrashed as exc:
                    deaths += "same shape" not in str(exc)
                await asyncio.sleep(0.01)

        async def cheap() -> None:
            while not stop.is_set():
                asked = time.monotonic()
                assert await labels(pool) == 11
                latencies.append(time.monotonic() - asked)
                await asyncio.sleep(0.02)

        tasks = [asyncio.ensure_future(c) for c in (crasher("127.0.0.2"), crasher("127.0.0.3"), cheap())]
        await asyncio.sleep(4)
        stop.set()
        await asyncio.gather(*tasks)
        latencies.sort()
        # Each shape crashes a worker once, or once per client if both send it at the same moment.
        assert deaths <= 4
        assert len(pool.crashes) == 2
        p99 = latencies[int(len(latencies) * 0.99)]
        assert p99 < 2.0, f"p99 {p99:.2f} s"

    run_with_pool(unguarded, scenario)


def test_a_querys_time_counts_from_its_arrival_queueing_included(tmp_path: Path) -> None:
    base = settings(tmp_path, query_timeout=TIMEOUT, workers=1)
    build_store(base)

    async def scenario(pool: WorkerPool) -> None:
        first = asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN), client="127.0.0.2"))
        await asyncio.sleep(0.5)
        arrived = time.monotonic()
        with pytest.raises((QueryTimeout, ServiceBusy)):  # stopped running, or never got a worker
            await pool.run(QueryJob(CROSS_JOIN + " # another"), client="127.0.0.3")
        assert time.monotonic() - arrived < TIMEOUT + 0.4  # not the wait plus a full timeout
        with pytest.raises(QueryTimeout):
            await first

    # One worker that keeps its query (never long): the second query waits for it.
    run_with_pool(base, scenario, slow_after=TIMEOUT, depth=1, spare=0)


# Some 3 ms of CPU time in process: a worker that is given a core answers it at once.
SHORT_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def starve(pid: int, cpu: int) -> None:
    """Every thread of the process on one CPU, at the lowest priority a process can be niced to."""
    for task in os.listdir(f"/proc/{pid}/task"):
        os.sched_setaffinity(int(task), {cpu})
        os.setpriority(os.PRIO_PROCESS, int(task), 19)


@pytest.mark.parametrize(("slow_wall", "demoted"), [(30.0, False), (0.15, True)])
def test_a_worker_waiting_for_a_core_keeps_its_place_unless_it_waits_past_slow_wall(
    built: Settings, slow_wall: float, demoted: bool
) -> None:
    """A short query whose worker shares a core with two CPU hogs (under 1 % of the core is its share) runs
    far past slow_after in wall time but not in CPU time: its worker stays in the fast lane and nothing
    replaces it; past slow_wall it leaves, whatever its CPU time. Meanwhile a query that burns CPU
    leaves the fast lane after slow_after."""

    async def scenario(pool: WorkerPool) -> None:
        waiting, burning = pool._workers[0], pool._workers[1]
        cpu = min(os.sched_getaffinity(0))
        # Two hogs, not one: beside one, the 3 ms query took 0.19 s on a quiet machine, too close to the
        # 2 x slow_after this test needs to show a wall-clock judge would have demoted it.
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        try:
            for hog in hogs:
                os.sched_setaffinity(hog.pid, {cpu})
            starve(waiting.pid, cpu)
            seen: set[int] = set()

            async def watch() -> None:
                while True:
                    seen.update(w.pid for w in pool._workers if w.long)
                    await asyncio.sleep(0.005)

            watcher = asyncio.ensure_future(watch())
            started = time.monotonic()
            short = asyncio.ensure_future(pool.run(QueryJob(SHORT_JOIN)))
            await asyncio.sleep(0)
            assert waiting.inflight and waiting.inflight[0].job.query == SHORT_JOIN
            runaway = asyncio.ensure_future(pool.run(QueryJob(CROSS_JOIN), client="127.0.0.9"))
            await asyncio.sleep(0)
            assert burning.inflight and burning.inflight[0].job.query == CROSS_JOIN
            result = await short
            elapsed = time.monotonic() - started
            await asyncio.sleep(0.05)
            watcher.cancel()
            assert result.kind == "solutions"  # answered, not stopped
            # It waited for a core far longer than slow_after: by wall time it would have counted as long.
            assert elapsed > 2 * pool.slow_after
            assert (waiting.pid in seen) is demoted
            if not demoted:
                assert waiting in pool._workers and not waiting.long
            assert burning.pid in seen  # the CPU burner left the lane
            with pytest.raises(QueryTimeout):
                await runaway
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()

    # The starved worker gets well under 1 % of its core: its short query takes seconds of wall time, and
    # more when another process shares that core too (a 4 s limit stopped it once with a benchmark running).
    run_with_pool(built, scenario, heartbeat_interval=30, timeout=10.0, slow_wall=slow_wall)
