"""Validation over an on-disk scratch store (what large data gets, so memory does not grow with the graph)
reports exactly what the in-memory store reports, on the real data and on every broken fixture, agrees
with pyshacl on the real data, names a syntax error's file and line, and leaves no scratch files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from ilrs_kg import validation
from ilrs_kg.errors import SourceSyntaxError
from ilrs_kg.settings import Settings
from ilrs_kg.sources import SourceFile, graph_files, shape_files
from tests.conftest import PROJECT_ROOT

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
    used: list[Path | None] = []
    load = validation._load

    def recording(sources: list[SourceFile], directory: Path | None = None) -> object:
        used.append(directory)
        return load(sources, directory)

    monkeypatch.setattr(validation, "_load", recording)
    monkeypatch.setattr(validation, "ON_DISK_ABOVE_BYTES", 0)
    assert validation.validate(_sources([]), shape_files(SETTINGS)).conforms
    assert used[0] is None  # the shapes, small whatever the data
    assert used[1] is not None and used[1].parent == scratch and not used[1].exists()


def test_a_syntax_error_on_disk_names_file_and_line_and_leaves_nothing(scratch: Path, tmp_path: Path) -> None:
    broken = tmp_path / "data-syntax.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ;; .\n", encoding="utf-8"
    )
    with pytest.raises(SourceSyntaxError) as raised:
        validation.validate(_sources([broken]), shape_files(SETTINGS), on_disk=True)
    assert raised.value.path == broken and raised.value.line == 3
    assert [p.name for p in scratch.iterdir()] == [broken.name]
