"""The linked-data front end: entity IRIs that open as pages for people and as RDF for programs.

`build_router(settings, backend)` gives the FastAPI routes, which have the backend render each page
where the store is (ilrs_kg.linked_data.pages); everything behind them is plain functions over the store
and small view-model objects rendered by Jinja2 templates.
"""

from ilrs_kg.linked_data.routes import build_router

__all__ = ["build_router"]
