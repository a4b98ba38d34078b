"""`/dumps/`: the list of produced files (an HTML page in the site frame, or JSON), and each file with
its media type, a SHA-256 ETag, Content-Length, conditional GET and range requests.

    app.include_router(build_router(settings))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter

from ilrs_kg.errors import NotFound
from ilrs_kg.exports.catalog import FORMATS_BY_NAME, DumpFile, describe_file, list_dumps
from ilrs_kg.settings import Settings
from ilrs_kg.web.asgi import endpoint
from ilrs_kg.web.cors import CORS
from ilrs_kg.web.formats import HTML, JSON, Offer, choose
from ilrs_kg.web.frame import PageMeta, language_links, render, site_links
from ilrs_kg.web.iris import IriMap
from ilrs_kg.web.languages import reader_language
from ilrs_kg.web.reply import Reply, Request
from ilrs_kg.web.validators import etag_matches

LISTING = Offer((HTML, JSON))
_METHODS = ["GET", "HEAD"]


@dataclass(frozen=True)
class Row:
    url: str
    name: str
    description: str
    media_type: str
    size: str
    sha256: str


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


class Dumps:
    def __init__(self, settings: Settings, directory: Callable[[], Path]) -> None:
        self.settings = settings
        self.directory = directory

    def listing(self, request: Request) -> Reply:
        chosen = choose(LISTING, request.accept, request.query.get("format"))
        iris = IriMap(request.server)
        entries = list_dumps(self.settings, self.directory())
        if chosen is JSON:
            listing = [
                {
                    "url": iris.url(f"dumps/{e.name}"),
                    "media_type": e.media_type,
                    "bytes": e.bytes,
                    "sha256": e.sha256,
                }
                for e in entries
            ]
            body = json.dumps(listing).encode()
        else:
            rows = [_row(iris, e) for e in entries]
            lang = reader_language(request.query, request.accept_language)
            meta = PageMeta(
                title="Downloads",
                lang=lang,
                site=site_links(iris),
                languages=language_links("/dumps/", {}, lang),
            )
            page = render("ilrs_kg.exports", "dumps.html", meta=meta, entries=rows, json_href="?format=json")
            body = page.encode()
        headers = (("Content-Type", chosen.content_type), ("Vary", "Accept"), ("Cache-Control", "no-cache"))
        return Reply(200, (*headers, *CORS), body)

    def file(self, request: Request, name: str) -> Reply:
        dump_format = FORMATS_BY_NAME.get(name)
        entry = describe_file(dump_format, self.directory() / name) if dump_format is not None else None
        if entry is None:
            raise NotFound(f"no dump named {name!r}; the list is at /dumps/")
        etag = f'"{entry.sha256}"'
        if etag_matches(request.if_none_match, etag):
            return Reply(304, (("ETag", etag), *CORS))
        headers = (("Content-Type", entry.media_type), ("ETag", etag), ("Cache-Control", "no-cache"), *CORS)
        return Reply(200, headers, file=str(entry.path))


def _row(iris: IriMap, entry: DumpFile) -> Row:
    return Row(
        iris.url(f"dumps/{entry.name}"),
        entry.name,
        entry.format.description,
        entry.media_type,
        _size(entry.bytes),
        entry.sha256,
    )


def build_router(settings: Settings, dumps_dir: Callable[[], Path] | None = None) -> APIRouter:
    """`dumps_dir` names the directory to serve, per request (a server passes its pinned release's)."""
    dumps = Dumps(settings, dumps_dir or (lambda: settings.dumps_dir))
    router = APIRouter()
    router.add_api_route("/dumps/", endpoint(dumps.listing), methods=_METHODS, include_in_schema=False)
    router.add_api_route("/dumps/{name}", endpoint(dumps.file), methods=_METHODS, include_in_schema=False)
    return router
