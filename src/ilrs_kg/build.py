"""Validate the sources and build the store: the one pipeline behind `validate`, `build` and `serve`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.errors import ValidationFailed
from ilrs_kg.exports import dump_formats, list_dumps, produce_all
from ilrs_kg.settings import Settings
from ilrs_kg.sources import data_version, graph_files, load_files, shape_files
from ilrs_kg.store import current_build, load_in_memory, write_store
from ilrs_kg.validation import ValidationReport, validate

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class BuildOutcome:
    data_version: str
    triples: int
    reused: bool
    seconds: float


class _Timer:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.started = time.perf_counter()

    def step(self, label: str, since: float) -> float:
        now = time.perf_counter()
        self.progress(f"{label} ({now - since:.2f} s)")
        return now


def run_validation(settings: Settings, progress: Progress = _quiet) -> ValidationReport:
    timer = _Timer(progress)
    graph_sources, shape_sources = graph_files(settings), shape_files(settings)
    progress(f"validating {len(graph_sources)} graph file(s) against {len(shape_sources)} shape file(s)")
    report = validate(graph_sources, shape_sources, settings.validator)
    timer.step("validated", timer.started)
    return report


def build_store(settings: Settings, progress: Progress = _quiet, *, reuse: bool = False) -> BuildOutcome:
    """Validate, then write a new store atomically; with `reuse`, keep a store built from these sources."""
    timer = _Timer(progress)
    version = data_version(settings)
    existing = current_build(settings)
    if reuse and existing is not None and existing.data_version == version:
        progress(f"store is up to date (data version {version})")
        if len(list_dumps(settings)) < len(dump_formats()):
            # A store built before the dumps existed, or whose dumps were deleted: make them again.
            produce_all(settings, load_in_memory(settings), progress)
        return BuildOutcome(
            version, existing.triples, reused=True, seconds=time.perf_counter() - timer.started
        )
    report = run_validation(settings, progress)
    if not report.conforms:
        raise ValidationFailed(report.render(settings.root), len(report.violations))
    since = time.perf_counter()

    def fill(store: ox.Store) -> int:
        return load_files(store, graph_files(settings))

    write_store(settings, version, fill)
    since = timer.step(f"wrote store at {settings.store_path}", since)
    produce_all(settings, load_in_memory(settings), progress)
    timer.step(f"wrote dumps to {settings.dumps_dir}", since)
    info = current_build(settings)
    triples = info.triples if info is not None else 0
    return BuildOutcome(version, triples, reused=False, seconds=time.perf_counter() - timer.started)
