"""Which language a reader gets: a pure function over the Accept-Language header (RFC 9110 §12.5.4).

Media types are negotiated by the project-wide `ilrs_kg.conneg`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SUPPORTED_LANGUAGES = ("en", "zh", "ru")
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский"}


def _parse_q(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0
    return min(max(q, 0.0), 1.0)


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


def reader_language(query: Mapping[str, str], accept_language: str | None) -> str:
    """`?lang=` when it names a supported language, else the Accept-Language header's choice."""
    wanted = query.get("lang")
    if wanted in SUPPORTED_LANGUAGES:
        return wanted
    return negotiate_language(accept_language, SUPPORTED_LANGUAGES, "en")
