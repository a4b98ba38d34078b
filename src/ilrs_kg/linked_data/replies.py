"""The header rules every linked-data answer follows: validators (ETag, Last-Modified) and 304s, Vary,
Link, caching and CORS. The reply values themselves are the web core's (ilrs_kg.web.reply)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ilrs_kg.web.cors import CORS
from ilrs_kg.web.reply import Reply, Request
from ilrs_kg.web.validators import etag_of, http_date, not_modified

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CACHE_CONTROL = "public, max-age=300"

LinkSpec = tuple[str, str, str | None]


def link_header(links: Sequence[LinkSpec]) -> str:
    """`<href>; rel="alternate"; type="text/turtle"` entries from (href, rel, media type)."""
    parts = []
    for href, rel, media_type in links:
        entry = f'<{href}>; rel="{rel}"'
        if media_type:
            entry += f'; type="{media_type}"'
        parts.append(entry)
    return ", ".join(parts)


def document_reply(
    request: Request,
    body: bytes,
    content_type: str,
    *,
    last_modified: datetime,
    vary: str,
    extra: list[tuple[str, str]],
    status: int = 200,
) -> Reply:
    """A 200 (or 304 when the client's copy is current) with the validators and common headers."""
    etag = etag_of(body)
    headers = [
        ("ETag", etag),
        ("Last-Modified", http_date(last_modified)),
        ("Cache-Control", CACHE_CONTROL),
        ("Vary", vary),
        *CORS,
        *extra,
    ]
    if status == 200 and not_modified(request, etag, last_modified):
        return Reply(304, tuple(headers))
    return Reply(status, (("Content-Type", content_type), *headers), body)


def redirect(location: str, *, vary: str, extra: list[tuple[str, str]] | None = None) -> Reply:
    headers = [
        ("Location", location),
        ("Vary", vary),
        ("Cache-Control", CACHE_CONTROL),
        *CORS,
        *(extra or []),
    ]
    return Reply(303, (("Content-Type", "text/plain; charset=utf-8"), *headers), f"See {location}\n".encode())
