"""Content negotiation: one pure function for every negotiated resource (RFC 9110, section 12.5.1).

    negotiate("text/*;q=0.5, application/json", ("text/turtle", "application/json"), "text/turtle")
    -> "application/json"

The offered media types are bare `type/subtype` strings, in the server's order of preference. The most
specific media range in the Accept header that matches an offered type sets its quality (an exact
range beats `type/*`, which beats `*/*`); q=0 excludes it. Among equal qualities the more specific
match wins, then the default, then the earlier offer. No Accept header, or one with nothing usable in
it, means the default. When nothing on offer is acceptable, NotAcceptable names what is on offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from ilrs_kg.errors import NotAcceptable

__all__ = ["MediaRange", "negotiate", "parse_accept"]


class MediaRange(NamedTuple):
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range names `media_type`: 2 exact, 1 `type/*`, 0 `*/*`, -1 not at all."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def _parse_range(item: str) -> MediaRange | None:
    media, *params = (part.strip() for part in item.split(";"))
    if media == "*":  # seen in the wild; means */*
        media = "*/*"
    main, slash, sub = media.lower().partition("/")
    if not slash or not main or not sub or (main == "*" and sub != "*"):
        return None
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            if not 0.0 <= q <= 1.0:
                return None
            break  # parameters after q are accept-extensions
    return MediaRange(main, sub, q)


@lru_cache(maxsize=512)
def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """The usable media ranges of an Accept header, in header order; malformed entries are dropped."""
    ranges = (_parse_range(item) for item in header.split(",") if item.strip())
    return tuple(r for r in ranges if r is not None)


def negotiate(accept: str | None, offered: Sequence[str], default: str) -> str:
    """The offered media type the client prefers; raises NotAcceptable when none is acceptable."""
    return _negotiate(accept or "", tuple(offered), default)


@lru_cache(maxsize=1024)
def _negotiate(accept: str, offered: tuple[str, ...], default: str) -> str:
    if default not in offered:
        raise ValueError(f"the default {default!r} is not among the offered media types")
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best: tuple[float, int, bool, int] | None = None
    chosen = default
    for index, media_type in enumerate(offered):
        q, specificity = 0.0, -1
        for media_range in ranges:
            level = media_range.specificity(media_type)
            if level > specificity:
                q, specificity = media_range.q, level
        if specificity < 0 or q <= 0.0:
            continue
        rank = (q, specificity, media_type == default, -index)
        if best is None or rank > best:
            best, chosen = rank, media_type
    if best is None:
        raise NotAcceptable(f"Accept: {accept}", offered)
    return chosen
