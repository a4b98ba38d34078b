"""The facts the issues list, each asked of the built store with exactly the provenance its sources give.

Three kinds of check: facts that must be there; for chosen facts, the exact set of statement graphs
that hold them (a fact citing the wrong source, or losing its source, fails); and corrected facts that must
not come back.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ilrs_kg.namespaces import sparql_prefix_block

P = sparql_prefix_block()
WIKI_GRAPH = "https://w3id.org/ilrs/graph/source/wikipedia-ilrs/"
SPACE_WIKI_GRAPH = "https://w3id.org/ilrs/graph/source/space-wiki-ilrs/"

# (what a user expects to find, an ASK query that holds only if it is there with its source)
FACTS: list[tuple[str, str]] = [
    (
        "the ILRS has names in English, Chinese and Russian",
        """ASK { <https://w3id.org/ilrs/id/programme/ilrs> rdfs:label "International Lunar Research Station"@en ,
              "国际月球科研站"@zh , "Международная научная лунная станция"@ru }""",
    ),
    (
        "the ILRS has a purpose, a definition and two lead agencies",
        """ASK { <https://w3id.org/ilrs/id/programme/ilrs> ilrs:purpose ?p ; skos:definition ?d ;
              ilrs:leadAgency <https://w3id.org/ilrs/id/agency/cnsa> , <https://w3id.org/ilrs/id/agency/roscosmos> }""",
    ),
    (
        "Pakistan's two disagreeing join dates each keep their source",
        f"""ASK {{ ?a org:member <https://w3id.org/ilrs/id/country/pakistan> ; org:memberDuring ?pa .
               GRAPH <{WIKI_GRAPH}history> {{ ?pa time:hasBeginning ?ia }}
               ?ia time:inXSDgYearMonth "2023-06"^^xsd:gYearMonth .
               ?b org:member <https://w3id.org/ilrs/id/country/pakistan> ; org:memberDuring ?pb .
               GRAPH <{SPACE_WIKI_GRAPH}members-table> {{ ?pb time:hasBeginning ?ib }}
               ?ib time:inXSDgYearMonth "2023-10"^^xsd:gYearMonth . }}""",
    ),
    (
        "the Wikipedia members table rows' countries are the curator's matching, which says how it was done",
        """ASK { GRAPH <https://w3id.org/ilrs/graph/editorial/members-table-matching> {
              <https://w3id.org/ilrs/id/membership/belarus-wikipedia> org:member <https://w3id.org/ilrs/id/country/belarus> ;
                  ilrs:memberIdentifiedBy <https://w3id.org/ilrs/id/source/space-wiki-ilrs> ; skos:editorialNote ?how . }
              FILTER(CONTAINS(?how, "by order")) }""",
    ),
    (
        "South Africa signed through SANSA; the notes cell lists SANSA, SARAO, FSDA",
        f"""ASK {{ GRAPH <{WIKI_GRAPH}history> {{ <https://w3id.org/ilrs/id/membership/south-africa-wikipedia> ilrs:signatoryBody <https://w3id.org/ilrs/id/agency/sansa> }}
              GRAPH <{WIKI_GRAPH}members-table> {{ <https://w3id.org/ilrs/id/membership/south-africa-wikipedia> skos:note "Notes column: SANSA, SARAO, FSDA"@en }} }}""",
    ),
    (
        "UAE and APSCO joined in June 2023 per Wikipedia",
        f"""ASK {{ GRAPH <{WIKI_GRAPH}history> {{
               ?a org:member <https://w3id.org/ilrs/id/country/united-arab-emirates> ; org:memberDuring ?p .
               ?p time:hasBeginning ?i . ?b org:member <https://w3id.org/ilrs/id/organization/apsco> . }}
               ?i time:inXSDgYearMonth "2023-06"^^xsd:gYearMonth . }}""",
    ),
    (
        "Turkey applied but is no member",
        """ASK { ?i ilrs:involvedAgent <https://w3id.org/ilrs/id/country/turkey> ; ilrs:involvementRole <https://w3id.org/ilrs/id/involvement-role/applicant> .
              FILTER NOT EXISTS { ?m org:member <https://w3id.org/ilrs/id/country/turkey> } }""",
    ),
    (
        "the September 2021 consultations had experts from six countries and UNOOSA",
        """ASK { <https://w3id.org/ilrs/id/event/draft-declaration-consultations-2021> time:hasTime/time:inXSDgYearMonth "2021-09"^^xsd:gYearMonth ;
              prov:wasAssociatedWith <https://w3id.org/ilrs/id/country/germany> , <https://w3id.org/ilrs/id/country/france> , <https://w3id.org/ilrs/id/country/italy> ,
              <https://w3id.org/ilrs/id/country/netherlands> , <https://w3id.org/ilrs/id/country/malaysia> , <https://w3id.org/ilrs/id/country/thailand> , <https://w3id.org/ilrs/id/organization/unoosa> }""",
    ),
    (
        "the 9 March 2021 memorandum founds the programme",
        """ASK { <https://w3id.org/ilrs/id/programme/ilrs> ilrs:foundingAgreement ?mou .
              ?mou time:hasTime/time:inXSDDate "2021-03-09"^^xsd:date ; ilrs:party <https://w3id.org/ilrs/id/country/china> , <https://w3id.org/ilrs/id/country/russia> }""",
    ),
    (
        "the GLEX 2021 roadmap session was in St Petersburg on 16 June 2021",
        """ASK { <https://w3id.org/ilrs/id/event/glex-2021-roadmap-session> prov:atLocation <https://w3id.org/ilrs/id/place/saint-petersburg> ;
              time:hasTime/time:inXSDDate "2021-06-16"^^xsd:date }""",
    ),
    (
        "Azercosmos signed in Baku, 3 October 2023, by Samaddin Asadov",
        """ASK { <https://w3id.org/ilrs/id/event/azerbaijan-agreement-2023> prov:atLocation <https://w3id.org/ilrs/id/place/baku> ; ilrs:signedBy <https://w3id.org/ilrs/id/person/samaddin-asadov> ;
              time:hasTime/time:inXSDDate "2023-10-03"^^xsd:date }""",
    ),
    (
        "the April 2024 renders, the May 2024 nuclear report and the June 2024 law are dated",
        """ASK { <https://w3id.org/ilrs/id/event/renders-shared-2024> time:hasTime/time:inXSDgYearMonth "2024-04"^^xsd:gYearMonth .
              <https://w3id.org/ilrs/id/event/nuclear-power-report-2024> time:hasTime/time:inXSDgYearMonth "2024-05"^^xsd:gYearMonth .
              <https://w3id.org/ilrs/id/event/russian-law-2024> time:hasTime/time:inXSDgYearMonth "2024-06"^^xsd:gYearMonth }""",
    ),
    (
        "Borisov's 25 August 2023 statement on Luna 25",
        """ASK { <https://w3id.org/ilrs/id/event/luna-25-statement-2023> prov:wasAssociatedWith <https://w3id.org/ilrs/id/person/yury-borisov> ;
              ilrs:concerns <https://w3id.org/ilrs/id/mission/luna-25> ; time:hasTime/time:inXSDDate "2023-08-25"^^xsd:date }""",
    ),
    (
        "ILRS-1 to ILRS-5 each may fly on LM-9 or Yenisei, planned 2031 to 2035",
        """ASK { FILTER NOT EXISTS {
              VALUES (?m ?year) { (<https://w3id.org/ilrs/id/mission/ilrs-1> "2031") (<https://w3id.org/ilrs/id/mission/ilrs-2> "2032") (<https://w3id.org/ilrs/id/mission/ilrs-3> "2033")
                                  (<https://w3id.org/ilrs/id/mission/ilrs-4> "2034") (<https://w3id.org/ilrs/id/mission/ilrs-5> "2035") }
              FILTER NOT EXISTS {
                ?m ilrs:candidateLaunchVehicle <https://w3id.org/ilrs/id/launch-vehicle/long-march-9> , <https://w3id.org/ilrs/id/launch-vehicle/yenisei> ;
                   ilrs:objective ?o ; ilrs:stage <https://w3id.org/ilrs/id/stage/construction-stage-2> .
                ?e ilrs:ofMission ?m ; time:hasTime/time:inXSDgYear ?y FILTER(STR(?y) = ?year) } } }""",
    ),
    (
        "Luna 25 crashed on 19 August 2023 at its crash site, with coordinates",
        """ASK { <https://w3id.org/ilrs/id/event/luna-25-crash> ilrs:ofMission <https://w3id.org/ilrs/id/mission/luna-25> ; time:hasTime/time:inXSDDate "2023-08-19"^^xsd:date ;
              ilrs:site/geo:hasGeometry/geo:asWKT ?wkt .
              <https://w3id.org/ilrs/id/mission/luna-25> ilrs:missionStatus <https://w3id.org/ilrs/id/mission-status/crashed> }""",
    ),
    (
        "Chang'e 6 landed, ascended, returned, carried Jinchan and sent its orbiter to Sun–Earth L2",
        """ASK { <https://w3id.org/ilrs/id/event/change-6-landing> ilrs:ofMission <https://w3id.org/ilrs/id/mission/change-6> .
              <https://w3id.org/ilrs/id/event/change-6-ascent> ilrs:ofMission <https://w3id.org/ilrs/id/mission/change-6> .
              <https://w3id.org/ilrs/id/event/change-6-earth-return> ilrs:site <https://w3id.org/ilrs/id/place/inner-mongolia> .
              <https://w3id.org/ilrs/id/spacecraft/jinchan> ilrs:partOfMission <https://w3id.org/ilrs/id/mission/change-6> .
              <https://w3id.org/ilrs/id/event/change-6-orbiter-sun-earth-l2> ilrs:site <https://w3id.org/ilrs/id/place/sun-earth-l2> }""",
    ),
    (
        "ICUBE-Q rode on Chang'e 6 and keeps both launch claims",
        """ASK { <https://w3id.org/ilrs/id/mission/change-6> ilrs:carriedPayload <https://w3id.org/ilrs/id/mission/icube-q> .
              <https://w3id.org/ilrs/id/event/icube-q-launch-wikipedia> time:hasTime/time:inXSDDate "2024-05-08"^^xsd:date .
              <https://w3id.org/ilrs/id/event/icube-q-launch-nation> time:hasTime/time:inXSDDate "2024-05-03"^^xsd:date }""",
    ),
    (
        "Chang'e 4's landing site keeps both sources' coordinates",
        """ASK { <https://w3id.org/ilrs/id/site/statio-tianhe> geo:hasGeometry ?a , ?b . FILTER(?a != ?b)
              GRAPH <https://w3id.org/ilrs/graph/source/enwiki-change-4> { ?a geo:asWKT ?wa }
              GRAPH <https://w3id.org/ilrs/graph/source/nssdca-change-4> { ?b geo:asWKT ?wb } }""",
    ),
    (
        "Long March 5 is also found as LM-5 and CZ-5",
        """ASK { <https://w3id.org/ilrs/id/launch-vehicle/long-march-5> skos:altLabel "LM-5"@en , "CZ-5"@en }""",
    ),
    (
        "Utilization begins in 2036 and has no end",
        """ASK { <https://w3id.org/ilrs/id/phase/utilization> time:hasBeginning/time:inXSDgYear "2036"^^xsd:gYear .
              FILTER NOT EXISTS { <https://w3id.org/ilrs/id/phase/utilization> time:hasEnd ?end } }""",
    ),
    (
        "Construction splits into stage 1 (2026–2030) and stage 2 (2031–2035)",
        """ASK { <https://w3id.org/ilrs/id/stage/construction-stage-1> ilrs:stageOf <https://w3id.org/ilrs/id/phase/construction> ;
              time:hasBeginning/time:inXSDgYear "2026"^^xsd:gYear ; time:hasEnd/time:inXSDgYear "2030"^^xsd:gYear .
              <https://w3id.org/ilrs/id/stage/construction-stage-2> time:hasBeginning/time:inXSDgYear "2031"^^xsd:gYear ;
              time:hasEnd/time:inXSDgYear "2035"^^xsd:gYear }""",
    ),
    (
        "Wikipedia's 8 scientific objectives, Space Wiki's testing technologies, and 5 facilities",
        f"""ASK {{ {{ SELECT (COUNT(DISTINCT ?o) AS ?objectives) WHERE {{ GRAPH <{WIKI_GRAPH}scientific-objectives> {{ ?o a ilrs:ScientificObjective }} }} }}
              {{ SELECT (COUNT(DISTINCT ?f) AS ?facilities) WHERE {{ <https://w3id.org/ilrs/id/programme/ilrs> ilrs:facility ?f }} }}
              GRAPH <{SPACE_WIKI_GRAPH}ref-2> {{ <https://w3id.org/ilrs/id/objective/testing-technologies> a ilrs:ScientificObjective ;
                  rdfs:label "Testing technologies"@en }}
              FILTER(?objectives = 8 && ?facilities = 5) }}""",
    ),
]


@pytest.mark.parametrize(("description", "ask"), FACTS, ids=[d for d, _ in FACTS])
def test_fact_is_in_the_graph(graph: ox.Store, description: str, ask: str) -> None:
    result = graph.query(P + ask)
    assert isinstance(result, ox.QueryBoolean)
    assert bool(result), description


W, SW, G = WIKI_GRAPH, SPACE_WIKI_GRAPH, "https://w3id.org/ilrs/graph/"
ID, ILRS = "https://w3id.org/ilrs/id/", "https://w3id.org/ilrs/ontology#"
RDFS_LABEL, SKOS = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#"
TIME = "http://www.w3.org/2006/time#"
ORG, PROV = "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#"

# (fact as a VALUES row, the statement graphs that must hold it, and no other)
PROVENANCE: list[tuple[str, set[str]]] = [
    (f'<{ID}mission/change-6> <{ILRS}cosparId> "2024-083A"', {f"{G}source/simplewiki-change-6"}),
    (f'<{ID}mission/change-4> <{ILRS}cosparId> "2018-103A"', {f"{G}source/nssdca-change-4"}),
    (f'<{ID}mission/luna-25> <{ILRS}cosparId> "2023-118A"', {f"{G}source/enwiki-luna-25"}),
    (
        f"<{ID}mission/luna-28> <{ILRS}launchVehicle> <{ID}launch-vehicle/angara-a5>",
        {f"{W}mission-table-construction"},
    ),
    (
        f"<{ID}mission/change-6> <{ILRS}launchVehicle> <{ID}launch-vehicle/long-march-5>",
        {f"{W}mission-table-reconnaissance"},
    ),
    (f"<{ID}mission/change-6> <{ILRS}launchSite> <{ID}place/wenchang>", {f"{G}source/simplewiki-change-6"}),
    (f'<{ID}programme/ilrs> <{RDFS_LABEL}> "国际月球科研站"@zh', {f"{G}source/dewiki-ilrs"}),
    (f'<{ID}programme/ilrs> <{RDFS_LABEL}> "Международная научная лунная станция"@ru', {f"{W}lead"}),
    (f"<{ID}programme/ilrs> <{ILRS}leadAgency> <{ID}agency/cnsa>", {f"{W}lead"}),
    # Day-precision dates cite only the source that gives the day.
    (f"<{ID}event/china-russia-memorandum-2021> <{TIME}hasTime> <{ID}instant/2021-03-09>", {f"{W}history"}),
    (f"<{ID}event/azerbaijan-agreement-2023> <{TIME}hasTime> <{ID}instant/2023-10-03>", {f"{W}history"}),
    (f"<{ID}event/south-africa-memorandum-2023> <{TIME}hasTime> <{ID}instant/2023-09-01>", {f"{W}history"}),
    # Azerbaijan's document: each source's own word for it.
    (
        f"<{ID}event/azerbaijan-agreement-2023> <{ILRS}agreementType> <{ID}agreement-type/agreement>",
        {f"{W}history"},
    ),
    (
        f"<{ID}event/azerbaijan-agreement-2023> <{ILRS}agreementType> <{ID}agreement-type/joint-statement>",
        {f"{SW}ref-5"},
    ),
    # Signatories of Space Wiki's claims come from the sentence citing the SpaceNews article.
    (f"<{ID}membership/pakistan-space-wiki> <{ILRS}signatoryBody> <{ID}agency/suparco>", {f"{SW}ref-6"}),
    (f"<{ID}membership/south-africa-wikipedia> <{ILRS}signatoryBody> <{ID}agency/sansa>", {f"{W}history"}),
    # The Wikipedia table's rows: the date is Wikipedia's, the country the curator's matching.
    (
        f"<{ID}interval/membership-pakistan-wikipedia> <{TIME}hasBeginning> <{ID}instant/2023-10-20>",
        {f"{W}members-table"},
    ),
    (
        f"<{ID}membership/pakistan-wikipedia> <http://www.w3.org/ns/org#member> <{ID}country/pakistan>",
        {f"{G}editorial/members-table-matching"},
    ),
    # Stages are Wikipedia's alone; Space Wiki has none.
    (
        f"<{ID}stage/construction-stage-1> <{ILRS}objective> <{ID}objective/lunar-sample-return>",
        {f"{W}phases"},
    ),
    (
        f"<{ID}mission/luna-28> <{ILRS}stage> <{ID}stage/construction-stage-1>",
        {f"{G}editorial/stage-assignment"},
    ),
    # "Far side" is the Wikipedia seed's.
    (
        f'<{ID}site/statio-tianhe> <{SKOS}note> "Chang\'e 4 achieved a soft landing on the far side of the Moon."@en',
        {f"{W}planned-missions"},
    ),
    (
        f'<{ID}site/apollo-basin> <http://purl.org/dc/terms/description> "Basin on the far side of the Moon."@en',
        {f"{W}planned-missions"},
    ),
    # Expansions of the sources' abbreviations are editorial; the abbreviation is the source's.
    (
        f'<{ID}launch-vehicle/long-march-5> <{RDFS_LABEL}> "Long March 5"@en',
        {f"{G}editorial/launch-vehicle-names"},
    ),
    (
        f'<{ID}launch-vehicle/long-march-5> <{SKOS}altLabel> "LM-5"@en',
        {f"{W}mission-table-reconnaissance", f"{W}mission-table-construction"},
    ),
    # The scientific objectives in the source's own wording, and Space Wiki's extra one.
    (
        f'<{ID}objective/in-situ-resource-utilization> <{RDFS_LABEL}> "Lunar Resource in-situ utilization"@en',
        {f"{W}scientific-objectives"},
    ),
    (f'<{ID}objective/testing-technologies> <{RDFS_LABEL}> "Testing technologies"@en', {f"{SW}ref-2"}),
    (
        f"<{ID}phase/construction> <{SKOS}note> \"Supported by China's Chang'e 8, Russia's Luna 28, and potential future partner missions.\"@en",
        {f"{SW}ref-2"},
    ),
    # The lab director is a post of the ILRS's lab, stated in Wikipedia's History; that he heads the lab is
    # derived from the post by ORG's rule, not stated of the person.
    (f"<{ID}post/ilrs-lab-director> <{ORG}heldBy> <{ID}person/wu-weiren>", {f"{W}history"}),
    (f"<{ID}post/ilrs-lab-director> <{ORG}postIn> <{ID}organization/ilrs-lab>", {f"{W}history"}),
    (f"<{ID}person/wu-weiren> <{ORG}headOf> <{ID}organization/ilrs-lab>", {f"{G}derived/post-holders"}),
    # Chen Xiaodong acted on behalf of CNSA in that one signing, as the History says.
    (
        f"<{ID}participation/south-africa-memorandum-2023-chen-xiaodong> <{ILRS}onBehalfOf> <{ID}agency/cnsa>",
        {f"{W}history"},
    ),
    (
        f"<{ID}event/azerbaijan-agreement-2023> <{PROV}qualifiedAssociation> <{ID}participation/azerbaijan-agreement-2023-samaddin-asadov>",
        {f"{W}history"},
    ),
    # A page about one entity is derived from the page's citations.
    (
        f"<{ID}mission/change-4> <http://xmlns.com/foaf/0.1/page> <https://en.wikipedia.org/wiki/Chang%27e_4>",
        {f"{G}derived/pages-about"},
    ),
]


@pytest.mark.parametrize(("fact", "graphs"), PROVENANCE, ids=[f[:90] for f, _ in PROVENANCE])
def test_fact_sits_in_exactly_the_statement_graphs_of_its_sources(
    graph: ox.Store, fact: str, graphs: set[str]
) -> None:
    solutions = graph.query(
        f"SELECT DISTINCT ?g WHERE {{ VALUES (?s ?p ?o) {{ ({fact}) }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    assert {row["g"].value for row in solutions} == graphs


# Facts the audit removed: each ASK must be false.
CORRECTED: list[tuple[str, str]] = [
    ("no source gives a launch vehicle's country", "ASK { ?v a ilrs:LaunchVehicle ; ilrs:country ?c }"),
    ("no source says Soyuz-2.1b is a variant of Soyuz-2", "ASK { ?v ilrs:variantOf ?w }"),
    (
        "no source says Baku is in Azerbaijan or Inner Mongolia in China",
        f"ASK {{ VALUES ?p {{ <{ID}place/baku> <{ID}place/inner-mongolia> }} ?p ilrs:country ?c }}",
    ),
    (
        "nothing says SARAO or FSDA signed or are South African",
        f"""ASK {{ VALUES ?o {{ <{ID}organization/sarao> <{ID}organization/fsda> }}
              {{ ?o ilrs:country ?c }} UNION {{ ?m ilrs:signatoryBody ?o }} }}""",
    ),
    (
        "the ILRS's lab is not named the Deep Space Exploration Laboratory",
        f"""ASK {{ {{ ?x org:memberOf <{ID}organization/deep-space-exploration-laboratory> }}
              UNION {{ ?i ilrs:involvedAgent <{ID}organization/deep-space-exploration-laboratory> }}
              UNION {{ <{ID}organization/deep-space-exploration-laboratory> dcterms:description ?d FILTER(CONTAINS(?d, "ILRS's lab")) }} }}""",
    ),
    (
        "Azerbaijan's document is not called a cooperation agreement",
        f"ASK {{ <{ID}event/azerbaijan-agreement-2023> ilrs:agreementType <{ID}agreement-type/cooperation-agreement> }}",
    ),
    (
        "Wikipedia-table claims carry no signatory or agreement that only Space Wiki names",
        f"""ASK {{ VALUES ?c {{ <{ID}membership/pakistan-wikipedia> <{ID}membership/belarus-wikipedia> <{ID}membership/egypt-wikipedia>
                             <{ID}membership/thailand-wikipedia> <{ID}membership/serbia-wikipedia> <{ID}membership/senegal-wikipedia> }}
              ?c ilrs:signatoryBody|ilrs:establishedBy ?x }}""",
    ),
    (
        "Space Wiki is cited for no stage",
        f'ASK {{ GRAPH ?g {{ ?s a ilrs:Stage }} FILTER(STRSTARTS(STR(?g), "{SW}")) }}',
    ),
    (
        "a month-only source is cited for no day-precision date",
        f"""ASK {{ GRAPH ?g {{ ?x time:hasTime|time:hasBeginning ?i }} ?i time:inXSDDate ?d
              FILTER(STRSTARTS(STR(?g), "{SW}")) }}""",
    ),
    (
        "no scientific objective is reworded from the source",
        """ASK { ?o a ilrs:ScientificObjective ; rdfs:label ?l
              FILTER(?l IN ("Lunar in-situ resource utilization"@en, "Lunar-based Earth observation"@en,
                            "Lunar-based biological and medical experiments"@en, "Lunar physics and internal structure"@en)) }""",
    ),
    (
        "no person carries a title or acts for a body at large: titles are posts, acting for is one signing's",
        "ASK { ?p a ilrs:Person . { ?p ilrs:positionTitle ?t } UNION { ?p prov:actedOnBehalfOf ?b } }",
    ),
    (
        "no source says for whom Humbulani Mudau or Samaddin Asadov signed (only their posts)",
        f"""ASK {{ VALUES ?who {{ <{ID}person/humbulani-mudau> <{ID}person/samaddin-asadov> }}
              ?participation prov:agent ?who ; ilrs:onBehalfOf ?body }}""",
    ),
    (
        "no deputy, vice administrator or ambassador is said to head a body",
        f"""ASK {{ VALUES ?who {{ <{ID}person/sergei-saveliev> <{ID}person/wu-yanhua> <{ID}person/chen-xiaodong> }}
              ?who org:headOf ?body }}""",
    ),
    (
        "a programme-wide or list source is no page about one entity, nor is a page cited for several",
        """ASK { ?entity foaf:page ?page VALUES ?page { <https://en.wikipedia.org/wiki/International_Lunar_Research_Station>
              <https://pypi.org/project/pycountry/26.2.16/> <https://nation.com.pk/09-May-2024/pak-icube-q-enters-moon-orbit>
              <https://www.cnsa.gov.cn/english/n6465652/n6465653/c6812150/content.html> } }""",
    ),
    (
        "no instance lists its sources: a fact's source is its statement graph",
        f'ASK {{ ?x prov:wasDerivedFrom ?s FILTER(STRSTARTS(STR(?x), "{ID}")) FILTER NOT EXISTS {{ ?x a ilrs:SourceDocument }} }}',
    ),
]


@pytest.mark.parametrize(("description", "ask"), CORRECTED, ids=[d for d, _ in CORRECTED])
def test_corrected_fact_does_not_come_back(graph: ox.Store, description: str, ask: str) -> None:
    result = graph.query(P + ask)
    assert isinstance(result, ox.QueryBoolean)
    assert not bool(result), description


def test_every_fact_about_an_instance_sits_in_a_described_statement_graph(graph: ox.Store) -> None:
    query = (
        P
        + f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{
        GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{ID}"))
        FILTER NOT EXISTS {{ GRAPH <{G}provenance> {{ ?g a ?k
            VALUES ?k {{ ilrs:SourcedStatements ilrs:EditorialStatements ilrs:DerivedStatements }} }} }}
        FILTER NOT EXISTS {{ GRAPH <{G}provenance> {{ ?s a ilrs:SourceDocument }} }}
    }} GROUP BY ?g"""
    )
    solutions = graph.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    assert {row["g"].value: row["n"].value for row in solutions} == {}


def test_every_member_has_a_claim_from_each_members_table(graph: ox.Store) -> None:
    query = (
        P
        + f"""SELECT ?country (COUNT(DISTINCT ?table) AS ?tables) WHERE {{
        VALUES ?table {{ <{W}members-table> <{SW}members-table> }}
        GRAPH ?table {{ ?claim a ilrs:Membership ; org:memberDuring|skos:note ?x }}
        ?claim org:member ?country .
    }} GROUP BY ?country"""
    )
    solutions = graph.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    counts = {row["country"].value.rsplit("/", 1)[1]: int(row["tables"].value) for row in solutions}
    members = (
        "china",
        "russia",
        "venezuela",
        "south-africa",
        "azerbaijan",
        "pakistan",
        "belarus",
        "egypt",
        "thailand",
        "nicaragua",
        "serbia",
        "kazakhstan",
        "senegal",
    )
    assert counts == dict.fromkeys(members, 2)
