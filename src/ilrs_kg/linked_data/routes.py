"""The FastAPI edge of the linked-data front end: turn requests into `replies.Request`, replies back."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from fastapi import APIRouter, Response
from fastapi import Request as HttpRequest

from ilrs_kg.linked_data.graph_pages import GraphPages
from ilrs_kg.linked_data.replies import CACHE_CONTROL, CORS, Reply, Request
from ilrs_kg.linked_data.service import LinkedData
from ilrs_kg.linked_data.site_pages import SitePages
from ilrs_kg.linked_data.snapshot import Clock, Snapshots, StoreProvider
from ilrs_kg.settings import Settings

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


def build_router(
    settings: Settings, store_provider: StoreProvider, modified: Clock | None = None
) -> APIRouter:
    """Routes for entity IRIs, their documents, the home and class pages, the ontology and VoID.

    `store_provider` returns the store to read; it is called per request, so a rebuilt store is picked up;
    `modified` says when that store was built.
    """
    service = LinkedData(settings, Snapshots(settings, store_provider, modified))
    router = APIRouter()

    def route(path: str, handler: Callable[..., Reply]) -> None:
        async def endpoint(request: HttpRequest) -> Response:
            return _response(handler(_request(request), **request.path_params))

        router.add_api_route(path, endpoint, methods=_METHODS, include_in_schema=False, name=f"ld:{path}")

    route("/id/{kind}/{slug}", service.entity)
    route("/doc/{kind}/{name}", service.document)
    route("/incoming/{kind}/{slug}", service.incoming)
    route("/search", service.search)
    pages = SitePages(service)
    route("/", pages.home)
    route("/class/{name}", pages.class_index)
    route("/ontology", pages.ontology)
    route("/ontology.{ext}", lambda request, ext: pages.ontology(request, "." + ext))
    route("/ontology/{name}", pages.ontology)
    route("/dataset", pages.dataset)
    route("/shapes", pages.shapes)
    route("/.well-known/void", pages.void)
    graph_pages = GraphPages(service)
    route("/graph/{path:path}", graph_pages.graph)
    route("/rule/{name}", graph_pages.rule)

    css = resources.files("ilrs_kg.linked_data").joinpath("static/ld.css").read_bytes()

    @router.api_route("/static/ld/ld.css", methods=_METHODS, include_in_schema=False)
    async def stylesheet() -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": CACHE_CONTROL, **CORS})

    return router
