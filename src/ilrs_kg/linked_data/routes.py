"""The FastAPI edge of the linked-data front end: turn requests into `replies.Request`, replies back.

Every page is a PageJob sent to the backend (ilrs_kg.linked_data.pages names them), so no page reads the
store on the event loop: the backend renders it where the store is, under the query time limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources

from fastapi import APIRouter, Response
from fastapi import Request as HttpRequest

from ilrs_kg.linked_data.pages import ROUTES
from ilrs_kg.linked_data.replies import CACHE_CONTROL, CORS, Reply, Request
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.backend import QueryBackend
from ilrs_kg.sparql.page_jobs import PageJob

_METHODS = ["GET", "HEAD"]


def _request(http: HttpRequest) -> Request:
    headers = http.headers
    return Request(
        server=str(http.base_url),
        accept=headers.get("accept"),
        user_agent=headers.get("user-agent"),
        accept_language=headers.get("accept-language"),
        if_none_match=headers.get("if-none-match"),
        if_modified_since=headers.get("if-modified-since"),
        query=dict(http.query_params),
    )


def _response(reply: Reply) -> Response:
    return Response(content=reply.body, status_code=reply.status, headers=dict(reply.headers))


def page_endpoint(backend: QueryBackend, handler: str) -> Callable[[HttpRequest], Awaitable[Response]]:
    """An endpoint that has the backend render the named page handler."""

    async def endpoint(request: HttpRequest) -> Response:
        job = PageJob(handler, _request(request), tuple(request.path_params.items()))
        client = request.client.host if request.client is not None else None
        return _response(await backend.page(job, client))

    return endpoint


def build_router(settings: Settings, backend: QueryBackend) -> APIRouter:
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
        return Response(css, media_type="text/css", headers={"Cache-Control": CACHE_CONTROL, **CORS})

    return router
