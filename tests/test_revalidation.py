"""Incremental revalidation (`build --incremental`, what `serve --watch` runs) gives the report full
validation gives, rechecking only the focus nodes an edit can affect: on a copy of the real data, edits
that add and remove violations, in the edited file and in another file whose node the edit breaks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ilrs_kg import reach, revalidation
from ilrs_kg.build import run_validation
from ilrs_kg.settings import Settings
from ilrs_kg.validation import ValidationReport
from tests.conftest import PROJECT_ROOT, copy_project

BROKEN = sorted(
    p for p in (PROJECT_ROOT / "tests" / "fixtures" / "broken").iterdir() if p.suffix in (".ttl", ".trig")
)
VENEZUELA = "country:venezuela a ilrs:Country ;"
BOLIVARIAN_AGENCY = "<https://w3id.org/ilrs/id/agency/bolivarian-agency-for-space-activities>"


class Run:
    """Validate a project copy both ways; the incremental run's log lines are kept."""

    def __init__(self, root: Path) -> None:
        self.settings = Settings(root=root, build_dir=root / "build")
        self.log: list[str] = []

    def both(self) -> tuple[ValidationReport, ValidationReport, str]:
        self.log.clear()
        incremental = run_validation(self.settings, self.log.append, incremental=True)
        full = run_validation(self.settings)
        said = [line for line in self.log if "focus node" in line]
        assert len(said) == 1, self.log
        return incremental, full, said[0]


def _rechecked(line: str) -> int:
    match = re.match(r"revalidated (\d+) focus node", line)
    assert match, f"validated in full, not incrementally: {line}"
    return int(match.group(1))


@pytest.fixture
def run(tmp_path: Path) -> Run:
    run = Run(copy_project(tmp_path / "project"))
    incremental, full, said = run.both()
    assert "no earlier validation state" in said
    assert incremental == full and full.conforms
    return run


def test_an_edit_breaking_a_node_in_another_file_is_found_and_its_repair_too(run: Run) -> None:
    countries = run.settings.data_dir / "countries.trig"
    original = countries.read_text(encoding="utf-8")
    assert VENEZUELA in original
    countries.write_text(original.replace(VENEZUELA, "country:venezuela a ilrs:Agency ;"), encoding="utf-8")

    incremental, full, said = run.both()
    assert incremental == full
    assert not full.conforms
    # The agency in organizations.trig points at a country that is no ilrs:Country any more.
    broken = [v for v in full.violations if v.focus_node == BOLIVARIAN_AGENCY]
    assert broken and all(f.name == "organizations.trig" for v in broken for f in v.files)
    assert _rechecked(said) < 50  # of about 700 focus nodes

    countries.write_text(original, encoding="utf-8")
    incremental, full, said = run.both()
    assert incremental == full and full.conforms
    assert _rechecked(said) < 50


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.stem for f in BROKEN])
def test_adding_then_removing_each_broken_fixture_matches_full_validation(run: Run, fixture: Path) -> None:
    target = run.settings.data_dir / f"zz-{fixture.name}"
    shutil.copy(fixture, target)
    incremental, full, said = run.both()
    assert incremental == full
    assert not full.conforms
    assert incremental.render(run.settings.root) == full.render(run.settings.root)
    if "blank nodes" not in said:
        _rechecked(said)

    target.unlink()
    incremental, full, _said = run.both()
    assert incremental == full and full.conforms


def test_an_edit_that_adds_a_violation_in_the_same_file_rechecks_few_nodes(run: Run) -> None:
    missions = run.settings.data_dir / "missions.trig"
    original = missions.read_text(encoding="utf-8")
    # A second, different label in the same language: a violation on the mission itself.
    edited, count = re.subn(r'(rdfs:label "Chang\'e 7"@en)', r'\1, "Chang\'e 7 bis"@en', original, count=1)
    assert count == 1
    missions.write_text(edited, encoding="utf-8")
    incremental, full, said = run.both()
    assert incremental == full and not full.conforms
    assert _rechecked(said) < 50
    missions.write_text(original, encoding="utf-8")
    incremental, full, _said = run.both()
    assert incremental == full and full.conforms


def test_a_shapes_change_validates_everything_and_says_why(run: Run) -> None:
    shapes = run.settings.shapes_dir / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    incremental, full, said = run.both()
    assert incremental == full and full.conforms
    assert "validating every focus node: the shapes changed" in said


def test_a_constraint_reading_beyond_its_focus_node_cannot_be_bounded() -> None:
    disconnected = "SELECT $this WHERE { $this a ?c . ?x <urn:p> <urn:o> }"
    with pytest.raises(reach.Unbounded, match="not connected"):
        reach.sparql_reads(disconnected)
    reads = reach.sparql_reads(
        "SELECT $this WHERE { $this <urn:p>/<urn:q> ?v . FILTER NOT EXISTS { ?v a ?t } }"
    )
    assert reach.Read("", True, "urn:p") in reads
    assert reach.Read("<urn:p>", True, "urn:q") in reads
    assert any(r.predicate.endswith("#type") for r in reads if r.predicate)


def test_a_change_reaching_too_many_nodes_validates_everything_and_says_why(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(revalidation, "MAX_AFFECTED", 2)
    countries = run.settings.data_dir / "countries.trig"
    countries.write_text(
        countries.read_text(encoding="utf-8").replace(VENEZUELA, "country:venezuela a ilrs:Agency ;"),
        encoding="utf-8",
    )
    incremental, full, said = run.both()
    assert incremental == full and not full.conforms
    assert "validating every focus node: the change reaches more than 2 focus nodes" in said
