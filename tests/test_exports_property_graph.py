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
        "Country": 4,
        "Agency": 3,
        "LaunchVehicle": 3,
        "Agreement": 2,
        "Mission": 2,
        "Programme": 1,
        "Person": 1,
        "Phase": 1,
        "LunarSite": 1,
        "MissionEvent": 1,
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
        ("mission:ilrs-1", "launch-vehicle:long-march-9"),
        ("mission:ilrs-1", "launch-vehicle:yenisei"),
    }
    (launch,) = _edges(graph, "launchVehicle")
    assert launch.label == "launch vehicle"  # the property's label in the ontology
    assert {e.target for e in _edges(graph, "party", "agreement:2021-03-09-cnsa-roscosmos")} == {
        "agency:cnsa",
        "agency:roscosmos",
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
    assert graph.node_attribute("label_sources").multi
    assert graph.edge_attribute("sources").multi
    assert _node(graph, "country:thailand").attributes["label_sources"] == (ID + "source/cnsa-2021-roadmap",)
    assert not graph.node_attribute("cosparId").multi


def test_types_name_the_most_specific_class_first(graph: PropertyGraph) -> None:
    assert _node(graph, "agreement:2021-03-09-cnsa-roscosmos").types == ("Agreement", "Event")
    assert _node(graph, "country:china").types == ("Country",)


GRAPH = "https://w3id.org/ilrs/graph/"


def test_each_edge_carries_the_sources_of_its_own_fact(graph: PropertyGraph) -> None:
    # TASS and Xinhua both say the agency is Venezuela's: one relation, two sources, each with its part.
    (country,) = _edges(graph, "country", "agency:abae")
    assert country.attributes["sources"] == (
        ID + "source/tass-2023-venezuela",
        ID + "source/xinhua-2023-venezuela",
    )
    assert country.attributes["source_parts"] == ("the report's second paragraph",)
    assert country.attributes["provenance_kind"] == ("sourced",)
    assert country.attributes["graphs"] == (
        GRAPH + "source/tass-2023-venezuela/report",
        GRAPH + "source/xinhua-2023-venezuela",
    )
    # A relation only the CNSA guide states cites only the CNSA guide.
    (launch,) = _edges(graph, "launchVehicle")
    assert launch.attributes["sources"] == (ID + "source/cnsa-2021-roadmap",)


def test_a_claim_edge_cites_its_claims_sources_and_each_property_its_own(graph: PropertyGraph) -> None:
    tass = next(
        e for e in _edges(graph, "memberOf", "country:venezuela") if e.attributes["start"] == ("2023",)
    )
    # The claim's facts come from TASS (its date) and Xinhua (the rest): the edge cites both ...
    assert tass.attributes["sources"] == (
        ID + "source/tass-2023-venezuela",
        ID + "source/xinhua-2023-venezuela",
    )
    # ... and its start date exactly the part of TASS that gives it.
    assert tass.attributes["start_sources"] == (ID + "source/tass-2023-venezuela",)
    assert tass.attributes["start_graphs"] == (GRAPH + "source/tass-2023-venezuela/report",)
    assert tass.attributes["role_sources"] == (
        ID + "source/tass-2023-venezuela",
        ID + "source/xinhua-2023-venezuela",
    )
    xinhua = next(e for e in _edges(graph, "memberOf", "country:venezuela") if e is not tass)
    assert xinhua.attributes["sources"] == (ID + "source/xinhua-2023-venezuela",)


def test_each_node_property_carries_its_sources_and_kind(graph: PropertyGraph) -> None:
    vehicle = _node(graph, "launch-vehicle:long-march-5")
    # "Long March 5" is the curator's expansion of the sources' "LM-5": editorial, with no source of its own.
    assert vehicle.label == "Long March 5"
    assert vehicle.attributes["label_provenance_kind"] == ("editorial",)
    assert "label_sources" not in vehicle.attributes
    assert vehicle.attributes["label_graphs"] == (GRAPH + "editorial/launch-vehicle-names",)
    assert vehicle.attributes["label_zh_sources"] == (ID + "source/cnsa-2021-roadmap",)
    assert vehicle.attributes["altLabel_provenance_kind"] == ("sourced",)
    change6 = _node(graph, "mission:change-6")
    assert change6.attributes["cosparId_sources"] == (ID + "source/cnsa-2021-roadmap",)
    assert change6.attributes["types_sources"] == (ID + "source/cnsa-2021-roadmap",)
    # No node carries an entity-level list of sources.
    assert not any("sources" in n.attributes for n in graph.nodes)
