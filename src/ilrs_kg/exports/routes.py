"""`/dumps/`: the list of produced files (HTML or JSON), and each file with its media type, a SHA-256
ETag, Content-Length, conditional GET and range requests.

    app.include_router(build_router(settings))
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response

from ilrs_kg.conneg import negotiate
from ilrs_kg.errors import NotAcceptable
from ilrs_kg.exports.catalog import FORMATS_BY_NAME, DumpFile, describe_file, list_dumps
from ilrs_kg.settings import Settings

_LISTING_TYPES = ("text/html", "application/json")
_FORMAT_OVERRIDES = {"html": "text/html", "json": "application/json"}


def _etag(entry: DumpFile) -> str:
    return f'"{entry.sha256}"'


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: `W/"x"` matches `"x"`; `*` matches any current file."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


def _html_listing(entries: list[DumpFile], request: Request) -> str:
    rows = "\n".join(
        '<tr><td><a href="{url}">{name}</a></td><td>{description}</td><td><code>{media}</code></td>'
        "<td>{size}</td><td><code>{sha}</code></td></tr>".format(
            url=html.escape(str(request.url_for("dump_file", name=e.name))),
            name=html.escape(e.name),
            description=html.escape(e.format.description),
            media=html.escape(e.media_type),
            size=html.escape(_size(e.bytes)),
            sha=html.escape(e.sha256),
        )
        for e in entries
    )
    body = (
        "<table><thead><tr><th>File</th><th>Contents</th><th>Media type</th><th>Size</th>"
        f"<th>SHA-256</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
        if entries
        else "<p>No dumps have been produced yet: run <code>ilrs-kg build</code>.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ILRS knowledge graph: downloads</title>
<link rel="stylesheet" href="/static/downloads.css"></head>
<body><h1>Downloads</h1>
<p>The whole graph in RDF for triple stores and RDF libraries, the ontology for Protégé, and property-graph
exports for Gephi, Neo4j and Cytoscape. <a href="?format=json">This list as JSON</a> (or send
<code>Accept: application/json</code>).</p>
{body}
</body></html>
"""


def build_router(settings: Settings, dumps_dir: Callable[[], Path] | None = None) -> APIRouter:
    """`dumps_dir` names the directory to serve, per request (a server passes its pinned release's)."""
    router = APIRouter()
    directory = dumps_dir or (lambda: settings.dumps_dir)

    @router.api_route("/dumps/", methods=["GET", "HEAD"], name="dump_listing")
    def dump_listing(request: Request) -> Response:
        headers = {"Vary": "Accept"}
        requested = request.query_params.get("format")
        if requested is not None:
            chosen = _FORMAT_OVERRIDES.get(requested, "")
            if not chosen:
                return PlainTextResponse(f"unknown format {requested!r}; use html or json", status_code=400)
        else:
            try:
                chosen = negotiate(request.headers.get("accept"), _LISTING_TYPES, "text/html")
            except NotAcceptable as exc:
                return PlainTextResponse(str(exc), status_code=406, headers=headers)
        entries = list_dumps(settings, directory())
        if chosen == "application/json":
            listing = [
                {
                    "url": str(request.url_for("dump_file", name=e.name)),
                    "media_type": e.media_type,
                    "bytes": e.bytes,
                    "sha256": e.sha256,
                }
                for e in entries
            ]
            return JSONResponse(listing, headers=headers)
        return HTMLResponse(_html_listing(entries, request), headers=headers)

    @router.api_route("/dumps/{name}", methods=["GET", "HEAD"], name="dump_file")
    def dump_file(name: str, request: Request) -> Response:
        dump_format = FORMATS_BY_NAME.get(name)
        entry = describe_file(dump_format, directory() / name) if dump_format is not None else None
        if entry is None:
            return PlainTextResponse(f"no dump named {name!r}; the list is at /dumps/", status_code=404)
        etag = _etag(entry)
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None and _matches(if_none_match, etag):
            return Response(status_code=304, headers={"ETag": etag})
        return FileResponse(
            entry.path,
            media_type=entry.media_type,
            headers={"ETag": etag, "Cache-Control": "no-cache"},
            stat_result=entry.path.stat(),
        )

    return router
