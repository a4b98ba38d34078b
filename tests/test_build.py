"""The build's pipeline (ilrs_kg.build): above INDEX_BESIDE_ABOVE triples its page index is written by a
second process while the dumps are written, and that index is the one the build would write alone."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from ilrs_kg import build
from ilrs_kg.errors import StoreError
from ilrs_kg.linked_data.page_index import PAGE_INDEX_FILE
from ilrs_kg.releases import current_release
from ilrs_kg.settings import Settings
from tests.conftest import copy_project
from tests.fixtures.lifecycle.support import dying_page_index, failing_page_index


def _tables(index: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(index) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}


def _built_index(destination: Path, progress: list[str]) -> Path:
    settings = Settings(root=copy_project(destination / "project"), build_dir=destination / "build")
    build.build_store(settings, progress.append)
    release = current_release(settings)
    assert release is not None
    return release.index_dir / PAGE_INDEX_FILE


def test_the_index_written_beside_the_dumps_is_the_one_written_after_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone: list[str] = []
    expected = _tables(_built_index(tmp_path / "alone", alone))
    monkeypatch.setattr(build, "INDEX_BESIDE_ABOVE", -1)
    monkeypatch.setattr(build, "_cores", lambda: 2)
    beside: list[str] = []

    found = _tables(_built_index(tmp_path / "beside", beside))

    assert found == expected
    assert any(n for n in expected.values()), "the index holds rows"
    assert not any("second process" in line for line in alone)
    assert any("page index" in line and "second process" in line for line in beside)


def test_one_core_writes_the_index_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "INDEX_BESIDE_ABOVE", -1)
    monkeypatch.setattr(build, "_cores", lambda: 1)
    said: list[str] = []

    _built_index(tmp_path, said)

    assert any("page index" in line for line in said)
    assert not any("second process" in line for line in said)


def _build_beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: object) -> BaseException | None:
    """A build whose index writer (in the second process) is `writer`: the error it ended with. Bounded
    in time: a build that waited for a process that is gone would never end."""
    monkeypatch.setattr(build, "INDEX_BESIDE_ABOVE", -1)
    monkeypatch.setattr(build, "_cores", lambda: 2)
    monkeypatch.setattr(build, "_write_index", writer)
    settings = Settings(root=copy_project(tmp_path / "project"), build_dir=tmp_path / "build")
    raised: list[BaseException] = []

    def run() -> None:
        try:
            build.build_store(settings)
        except BaseException as exc:  # the test looks at whatever it was
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "the build waited for an index writer that had failed"
    assert current_release(settings) is None  # nothing half-built was published
    return raised[0] if raised else None


def test_the_index_writers_error_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = _build_beside(tmp_path, monkeypatch, failing_page_index)
    assert isinstance(error, ValueError) and "failed on purpose" in str(error)


def test_an_index_writer_killed_mid_way_fails_the_build_instead_of_hanging_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _build_beside(tmp_path, monkeypatch, dying_page_index)
    assert isinstance(error, StoreError) and "exit status -9" in str(error)
