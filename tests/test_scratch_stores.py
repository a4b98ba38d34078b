"""Validation and derivation over an on-disk scratch store (what large data gets, so memory does not grow
with the graph) give exactly what the in-memory store gives: the same report on the real data and on every
broken fixture (and pyshacl's on the real data), the same derived files; a syntax error still names its
file and line, a failing rule its file, and no scratch files are left either way."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg import scratch as scratch_store
from ilrs_kg import validation
from ilrs_kg.derivation import with_derived
from ilrs_kg.errors import RuleError, SourceSyntaxError
from ilrs_kg.settings import Settings
from ilrs_kg.sources import SourceFile, graph_files, shape_files
from tests.conftest import PROJECT_ROOT, copy_project

BROKEN = sorted(
    p for p in (PROJECT_ROOT / "tests" / "fixtures" / "broken").iterdir() if p.suffix in (".ttl", ".trig")
)
SETTINGS = Settings(root=PROJECT_ROOT)


@pytest.fixture(autouse=True)
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR for the test, so that what validation leaves there can be seen."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _sources(extra: list[Path]) -> list[SourceFile]:
    return graph_files(SETTINGS) + [SourceFile(p, "https://w3id.org/ilrs/graph/data") for p in extra]


def test_the_real_data_conforms_on_disk_as_by_pyshacl(scratch: Path) -> None:
    on_disk = validation.validate(_sources([]), shape_files(SETTINGS), "sparql", on_disk=True)
    reference = validation.validate(_sources([]), shape_files(SETTINGS), "pyshacl", on_disk=False)
    assert on_disk == reference and on_disk.conforms and on_disk.violations == ()
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.stem for f in BROKEN])
def test_each_broken_fixture_gives_the_same_report_on_disk(scratch: Path, fixture: Path) -> None:
    sources, shapes = _sources([fixture]), shape_files(SETTINGS)
    on_disk = validation.validate(sources, shapes, on_disk=True)
    assert not on_disk.conforms
    assert on_disk == validation.validate(sources, shapes, on_disk=False)
    assert any(fixture in v.files for v in on_disk.violations)
    assert list(scratch.iterdir()) == []


def test_large_input_is_validated_on_disk(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[bool] = []
    fill = validation._fill

    def recording(store: ox.Store, sources: list[SourceFile], *, bulk: bool) -> ox.Store:
        used.append(bulk)
        return fill(store, sources, bulk=bulk)

    monkeypatch.setattr(validation, "_fill", recording)
    monkeypatch.setattr(scratch_store, "ON_DISK_ABOVE_BYTES", 0)
    assert validation.validate(_sources([]), shape_files(SETTINGS)).conforms
    assert used == [False, True]  # the shapes in memory (small whatever the data), the data on disk
    assert list(scratch.iterdir()) == []


def test_a_syntax_error_on_disk_names_file_and_line_and_leaves_nothing(scratch: Path, tmp_path: Path) -> None:
    broken = tmp_path / "data-syntax.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ;; .\n", encoding="utf-8"
    )
    with pytest.raises(SourceSyntaxError) as raised:
        validation.validate(_sources([broken]), shape_files(SETTINGS), on_disk=True)
    assert raised.value.path == broken and raised.value.line == 3
    assert [p.name for p in scratch.iterdir()] == [broken.name]


def _derived(settings: Settings) -> dict[str, bytes]:
    derived = with_derived(settings, graph_files(settings), lambda _line: None)
    return {f.path.name: f.path.read_bytes() for f in derived.files[len(graph_files(settings)) :]}


def test_derivation_on_disk_writes_the_same_files(
    scratch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory = _derived(Settings(root=PROJECT_ROOT, build_dir=tmp_path / "memory"))
    monkeypatch.setattr(scratch_store, "ON_DISK_ABOVE_BYTES", 0)
    on_disk = _derived(Settings(root=PROJECT_ROOT, build_dir=tmp_path / "disk"))
    assert on_disk == in_memory and len(on_disk) == len(list((PROJECT_ROOT / "rules").glob("*.rq")))
    assert sorted(p.name for p in scratch.iterdir()) == ["disk", "memory"]


def test_a_failing_rule_on_disk_names_it_and_leaves_nothing(
    scratch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copytree(PROJECT_ROOT / "rules", root / "rules")
    shutil.copy(PROJECT_ROOT / "tests/fixtures/broken-rules/matches-nothing.rq", root / "rules")
    monkeypatch.setattr(scratch_store, "ON_DISK_ABOVE_BYTES", 0)
    with pytest.raises(RuleError) as failure:
        _derived(Settings(root=root, build_dir=tmp_path / "build"))
    assert "matches-nothing.rq" in str(failure.value) and "derived nothing" in str(failure.value)
    assert sorted(p.name for p in scratch.iterdir()) == ["build", "project"]
