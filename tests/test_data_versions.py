"""One data version at a time: `ilrs-kg build` under a running `ilrs-kg serve`, with a worker replaced right
after (what any client could force, here a SIGKILL), used to give answers mixing old and new data (25 old /
15 new of 40) while pages and ETags stayed old. Now every reply's body matches the version it states, the
versions a client sees never go back, pages, dumps and ETags follow, and the old release is removed once
no process uses it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ilrs_kg.build import build_store
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import select
from ilrs_kg.sparql.workers import WorkerPool
from tests.fixtures.lifecycle.support import (
    LABEL_QUERY,
    Seen,
    command_line,
    descendants,
    observe,
    project,
    rename_luna,
)
from tests.fixtures.sparql.support import serving

NEW_NAME = "Luna 25 (rebuilt)"
KINDS = ("sparql", "page", "dump")


def assert_one_version_each_and_never_back(seen: list[Seen], old: str) -> None:
    for reply in seen:
        assert reply.status == 200, reply
        assert reply.label in ("Luna 25", NEW_NAME), reply
        assert (reply.label == "Luna 25") == (reply.version == old), reply  # body and stated version agree
    versions = [reply.version for reply in seen]
    changed = next((i for i, v in enumerate(versions) if v != old), len(versions))
    assert len(set(versions[changed:])) <= 1, versions  # once new, never old again nor a third version


def test_a_rebuild_under_a_running_server_is_served_whole_or_not_at_all(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    with serving(build_dir, "--http-processes", "1", "--workers", "2", root=root) as server:
        before = [observe(server.url, kind) for kind in KINDS]
        old = before[0].version
        assert {reply.label for reply in before} == {"Luna 25"} and {r.version for r in before} == {old}

        workers = [pid for pid in descendants(server.process.pid) if "worker_main" in command_line(pid)]
        assert len(workers) == 2 + 1  # two workers and the fast lane's spare (sparql.workers)
        rename_luna(root, NEW_NAME)
        subprocess.run(
            [sys.executable, "-m", "ilrs_kg", "build", "--root", str(root), "--store", str(build_dir)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with contextlib.suppress(ProcessLookupError):  # unless the server has already retired it
            os.kill(workers[0], signal.SIGKILL)  # one of the old release's workers
        time.sleep(1)  # replaced meanwhile (the status of a query it was running is another test's)

        burst = [observe(server.url, "sparql") for _ in range(40)]  # the measurement of the issue
        seen = list(burst)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (
            len(seen) > 12 and {s.label for s in seen[-6:]} == {NEW_NAME}
        ):
            seen.extend(observe(server.url, kind) for kind in KINDS)
        assert_one_version_each_and_never_back(seen, old)
        after = [observe(server.url, kind) for kind in KINDS]
        assert {reply.label for reply in after} == {NEW_NAME}  # queries, pages and dumps all moved
        assert after[0].etag != before[0].etag and after[1].etag != before[1].etag
        assert after[2].etag != before[2].etag

        releases = build_dir / "releases"
        while time.monotonic() < deadline and len(list(releases.iterdir())) > 1:
            time.sleep(0.2)
        assert [p.name for p in releases.iterdir()] == [os.readlink(build_dir / "current").rsplit("/", 1)[1]]
        print(
            f"after the rebuild and a replaced worker: {sum(s.label == 'Luna 25' for s in burst)} old / "
            f"{sum(s.label == NEW_NAME for s in burst)} new of 40, never interleaved"
        )


def test_a_replaced_worker_loads_the_release_its_pool_was_started_for(tmp_path: Path) -> None:
    """The same situation inside one pool, with the timing pinned down: `current` has moved on, a worker
    dies and is replaced, and the pool still answers all 40 queries from its own release."""
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    base = Settings(root=root, build_dir=build_dir, workers=2)
    build_store(base)

    async def scenario() -> list[str]:
        pool = WorkerPool.from_settings(base)
        await pool.start()
        try:
            rename_luna(root, NEW_NAME)
            await asyncio.to_thread(build_store, base)  # `current` now names the new release
            for worker in list(pool._workers):  # every worker replaced, each loading anew
                worker.process.kill()  # from outside, as a crash or the OOM killer would
            await asyncio.sleep(0.2)
            deadline = time.monotonic() + 60
            while len(pool._workers) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            rows = [await select(pool, LABEL_QUERY) for _ in range(40)]
            return [str(row["l"].value) for found in rows for row in found if "Luna" in str(row["l"].value)]
        finally:
            await pool.close()

    labels = asyncio.run(scenario())
    assert labels == ["Luna 25"] * 40
