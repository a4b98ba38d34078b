"""The linked-data pages by name: the routes, and the handlers a process holding the store runs for them.

The HTTP process only knows `ROUTES` (path → handler name) and sends each request as a PageJob
(ilrs_kg.sparql.page_jobs) to its backend; the backend's process opens the handlers once over its store
with `open_pages` (named in the PageSite that `page_site` returns) and answers jobs by name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import PageFailed
from ilrs_kg.linked_data.graph_pages import GraphPages
from ilrs_kg.linked_data.render import TEMPLATES
from ilrs_kg.linked_data.service import LinkedData
from ilrs_kg.linked_data.site_pages import SitePages
from ilrs_kg.linked_data.snapshot import Snapshots
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.page_jobs import PageFactory, PageJob, PageSite
from ilrs_kg.web.errors import answer
from ilrs_kg.web.frame import environment
from ilrs_kg.web.reply import Reply, Request

Handler = Callable[..., Reply]

ROUTES: tuple[tuple[str, str], ...] = (
    ("/id/{kind}/{slug}", "entity"),
    ("/doc/{kind}/{name}", "document"),
    ("/incoming/{kind}/{slug}", "incoming"),
    ("/search", "search"),
    ("/", "home"),
    ("/class/{name}", "class_index"),
    ("/ontology", "ontology"),
    ("/ontology.{ext}", "ontology_file"),
    ("/ontology/{name}", "ontology"),
    ("/dataset", "dataset"),
    ("/shapes", "shapes"),
    ("/.well-known/void", "void"),
    ("/graph/{path:path}", "graph"),
    ("/rule/{name}", "rule"),
)


class Pages:
    """Every linked-data handler over one store, by the names ROUTES gives them."""

    def __init__(self, settings: Settings, snapshots: Snapshots, page_index: Path | None = None) -> None:
        service = LinkedData(settings, snapshots, page_index)
        site = SitePages(service)
        graphs = GraphPages(service)
        self.handlers: dict[str, Handler] = {
            "entity": service.entity,
            "document": service.document,
            "incoming": service.incoming,
            "search": service.search,
            "home": site.home,
            "class_index": site.class_index,
            "ontology": site.ontology,
            "ontology_file": lambda request, ext: site.ontology(request, "." + ext),
            "dataset": site.dataset,
            "shapes": site.shapes,
            "void": site.void,
            "graph": graphs.graph,
            "rule": graphs.rule,
        }

    def __call__(self, job: PageJob) -> Reply:
        handler = self.handlers.get(job.handler)
        if handler is None:
            raise PageFailed(f"no page handler is named {job.handler!r}")
        # Errors are rendered here: their own details need not survive pickling.
        return answer(handler, job.request, **dict(job.params))

    def render(self, handler: str, request: Request, **params: str) -> Reply:
        """One page without a job (tools and tests)."""
        return self(PageJob(handler, request, tuple(params.items())))


def open_pages(
    settings: Settings, store: ox.Store, built_at: datetime | None = None, /, **files: Path
) -> Pages:
    """The handlers over the store, ready: its vocabulary and provenance read, every template compiled,
    so that only the page that opens them pays for it, once (about 0.3 s). `files["page_index"]`:
    the release's page index (page_index), opened read-only."""
    modified = (lambda: built_at) if built_at is not None else None
    snapshots = Snapshots(settings, lambda: store, modified)
    snapshots.current()
    templates = environment(TEMPLATES)
    for name in templates.list_templates(filter_func=lambda name: name.endswith(".html")):
        templates.get_template(name)
    return Pages(settings, snapshots, files.get("page_index"))


def page_site(
    settings: Settings,
    built_at: datetime | None = None,
    factory: PageFactory = open_pages,
    page_index: Path | None = None,
) -> PageSite:
    """What a backend's processes render these pages with; `page_index`: the release's index file."""
    files = (("page_index", page_index),) if page_index is not None else ()
    return PageSite(factory, settings, built_at, files)
