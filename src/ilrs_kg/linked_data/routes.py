"""The linked-data front end's routes: each a PageJob sent to the backend (ilrs_kg.linked_data.pages
names them), so no page reads the store on the event loop: the backend renders it where the store is,
under the query time limit. The web core's glue (ilrs_kg.web.asgi) turns requests and replies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources

from fastapi import APIRouter, Response
from fastapi import Request as HttpRequest

from ilrs_kg.linked_data.pages import ROUTES
from ilrs_kg.linked_data.replies import CACHE_CONTROL
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import QueryBackend
from ilrs_kg.sparql.page_jobs import PageJob
from ilrs_kg.web.asgi import response, starlette_request
from ilrs_kg.web.cors import CORS

_METHODS = ["GET", "HEAD"]


def page_endpoint(backend: QueryBackend, handler: str) -> Callable[[HttpRequest], Awaitable[Response]]:
    """An endpoint that has the backend render the named page handler."""

    async def endpoint(http: HttpRequest) -> Response:
        request = starlette_request(http)
        job = PageJob(handler, request, tuple(http.path_params.items()))
        client = http.client.host if http.client is not None else None
        # The backend's own refusals (busy, too long, crashed) are raised to the app's one error handler.
        return response(await backend.page(job, client))

    return endpoint


def build_router(_settings: Settings, backend: QueryBackend) -> APIRouter:
    """Routes for entity IRIs, their documents, the home and class pages, the ontology and VoID, each
    rendered by the backend (which answers from the release the request is pinned to)."""
    router = APIRouter()
    for path, handler in ROUTES:
        router.add_api_route(
            path,
            page_endpoint(backend, handler),
            methods=_METHODS,
            include_in_schema=False,
            name=f"ld:{path}",
        )

    css = resources.files("ilrs_kg.linked_data").joinpath("static/ld.css").read_bytes()

    @router.api_route("/static/ld/ld.css", methods=_METHODS, include_in_schema=False)
    async def stylesheet() -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": CACHE_CONTROL, **dict(CORS)})

    return router
