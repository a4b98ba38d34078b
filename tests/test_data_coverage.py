"""The facts the knowledge-model issue lists, each asked of the built store, each with its source."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ilrs_kg.namespaces import sparql_prefix_block

P = sparql_prefix_block()
WIKI = "<https://w3id.org/ilrs/id/source/wikipedia-ilrs>"
SPACE_WIKI = "<https://w3id.org/ilrs/id/source/space-wiki-ilrs>"

# (what a user expects to find, an ASK query that holds only if it is there with its source)
FACTS: list[tuple[str, str]] = [
    ("the ILRS has names in English, Chinese and Russian",
     """ASK { <https://w3id.org/ilrs/id/programme/ilrs> rdfs:label "International Lunar Research Station"@en ,
              "国际月球科研站"@zh , "Международная научная лунная станция"@ru ;
              prov:wasDerivedFrom <https://w3id.org/ilrs/id/source/dewiki-ilrs> }"""),
    ("the ILRS has a purpose, a definition and two lead agencies",
     """ASK { <https://w3id.org/ilrs/id/programme/ilrs> ilrs:purpose ?p ; skos:definition ?d ;
              ilrs:leadAgency <https://w3id.org/ilrs/id/agency/cnsa> , <https://w3id.org/ilrs/id/agency/roscosmos> }"""),
    ("Pakistan's two disagreeing join dates each keep their source",
     f"""ASK {{ ?a org:member <https://w3id.org/ilrs/id/country/pakistan> ; prov:wasDerivedFrom {WIKI} ;
                org:memberDuring/time:hasBeginning/time:inXSDgYearMonth "2023-06"^^xsd:gYearMonth .
               ?b org:member <https://w3id.org/ilrs/id/country/pakistan> ; prov:wasDerivedFrom {SPACE_WIKI} ;
                org:memberDuring/time:hasBeginning/time:inXSDgYearMonth "2023-10"^^xsd:gYearMonth . }}"""),
    ("the Wikipedia members table rows say how their country was identified",
     f"""ASK {{ <https://w3id.org/ilrs/id/membership/belarus-wikipedia> ilrs:memberIdentifiedBy {SPACE_WIKI} ; skos:editorialNote ?how .
               FILTER(CONTAINS(?how, "by order")) }}"""),
    ("South Africa signed through SANSA with SARAO and FSDA",
     """ASK { <https://w3id.org/ilrs/id/membership/south-africa-wikipedia> ilrs:signatoryBody <https://w3id.org/ilrs/id/agency/sansa> , <https://w3id.org/ilrs/id/organization/sarao> ,
              <https://w3id.org/ilrs/id/organization/fsda> }"""),
    ("UAE and APSCO joined in June 2023 per Wikipedia",
     f"""ASK {{ ?a org:member <https://w3id.org/ilrs/id/country/united-arab-emirates> ; prov:wasDerivedFrom {WIKI} ;
               org:memberDuring/time:hasBeginning/time:inXSDgYearMonth "2023-06"^^xsd:gYearMonth .
               ?b org:member <https://w3id.org/ilrs/id/organization/apsco> ; prov:wasDerivedFrom {WIKI} . }}"""),
    ("Turkey applied but is no member",
     """ASK { ?i ilrs:involvedAgent <https://w3id.org/ilrs/id/country/turkey> ; ilrs:involvementRole <https://w3id.org/ilrs/id/involvement-role/applicant> .
              FILTER NOT EXISTS { ?m org:member <https://w3id.org/ilrs/id/country/turkey> } }"""),
    ("the September 2021 consultations had experts from six countries and UNOOSA",
     """ASK { <https://w3id.org/ilrs/id/event/draft-declaration-consultations-2021> time:hasTime/time:inXSDgYearMonth "2021-09"^^xsd:gYearMonth ;
              prov:wasAssociatedWith <https://w3id.org/ilrs/id/country/germany> , <https://w3id.org/ilrs/id/country/france> , <https://w3id.org/ilrs/id/country/italy> ,
              <https://w3id.org/ilrs/id/country/netherlands> , <https://w3id.org/ilrs/id/country/malaysia> , <https://w3id.org/ilrs/id/country/thailand> , <https://w3id.org/ilrs/id/organization/unoosa> }"""),
    ("the 9 March 2021 memorandum founds the programme",
     """ASK { <https://w3id.org/ilrs/id/programme/ilrs> ilrs:foundingAgreement ?mou .
              ?mou time:hasTime/time:inXSDDate "2021-03-09"^^xsd:date ; ilrs:party <https://w3id.org/ilrs/id/country/china> , <https://w3id.org/ilrs/id/country/russia> }"""),
    ("the GLEX 2021 roadmap session was in St Petersburg on 16 June 2021",
     """ASK { <https://w3id.org/ilrs/id/event/glex-2021-roadmap-session> prov:atLocation <https://w3id.org/ilrs/id/place/saint-petersburg> ;
              time:hasTime/time:inXSDDate "2021-06-16"^^xsd:date }"""),
    ("Azercosmos signed in Baku, 3 October 2023, by Samaddin Asadov",
     """ASK { <https://w3id.org/ilrs/id/event/azerbaijan-agreement-2023> prov:atLocation <https://w3id.org/ilrs/id/place/baku> ; ilrs:signedBy <https://w3id.org/ilrs/id/person/samaddin-asadov> ;
              time:hasTime/time:inXSDDate "2023-10-03"^^xsd:date }"""),
    ("the April 2024 renders, the May 2024 nuclear report and the June 2024 law are dated",
     """ASK { <https://w3id.org/ilrs/id/event/renders-shared-2024> time:hasTime/time:inXSDgYearMonth "2024-04"^^xsd:gYearMonth .
              <https://w3id.org/ilrs/id/event/nuclear-power-report-2024> time:hasTime/time:inXSDgYearMonth "2024-05"^^xsd:gYearMonth .
              <https://w3id.org/ilrs/id/event/russian-law-2024> time:hasTime/time:inXSDgYearMonth "2024-06"^^xsd:gYearMonth }"""),
    ("Borisov's 25 August 2023 statement on Luna 25",
     """ASK { <https://w3id.org/ilrs/id/event/luna-25-statement-2023> prov:wasAssociatedWith <https://w3id.org/ilrs/id/person/yury-borisov> ;
              ilrs:concerns <https://w3id.org/ilrs/id/mission/luna-25> ; time:hasTime/time:inXSDDate "2023-08-25"^^xsd:date }"""),
    ("ILRS-1 to ILRS-5 each may fly on LM-9 or Yenisei, planned 2031 to 2035",
     """ASK { FILTER NOT EXISTS {
              VALUES (?m ?year) { (<https://w3id.org/ilrs/id/mission/ilrs-1> "2031") (<https://w3id.org/ilrs/id/mission/ilrs-2> "2032") (<https://w3id.org/ilrs/id/mission/ilrs-3> "2033")
                                  (<https://w3id.org/ilrs/id/mission/ilrs-4> "2034") (<https://w3id.org/ilrs/id/mission/ilrs-5> "2035") }
              FILTER NOT EXISTS {
                ?m ilrs:candidateLaunchVehicle <https://w3id.org/ilrs/id/launch-vehicle/long-march-9> , <https://w3id.org/ilrs/id/launch-vehicle/yenisei> ;
                   ilrs:objective ?o ; ilrs:stage <https://w3id.org/ilrs/id/stage/construction-stage-2> .
                ?e ilrs:ofMission ?m ; time:hasTime/time:inXSDgYear ?y FILTER(STR(?y) = ?year) } } }"""),
    ("Luna 25 crashed on 19 August 2023 at its crash site, with coordinates",
     """ASK { <https://w3id.org/ilrs/id/event/luna-25-crash> ilrs:ofMission <https://w3id.org/ilrs/id/mission/luna-25> ; time:hasTime/time:inXSDDate "2023-08-19"^^xsd:date ;
              ilrs:site/geo:hasGeometry/geo:asWKT ?wkt .
              <https://w3id.org/ilrs/id/mission/luna-25> ilrs:missionStatus <https://w3id.org/ilrs/id/mission-status/crashed> }"""),
    ("Chang'e 6 landed, ascended, returned, carried Jinchan and sent its orbiter to Sun–Earth L2",
     """ASK { <https://w3id.org/ilrs/id/event/change-6-landing> ilrs:ofMission <https://w3id.org/ilrs/id/mission/change-6> .
              <https://w3id.org/ilrs/id/event/change-6-ascent> ilrs:ofMission <https://w3id.org/ilrs/id/mission/change-6> .
              <https://w3id.org/ilrs/id/event/change-6-earth-return> ilrs:site <https://w3id.org/ilrs/id/place/inner-mongolia> .
              <https://w3id.org/ilrs/id/spacecraft/jinchan> ilrs:partOfMission <https://w3id.org/ilrs/id/mission/change-6> .
              <https://w3id.org/ilrs/id/event/change-6-orbiter-sun-earth-l2> ilrs:site <https://w3id.org/ilrs/id/place/sun-earth-l2> }"""),
    ("ICUBE-Q rode on Chang'e 6 and keeps both launch claims",
     """ASK { <https://w3id.org/ilrs/id/mission/change-6> ilrs:carriedPayload <https://w3id.org/ilrs/id/mission/icube-q> .
              <https://w3id.org/ilrs/id/event/icube-q-launch-wikipedia> time:hasTime/time:inXSDDate "2024-05-08"^^xsd:date .
              <https://w3id.org/ilrs/id/event/icube-q-launch-nation> time:hasTime/time:inXSDDate "2024-05-03"^^xsd:date }"""),
    ("Chang'e 4's landing site keeps both sources' coordinates",
     """ASK { <https://w3id.org/ilrs/id/site/statio-tianhe> geo:hasGeometry ?a , ?b . FILTER(?a != ?b)
              ?a prov:wasDerivedFrom <https://w3id.org/ilrs/id/source/enwiki-change-4> .
              ?b prov:wasDerivedFrom <https://w3id.org/ilrs/id/source/nssdca-change-4> }"""),
    ("the seven launch vehicles have a country",
     """ASK { FILTER NOT EXISTS {
              VALUES ?v { <https://w3id.org/ilrs/id/launch-vehicle/long-march-3b> <https://w3id.org/ilrs/id/launch-vehicle/long-march-5> <https://w3id.org/ilrs/id/launch-vehicle/long-march-9>
                          <https://w3id.org/ilrs/id/launch-vehicle/soyuz-2-1b> <https://w3id.org/ilrs/id/launch-vehicle/soyuz-2> <https://w3id.org/ilrs/id/launch-vehicle/angara-a5>
                          <https://w3id.org/ilrs/id/launch-vehicle/yenisei> }
              FILTER NOT EXISTS { ?v a ilrs:LaunchVehicle ; ilrs:country ?c } } }"""),
    ("Long March 5 is also found as LM-5 and CZ-5",
     """ASK { <https://w3id.org/ilrs/id/launch-vehicle/long-march-5> skos:altLabel "LM-5"@en , "CZ-5"@en }"""),
    ("Utilization begins in 2036 and has no end",
     """ASK { <https://w3id.org/ilrs/id/phase/utilization> time:hasBeginning/time:inXSDgYear "2036"^^xsd:gYear .
              FILTER NOT EXISTS { <https://w3id.org/ilrs/id/phase/utilization> time:hasEnd ?end } }"""),
    ("Construction splits into stage 1 (2026–2030) and stage 2 (2031–2035)",
     """ASK { <https://w3id.org/ilrs/id/stage/construction-stage-1> ilrs:stageOf <https://w3id.org/ilrs/id/phase/construction> ;
              time:hasBeginning/time:inXSDgYear "2026"^^xsd:gYear ; time:hasEnd/time:inXSDgYear "2030"^^xsd:gYear .
              <https://w3id.org/ilrs/id/stage/construction-stage-2> time:hasBeginning/time:inXSDgYear "2031"^^xsd:gYear ;
              time:hasEnd/time:inXSDgYear "2035"^^xsd:gYear }"""),
    ("the 8 scientific objectives and 5 facilities",
     """ASK { { SELECT (COUNT(?o) AS ?objectives) WHERE { ?o a ilrs:ScientificObjective } }
              { SELECT (COUNT(?f) AS ?facilities) WHERE { <https://w3id.org/ilrs/id/programme/ilrs> ilrs:facility ?f } }
              FILTER(?objectives = 8 && ?facilities = 5) }"""),
    ("every entity and claim in the data names a source document",
     """ASK { FILTER NOT EXISTS {
              ?x a ?class . FILTER(?class IN (ilrs:Country, ilrs:Agency, ilrs:Organization, ilrs:Person, ilrs:Mission,
                ilrs:Membership, ilrs:Involvement, ilrs:Event, ilrs:Agreement, ilrs:MissionEvent, ilrs:LaunchVehicle,
                ilrs:Phase, ilrs:Stage, ilrs:Place, ilrs:LunarSite, geo:Geometry, ilrs:Objective, ilrs:Facility))
              FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s . ?s a ilrs:SourceDocument } } }"""),
]


@pytest.mark.parametrize(("description", "ask"), FACTS, ids=[d for d, _ in FACTS])
def test_fact_is_in_the_graph(graph: ox.Store, description: str, ask: str) -> None:
    result = graph.query(P + ask, use_default_graph_as_union=True)
    assert isinstance(result, ox.QueryBoolean)
    assert bool(result), description


def test_all_thirteen_members_have_a_claim_from_each_members_table(graph: ox.Store) -> None:
    query = P + f"""SELECT ?country (COUNT(DISTINCT ?source) AS ?sources) WHERE {{
        ?claim a ilrs:Membership ; org:member ?country ; prov:wasDerivedFrom ?source .
        FILTER(?source IN ({WIKI}, {SPACE_WIKI}))
        FILTER NOT EXISTS {{ ?claim skos:note ?n FILTER(CONTAINS(?n, "history says")) }}
    }} GROUP BY ?country"""
    solutions = graph.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    counts = {row["country"].value.rsplit("/", 1)[1]: int(row["sources"].value) for row in solutions}
    assert counts == {name: 2 for name in (
        "china", "russia", "venezuela", "south-africa", "azerbaijan", "pakistan", "belarus", "egypt",
        "thailand", "nicaragua", "serbia", "kazakhstan", "senegal")}
