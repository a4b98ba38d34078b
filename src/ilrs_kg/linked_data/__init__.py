"""The linked-data front end: entity IRIs that open as pages for people and as RDF for programs.

`build_router(settings, backend)` gives the FastAPI routes, which have the backend render each page
where the store is (ilrs_kg.linked_data.pages); everything behind them is plain functions over the store
and small view-model objects rendered by Jinja2 templates.

The routes are imported on first use only: a worker process rendering pages imports the handlers, not
the web framework.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_router"]


def __getattr__(name: str) -> Any:
    if name == "build_router":
        from ilrs_kg.linked_data.routes import build_router

        return build_router
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
