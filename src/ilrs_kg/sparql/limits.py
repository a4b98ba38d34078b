"""The limits every query is held to, wherever it runs (front end, worker process, in-process backend)."""

from __future__ import annotations

from dataclasses import dataclass

from ilrs_kg.settings import Settings


@dataclass(frozen=True)
class Limits:
    max_query_chars: int
    max_query_nesting: int
    max_result_bytes: int
    max_query_operators: int = 2000
    # False only where a test proves that the workers' sandbox alone stops SERVICE.
    refuse_service: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.max_query_chars,
            settings.max_query_nesting,
            settings.max_result_bytes,
            settings.max_query_operators,
            settings.screen_service,
        )
