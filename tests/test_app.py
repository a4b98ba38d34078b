"""The app's wiring: the endpoint at /sparql, the linked-data pages and downloads beside it, the
backend started and stopped with the app, one mapping from package errors to statuses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from ilrs_kg.app import create_app
from ilrs_kg.errors import NotAcceptable, QueryTimeout
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import InProcessBackend
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.limits import Limits
from tests.fixtures.sparql.support import BROWSER_ACCEPT, LABELS, memory_store, settings


class RecordingBackend(InProcessBackend):
    def __init__(self, base: Settings) -> None:
        super().__init__(memory_store(base), Limits.from_settings(base), pages=page_site(base))
        self.events: list[str] = []

    async def start(self) -> None:
        self.events.append("start")

    async def close(self) -> None:
        self.events.append("close")

    async def run(self, job: QueryJob, client: str | None = None) -> QueryResult:
        if "timeout-please" in job.query:
            raise QueryTimeout("the query ran longer than the 1 s limit and was stopped")
        return await super().run(job, client)


@pytest.fixture
def base(tmp_path: Path) -> Settings:
    return settings(tmp_path)


def exchange(app: FastAPI, scenario: Callable[[httpx.AsyncClient], Awaitable[None]]) -> None:
    """Run the scenario against the app in process, inside the app's lifespan."""

    async def main() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                await scenario(client)

    asyncio.run(main())


def test_the_backend_lives_as_long_as_the_app(base: Settings) -> None:
    backend = RecordingBackend(base)

    async def scenario(client: httpx.AsyncClient) -> None:
        assert backend.events == ["start"]
        reply = await client.get("/sparql", params={"query": LABELS})
        assert reply.status_code == 200
        assert len(reply.json()["results"]["bindings"]) == 11

    exchange(create_app(base, backend), scenario)
    assert backend.events == ["start", "close"]


def test_sparql_errors_reach_the_client_with_their_status(base: Settings) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        timed_out = await client.post(
            "/sparql",
            content="SELECT * { ?s ?p ?o } # timeout-please",
            headers={"Content-Type": "application/sparql-query"},
        )
        assert timed_out.status_code == 503
        assert "1 s limit" in timed_out.text
        assert (await client.put("/sparql")).status_code == 405

    exchange(create_app(base, RecordingBackend(base)), scenario)


def test_linked_data_and_downloads_are_served_beside_the_endpoint(base: Settings) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        home = await client.get("/", headers={"Accept": BROWSER_ACCEPT})
        assert home.status_code == 200 and "text/html" in home.headers["content-type"]
        entity = await client.get(
            "/id/mission/change-6", headers={"Accept": "text/turtle", "Origin": "https://example.org"}
        )
        assert entity.status_code == 303
        assert entity.headers["access-control-allow-origin"] == "*"
        # A script on another origin must be able to read the linked-data headers, not only ETag.
        exposed = {h.strip().lower() for h in entity.headers["access-control-expose-headers"].split(",")}
        assert {"etag", "link", "content-location", "location"} <= exposed
        assert (await client.get("/dumps/", headers={"Accept": "application/json"})).status_code == 200

    exchange(create_app(base, RecordingBackend(base)), scenario)


def test_package_errors_raised_by_other_routes_map_to_statuses(base: Settings) -> None:
    app = create_app(base, RecordingBackend(base))

    async def picky() -> None:
        raise NotAcceptable("Accept: image/png", ("text/html",))

    app.add_api_route("/picky", picky)

    async def scenario(client: httpx.AsyncClient) -> None:
        reply = await client.get("/picky")
        assert reply.status_code == 406
        assert "on offer: text/html" in reply.text

    exchange(app, scenario)


def test_the_default_backend_needs_a_built_store(tmp_path: Path) -> None:
    from ilrs_kg.errors import StoreError

    with pytest.raises(StoreError, match="ilrs-kg build"):
        create_app(settings(tmp_path))
