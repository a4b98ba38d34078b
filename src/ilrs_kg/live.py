"""One data version per request, in every HTTP process: the release a request started on answers all of it.

Each HTTP process serves one *generation* at a time: a release (ilrs_kg.releases), locked against removal,
with its worker pool (whose workers open that release's store and no other, and render its pages: the
HTTP process itself holds no store). A request is pinned to the active generation when it arrives
(`PinVersion`): its SPARQL answer, ETag and cache key, its page and its dump all come from that one
release.

When a build moves `current` (or `serve --watch` stages a release), the process prepares a generation for
the new release in the background, off the event loop, while the old one keeps serving. It switches on the
first request that finds `current` naming a prepared release: one readlink per request while a prepared
release waits, none otherwise. A build moves the link only once every registered HTTP process has
prepared the release (ilrs_kg.swap), so they all switch at that rename, not each when it notices; a link
moved to a release this process has not prepared (a build that stopped waiting for it) is noticed by
the watch on the links, every `poll_seconds`, which then prepares it.
The old generation is retired once its last pinned request is done: its workers are stopped, its lock
dropped, and its directory removed if no other process holds it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ilrs_kg.linked_data.page_index import PAGE_INDEX_FILE
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.releases import (
    Release,
    ReleaseLock,
    build_lock,
    current_link,
    hold,
    hold_current,
    linked_name,
    remove_unused,
    require_current,
    staged_link,
)
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import QueryBackend
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.page_jobs import PageJob, PageSite
from ilrs_kg.sparql.workers import WorkerPool
from ilrs_kg.swap import Registration, mark_ready
from ilrs_kg.web.reply import Reply

logger = logging.getLogger(__name__)

PoolFactory = Callable[[Settings, Release], QueryBackend]


def release_pages(settings: Settings, release: Release) -> PageSite:
    """The pages of a release, reading its page index whoever answers its queries."""
    return page_site(settings, release.built_at, page_index=release.index_dir / PAGE_INDEX_FILE)


def _worker_pool(memory_mb: int, on_tick: Callable[[], None] | None) -> PoolFactory:
    def make(settings: Settings, release: Release) -> QueryBackend:
        return WorkerPool(
            settings,
            release.data_version,
            release.store_dir,
            memory_mb=memory_mb,
            on_tick=on_tick,
            pages=release_pages(settings, release),
            triples=release.triples,
        )

    return make


@dataclass(eq=False)
class Generation:
    release: Release
    lock: ReleaseLock
    backend: QueryBackend
    users: int = 0
    retired: bool = False


class LiveBackend:
    """The QueryBackend of a server process (queries and pages), and the dumps it serves, all from the
    generation the current request is pinned to."""

    def __init__(
        self,
        settings: Settings,
        *,
        memory_mb: int = 4096,
        poll_seconds: float = 0.25,
        pool_factory: PoolFactory | None = None,
        on_tick: Callable[[], None] | None = None,
    ) -> None:
        require_current(settings)  # fail at once, naming the fix, when nothing was built
        self.settings = settings
        self.poll_seconds = poll_seconds
        self._make_pool = pool_factory or _worker_pool(memory_mb, on_tick)
        self.pin: ContextVar[Generation | None] = ContextVar(f"ilrs_kg_pin_{id(self)}", default=None)
        self._active: Generation | None = None
        self._ready: dict[str, Generation] = {}
        self._preparing: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._failed: dict[str, float] = {}  # release name -> when preparing it last failed
        self._closed = False
        self._registration: Registration | None = None
        self._current_link = current_link(settings)

    # What a request reads ------------------------------------------------------------------------------

    def _generation(self) -> Generation:
        pinned = self.pin.get()
        if pinned is not None:
            return pinned
        if self._active is None:
            raise RuntimeError("the server's data is not loaded yet")
        return self._active

    @property
    def data_version(self) -> str:
        return self._generation().release.data_version

    async def run(self, job: QueryJob, client: str | None = None) -> QueryResult:
        return await self._generation().backend.run(job, client)

    async def page(self, job: PageJob, client: str | None = None) -> Reply:
        return await self._generation().backend.page(job, client)

    def dumps_dir(self) -> Path:
        return self._generation().release.dumps_dir

    # Pinning -------------------------------------------------------------------------------------------

    def enter(self) -> Generation:
        """The generation a new request is pinned to: the active one, after following `current` if its
        release is ready."""
        self._follow()
        generation = self._generation() if self._active is None else self._active
        generation.users += 1
        return generation

    def leave(self, generation: Generation) -> None:
        generation.users -= 1
        if generation.retired and generation.users == 0:
            self._background(self._dispose(generation))

    def _follow(self) -> None:
        # Only a prepared release can be switched to, and the link moves to one only once this process
        # has prepared it: until then there is nothing to read. Then one readlink per request, so every
        # process switches at the rename.
        if not self._ready:
            return
        name = linked_name(self._current_link)
        if name is None or self._active is None or name == self._active.release.name:
            return
        ready = self._ready.pop(name, None)
        if ready is None:
            self._want(name)  # keep serving the active release until that one is loaded
            return
        old, self._active = self._active, ready
        logger.info("now serving data version %s (release %s)", ready.release.data_version, name)
        self._retire(old)

    # Life cycle ----------------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._active is not None:
            return
        # From now on a build waits for this process to load its release before swapping it in (first,
        # so no build can swap between our choice of release and our registration).
        self._registration = await asyncio.to_thread(Registration, self.settings)
        try:
            release, lock = await asyncio.to_thread(hold_current, self.settings)
            self._active = await self._load(release, lock)
        except BaseException:
            self._registration.close()
            raise
        self._tasks.add(asyncio.get_running_loop().create_task(self._watch_links()))

    async def close(self) -> None:
        self._closed = True
        if self._registration is not None:
            self._registration.close()
        for task in [*self._tasks, *self._preparing.values()]:
            task.cancel()
        generations = [g for g in (self._active, *self._ready.values()) if g is not None]
        self._active = None
        self._ready.clear()
        await asyncio.gather(*(self._dispose(g, clean=False) for g in generations), return_exceptions=True)

    async def _load(self, release: Release, lock: ReleaseLock) -> Generation:
        try:
            backend = self._make_pool(self.settings, release)
            await backend.start()
        except BaseException:
            lock.release()
            raise
        return Generation(release, lock, backend)

    def _want(self, name: str) -> None:
        active = self._active.release.name if self._active is not None else None
        if name in (active, *self._ready, *self._preparing) or self._closed:
            return
        loop = asyncio.get_running_loop()
        if loop.time() - self._failed.get(name, -60.0) < 5.0:
            return
        task = loop.create_task(self._prepare(name))
        self._preparing[name] = task
        task.add_done_callback(lambda _task: self._preparing.pop(name, None))

    async def _prepare(self, name: str) -> None:
        held = await asyncio.to_thread(hold, self.settings, name)
        if held is None:  # removed before we got to it: a newer release replaced it
            self._failed[name] = asyncio.get_running_loop().time()
            return
        try:
            generation = await self._load(*held)
        except Exception:
            self._failed[name] = asyncio.get_running_loop().time()
            logger.exception("could not load release %s; still serving the previous one", name)
            return
        if self._closed:
            await self._dispose(generation, clean=False)
            return
        self._ready[name] = generation
        await asyncio.to_thread(mark_ready, generation.release)
        self._follow()

    async def _watch_links(self) -> None:
        """Notice new releases without waiting for a request; drop prepared ones nobody will use."""
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                self._look_for_releases()
            except Exception:  # the loop must outlive one odd moment of the build directory
                logger.exception("checking for new releases failed; trying again")

    def _look_for_releases(self) -> None:
        current = linked_name(self._current_link)
        staged = linked_name(staged_link(self.settings))
        for name in (staged, current):
            if name is not None:
                self._want(name)
        self._follow()
        for name in [n for n in self._ready if n not in (staged, current)]:
            self._retire(self._ready.pop(name))

    def _retire(self, generation: Generation) -> None:
        generation.retired = True
        if generation.users == 0:
            self._background(self._dispose(generation))

    async def _dispose(self, generation: Generation, *, clean: bool = True) -> None:
        try:
            await generation.backend.close()
        finally:
            generation.lock.release()
        if clean:
            removed = await asyncio.to_thread(_remove_unused, self.settings)
            if removed:
                logger.info("removed releases no process uses: %s", ", ".join(removed))

    def _background(self, coroutine: Coroutine[object, object, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _remove_unused(settings: Settings) -> list[str]:
    with build_lock(settings):
        return remove_unused(settings)


class PinVersion:
    """ASGI middleware: pins each HTTP request to one generation and says which (Data-Version)."""

    def __init__(self, app: ASGIApp, live: LiveBackend) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        generation = self.live.enter()
        version = generation.release.data_version.encode()

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"data-version", version)]
            await send(message)

        token = self.live.pin.set(generation)
        try:
            await self.app(scope, receive, send_with_version)
        finally:
            self.live.pin.reset(token)
            self.live.leave(generation)
