"""The real data conforms; each broken fixture fails with its own rule's message and names its file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ilrs_kg.build import run_validation
from ilrs_kg.errors import SourceSyntaxError
from ilrs_kg.settings import Settings
from tests.conftest import PROJECT_ROOT, copy_project

BROKEN = sorted(
    p for p in (PROJECT_ROOT / "tests" / "fixtures" / "broken").iterdir() if p.suffix in (".ttl", ".trig")
)


def _expected_message(fixture: Path) -> str:
    first_line = fixture.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# expect: "), f"{fixture.name} must start with '# expect: <message>'"
    return first_line.removeprefix("# expect: ").strip()


def test_the_real_data_conforms() -> None:
    report = run_validation(Settings(root=PROJECT_ROOT))
    assert report.conforms, report.render(PROJECT_ROOT)
    assert report.violations == ()


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.stem for f in BROKEN])
def test_each_broken_fixture_fails_with_its_rule_message(project_copy: Path, fixture: Path) -> None:
    target = project_copy / "data" / f"zz-{fixture.name}"
    shutil.copy(fixture, target)
    try:
        report = run_validation(Settings(root=project_copy))
    finally:
        target.unlink()
    assert not report.conforms
    expected = _expected_message(fixture)
    matching = [v for v in report.violations if expected in v.message]
    assert matching, f"no violation says {expected!r}; got {[v.message for v in report.violations]}"
    # The report points at the file that introduced the problem.
    assert any(target in v.files for v in matching)


def test_rendered_report_names_entity_path_message_and_file(project_copy: Path) -> None:
    target = project_copy / "data" / "zz-agency.trig"
    shutil.copy(PROJECT_ROOT / "tests/fixtures/broken/agency-without-country.trig", target)
    try:
        text = run_validation(Settings(root=project_copy)).render(project_copy)
    finally:
        target.unlink()
    assert "<https://w3id.org/ilrs/id/agency/atlantis-space-agency>" in text
    assert "path:    <https://w3id.org/ilrs/ontology#country>" in text
    assert "An agency needs exactly one country" in text
    assert "file:    data/zz-agency.trig" in text


def test_a_fact_without_provenance_is_reported_with_file_entity_and_property(project_copy: Path) -> None:
    target = project_copy / "data" / "zz-no-graph.trig"
    shutil.copy(PROJECT_ROOT / "tests/fixtures/broken/fact-outside-any-graph.trig", target)
    try:
        report = run_validation(Settings(root=project_copy))
    finally:
        target.unlink()
    text = report.render(project_copy)
    assert not report.conforms
    assert "Violation: <https://w3id.org/ilrs/id/country/atlantis>" in text
    assert "path:    <http://www.w3.org/2000/01/rdf-schema#label>" in text
    assert "file:    data/zz-no-graph.trig" in text
    # Only the fixture's two facts are refused; the real data's facts all have their statement graphs.
    gate = [v for v in report.violations if v.shape and v.shape.startswith("provenance gate")]
    assert len(gate) == 2, [v.render(project_copy) for v in gate]


def test_syntax_error_names_file_line_and_column(project_copy: Path) -> None:
    target = project_copy / "data" / "zz-syntax.ttl"
    target.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ;; .\n", encoding="utf-8"
    )
    try:
        with pytest.raises(SourceSyntaxError) as raised:
            run_validation(Settings(root=project_copy))
    finally:
        target.unlink()
    assert raised.value.path == target
    assert raised.value.line == 3
    assert raised.value.column is not None
    assert str(raised.value).startswith(f"{target}:3:")
