"""Validators and conditional requests (RFC 9110 §8.8, §13): ETags, Last-Modified, 304s."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from ilrs_kg.web.reply import Request


def etag_of(body: bytes) -> str:
    """A strong ETag from the body's SHA-256."""
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison (§13.1.2): `W/"x"` matches `"x"`; `*` matches any current one."""
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    return any(
        candidate.strip() == "*" or candidate.strip().removeprefix("W/") == opaque
        for candidate in if_none_match.split(",")
    )


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: datetime | None = None) -> bool:
    """Whether the client's copy is current (§13.2.2): If-None-Match wins; If-Modified-Since counts only
    without it."""
    if request.if_none_match is not None:
        return etag_matches(request.if_none_match, etag)
    if request.if_modified_since is not None and last_modified is not None:
        try:
            since = parsedate_to_datetime(request.if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= since
    return False
