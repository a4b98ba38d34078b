"""The linked-data front end's routes: each a plain handler (`handler(Request, **path_params) -> Reply`)
served through the web core's glue (ilrs_kg.web.asgi), which renders what a handler raises."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Response

from ilrs_kg.linked_data.graph_pages import GraphPages
from ilrs_kg.linked_data.replies import CACHE_CONTROL
from ilrs_kg.linked_data.service import LinkedData
from ilrs_kg.linked_data.site_pages import SitePages
from ilrs_kg.linked_data.snapshot import Clock, Snapshots, StoreProvider
from ilrs_kg.settings import Settings
from ilrs_kg.web.asgi import endpoint
from ilrs_kg.web.cors import CORS
from ilrs_kg.web.errors import Handler

_METHODS = ["GET", "HEAD"]


def build_router(
    settings: Settings, store_provider: StoreProvider, modified: Clock | None = None
) -> APIRouter:
    """Routes for entity IRIs, their documents, the home and class pages, the ontology and VoID.

    `store_provider` returns the store to read; it is called per request, so a rebuilt store is picked up;
    `modified` says when that store was built.
    """
    service = LinkedData(settings, Snapshots(settings, store_provider, modified))
    router = APIRouter()

    def route(path: str, handler: Handler) -> None:
        router.add_api_route(
            path, endpoint(handler), methods=_METHODS, include_in_schema=False, name=f"ld:{path}"
        )

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
        return Response(css, media_type="text/css", headers={"Cache-Control": CACHE_CONTROL, **dict(CORS)})

    return router
