"""The limits every query is held to, wherever it runs (front end, worker process, in-process backend)."""

from __future__ import annotations

from dataclasses import dataclass

from ilrs_kg.settings import Settings


@dataclass(frozen=True)
class Limits:
    max_query_chars: int
    max_query_nesting: int
    max_result_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.max_query_chars, settings.max_query_nesting, settings.max_result_bytes)
