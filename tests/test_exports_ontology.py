"""The ontology file opens in OWL tools: owlready2 loads it, and HermiT (through the OWL API, as in Protégé)
parses, classifies and finds consistent both the ontology and the whole graph."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest

from ilrs_kg.exports import produce_all
from ilrs_kg.namespaces import ONTOLOGY_NS
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"
HERMIT = Path(owlready2.__file__).parent / "hermit"


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(root=FIXTURE, build_dir=tmp_path_factory.mktemp("build"))
    store = ox.Store()
    load_files(store, graph_files(settings))
    produce_all(settings, store)
    return settings.dumps_dir


def _hermit(*args: str) -> subprocess.CompletedProcess[str]:
    java = shutil.which("java")
    assert java is not None, "HermiT needs Java"
    classpath = f"{HERMIT}:{HERMIT / 'HermiT.jar'}"
    # xsd:date, xsd:gYear and xsd:gYearMonth (OWL-Time's ranges) are outside the OWL 2 datatype map; HermiT
    # refuses them unless told to ignore them.
    return subprocess.run(
        [
            java,
            "-Xmx512M",
            "-cp",
            classpath,
            "org.semanticweb.HermiT.cli.CommandLine",
            "--ignoreUnsupportedDatatypes",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_owlready2_loads_the_owl_file_with_its_classes_labels_and_properties(dumps: Path) -> None:
    world = owlready2.World()
    ontology = world.get_ontology((dumps / "ilrs-ontology.owl").as_uri()).load()
    assert ontology.base_iri == ONTOLOGY_NS
    mission = world[ONTOLOGY_NS + "Mission"]
    assert mission is not None
    assert [str(label) for label in mission.label] == ["Mission"]
    assert world[ONTOLOGY_NS + "Agreement"].is_a == [world[ONTOLOGY_NS + "Event"]]
    assert world[ONTOLOGY_NS + "launchVehicle"].range == [world[ONTOLOGY_NS + "LaunchVehicle"]]
    assert world[ONTOLOGY_NS + "payloadMassKg"] in set(world.data_properties())
    assert {c.iri for c in ontology.classes() if c.iri.startswith(ONTOLOGY_NS)} >= {
        ONTOLOGY_NS + name for name in ("Programme", "Country", "Agency", "Mission", "Membership")
    }


def test_hermit_classifies_the_ontology(dumps: Path, tmp_path: Path) -> None:
    taxonomy = tmp_path / "taxonomy.owl"
    done = _hermit("--classify", f"--output={taxonomy}", (dumps / "ilrs-ontology.owl").as_uri())
    assert done.returncode == 0, done.stderr
    text = taxonomy.read_text(encoding="utf-8")
    assert f"SubClassOf( <{ONTOLOGY_NS}Agreement> <{ONTOLOGY_NS}Event> )" in text
    assert f"SubClassOf( <{ONTOLOGY_NS}Mission> <http://www.w3.org/ns/prov#Activity> )" in text


@pytest.mark.parametrize("name", ["ilrs-ontology.owl", "ilrs.rdf"])
def test_hermit_finds_the_ontology_and_the_whole_graph_consistent(dumps: Path, name: str) -> None:
    done = _hermit("--consistency", (dumps / name).as_uri())
    assert done.returncode == 0, done.stderr
    assert "owl#Thing is satisfiable" in done.stdout


def test_hermit_reports_a_file_that_is_not_an_ontology(tmp_path: Path) -> None:
    broken = tmp_path / "broken.owl"
    broken.write_text("<rdf:RDF not closed", encoding="utf-8")
    assert _hermit("--consistency", broken.as_uri()).returncode != 0
