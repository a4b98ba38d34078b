"""The build's streaming load (store.fill_store) gives the store the whole-list load gave, and the same
bytes build after build even where the sources have blank nodes, which the parser names at random."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import ilrs_kg.store as store_module
from ilrs_kg.exports import produce_all
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files
from ilrs_kg.store import fill_store, open_store_dir

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


def _canonical(quads: object) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def _filled(directory: Path) -> ox.Store:
    store = ox.Store(str(directory))
    count = fill_store(store, graph_files(Settings(root=FIXTURE)))
    assert count == len(store)
    store.flush()
    del store  # the lock, as the build releases it before reading
    return open_store_dir(directory)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    return _filled(tmp_path_factory.mktemp("store"))


def test_the_streamed_store_holds_what_the_whole_list_load_holds(filled: ox.Store) -> None:
    reference = ox.Store()
    load_files(reference, graph_files(Settings(root=FIXTURE)))
    assert any(isinstance(q.subject, ox.BlankNode) for q in reference)
    assert len(filled) == len(reference)
    assert _canonical(filled) == _canonical(reference)


def test_the_default_graph_is_the_merge_each_fact_once(filled: ox.Store) -> None:
    default = [q.triple for q in filled.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    named = {q.triple for q in filled if isinstance(q.graph_name, ox.NamedNode)}
    assert len(default) == len(set(default))
    assert set(default) == named


def test_blank_nodes_are_named_canonically_so_two_builds_give_the_same_dumps(tmp_path: Path) -> None:
    settings = Settings(root=FIXTURE, build_dir=tmp_path / "build")
    first, second = (_filled(tmp_path / name) for name in ("one", "two"))
    blank = {q.subject.value for q in first if isinstance(q.subject, ox.BlankNode)}
    assert blank and all(label.startswith("c14n") for label in blank)
    produce_all(settings, first, directory=tmp_path / "dumps-one")
    produce_all(settings, second, directory=tmp_path / "dumps-two")
    names = sorted(p.name for p in (tmp_path / "dumps-one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "dumps-two").iterdir())
    assert not any(name.startswith(".") or name.startswith("ilrs-graph-") for name in names)
    for name in names:
        one, two = (tmp_path / d / name for d in ("dumps-one", "dumps-two"))
        assert one.read_bytes() == two.read_bytes(), name


@pytest.mark.parametrize("batch", [1, 7, 10_000_000])
def test_loading_in_batches_of_any_size_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(store_module, "_BATCH", batch)
    reference = ox.Store()
    load_files(reference, graph_files(Settings(root=FIXTURE)))
    assert _canonical(_filled(tmp_path / "store")) == _canonical(reference)
