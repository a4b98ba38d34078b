"""The synthetic generator (benchmarks/scale.py's data) on its small size: the graph it writes has about the
size asked for, keeps every fact in a described statement graph, validates, builds, answers every
competency question, and its pages stay bounded (home page, paged class pages, a hub entity)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg import synthetic
from ilrs_kg.build import build_store, run_validation
from ilrs_kg.settings import Settings
from ilrs_kg.store import load_in_memory
from tests.conftest import PROJECT_ROOT
from tests.fixtures.linked_data.support import BROWSER, fetch, make_app

SIZE = 10_000
QUERIES = sorted((PROJECT_ROOT / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> synthetic.GeneratedRoot:
    return synthetic.generate(tmp_path_factory.mktemp("synthetic"), SIZE, PROJECT_ROOT)


@pytest.fixture(scope="module")
def built(generated: synthetic.GeneratedRoot, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(root=generated.root, build_dir=tmp_path_factory.mktemp("synthetic-build"))
    build_store(settings)
    return settings


@pytest.fixture(scope="module")
def store(built: Settings) -> ox.Store:
    return load_in_memory(built)


@pytest.fixture(scope="module")
def app(store: ox.Store, built: Settings) -> FastAPI:
    return make_app(store, built)


def test_the_graph_has_about_the_size_asked_for(store: ox.Store) -> None:
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # The real data (≈ 2.7k triples) plus the generated units.
    assert SIZE <= triples <= SIZE * 1.5, triples


def test_every_generated_fact_sits_in_a_described_synthetic_statement_graph(store: ox.Store) -> None:
    rows = store.query(
        """SELECT (COUNT(*) AS ?n) WHERE {
             GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), "https://w3id.org/ilrs/id/country/synthetic-"))
             FILTER NOT EXISTS { GRAPH <https://w3id.org/ilrs/graph/provenance> {
               ?g a <https://w3id.org/ilrs/ontology#SourcedStatements> ;
                  <http://www.w3.org/ns/prov#wasDerivedFrom> ?source } }
           }"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    assert [int(r["n"].value) for r in rows] == [0]
    synthetic_graphs = store.query(
        'ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/ilrs/graph/source/synthetic-")) }'
    )
    assert synthetic_graphs


@pytest.mark.parametrize("validator", ["sparql", "pyshacl"])
def test_the_generated_data_passes_validation(generated: synthetic.GeneratedRoot, validator: str) -> None:
    report = run_validation(Settings(root=generated.root, validator=validator))
    assert report.conforms, report.render(generated.root)[:2000]


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_every_competency_question_still_runs(store: ox.Store, query: Path) -> None:
    result = store.query(query.read_text(encoding="utf-8"))
    assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)
    if isinstance(result, ox.QuerySolutions):
        list(result)


def test_the_home_page_shows_the_first_members_and_counts_the_rest(app: FastAPI) -> None:
    reply = fetch(app, "/", BROWSER)
    assert reply.status_code == 200
    units = synthetic.units_for(SIZE)
    assert re.search(r"The first 100 of [0-9,]+ members by join date", reply.text)
    assert re.search(r"The first 50 of [0-9,]+ missions by launch date", reply.text)
    # Bounded: the page does not list every member (the real data's plus one per unit).
    assert reply.text.count("/id/country/synthetic-") <= 100 < units


def test_class_pages_are_paged_with_a_count(app: FastAPI) -> None:
    first = fetch(app, "/class/Country", BROWSER)
    assert first.status_code == 200
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    assert first.text.count('<li><a href="http://testserver/id/country/') <= 200
    second = fetch(app, "/class/Country?page=2", BROWSER)
    assert 'rel="prev"' in second.text and "Page 2 of" in second.text
    first_names = set(re.findall(r"/id/country/([a-z0-9-]+)", first.text))
    second_names = set(re.findall(r"/id/country/([a-z0-9-]+)", second.text))
    assert first_names and second_names and not first_names & second_names
    beyond = fetch(app, "/class/Country?page=100000", BROWSER)
    assert beyond.status_code == 200 and 'rel="next"' not in beyond.text
    assert fetch(app, "/class/Country?page=two", BROWSER).status_code == 400


def test_a_hub_page_lists_a_bounded_number_of_incoming_links(app: FastAPI) -> None:
    reply = fetch(app, "/doc/launch-vehicle/long-march-5.html", BROWSER)
    assert reply.status_code == 200
    assert "Synthetic mission" in reply.text
    turtle = fetch(app, "/doc/launch-vehicle/long-march-5.ttl")
    assert turtle.status_code == 200
    assert turtle.text.count("mission/synthetic-") <= 2 * 1000
