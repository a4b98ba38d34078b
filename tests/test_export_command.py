"""`ilrs-kg export --format FORMAT [--output FILE]`, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from ilrs_kg.cli import main
from ilrs_kg.exports import dump_formats

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("build")


def _export(build_dir: Path, *args: str) -> int:
    return main(["export", "--root", str(FIXTURE), "--store", str(build_dir), *args])


def test_graphml_to_a_file_opens_in_networkx(build_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "ilrs.graphml"
    assert _export(build_dir, "--format", "graphml", "--output", str(target)) == 0
    graph = nx.read_graphml(target)
    assert graph.nodes["country:china"]["label"] == "China"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_turtle_to_standard_output(build_dir: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert _export(build_dir, "--format", "turtle") == 0
    written = capsysbinary.readouterr().out
    triples = list(ox.parse(written, ox.RdfFormat.TURTLE))
    assert len(triples) == len(
        {q.triple for q in ox.parse(path=FIXTURE / "data" / "ilrs.trig")}
        | {q.triple for q in ox.parse(path=FIXTURE / "ontology" / "ilrs.ttl")}
    )


def test_all_writes_every_file_into_a_directory(build_dir: Path, tmp_path: Path) -> None:
    assert _export(build_dir, "--format", "all", "--output", str(tmp_path)) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in dump_formats())


def test_all_makes_a_missing_output_directory(build_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "exports"
    assert _export(build_dir, "--format", "all", "--output", str(target)) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(f.name for f in dump_formats())


def test_all_refuses_an_output_that_is_a_file(
    build_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a directory", encoding="utf-8")
    assert _export(build_dir, "--format", "all", "--output", str(target)) == 1
    error = capsys.readouterr().err
    assert str(target) in error and "not a directory" in error
    assert target.read_text(encoding="utf-8") == "not a directory"


def test_all_without_output_fills_the_builds_dumps_directory(build_dir: Path) -> None:
    assert _export(build_dir, "--format", "all") == 0
    assert {f.name for f in dump_formats()} <= {p.name for p in (build_dir / "dumps").iterdir()}


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("missing-dir/ilrs.ttl", "does not exist"),
        ("a-file/ilrs.ttl", "is not a directory"),
        (".", "is a directory"),
    ],
)
def test_a_bad_output_path_fails_naming_it(
    build_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str, message: str
) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    target = tmp_path / output
    assert _export(build_dir, "--format", "turtle", "--output", str(target)) == 1
    error = capsys.readouterr().err
    assert str(target) in error and message in error


def test_an_unknown_format_is_refused_with_the_choices(
    build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _export(build_dir, "--format", "pdf")
    assert stopped.value.code == 2
    assert "graphml" in capsys.readouterr().err
