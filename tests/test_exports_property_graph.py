"""The property graph shows entities as nodes and relations as edges, with claims as dated, sourced edges."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.exports import PropertyGraph, build_property_graph
from ilrs_kg.exports.graph_model import Edge, Kind, Node
from ilrs_kg.exports.property_graph import node_key
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"
ID = "https://w3id.org/ilrs/id/"


@pytest.fixture(scope="module")
def graph() -> PropertyGraph:
    store = ox.Store()
    load_files(store, graph_files(Settings(root=FIXTURE)))
    return build_property_graph(store)


def _node(graph: PropertyGraph, key: str) -> Node:
    return next(n for n in graph.nodes if n.key == key)


def _edges(graph: PropertyGraph, edge_type: str, source: str | None = None) -> list[Edge]:
    return [e for e in graph.edges if e.type == edge_type and source in (None, e.source)]


def test_nodes_are_the_named_entities_and_nothing_else(graph: PropertyGraph) -> None:
    assert Counter(n.type for n in graph.nodes) == {
        "Country": 4, "Agency": 3, "LaunchVehicle": 3, "Agreement": 2, "Mission": 2, "Programme": 1,
        "Person": 1, "Phase": 1, "LunarSite": 1, "MissionEvent": 1,
    }
    keys = {n.key for n in graph.nodes}
    not_entities = ("source:", "membership:", "involvement:", "concept:", "instant:", "interval:")
    assert not any(k.startswith(not_entities) for k in keys)
    assert len(keys) == len(graph.nodes)


def test_node_keys_are_short_and_the_iri_is_kept(graph: PropertyGraph) -> None:
    china = _node(graph, "country:china")
    assert china.iri == ID + "country/china"
    assert china.label == "China"
    assert node_key(ID + "country/china") == "country:china"
    assert node_key("http://example.org/a b").startswith("n")  # not a valid id: a digest instead


def test_every_membership_claim_is_a_dated_sourced_edge_to_the_programme(graph: PropertyGraph) -> None:
    memberships = [e for e in _edges(graph, "memberOf") if "claim" in e.attributes]
    assert len(memberships) == 4
    assert {e.target for e in memberships} == {"programme:ilrs"}
    china = next(e for e in memberships if e.source == "country:china")
    assert china.label == "member of"
    assert china.attributes["start"] == ("2021-03-09",)
    assert china.attributes["startYear"] == (2021,)
    assert china.attributes["role"] == ("founding member",)
    assert china.attributes["signatoryBody"] == ("China National Space Administration",)
    assert china.attributes["signatoryBodyIri"] == (ID + "agency/cnsa",)
    assert china.attributes["establishedByIri"] == (ID + "agreement/2021-03-09-cnsa-roscosmos",)
    assert china.attributes["sources"] == (ID + "source/cnsa-2021-roadmap",)
    assert china.attributes["claim"] == (ID + "membership/china-cnsa-2021",)


def test_two_sources_that_disagree_stay_two_edges(graph: PropertyGraph) -> None:
    venezuela = _edges(graph, "memberOf", "country:venezuela")
    assert sorted(e.attributes["start"][0] for e in venezuela) == ["2023", "2023-09"]
    assert sorted(len(e.attributes["sources"]) for e in venezuela) == [1, 2]
    assert len({e.key for e in venezuela}) == 2


def test_an_involvement_is_an_edge_with_its_role(graph: PropertyGraph) -> None:
    (thailand,) = _edges(graph, "involvedIn")
    assert (thailand.source, thailand.target) == ("country:thailand", "programme:ilrs")
    assert thailand.attributes["involvementRole"] == ("payload contributor",)


def test_relations_between_entities_are_edges_named_by_property(graph: PropertyGraph) -> None:
    assert {(e.source, e.target) for e in _edges(graph, "candidateLaunchVehicle")} == {
        ("mission:ilrs-1", "launch-vehicle:long-march-9"), ("mission:ilrs-1", "launch-vehicle:yenisei"),
    }
    (launch,) = _edges(graph, "launchVehicle")
    assert launch.label == "launch vehicle"  # the property's label in the ontology
    assert {e.target for e in _edges(graph, "party", "agreement:2021-03-09-cnsa-roscosmos")} == {
        "agency:cnsa", "agency:roscosmos",
    }
    keys = {n.key for n in graph.nodes}
    assert all(e.source in keys and e.target in keys for e in graph.edges)


def test_dates_fold_into_the_entity_at_the_precision_the_source_gives(graph: PropertyGraph) -> None:
    agreement = _node(graph, "agreement:2023-venezuela")
    assert agreement.attributes["date"] == ("2023-09",)
    assert agreement.attributes["year"] == (2023,)
    phase = _node(graph, "phase:reconnaissance")
    assert (phase.attributes["start"], phase.attributes["end"]) == (("2021",), ("2025",))
    assert (phase.attributes["startYear"], phase.attributes["endYear"]) == ((2021,), (2025,))
    landing = _node(graph, "mission-event:change-6-landing")
    assert landing.attributes["utcTimeOfDay"] == ("22:23",)
    assert landing.attributes["eventType"] == ("landing",)


def test_literal_facts_keep_their_types_and_languages(graph: PropertyGraph) -> None:
    change6 = _node(graph, "mission:change-6")
    assert change6.attributes["cosparId"] == ("2024-083A",)
    assert change6.attributes["payloadMassKg"] == (10.5,)
    assert change6.attributes["label_zh"] == ("嫦娥六号",)
    assert "\n" in str(change6.attributes["description"][0])
    assert _node(graph, "phase:reconnaissance").attributes["phaseNumber"] == (1,)
    assert graph.node_attribute("phaseNumber").kind is Kind.INT
    assert graph.node_attribute("payloadMassKg").kind is Kind.FLOAT
    assert graph.edge_attribute("startYear").kind is Kind.INT


def test_vocabulary_values_and_geometry_become_attributes(graph: PropertyGraph) -> None:
    assert _node(graph, "mission:ilrs-1").attributes["missionStatus"] == ("planned",)
    assert _node(graph, "agreement:2021-03-09-cnsa-roscosmos").attributes["agreementType"] == (
        "memorandum of understanding",
    )
    assert str(_node(graph, "site:apollo-basin").attributes["wkt"][0]).endswith("POINT(-41.6 -153.9)")


def test_lists_are_lists_everywhere_so_the_columns_are_stable(graph: PropertyGraph) -> None:
    assert graph.node_attribute("altLabel").multi
    assert graph.node_attribute("sources").multi
    assert _node(graph, "country:thailand").attributes["sources"] == (ID + "source/cnsa-2021-roadmap",)
    assert not graph.node_attribute("cosparId").multi


def test_types_name_the_most_specific_class_first(graph: PropertyGraph) -> None:
    assert _node(graph, "agreement:2021-03-09-cnsa-roscosmos").types == ("Agreement", "Event")
    assert _node(graph, "country:china").types == ("Country",)
