"""Pages as jobs: a page is rendered where the store is, under the same limits as a query.

A page handler is a pure function from a Request value to a Reply value over a store (the linked-data
front's handlers are). So the HTTP process never reads the store for a page: it sends a `PageJob` (the
handler's name, the request, the path parameters) to the backend and gets the Reply back. In a worker
pool (ilrs_kg.sparql.workers) the job runs in a worker process that holds the release's store, with the
query's time limit, kill, crash budget and per-client fairness.

What a worker renders pages with is a `PageSite`: a factory, pickled by reference (module and name,
so it must be a module-level function), and the settings and build time it is called with over the
worker's store. This package never imports the front whose pages it renders; the front hands its
site to whoever starts the backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from ilrs_kg.settings import Settings

if TYPE_CHECKING:  # the values only pass through here; the front that renders them defines them
    from ilrs_kg.web.reply import Reply, Request


@dataclass(frozen=True)
class PageJob:
    handler: str  # a name in the site's table of handlers
    request: Request
    params: tuple[tuple[str, str], ...] = ()  # the route's path parameters, in order

    def describe(self) -> str:
        """For logs and crash memory: which page, never the request's headers."""
        return f"{self.handler} {dict(self.params)!r}"


class PageRenderer(Protocol):
    def __call__(self, job: PageJob) -> Reply:
        """The page's reply; raises PageFailed for a handler it does not know."""
        ...


class PageFactory(Protocol):
    def __call__(
        self, settings: Settings, store: ox.Store, built_at: datetime | None = None, /, **files: Path
    ) -> PageRenderer:
        """The pages over the store; `files`: the release's page files by name (its search index)."""
        ...


@dataclass(frozen=True)
class PageSite:
    """How a process holding a store renders pages over it (picklable: the factory goes by name)."""

    open: PageFactory
    settings: Settings
    # When the release was built (the pages' Last-Modified); None: the time the pages were opened.
    built_at: datetime | None = None
    # The release's files the pages read besides its store (by name: the search index), where it has them.
    files: tuple[tuple[str, Path], ...] = ()

    def over(self, store: ox.Store) -> PageRenderer:
        return self.open(self.settings, store, self.built_at, **dict(self.files))
