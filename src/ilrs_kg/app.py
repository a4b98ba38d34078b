"""The web app: `create_app(settings)` wires the SPARQL endpoint, the linked-data pages and the dumps.

    /sparql      SPARQL 1.1 Protocol endpoint and query UI        ilrs_kg.sparql
    /id/..., /   linked-data pages (when ilrs_kg.linked_data is there)
    /dumps/      downloads (when ilrs_kg.exports is there)
    /static/     the stylesheets of the query page and the downloads listing; the query editor's files

Every request and reply passes through ilrs_kg.edge (outermost): links from the configured public
base, never the Host header; the body's deadline; the security headers.

Queries go through one QueryBackend (by default a LiveBackend, ilrs_kg.live: worker processes over one
release of the built store, started and stopped with the app, and swapped for the next release when a
build moves `current`). The linked-data pages read a pyoxigraph store through a provider (by default the
LiveBackend's in-memory copy of the same release); every request is pinned to one release. Errors from
the package's tree (ilrs_kg.errors) become statuses in one place, ilrs_kg.sparql.statuses.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ilrs_kg.edge import Edge
from ilrs_kg.errors import IlrsKgError
from ilrs_kg.live import LiveBackend, PinVersion
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.assets import editor_routes
from ilrs_kg.sparql.backend import InProcessBackend, QueryBackend
from ilrs_kg.sparql.examples import load_examples
from ilrs_kg.sparql.protocol import SparqlEndpoint
from ilrs_kg.sparql.statuses import headers_for, status_for
from ilrs_kg.store import load_in_memory

StoreProvider = Callable[[], ox.Store]
SPARQL_PATH = "/sparql"
_STYLESHEETS = ("sparql.css", "downloads.css")


class SparqlFirst:
    """Sends /sparql straight to the endpoint, ahead of routing and the framework's exception layers
    (the endpoint answers all its errors itself); everything else goes on to the app."""

    def __init__(self, app: ASGIApp, endpoint: SparqlEndpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == SPARQL_PATH:
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _memoized_store(settings: Settings) -> StoreProvider:
    lock = threading.Lock()
    loaded: list[ox.Store] = []

    def provide() -> ox.Store:
        with lock:
            if not loaded:
                loaded.append(load_in_memory(settings))
            return loaded[0]

    return provide


def _optional_module(name: str) -> object | None:
    """A part of the product built separately; the app works without it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def create_app(
    settings: Settings, backend: QueryBackend | None = None, *, store_provider: StoreProvider | None = None
) -> FastAPI:
    if backend is None:
        backend = LiveBackend(settings)
    live = backend if isinstance(backend, LiveBackend) else None
    if store_provider is None:
        in_process = backend if isinstance(backend, InProcessBackend) else None
        store_provider = (
            (lambda: in_process.store) if in_process else live.store if live else _memoized_store(settings)
        )
    query_backend = backend

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await query_backend.start()
        try:
            yield
        finally:
            await query_backend.close()

    app = FastAPI(
        title="ILRS knowledge graph", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.backend = backend

    linked_data = _optional_module("ilrs_kg.linked_data.routes")
    if linked_data is not None:
        modified = live.modified if live else None
        app.include_router(linked_data.build_router(settings, store_provider, modified))  # type: ignore[attr-defined]
    exports = _optional_module("ilrs_kg.exports.routes")
    if exports is not None:
        dumps = live.dumps_dir if live else None
        app.include_router(exports.build_router(settings, dumps))  # type: ignore[attr-defined]
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        app.add_api_route(
            "/",
            lambda: RedirectResponse(SPARQL_PATH, status_code=303),
            methods=["GET", "HEAD"],
            include_in_schema=False,
        )

    _add_stylesheets(app)
    app.router.routes.extend(editor_routes())  # the query editor's scripts and styles

    @app.exception_handler(IlrsKgError)
    async def package_error(_request: Request, exc: IlrsKgError) -> Response:
        return PlainTextResponse(f"{exc}\n", status_code=status_for(exc), headers=headers_for(exc))

    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=[
            "ETag",
            "Link",
            "Content-Location",
            "Location",
            "Last-Modified",
            "Vary",
            "Data-Version",
        ],
    )
    endpoint = SparqlEndpoint(settings, backend, examples=load_examples(settings.root / "queries"))
    app.add_middleware(SparqlFirst, endpoint=endpoint)
    if live is not None:
        app.add_middleware(PinVersion, live=live)  # everything below sees one release
    app.add_middleware(Edge, settings=settings)
    return app


def _add_stylesheets(app: FastAPI) -> None:
    """Styles live in files, not in the pages: the pages' Content-Security-Policy allows no inline style."""
    for name in _STYLESHEETS:
        css = resources.files("ilrs_kg").joinpath(f"static/{name}").read_bytes()
        app.add_api_route(f"/static/{name}", _serving(css), methods=["GET", "HEAD"], include_in_schema=False)


def _serving(css: bytes) -> Callable[[], Response]:
    def stylesheet() -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=300"})

    return stylesheet
