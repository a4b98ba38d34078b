"""Validate the sources and build a release (store and dumps): the one pipeline behind `validate`, `build`
and `serve`."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.derivation import DerivedSources, with_derived
from ilrs_kg.errors import StoreError, ValidationFailed
from ilrs_kg.exports import produce_all
from ilrs_kg.linked_data.page_index import PAGE_INDEX_FILE, write_page_index
from ilrs_kg.releases import (
    Draft,
    Release,
    build_lock,
    current_release,
    draft,
    remove_unused,
    verify,
)
from ilrs_kg.settings import Settings
from ilrs_kg.sources import data_version, graph_files, shape_files
from ilrs_kg.store import fill_store, open_store_dir
from ilrs_kg.swap import live_servers, swap_in
from ilrs_kg.validation import ValidationReport, validate

Progress = Callable[[str], None]
# Above this many triples the page index is written by a second process while this one writes the dumps:
# both only read the sealed store, and on two cores the build's two longest steps then overlap. Below it,
# the second process's start (a second of imports) costs more than the overlap saves.
INDEX_BESIDE_ABOVE = 200_000


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class BuildOutcome:
    data_version: str
    triples: int
    reused: bool
    seconds: float
    release: str = ""


class _Timer:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.started = time.perf_counter()

    def step(self, label: str, since: float) -> float:
        now = time.perf_counter()
        self.progress(f"{label} ({now - since:.2f} s)")
        return now

    def outcome(self, release: Release, *, reused: bool) -> BuildOutcome:
        return BuildOutcome(
            release.data_version, release.triples, reused, time.perf_counter() - self.started, release.name
        )


def run_validation(
    settings: Settings,
    progress: Progress = _quiet,
    derived: DerivedSources | None = None,
    *,
    incremental: bool = False,
) -> ValidationReport:
    """Validate the sources and the rules' output (derived here unless the caller derived already);
    `incremental`: recheck only what changed since the last incremental validation (ilrs_kg.revalidation,
    its state under <build>/validation-state), the same report."""
    timer = _Timer(progress)
    derived = derived or with_derived(settings, graph_files(settings), progress)
    graph_sources, shape_sources = derived.files, shape_files(settings)
    progress(f"validating {len(graph_sources)} graph file(s) against {len(shape_sources)} shape file(s)")
    state_dir = settings.output_dir / "validation-state" if incremental else None
    report = validate(graph_sources, shape_sources, settings.validator, state_dir=state_dir, log=progress)
    timer.step("validated", timer.started)
    return report


def build_store(
    settings: Settings,
    progress: Progress = _quiet,
    *,
    reuse: bool = False,
    thorough: bool = False,
    incremental: bool = False,
) -> BuildOutcome:
    """Validate, then write a new release and swap it in (under running servers, once they have all
    loaded it: ilrs_kg.swap); with `reuse`, keep the current release when it was built from these
    sources and its files match its manifest (by size and time, or by digest with `thorough`:
    ilrs_kg.releases.verify)."""
    timer = _Timer(progress)
    with build_lock(settings):
        _report_removed(remove_unused(settings), progress)
        live_servers(settings)  # also forgets the servers that were killed
        version = data_version(settings)
        existing = current_release(settings)
        if reuse and existing is not None and existing.data_version == version:
            problems = verify(existing, thorough=thorough)
            if not problems:
                progress(f"store is up to date (data version {version})")
                return timer.outcome(existing, reused=True)
            progress(
                f"the current build does not match its manifest ({'; '.join(problems[:5])}); "
                "rebuilding what is wrong"
            )
            if all(problem.startswith("dumps/") for problem in problems):
                repaired = _redo_dumps(settings, existing, progress)
                _report_removed(remove_unused(settings), progress)
                return timer.outcome(repaired, reused=True)
        derived = with_derived(settings, graph_files(settings), progress)
        report = run_validation(settings, progress, derived, incremental=incremental)
        if not report.conforms:
            raise ValidationFailed(report.render(settings.root), len(report.violations))
        since = time.perf_counter()
        with draft(settings, version) as unit:
            store = ox.Store(str(unit.store_dir))
            triples = fill_store(store, derived.files)
            store.flush()
            store.optimize()
            del store  # releases the RocksDB lock before readers open it
            since = timer.step(f"wrote store at {unit.store_dir}", since)
            release = _finish(settings, unit, triples, progress)
        timer.step(f"wrote dumps to {unit.dumps_dir}", since)
        progress(derived.share_line(time.perf_counter() - timer.started))
        _report_removed(remove_unused(settings), progress)
    return timer.outcome(release, reused=False)


def _finish(settings: Settings, unit: Draft, triples: int, progress: Progress) -> Release:
    """Write the dumps from the unit's own store (on disk: streamed, never copied into memory), seal the
    manifest, then swap the unit in."""
    beside = triples > INDEX_BESIDE_ABOVE and _cores() > 1
    with _index_writer(unit.store_dir, unit.index_dir / PAGE_INDEX_FILE, beside=beside) as index_names:
        produce_all(settings, open_store_dir(unit.store_dir), progress, directory=unit.dumps_dir)
        names = index_names()
    how = " (written beside the dumps, by a second process)" if beside else ""
    progress(f"wrote the page index ({names} names) in {unit.index_dir}{how}")
    release = unit.seal(triples)
    swap_in(settings, release, progress)
    return release


def _write_index(store_dir: str, path: str) -> int:
    return write_page_index(open_store_dir(Path(store_dir)), Path(path))


_PR_SET_PDEATHSIG = 1
IndexWriter = Callable[[str, str], int]


def _index_process(writer: IndexWriter, store_dir: str, path: str, reply: Connection, parent: int) -> None:
    """The second process: dies with its parent (a build killed by SIGKILL runs no cleanup, and the index
    of 10M triples would go on for minutes), then sends back the name count or the error."""
    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        reply.send(StoreError("the page index's process cannot ask to end with the build"))
        return
    if os.getppid() != parent:  # the build ended before the request took hold
        return
    try:
        reply.send(writer(store_dir, path))
    except Exception as exc:  # every failure goes back to the build, which raises it
        reply.send(exc)


def _cores() -> int:
    return len(os.sched_getaffinity(0))


@contextlib.contextmanager
def _index_writer(store_dir: Path, path: Path, *, beside: bool) -> Iterator[Callable[[], int]]:
    """A function giving the page index's name count once it is written: by this process when called, or,
    `beside`, by a second process started now (its error, or its end without an answer, is raised by the
    call; leaving the block kills it, so a failed dump never leaves it running)."""
    if not beside:
        yield lambda: _write_index(str(store_dir), str(path))
        return
    # spawn, not fork: the parent holds RocksDB's threads and open files.
    context = multiprocessing.get_context("spawn")
    answers, reply = context.Pipe(duplex=False)
    process = context.Process(
        target=_index_process, args=(_write_index, str(store_dir), str(path), reply, os.getpid())
    )
    process.start()
    reply.close()  # so that the child's end, however it comes, ends the wait below

    def names() -> int:
        try:
            answer = answers.recv()
        except EOFError:
            process.join()
            raise StoreError(
                f"the page index's process ended (exit status {process.exitcode}) without writing it"
            ) from None
        if isinstance(answer, BaseException):
            raise answer
        return int(answer)

    try:
        yield names
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        answers.close()


def _redo_dumps(settings: Settings, existing: Release, progress: Progress) -> Release:
    """A new unit sharing the sound store's files (hard links: they are never written again) with fresh
    dumps; the damaged unit is left to the cleanup."""
    with draft(settings, existing.data_version) as unit:
        for name in existing.files:
            if name.startswith("store/"):
                source, target = existing.path / name, unit.path / name
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(source, target)
        return _finish(settings, unit, existing.triples, progress)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _report_removed(names: list[str], progress: Progress) -> None:
    if names:
        progress(f"removed what no process uses: {', '.join(names)}")
