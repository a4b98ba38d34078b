"""How workers hold the store: a small one as each worker's own in-memory copy, a large one shared read-only
on disk (one copy however many workers); chosen by size and said in the log, and answered alike."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.errors import QueryTimeout
from ilrs_kg.releases import require_current
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.workers import IN_MEMORY_BELOW, WorkerPool, store_mode
from tests.fixtures.sparql.support import CROSS_JOIN, LABELS, settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = settings(tmp_path_factory.mktemp("build"), query_timeout=1.0, workers=2)
    build_store(base)
    return base


def test_the_mode_follows_the_size() -> None:
    assert store_mode(10_000) == "memory"
    assert store_mode(IN_MEMORY_BELOW - 1) == "memory"
    assert store_mode(IN_MEMORY_BELOW) == "disk"
    assert store_mode(10_000_000) == "disk"
    assert store_mode(None) == "memory"  # a release that does not say its size: as before
    assert store_mode(5, in_memory_below=5) == "disk"


def store_files_open(pid: int, store_dir: Path) -> int:
    """How many of the process's file descriptors are files of the store directory."""
    fds = Path(f"/proc/{pid}/fd")
    return sum(os.path.realpath(fds / fd).startswith(str(store_dir.resolve())) for fd in os.listdir(fds))


def answers(base: Settings, in_memory_below: int) -> tuple[bytes, list[int]]:
    """The pool's answer to LABELS, and how many store files each worker holds open."""

    async def main() -> tuple[bytes, list[int]]:
        pool = WorkerPool.from_settings(base, in_memory_below=in_memory_below)
        await pool.start()
        try:
            result = await pool.run(QueryJob(LABELS))
            with pytest.raises(QueryTimeout):  # the kill holds whichever way the store is held
                await pool.run(QueryJob(CROSS_JOIN))
            store_dir = require_current(base).store_dir
            return result.body, [store_files_open(w.pid, store_dir) for w in pool._workers]
        finally:
            await pool.close()

    return asyncio.run(main())


def test_a_large_store_is_shared_on_disk_and_answers_like_a_copy(
    built: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ilrs_kg.sparql.workers"):
        on_disk, disk_files = answers(built, in_memory_below=0)
    assert "sharing the on-disk store read-only" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ilrs_kg.sparql.workers"):
        copied, memory_files = answers(built, in_memory_below=IN_MEMORY_BELOW)
    assert "each with its own in-memory copy of the store" in caplog.text
    assert on_disk == copied
    assert disk_files and all(n > 0 for n in disk_files)  # every worker reads the one store on disk
    assert memory_files and all(n == 0 for n in memory_files)  # each copied it and let go of the files
