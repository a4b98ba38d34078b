"""Content negotiation for the linked-data pages: which document format, which language.

Pure functions over header values. `negotiate` follows RFC 9110 §12.5.1 (q-values, `type/*`, `*/*`,
specificity, q=0 refuses); the project-wide `ilrs_kg.conneg` takes its place once it exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class NotAcceptable(Exception):
    """Nothing offered matches the Accept header."""

    def __init__(self, offered: Sequence[str]) -> None:
        self.offered = tuple(offered)
        super().__init__("none of the offered media types is acceptable: " + ", ".join(offered))


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How specifically this range matches `media_type` (2 exact, 1 type/*, 0 */*), or None."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def _parse_q(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0
    return min(max(q, 0.0), 1.0)


def _parse_accept(header: str) -> list[_Range]:
    ranges = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if "/" not in media:
            continue
        kind, _, sub = media.partition("/")
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _parse_q(value.strip())
        ranges.append(_Range(kind.strip(), sub.strip(), q))
    return ranges


def negotiate(accept: str | None, offered: Sequence[str], default: str) -> str:
    """The offered media type the client prefers; `default` when it states no preference.

    Ties go to the earlier offer. Raises NotAcceptable when every offer is refused.
    """
    if accept is None or not accept.strip():
        return default
    ranges = _parse_accept(accept)
    if not ranges:
        return default
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for position, media_type in enumerate(offered):
        matches = [(r.specificity(media_type.lower()), r.q) for r in ranges]
        scored = [(spec, q) for spec, q in matches if spec is not None]
        if not scored:
            continue
        q = max(scored)[1]  # the most specific range decides
        if q <= 0:
            continue
        if best is None or (q, -position) > best:
            best, chosen = (q, -position), media_type
    if chosen is None:
        raise NotAcceptable(offered)
    return chosen


def negotiate_language(accept_language: str | None, supported: Sequence[str], default: str) -> str:
    """The supported language the reader prefers (`zh-CN` counts as `zh`); `default` otherwise."""
    if not accept_language:
        return default
    best_q, best = 0.0, default
    for item in accept_language.split(","):
        parts = [p.strip() for p in item.split(";")]
        tag = parts[0].lower()
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _parse_q(value.strip())
        primary = tag.split("-")[0]
        candidate = default if primary == "*" else primary
        if candidate in supported and q > best_q:
            best_q, best = q, candidate
    return best
