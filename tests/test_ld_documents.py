"""What a description document holds, in every RDF format (linked_data.describe, linked_data.documents)."""

from __future__ import annotations

import warnings

import pytest
import rdflib
from fastapi import FastAPI
from rdflib.namespace import RDF, RDFS

from ilrs_kg.linked_data.describe import MAX_INCOMING, describe
from tests.fixtures.linked_data.support import ID, fetch, fixture_store, make_app

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
TIME = rdflib.Namespace("http://www.w3.org/2006/time#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SCHEMA = rdflib.Namespace("https://schema.org/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
ILRS = rdflib.Namespace("https://w3id.org/ilrs/ontology#")
BASE = "https://w3id.org/ilrs/"
GRAPH = BASE + "graph/"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return make_app(fixture_store())


def _graph(app: FastAPI, path: str, rdflib_format: str) -> rdflib.Graph:
    response = fetch(app, path)
    assert response.status_code == 200
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally.
        warnings.simplefilter("ignore", DeprecationWarning)
        return rdflib.Graph().parse(data=response.content, format=rdflib_format)


FORMATS = [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")]


@pytest.mark.parametrize(("extension", "rdflib_format"), FORMATS)
def test_every_format_parses_and_describes_the_member(
    app: FastAPI, extension: str, rdflib_format: str
) -> None:
    graph = _graph(app, f"/doc/country/venezuela.{extension}", rdflib_format)
    venezuela = rdflib.URIRef(ID + "country/venezuela")
    assert (venezuela, RDF.type, ILRS.Country) in graph
    assert (venezuela, RDFS.label, rdflib.Literal("Venezuela", lang="en")) in graph
    # Both membership claims are inlined, each with its interval and its instant; each fact names the
    # statement graph it sits in (an rdf:Statement), and that graph its source.
    claims = set(graph.subjects(ORG.member, venezuela))
    assert claims == {
        rdflib.URIRef(ID + "membership/venezuela-space-wiki"),
        rdflib.URIRef(ID + "membership/venezuela-wikipedia"),
    }
    dates = set()
    for claim in claims:
        interval = graph.value(claim, ORG.memberDuring)
        instant = graph.value(interval, TIME.hasBeginning)
        dates |= set(graph.objects(instant, TIME.inXSDDate)) | set(
            graph.objects(instant, TIME.inXSDgYearMonth)
        )
        (statement,) = [
            st
            for st in graph.subjects(RDF.subject, claim)
            if graph.value(st, RDF.predicate) == ORG.memberDuring
        ]
        assert (statement, RDF.type, RDF.Statement) in graph
        assert graph.value(statement, RDF.object) == interval
        (statement_graph,) = graph.objects(statement, DCTERMS.isPartOf)
        source = graph.value(statement_graph, PROV.wasDerivedFrom)
        assert str(source) == ID + (
            "source/wikipedia-ilrs" if "wikipedia" in claim else "source/space-wiki-ilrs"
        )
        assert graph.value(source, RDFS.label) is not None
        assert graph.value(statement_graph, ILRS.sourcePart) == rdflib.Literal("members table", lang="en")
    assert {str(d) for d in dates} == {"2023-07", "2023-07-17"}
    # Labels of what it links to, and the links pointing here.
    assert graph.value(rdflib.URIRef(ID + "agency/abae"), RDFS.label) is not None
    assert (rdflib.URIRef(ID + "agency/abae"), ILRS.country, venezuela) in graph
    wikipedia = rdflib.URIRef(ID + "source/wikipedia-ilrs")
    assert graph.value(wikipedia, SCHEMA.url) == rdflib.URIRef(
        "https://en.wikipedia.org/wiki/International_Lunar_Research_Station"
    )
    # The document says what it is about and which dataset it belongs to, with canonical IRIs.
    document = rdflib.URIRef(f"{BASE}doc/country/venezuela.{extension}")
    assert (document, FOAF.primaryTopic, venezuela) in graph
    assert (document, VOID.inDataset, rdflib.URIRef(BASE + "dataset")) in graph


@pytest.mark.parametrize(("extension", "rdflib_format"), FORMATS)
def test_site_document_carries_its_position(app: FastAPI, extension: str, rdflib_format: str) -> None:
    graph = _graph(app, f"/doc/site/change-6-landing-site.{extension}", rdflib_format)
    site = rdflib.URIRef(ID + "site/change-6-landing-site")
    geometry = graph.value(site, GEO.hasGeometry)
    wkt = graph.value(geometry, GEO.asWKT)
    assert wkt is not None and "POINT(-41.6385 206.0148)" in str(wkt)


def test_mission_document_inlines_its_events_with_dates_and_sources() -> None:
    store = fixture_store()
    description = describe(store, ID + "mission/change-6")
    events = description.owned_claims()
    assert {e.value.rsplit("/", 1)[-1] for e in events} == {
        "change-6-launch-wikipedia",
        "change-6-landing-wikipedia",
        "change-6-landing-lroc",
    }
    has_time = "http://www.w3.org/2006/time#hasTime"
    for event in events:
        (instant,) = description.objects(event, has_time)
        assert description.objects(instant, "http://www.w3.org/2006/time#inXSDDate")
        # Each event's date is stated by its own source: the LROC image or the Wikipedia mission table.
        expected = (
            "lroc-1374" if event.value.endswith("lroc") else "wikipedia-ilrs/mission-table-reconnaissance"
        )
        assert description.graphs_of(event, has_time, instant) == (GRAPH + "source/" + expected,)


def test_turtle_uses_readable_prefixes(app: FastAPI) -> None:
    text = fetch(app, "/doc/mission/change-6.ttl").text
    assert "@prefix mission: <https://w3id.org/ilrs/id/mission/> ." in text
    assert "mission:change-6 " in text
    assert "\\/" not in text
    assert text.index("mission:change-6 ") < text.index("event:change-6-launch-wikipedia ")


def test_data_iris_stay_canonical_when_served_elsewhere(app: FastAPI) -> None:
    text = fetch(app, "/doc/mission/change-6.nt").text
    assert "<https://w3id.org/ilrs/id/mission/change-6>" in text
    assert "testserver" not in text


def test_high_degree_entity_is_bounded() -> None:
    many = "\n".join(
        f"<mission/m{i}> a <https://w3id.org/ilrs/ontology#Mission> ; "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "M {i}"@en ; '
        f"<https://w3id.org/ilrs/ontology#targetSite> <site/apollo-basin> ."
        for i in range(MAX_INCOMING + 50)
    )
    description = describe(fixture_store(many), ID + "site/apollo-basin")
    incoming = description.incoming(description.node)
    assert len(incoming) == MAX_INCOMING
    assert description.incoming_truncated


SIMPLEWIKI = GRAPH + "source/simplewiki-change-6"
COSPAR = (rdflib.URIRef(ID + "mission/change-6"), ILRS.cosparId, rdflib.Literal("2024-083A"))


@pytest.mark.parametrize(("extension", "rdflib_format"), [("trig", "trig"), ("nq", "nquads")])
def test_dataset_documents_keep_each_fact_in_its_statement_graphs(
    app: FastAPI, extension: str, rdflib_format: str
) -> None:
    response = fetch(app, f"/doc/mission/change-6.{extension}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/trig" if extension == "trig" else "application/n-quads"
    )
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=response.content, format=rdflib_format)
    named = [g for g in dataset.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID]
    holding = {str(g.identifier) for g in named if COSPAR in g}
    assert holding == {SIMPLEWIKI}
    # The English name is stated by two sources: it is in both their graphs.
    name = (COSPAR[0], RDFS.label, rdflib.Literal("Chang'e 6", lang="en"))
    assert {str(g.identifier) for g in named if name in g} == {
        GRAPH + "source/wikipedia-ilrs/mission-table-reconnaissance",
        GRAPH + "source/lroc-1374",
    }
    # As in the store and the dumps, the default graph is the merge: each fact once, for one-graph readers.
    default = dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    assert COSPAR in default and name in default
    # The provenance graph describes those graphs and their source documents.
    provenance = dataset.graph(rdflib.URIRef(GRAPH + "provenance"))
    source = provenance.value(rdflib.URIRef(SIMPLEWIKI), PROV.wasDerivedFrom)
    assert str(source) == ID + "source/simplewiki-change-6"
    assert provenance.value(source, SCHEMA.url) == rdflib.URIRef(
        "https://simple.wikipedia.org/wiki/Chang%27e_6"
    )
    # What the document is sits in the default graph.
    document = rdflib.URIRef(f"{BASE}doc/mission/change-6.{extension}")
    assert (document, FOAF.primaryTopic, COSPAR[0]) in dataset.default_graph


@pytest.mark.parametrize(("extension", "rdflib_format"), FORMATS)
def test_one_graph_documents_name_each_facts_statement_graphs(
    app: FastAPI, extension: str, rdflib_format: str
) -> None:
    graph = _graph(app, f"/doc/mission/change-6.{extension}", rdflib_format)
    assert COSPAR in graph
    (statement,) = [
        s for s in graph.subjects(RDF.subject, COSPAR[0]) if graph.value(s, RDF.predicate) == ILRS.cosparId
    ]
    assert graph.value(statement, RDF.object) == COSPAR[2]
    assert set(graph.objects(statement, DCTERMS.isPartOf)) == {rdflib.URIRef(SIMPLEWIKI)}
    assert (rdflib.URIRef(SIMPLEWIKI), RDF.type, ILRS.SourcedStatements) in graph
    # Reification asserts nothing: the document's facts are the description's, plus the statement nodes.
    assert (COSPAR[0], ILRS.cosparId, None) in graph and len(
        list(graph.triples((None, ILRS.cosparId, None)))
    ) == 1


def test_entity_iris_negotiate_the_dataset_formats(app: FastAPI) -> None:
    response = fetch(app, "/id/mission/change-6", {"Accept": "application/trig"})
    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver/doc/mission/change-6.trig"
    links = fetch(app, "/doc/mission/change-6.ttl").headers["link"]
    assert '<http://testserver/doc/mission/change-6.nq>; rel="alternate"; type="application/n-quads"' in links
