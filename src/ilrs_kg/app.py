"""The web app: `create_app(settings)` wires the SPARQL endpoint, the linked-data pages and the dumps.

    /sparql      SPARQL 1.1 Protocol endpoint and query UI        ilrs_kg.sparql
    /id/..., /   linked-data pages                                ilrs_kg.linked_data
    /dumps/      downloads                                        ilrs_kg.exports
    /static/     the query page's stylesheet and the query editor's files
    /robots.txt  what crawlers may fetch

Every request and reply passes through ilrs_kg.edge (outermost): links from the configured public
base, never the Host header; the body's deadline; the security headers.

Queries and pages go through one QueryBackend (by default a LiveBackend, ilrs_kg.live: worker processes
over one release of the built store, started and stopped with the app, and swapped for the next release
when a build moves `current`): the linked-data pages are rendered by the backend too, never on the event
loop, so the HTTP process holds no store. Every request is pinned to one release. Errors from
the package's tree (ilrs_kg.errors), and the framework's own 404 and 405 for an address no route
answers, become statuses in one place, ilrs_kg.web.statuses, and are rendered for whoever asked by
ilrs_kg.web.errors (an HTML page in the site frame for a browser).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ilrs_kg.edge import Edge
from ilrs_kg.errors import IlrsKgError, MethodNotAllowed, NotFound
from ilrs_kg.exports.routes import build_router as dumps_router
from ilrs_kg.linked_data.routes import build_router as linked_data_router
from ilrs_kg.live import LiveBackend, PinVersion
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.assets import editor_routes
from ilrs_kg.sparql.backend import QueryBackend
from ilrs_kg.sparql.examples import load_examples
from ilrs_kg.sparql.protocol import SparqlEndpoint
from ilrs_kg.web.asgi import response, starlette_request
from ilrs_kg.web.cors import EXPOSED
from ilrs_kg.web.errors import error_reply

SPARQL_PATH = "/sparql"
_STYLESHEETS = ("sparql.css",)
# Crawlers may read every page about the graph; not the endpoint (each example link on the query page
# is a query to run) nor search and incoming-link lists (queries too, and endless).
ROBOTS = b"User-agent: *\nDisallow: /sparql\nDisallow: /search\nDisallow: /incoming/\n"


class Site(FastAPI):
    """The app. /sparql goes straight to the endpoint through the edge and the version pin alone, ahead
    of every layer of the framework's (its error pages, telemetry, body limit, routing, CORS): the
    endpoint answers all its errors itself, reads its body under its own limit and sets its CORS
    headers, and these layers cost a tenth of an uncached query's time in the HTTP process
    (docs/performance.md). Everything else goes through the framework."""

    sparql: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.sparql is not None and scope["type"] == "http" and scope["path"] == SPARQL_PATH:
            await self.sparql(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings, backend: QueryBackend | None = None) -> Site:
    if backend is None:
        backend = LiveBackend(settings)
    live = backend if isinstance(backend, LiveBackend) else None
    query_backend = backend

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await query_backend.start()
        try:
            yield
        finally:
            await query_backend.close()

    app = Site(
        title="ILRS knowledge graph", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.backend = backend

    app.include_router(linked_data_router(settings, backend))
    app.include_router(dumps_router(settings, live.dumps_dir if live else None))
    _add_stylesheets(app)
    app.add_api_route(
        "/robots.txt",
        _serving(ROBOTS, "text/plain; charset=utf-8"),
        methods=["GET", "HEAD"],
        include_in_schema=False,
    )
    app.router.routes.extend(editor_routes())  # the query editor's scripts and styles

    @app.exception_handler(IlrsKgError)
    async def package_error(request: Request, exc: IlrsKgError) -> Response:
        return response(error_reply(starlette_request(request), exc))

    @app.exception_handler(HTTPException)
    async def routing_error(request: Request, exc: HTTPException) -> Response:
        """No route answers the address (404) or the method (405): the same table, the same pages."""
        error: IlrsKgError
        if exc.status_code == 404:
            error = NotFound(f"nothing is at {request.url.path}; the site starts at /")
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "GET, HEAD")
            error = MethodNotAllowed(request.method, tuple(m.strip() for m in allowed.split(",")))
        else:
            return await http_exception_handler(request, exc)
        return response(error_reply(starlette_request(request), error))

    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=list(EXPOSED),
    )
    sparql: ASGIApp = SparqlEndpoint(settings, backend, examples=load_examples(settings.root / "queries"))
    # The same layers, innermost first, around the app and around /sparql (which skips FastAPI's own):
    # the version pin (everything below sees one release), then the edge.
    layers = [Middleware(PinVersion, live=live)] if live is not None else []
    layers.append(Middleware(Edge, settings=settings))
    for layer in layers:
        app.add_middleware(layer.cls, *layer.args, **layer.kwargs)
        sparql = layer.cls(sparql, *layer.args, **layer.kwargs)
    app.sparql = sparql
    return app


def _add_stylesheets(app: FastAPI) -> None:
    """Styles live in files, not in the pages: the pages' Content-Security-Policy allows no inline style."""
    for name in _STYLESHEETS:
        css = resources.files("ilrs_kg").joinpath(f"static/{name}").read_bytes()
        app.add_api_route(
            f"/static/{name}", _serving(css, "text/css"), methods=["GET", "HEAD"], include_in_schema=False
        )


def _serving(content: bytes, media_type: str) -> Callable[[], Response]:
    def serve() -> Response:
        return Response(content, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})

    return serve
