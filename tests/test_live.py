"""LiveBackend in process, with the timing in the test's hands: a request in flight keeps its release
(answers, version, dumps) while later requests get the new one, and the old release is removed only after
that request is done."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.live import Generation, LiveBackend
from ilrs_kg.releases import Release
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import InProcessBackend, QueryBackend, select
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.store import load_store_dir
from tests.fixtures.lifecycle.support import LABEL_QUERY, project, rename_luna


def in_process(settings: Settings, release: Release) -> QueryBackend:
    store = load_store_dir(release.store_dir)
    pages = page_site(settings, release.built_at)
    return InProcessBackend(store, Limits.from_settings(settings), release.data_version, pages)


async def luna(live: LiveBackend) -> str:
    rows = await select(live, LABEL_QUERY)
    return next(str(row["l"].value) for row in rows if str(row["l"].value).startswith("Luna"))


async def next_generation(live: LiveBackend, old: Generation, seconds: float = 30) -> Generation:
    """Start requests until one is pinned to another generation (the new release is loaded by then)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        generation = live.enter()
        live.leave(generation)
        if generation is not old:
            return generation
        await asyncio.sleep(0.05)
    raise AssertionError("the new release was never switched to")


def test_a_request_in_flight_keeps_its_release_until_it_is_done(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    settings = Settings(root=root, build_dir=tmp_path / "build")
    build_store(settings)

    async def scenario() -> None:
        live = LiveBackend(settings, pool_factory=in_process, poll_seconds=0.05)
        await live.start()
        try:
            links_read = []
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr("ilrs_kg.live.linked_name", lambda link: links_read.append(link))
                for _ in range(100):
                    live.leave(live.enter())
            assert links_read == []  # nothing prepared to switch to: a request reads no link
            in_flight = live.enter()
            token = live.pin.set(in_flight)
            old_version, old_dumps = live.data_version, live.dumps_dir()
            rename_luna(root, "Luna 25 (new)")
            await asyncio.to_thread(build_store, settings)

            live.pin.reset(token)
            newer = await next_generation(live, in_flight)
            assert newer.release.data_version != old_version
            assert await luna(live) == "Luna 25 (new)"  # an unpinned caller: the active release

            token = live.pin.set(in_flight)  # back inside the request that started before the build
            assert live.data_version == old_version and live.dumps_dir() == old_dumps
            assert await luna(live) == "Luna 25"
            assert old_dumps.is_dir()  # retired, but still in use: kept
            live.pin.reset(token)
            live.leave(in_flight)  # the request is done
            deadline = time.monotonic() + 30
            while old_dumps.exists() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert not old_dumps.exists()  # removed once nobody uses it
        finally:
            await live.close()

    asyncio.run(scenario())
