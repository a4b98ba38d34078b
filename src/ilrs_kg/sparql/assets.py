"""The query editor's files, served from the package: the vendored YASGUI build (static/yasgui/, see
scripts/vendor_yasgui.py) and our own script and chart plugin. No CDN: the page works offline.

A fixed list, read once: no path from a request ever reaches the file system. The 1 MB script is
sent gzipped to a client that accepts it (about a third of the size, which a phone notices).
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
EDITOR_FILES = {
    "yasgui/yasgui.min.js": _JS,
    "yasgui/yasgui.min.css": _CSS,
    "yasgui/LICENSE": _TEXT,
    "yasgui/THIRD-PARTY.txt": _TEXT,
    "sparql-editor.js": _JS,
    "sparql-chart.js": _JS,
}
CACHE_CONTROL = "public, max-age=3600"


@dataclass(frozen=True)
class Asset:
    media_type: str
    body: bytes
    gzipped: bytes


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether `Accept-Encoding` allows gzip: listed (or `*`) with a q above 0 (RFC 9110, 12.5.3)."""
    weights: dict[str, float] = {}
    for item in (accept_encoding or "").lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            weights[coding] = float(q)
        except ValueError:
            weights[coding] = 0.0
    return weights.get("gzip", weights.get("*", 0.0)) > 0


@cache  # once per process, however many apps are made (tests make hundreds)
def _load(name: str, media_type: str) -> Asset:
    body = resources.files("ilrs_kg").joinpath(f"static/{name}").read_bytes()
    return Asset(media_type, body, gzip.compress(body, mtime=0))


def _serving(asset: Asset) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
        if accepts_gzip(request.headers.get("accept-encoding")):
            headers["Content-Encoding"] = "gzip"
            return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    return serve


def editor_routes() -> list[BaseRoute]:
    """GET/HEAD /static/<name> for each of EDITOR_FILES."""
    return [
        Route(f"/static/{name}", _serving(_load(name, media_type)), methods=["GET", "HEAD"])
        for name, media_type in EDITOR_FILES.items()
    ]
