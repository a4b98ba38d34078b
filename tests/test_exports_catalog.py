"""What produce_all leaves in dumps/, and what list_dumps (read by the VoID description) says about it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.exports import ExportError, Scope, dump_formats, list_dumps, produce_all
from ilrs_kg.exports import produce as produce_module
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(root=FIXTURE, build_dir=tmp_path / "build")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return store


def test_produce_all_writes_every_catalogued_file_and_reports_it(settings: Settings, store: ox.Store) -> None:
    written = produce_all(settings, store)
    assert [entry.name for entry in written] == [f.name for f in dump_formats()]
    assert sorted(p.name for p in settings.dumps_dir.iterdir()) == sorted(f.name for f in dump_formats())
    for entry in written:
        assert entry.bytes == entry.path.stat().st_size > 0
        assert entry.sha256 == hashlib.sha256(entry.path.read_bytes()).hexdigest()
    assert list_dumps(settings) == written


def test_the_void_description_can_pick_the_rdf_dumps_of_the_whole_dataset() -> None:
    dataset_dumps = {f.name: f.rdf_media_type for f in dump_formats() if f.is_dataset_dump}
    assert dataset_dumps == {
        "ilrs.ttl": "text/turtle",
        "ilrs.nt": "application/n-triples",
        "ilrs.nt.gz": "application/n-triples",
        "ilrs.nq": "application/n-quads",
        "ilrs.nq.gz": "application/n-quads",
        "ilrs.trig": "application/trig",
        "ilrs.jsonld": "application/ld+json",
        "ilrs.jsonld.gz": "application/ld+json",
        "ilrs.rdf": "application/rdf+xml",
    }
    not_rdf = {f.name for f in dump_formats() if not f.is_rdf}
    assert not_rdf == {"ilrs.graphml", "ilrs-neo4j.zip", "ilrs.cyjs"}
    assert {f.scope for f in dump_formats() if f.name.startswith("ilrs-ontology")} == {Scope.ONTOLOGY}


def test_list_dumps_lists_only_files_that_exist(settings: Settings, store: ox.Store) -> None:
    assert list_dumps(settings) == []
    produce_all(settings, store)
    (settings.dumps_dir / "ilrs.cyjs").unlink()
    assert "ilrs.cyjs" not in {d.name for d in list_dumps(settings)}


def test_a_new_build_changes_the_digest_list_dumps_reports(settings: Settings, store: ox.Store) -> None:
    produce_all(settings, store)
    before = {d.name: d.sha256 for d in list_dumps(settings)}
    bigger = ox.Store()
    bigger.extend(store)
    bigger.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/ilrs/id/country/china"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
            ox.Literal("Zhongguo", language="en"),
            ox.NamedNode("https://w3id.org/ilrs/graph/data"),
        )
    )
    produce_all(settings, bigger)
    after = {d.name: d.sha256 for d in list_dumps(settings)}
    assert after["ilrs.nt"] != before["ilrs.nt"]
    assert after["ilrs-shapes.ttl"] == before["ilrs-shapes.ttl"]


def test_a_failed_export_leaves_the_previous_file_and_no_debris(
    settings: Settings, store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    produce_all(settings, store)
    before = (settings.dumps_dir / "ilrs.graphml").read_bytes()

    def half_then_fail(graph: object, output: object) -> None:
        output.write(b"<graphml")  # type: ignore[attr-defined]
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(produce_module._WRITERS, "graphml", lambda inputs, out: half_then_fail(None, out))
    with pytest.raises(RuntimeError, match="disk on fire"):
        produce_all(settings, store)
    assert (settings.dumps_dir / "ilrs.graphml").read_bytes() == before
    assert not [p for p in settings.dumps_dir.iterdir() if p.name.endswith(".tmp")]


def test_an_unusable_dumps_directory_is_an_export_error_naming_it(tmp_path: Path, store: ox.Store) -> None:
    blocker = tmp_path / "build"
    blocker.write_text("a file where the build directory should be", encoding="utf-8")
    settings = Settings(root=FIXTURE, build_dir=blocker)
    with pytest.raises(ExportError, match=str(settings.dumps_dir)):
        produce_all(settings, store)
