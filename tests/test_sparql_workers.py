"""The worker-process pool: answers like the store, and survives what would take a process down —
queries that never end, queries that crash the parser, queries that try to reach out."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.errors import (
    QueryCrashed,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    ServiceBusy,
    StoreError,
)
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import select
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.workers import WorkerPool
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


def test_a_query_that_crashes_the_parser_is_reported_and_its_worker_replaced(built: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        before = {w.process.pid for w in pool._workers}
        with pytest.raises(QueryCrashed, match="overflow the SPARQL parser's stack"):
            await pool.run(QueryJob(PARSER_CRASH))
        assert await labels(pool) == 11
        for _ in range(100):  # the replacement starts in the background
            if len(pool._workers) == 2:
                break
            await asyncio.sleep(0.05)
        after = {w.process.pid for w in pool._workers}
        assert len(after) == 2 and after != before

    run_with_pool(built, scenario)


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
        with pytest.raises(ServiceBusy, match="all 1 query workers stayed busy"):
            await pool.run(QueryJob(LABELS))
        with pytest.raises(QueryTimeout):
            await slow

    run_with_pool(base, scenario, busy_wait=0.3)


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
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                seen.append(connection.recv(4096) or b"(connected)")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


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


def test_a_pool_without_a_store_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `ilrs-kg build` first"):
        WorkerPool.from_settings(settings(tmp_path))
