"""The compiled SHACL core validator finds exactly what pyshacl, the reference, finds: on the real data and
on every broken fixture, the same violations (focus node, path, shape, message)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib

from ilrs_kg import shacl_core
from ilrs_kg.settings import Settings
from ilrs_kg.sources import SourceFile, graph_files, shape_files
from ilrs_kg.validation import _as_rdflib, _load, core_violations
from tests.conftest import PROJECT_ROOT

BROKEN = sorted(
    p for p in (PROJECT_ROOT / "tests" / "fixtures" / "broken").iterdir() if p.suffix in (".ttl", ".trig")
)
SHAPES_TEXT = (PROJECT_ROOT / "shapes" / "shapes.ttl").read_text(encoding="utf-8")
Key = tuple[str, str | None, str | None, str, str]


def _shapes() -> rdflib.Graph:
    return _as_rdflib(_load(shape_files(Settings(root=PROJECT_ROOT))))


def _both(extra: list[Path]) -> tuple[set[Key], set[Key]]:
    sources = graph_files(Settings(root=PROJECT_ROOT)) + [
        SourceFile(p, "https://w3id.org/ilrs/graph/data") for p in extra
    ]
    store, shapes = _load(sources), _shapes()

    def keys(validator: str) -> set[Key]:
        return {
            (f.focus_node, f.path, f.shape, f.message, f.severity)
            for f in core_violations(store, shapes, validator)
        }

    return keys("sparql"), keys("pyshacl")


def test_the_real_data_gives_no_violation_in_either() -> None:
    compiled, reference = _both([])
    assert compiled == reference == set()


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.stem for f in BROKEN])
def test_each_broken_fixture_gives_the_same_violations(fixture: Path) -> None:
    compiled, reference = _both([fixture])
    assert compiled == reference, (
        f"only compiled: {compiled - reference}\nonly pyshacl: {reference - compiled}"
    )
    # Not vacuous: a fixture that breaks a core shape is caught by it (the others break SPARQL rules or
    # the provenance gate, which both validators leave to shacl_sparql and provenance_gate).
    expected = fixture.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ").strip()
    if expected in SHAPES_TEXT:
        assert any(expected in key[3] for key in compiled), compiled


_EXAMPLE = """
@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 2 ; sh:message "two p/q"@en ] ,
              [ sh:path [ sh:inversePath ex:r ] ; sh:maxCount 1 ; sh:message "one inverse r"@en ] ,
              [ sh:path ex:p ; sh:hasValue ex:b ; sh:message "p has b"@en ] ,
              [ sh:path ex:n ; sh:maxInclusive 5 ; sh:minLength 1 ; sh:message "n small"@en ] ,
              [ sh:path [ sh:alternativePath ( ex:p ex:s ) ] ; sh:maxCount 2 ; sh:message "few p|s"@en ] ,
              [ sh:path ex:p ; sh:node ex:T ; sh:message "p conforms to T"@en ] .
ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ; sh:not [ sh:class ex:C ] .
ex:U a sh:NodeShape ; sh:targetSubjectsOf ex:n ; sh:or ( [ sh:datatype xsd:integer ] [ sh:nodeKind sh:IRI ] ) ;
  sh:message "U"@en .
"""
_EXAMPLE_DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:C ; ex:p ex:b , ex:c , ex:a ; ex:s ex:d ; ex:n 7 , "" .
ex:b ex:q ex:x , ex:y .  ex:c ex:q ex:z .  ex:x ex:r ex:a .  ex:y ex:r ex:a .
ex:e a ex:C ; ex:p ex:b ; ex:n 3 .  _:k ex:n 1 .
"""


def test_paths_and_components_the_shapes_do_not_use_agree_with_pyshacl() -> None:
    import pyoxigraph as ox

    from ilrs_kg.validation import _Found

    shapes = rdflib.Graph().parse(data=_EXAMPLE, format="turtle")
    store = ox.Store()
    store.load(input=_EXAMPLE_DATA, format=ox.RdfFormat.TURTLE)

    def keys(found: list[_Found]) -> set[tuple[str, str | None, str]]:
        # Blank nodes are named differently by the two engines; the shapes' messages name the constraint.
        # pyshacl names a complex path by its blank node, the compiler by its SPARQL spelling.
        return {
            (
                f.focus_node if not f.focus_node.startswith("_:") else "_",
                f.path if f.path is None or f.path.startswith("<") else "(complex path)",
                f.message,
            )
            for f in found
        }

    compiled = keys(core_violations(store, shapes, "sparql"))
    assert compiled == keys(core_violations(store, shapes, "pyshacl"))
    assert len(compiled) >= 5, compiled


def test_an_unimplemented_constraint_is_refused_by_name() -> None:
    shapes = rdflib.Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> ."
        " ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
        format="turtle",
    )
    with pytest.raises(shacl_core.UnsupportedShape, match="shacl#equals"):
        shacl_core.compile_shapes(shapes)


@pytest.mark.parametrize("validator", ["sparql", "pyshacl"])
def test_the_cli_runs_the_chosen_validator_and_names_file_entity_and_rule(
    tmp_path: Path, validator: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ilrs_kg.cli import main
    from tests.conftest import copy_project

    root = copy_project(tmp_path)
    shutil.copy(PROJECT_ROOT / "tests/fixtures/broken/agency-without-country.trig", root / "data" / "zz.trig")
    assert main(["validate", "--root", str(root), "--validator", validator]) == 1
    out = capsys.readouterr().out
    assert "<https://w3id.org/ilrs/id/agency/atlantis-space-agency>" in out
    assert "file:    data/zz.trig" in out
    assert "An agency needs exactly one country" in out


def test_an_unknown_validator_is_refused_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from ilrs_kg.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["validate", "--validator", "fast"])
    assert exited.value.code == 2
    assert "invalid choice: 'fast'" in capsys.readouterr().err
