"""`ilrs-kg` validate / build / query / stats, as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ilrs_kg.cli import main
from ilrs_kg.settings import Settings
from ilrs_kg.store import current_build, load_in_memory
from tests.conftest import PROJECT_ROOT, copy_project


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_validate_passes_on_the_real_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(PROJECT_ROOT)]) == 0
    assert "conforms" in capsys.readouterr().out


def test_validate_fails_with_a_readable_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(
        PROJECT_ROOT / "tests/fixtures/broken/join-before-founding.trig", project / "data" / "zz.trig"
    )
    assert main(["validate", "--root", str(project)]) == 1
    out = capsys.readouterr().out
    assert "<https://w3id.org/ilrs/id/membership/atlantis-early>" in out
    assert "before the programme's founding agreement" in out
    assert "data/zz.trig" in out
    assert "1 violation(s)" in out


def test_syntax_error_exits_non_zero_naming_file_line_column(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "data" / "zz.ttl").write_text(
        '@prefix ex: <http://e/> .\nex:a ex:b "open .\n', encoding="utf-8"
    )
    assert main(["validate", "--root", str(project)]) == 2
    assert f"{project / 'data' / 'zz.ttl'}:2:" in capsys.readouterr().err


def test_failed_build_leaves_the_previous_store_untouched(project: Path) -> None:
    build_dir = project / "out"
    assert main(["build", "--root", str(project), "--store", str(build_dir)]) == 0
    settings = Settings(root=project, build_dir=build_dir)
    before = current_build(settings)
    assert before is not None and before.triples > 2000

    shutil.copy(
        PROJECT_ROOT / "tests/fixtures/broken/fact-outside-any-graph.trig", project / "data" / "zz.trig"
    )
    assert main(["build", "--root", str(project), "--store", str(build_dir)]) == 1

    assert current_build(settings) == before
    store = load_in_memory(settings)
    assert len(store) == before.triples
    # Only the one complete release remains: the failed attempt cleaned up after itself.
    assert len(list((build_dir / "releases").iterdir())) == 1


def test_rebuild_swaps_in_the_new_store(project: Path) -> None:
    build_dir = project / "out"
    assert main(["build", "--root", str(project), "--store", str(build_dir)]) == 0
    settings = Settings(root=project, build_dir=build_dir)
    first = current_build(settings)
    data = project / "data" / "countries.trig"
    data.write_text(
        data.read_text(encoding="utf-8").replace('"Malaysia"@en', '"Malaysia"@en , "Malaisie"@fr'),
        encoding="utf-8",
    )
    assert main(["build", "--root", str(project), "--store", str(build_dir)]) == 0
    second = current_build(settings)
    assert first is not None and second is not None
    assert second.data_version != first.data_version
    # One fact more: in its statement graph, and in the default graph that merges them all.
    assert second.triples == first.triples + 2


def test_query_answers_in_each_format(
    built_settings: Settings, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    where = ["--root", str(built_settings.root), "--store", str(built_settings.output_dir)]
    ask = "ASK { <https://w3id.org/ilrs/id/country/egypt> ?p ?o }"
    select = (
        "SELECT ?name WHERE { <https://w3id.org/ilrs/id/mission/change-6> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name"
    )
    construct = (
        "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/ilrs/id/country/egypt> AS ?s) ?s ?p ?o }"
    )

    assert main(["query", ask, *where]) == 0
    assert json.loads(capsysbinary.readouterr().out)["boolean"] is True
    assert main(["query", ask, "--format", "csv", *where]) == 0
    assert capsysbinary.readouterr().out.decode().split() == ["_askResult", "true"]  # as the endpoint answers
    assert main(["query", select, "--format", "csv", *where]) == 0
    assert capsysbinary.readouterr().out.decode().splitlines()[:3] == ["name", "Chang'e 6", "嫦娥六号"]
    assert main(["query", select, "--format", "tsv", *where]) == 0
    assert '"嫦娥六号"@zh' in capsysbinary.readouterr().out.decode()
    assert main(["query", select, "--format", "xml", *where]) == 0
    assert b"<sparql" in capsysbinary.readouterr().out
    assert main(["query", construct, "--format", "ntriples", *where]) == 0
    assert (
        b'<https://w3id.org/ilrs/id/country/egypt> <http://www.w3.org/2000/01/rdf-schema#label> "Egypt"@en .'
        in (capsysbinary.readouterr().out)
    )
    assert main(["query", construct, *where]) == 0
    assert b"Egypt" in capsysbinary.readouterr().out


def test_query_rejects_a_format_that_does_not_fit_the_query(
    built_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "query",
                "ASK { ?s ?p ?o }",
                "--format",
                "turtle",
                "--root",
                str(built_settings.root),
                "--store",
                str(built_settings.output_dir),
            ]
        )
        == 2
    )
    assert "--format turtle is for CONSTRUCT/DESCRIBE" in capsys.readouterr().err


def test_query_syntax_error_is_reported(built_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "query",
                "SELECT ?x WHERE {",
                "--root",
                str(built_settings.root),
                "--store",
                str(built_settings.output_dir),
            ]
        )
        == 2
    )
    assert "does not parse" in capsys.readouterr().err


def test_query_reads_a_file(built_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    query = PROJECT_ROOT / "queries" / "09-lead-agencies.rq"
    assert (
        main(
            [
                "query",
                f"@{query}",
                "--format",
                "csv",
                "--root",
                str(built_settings.root),
                "--store",
                str(built_settings.output_dir),
            ]
        )
        == 0
    )
    assert "Roscosmos" in capsys.readouterr().out


def test_stats_counts_entities_sources_and_languages(
    built_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", "--root", str(built_settings.root), "--store", str(built_settings.output_dir)]) == 0
    out = capsys.readouterr().out
    assert "ilrs:Membership" in out and "ilrs:Mission" in out
    assert "source documents: 30" in out
    assert "zh" in out and "ru" in out


def test_module_entry_point_shows_help() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ilrs_kg", "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0
    for command in ("validate", "build", "query", "stats", "serve", "export"):
        assert command in completed.stdout
