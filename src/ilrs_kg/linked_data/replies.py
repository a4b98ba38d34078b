"""HTTP replies as plain values, and the header rules every linked-data answer follows: validators
(ETag, Last-Modified) and 304s, Vary, Link, caching and CORS."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CACHE_CONTROL = "public, max-age=300"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Location, ETag, Last-Modified, Link, Location, Vary",
}


@dataclass(frozen=True)
class Request:
    """The parts of an HTTP request the linked-data handlers look at."""

    server: str
    accept: str | None = None
    user_agent: str | None = None
    accept_language: str | None = None
    if_none_match: str | None = None
    if_modified_since: str | None = None
    query: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


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


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return etag in candidates


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since counts only without it."""
    if request.if_none_match is not None:
        return _etag_matches(request.if_none_match, etag)
    if request.if_modified_since is not None:
        try:
            since = parsedate_to_datetime(request.if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


def document_reply(
    request: Request,
    body: bytes,
    content_type: str,
    *,
    last_modified: datetime,
    vary: str,
    extra: list[tuple[str, str]],
) -> Reply:
    """A 200 (or 304 when the client's copy is current) with the validators and common headers."""
    etag = etag_for(body)
    headers = [
        ("ETag", etag),
        ("Last-Modified", http_date(last_modified)),
        ("Cache-Control", CACHE_CONTROL),
        ("Vary", vary),
        *CORS.items(),
        *extra,
    ]
    if not_modified(request, etag, last_modified):
        return Reply(304, b"", tuple(headers))
    return Reply(200, body, (("Content-Type", content_type), *headers))


def plain_reply(
    status: int,
    message: str,
    *,
    vary: str = "Accept",
    extra: list[tuple[str, str]] | None = None,
    content_type: str = "text/plain; charset=utf-8",
    body: bytes | None = None,
) -> Reply:
    headers = [
        ("Content-Type", content_type),
        ("Vary", vary),
        ("Cache-Control", "no-cache"),
        *CORS.items(),
        *(extra or []),
    ]
    return Reply(status, body if body is not None else (message + "\n").encode(), tuple(headers))


def redirect(location: str, *, vary: str, extra: list[tuple[str, str]] | None = None) -> Reply:
    headers = [
        ("Location", location),
        ("Vary", vary),
        ("Cache-Control", CACHE_CONTROL),
        *CORS.items(),
        *(extra or []),
    ]
    return Reply(303, f"See {location}\n".encode(), (("Content-Type", "text/plain; charset=utf-8"), *headers))
