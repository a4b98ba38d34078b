"""Pages are rendered by the worker processes, not on the HTTP process's event loop: a slow page does not
delay /sparql, a page over the time limit is stopped (503) and its worker replaced, a page that crashes
its worker is a 500 and the next requests are served, and the HTTP process holds no store."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from email.utils import format_datetime

import httpx
import pytest
from fastapi import FastAPI

from ilrs_kg.app import create_app
from ilrs_kg.build import build_store
from ilrs_kg.linked_data.page_index import PAGE_INDEX_FILE
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.linked_data.routes import page_endpoint
from ilrs_kg.releases import current_release
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.workers import WorkerPool
from tests.fixtures.pages.support import TEST_ROUTES, open_test_pages
from tests.fixtures.sparql.support import LABELS, settings

TIMEOUT = 4.0
SPARQL_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = settings(tmp_path_factory.mktemp("build"), query_timeout=TIMEOUT, workers=2)
    build_store(base)
    return base


def app_with_test_pages(base: Settings) -> tuple[FastAPI, WorkerPool]:
    """The real app over a worker pool whose workers also know the test-only pages."""
    release = current_release(base)
    assert release is not None
    index = release.index_dir / PAGE_INDEX_FILE  # as a server's workers read it
    pool = WorkerPool.from_settings(base, pages=page_site(base, factory=open_test_pages, page_index=index))
    app = create_app(base, pool)
    for path, handler in TEST_ROUTES.items():
        app.add_api_route(path, page_endpoint(pool, handler), methods=["GET"])
    return app, pool


Scenario = Callable[[Callable[[str], httpx.AsyncClient], WorkerPool], Awaitable[None]]


def exchange(base: Settings, scenario: Scenario) -> None:
    app, pool = app_with_test_pages(base)

    async def main() -> None:
        async with app.router.lifespan_context(app):
            clients: list[httpx.AsyncClient] = []

            def client(address: str) -> httpx.AsyncClient:
                transport = httpx.ASGITransport(app=app, client=(address, 40000))
                clients.append(httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000"))
                return clients[-1]

            try:
                await scenario(client, pool)
            finally:
                for each in clients:
                    await each.aclose()

    asyncio.run(main())


def worker_pids(pool: WorkerPool) -> set[int]:
    return {worker.pid for worker in pool._workers}


def test_pages_are_rendered_in_a_worker_process(built: Settings) -> None:
    async def scenario(client: Callable[[str], httpx.AsyncClient], pool: WorkerPool) -> None:
        reply = await client("127.0.0.2").get("/test/pid")
        assert reply.status_code == 200
        assert int(reply.text) != os.getpid() and int(reply.text) in worker_pids(pool)
        page = await client("127.0.0.2").get("/doc/mission/change-6.html")
        assert page.status_code == 200 and "Chang" in page.text
        release = current_release(built)
        assert (
            release is not None
        )  # the pages' Last-Modified is the release's build time, not the worker's start
        assert page.headers["last-modified"] == format_datetime(release.built_at, usegmt=True)

    exchange(built, scenario)


def test_a_slow_page_does_not_delay_sparql(built: Settings) -> None:
    async def scenario(client: Callable[[str], httpx.AsyncClient], pool: WorkerPool) -> None:
        slow = asyncio.create_task(client("127.0.0.2").get("/test/slow"))
        await asyncio.sleep(0.5)  # the page is being rendered (it ends only at the time limit)
        before = worker_pids(pool)
        for n in range(5):
            started = time.monotonic()
            reply = await client("127.0.0.3").get(
                "/sparql", params={"query": f"{LABELS} # {n}"}, headers=SPARQL_JSON
            )
            assert reply.status_code == 200, reply.text
            assert len(reply.json()["results"]["bindings"]) == 11
            assert time.monotonic() - started < TIMEOUT / 2, "a query waited for the page"
        assert not slow.done()
        stopped = await slow
        assert stopped.status_code == 503
        assert f"the page ran longer than the {TIMEOUT:g} s limit" in stopped.text
        # Its worker was killed and replaced; the next pages are served.
        deadline = time.monotonic() + 30
        while len(pool._fast()) < pool.lane and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert len(pool._fast()) == pool.lane and worker_pids(pool) != before
        assert (await client("127.0.0.2").get("/doc/mission/change-6.html")).status_code == 200

    exchange(built, scenario)


def test_a_page_that_crashes_its_worker_is_a_500_and_the_next_requests_are_served(built: Settings) -> None:
    async def scenario(client: Callable[[str], httpx.AsyncClient], pool: WorkerPool) -> None:
        browser = client("127.0.0.2")
        crashed = await browser.get("/test/crash")
        assert crashed.status_code == 500
        assert "rendering this page stopped a query worker (it ended with signal SIGABRT)" in crashed.text
        assert (await browser.get("/doc/mission/change-6.html")).status_code == 200
        reply = await browser.get("/sparql", params={"query": LABELS}, headers=SPARQL_JSON)
        assert reply.status_code == 200
        # The same page again is refused without costing another worker.
        workers = worker_pids(pool)
        again = await browser.get("/test/crash")
        assert again.status_code == 500 and "is not tried again" in again.text
        assert worker_pids(pool) == workers
        # A page with a bug fails alone: its worker stays.
        buggy = await browser.get("/test/bug")
        assert buggy.status_code == 500 and "rendering this page failed (ValueError)" in buggy.text
        assert worker_pids(pool) == workers
        # A page that refuses the request keeps its status and message, from the worker.
        refused = await browser.get("/test/refuse")
        assert refused.status_code == 406 and "on offer: text/html" in refused.text

    exchange(built, scenario)


HOLDS_NO_STORE = """
import asyncio, gc, sys
from pathlib import Path
import httpx, pyoxigraph as ox
from ilrs_kg.app import create_app
from ilrs_kg.settings import Settings

settings = Settings(root=Path(sys.argv[1]), build_dir=Path(sys.argv[2]))
app = create_app(settings)

async def main() -> None:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            for path in ("/", "/doc/mission/change-6.html", "/doc/mission/change-6.ttl", "/ontology"):
                reply = await client.get(path, headers={"Accept": "text/html"})
                assert reply.status_code == 200, path
            print(sum(isinstance(o, ox.Store) for o in gc.get_objects()))

asyncio.run(main())
"""


def test_the_http_process_holds_no_store(built: Settings) -> None:
    """A fresh HTTP process (the default app and backend) serves pages without a store of its own."""
    out = subprocess.run(  # our own interpreter and script
        [sys.executable, "-c", HOLDS_NO_STORE, str(built.root), str(built.output_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "0"


def test_pages_without_a_page_site_are_refused_clearly(built: Settings) -> None:
    async def main() -> None:
        pool = WorkerPool.from_settings(built)
        app = create_app(built, pool)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                reply = await client.get("/doc/mission/change-6.html")
                assert reply.status_code == 503 and "started without pages" in reply.text

    asyncio.run(main())
