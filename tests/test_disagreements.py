"""Disagreement nodes (data/disagreements.trig): each names graphs that really state its claims, and every
conflict a rule can detect in the claims has a node."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ilrs_kg.namespaces import ONTOLOGY_NS, sparql_prefix_block

PREFIXES = sparql_prefix_block()
ILRS = ONTOLOGY_NS

# Pairs of claims whose dates or positions cannot both be right, found by rule: the checks 07 used to run.
DETECTABLE_CONFLICTS = """
SELECT DISTINCT ?a ?b WHERE {
  {
    ?a a ilrs:Membership ; org:member ?who ; org:memberDuring/time:hasBeginning/ilrs:dateValue ?da .
    ?b a ilrs:Membership ; org:member ?who ; org:memberDuring/time:hasBeginning/ilrs:dateValue ?db .
    ?a org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?va .
    ?b org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?vb .
  } UNION {
    ?a ilrs:ofMission ?m ; ilrs:eventType <https://w3id.org/ilrs/id/event-type/launch> ;
       time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?va .
    ?b ilrs:ofMission ?m ; ilrs:eventType <https://w3id.org/ilrs/id/event-type/launch> ;
       time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?vb .
  } UNION {
    ?site geo:hasGeometry ?a , ?b . ?a geo:asWKT ?va . ?b geo:asWKT ?vb .
  } UNION {
    ?programme ilrs:foundingAgreement ?a .
    ?a time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?va .
    ?b org:organization ?programme ; org:role <https://w3id.org/ilrs/id/membership-role/founding-member> ;
       org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?vb .
  }
  FILTER(STR(?a) < STR(?b) || EXISTS { ?programme ilrs:foundingAgreement ?a })
  # Dates of different precision agree when one lies within the other ("2023-07" and "2023-07-17").
  FILTER(!STRSTARTS(STR(?va), STR(?vb)) && !STRSTARTS(STR(?vb), STR(?va)))
}
"""


def _rows(graph: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = graph.query(PREFIXES + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(term.value if term is not None else "" for term in row) for row in solutions]


def _disagreements(graph: ox.Store) -> dict[str, dict[str, set[str]]]:
    nodes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for node, prop, value in _rows(
        graph, "SELECT ?d ?p ?v WHERE { ?d a ilrs:Disagreement ; ?p ?v FILTER(ISIRI(?v)) }"
    ):
        nodes[node][prop.removeprefix(ILRS)].add(value)
    return nodes


def test_the_disagreements_issue_12_lists_are_nodes(graph: ox.Store) -> None:
    nodes = _disagreements(graph)
    names = {iri.rsplit("/", 1)[1] for iri in nodes}
    assert {
        "first-country-to-join",
        "united-arab-emirates-membership",
        "apsco-membership",
        "founding-member-role",
        "construction-start",
        "crucial-missions-period",
        "pakistan-join-date",
        "icube-q-launch-date",
        "statio-tianhe-coordinates",
    } <= names


def test_every_named_graph_states_something_about_its_claims(graph: ox.Store) -> None:
    for node, props in _disagreements(graph).items():
        involved = props["conflictingClaim"] | props["disagreementAbout"]
        values = " ".join(f"<{iri}>" for iri in involved)
        for statements in props["conflictingStatements"]:
            held = _rows(
                graph,
                f"""SELECT ?s WHERE {{ GRAPH <{statements}> {{ {{ ?s ?p ?o }} UNION {{ ?o ?p ?s }} }}
                      VALUES ?s {{ {values} }} }} LIMIT 1""",
            )
            assert held, f"{node}: <{statements}> states nothing about its claims"


def test_a_graph_said_to_omit_a_member_really_does(graph: ox.Store) -> None:
    for node, props in _disagreements(graph).items():
        for omitting in props["omittedBy"]:
            for member in props["disagreementAbout"]:
                listed = _rows(
                    graph, f"SELECT ?m WHERE {{ GRAPH <{omitting}> {{ ?m org:member <{member}> }} }} LIMIT 1"
                )
                assert not listed, f"{node}: <{omitting}> does list <{member}>"


def test_every_conflict_a_rule_detects_has_a_node_naming_both_claims(graph: ox.Store) -> None:
    detected = _rows(graph, DETECTABLE_CONFLICTS)
    assert len(detected) >= 5, "the detection itself must still find the known conflicts"
    covered = [props["conflictingClaim"] for props in _disagreements(graph).values()]
    missing = [(a, b) for a, b in detected if not any({a, b} <= claims for claims in covered)]
    assert missing == [], "conflicting claims without a disagreement node in data/disagreements.trig"


def test_each_side_has_its_source_in_two_patterns(graph: ox.Store) -> None:
    rows = _rows(
        graph,
        """SELECT DISTINCT ?source WHERE {
             <https://w3id.org/ilrs/id/disagreement/first-country-to-join> ilrs:conflictingClaim ?claim .
             ?claim ilrs:claimedIn/prov:wasDerivedFrom ?source }""",
    )
    assert {r[0].rsplit("/", 1)[1] for r in rows} == {"wikipedia-ilrs", "space-wiki-ilrs"}
