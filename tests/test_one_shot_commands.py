"""`ilrs-kg export`, `query` and `stats` read the current release's on-disk store in place (no copy of the
graph in memory) and hold it: a build that swaps another release in meanwhile does not remove it under
them, and the next cleanup after they finish does."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.build import build_store
from ilrs_kg.cli.main import main
from ilrs_kg.releases import current_release
from ilrs_kg.settings import Settings
from ilrs_kg.store import open_current
from tests.fixtures.lifecycle.support import built_project, project, rename_luna

LABEL = 'SELECT ?l WHERE { <https://w3id.org/ilrs/id/mission/luna-25> rdfs:label ?l FILTER(lang(?l) = "en") }'


def english_label(store: ox.Store) -> str:
    solutions = store.query(f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> {LABEL}")
    assert isinstance(solutions, ox.QuerySolutions)
    label = next(solutions)["l"]
    assert isinstance(label, ox.Literal)
    return label.value


def test_a_held_release_outlives_a_swap_and_is_removed_after(tmp_path: Path) -> None:
    settings, first = built_project(tmp_path)
    root = settings.root
    with open_current(settings) as store:
        rename_luna(root, "Luna 25 (second build)")
        build_store(settings)  # swaps a new release in and cleans up what nobody holds
        assert current_release(settings) != first and first.path.is_dir()
        assert english_label(store) == "Luna 25"
    with open_current(settings) as store:
        assert english_label(store) == "Luna 25 (second build)"
    build_store(settings, reuse=True)
    assert not first.path.exists()


def test_query_and_export_answer_from_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    common = ["--root", str(root), "--store", str(build_dir)]
    assert (
        main(
            [
                "query",
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + LABEL,
                "--format",
                "csv",
                *common,
            ]
        )
        == 0
    )
    assert "Luna 25" in capsys.readouterr().out
    output = tmp_path / "graph.nt"
    assert main(["export", "--format", "ntriples", "--output", str(output), *common]) == 0
    release = current_release(Settings(root=root, build_dir=build_dir))
    assert release is not None
    assert output.read_bytes() == (release.dumps_dir / "ilrs.nt").read_bytes()
