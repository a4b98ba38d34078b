"""Derived statements (rules/*.rq): what the build derives from the real data, what it says each derived graph
came from, and how it refuses a rule that is broken."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from ilrs_kg.build import build_store
from ilrs_kg.derivation import RULE_NS, PatternCache, as_select, read_rule, triple_patterns
from ilrs_kg.errors import RuleError, ValidationFailed
from ilrs_kg.namespaces import DERIVED_GRAPH_NS, SOURCE_GRAPH_NS, sparql_prefix_block
from ilrs_kg.settings import Settings
from tests.conftest import PROJECT_ROOT, copy_project

BROKEN_RULES = PROJECT_ROOT / "tests" / "fixtures" / "broken-rules"
PREFIXES = sparql_prefix_block()
WIKIPEDIA = SOURCE_GRAPH_NS + "wikipedia-ilrs/"
SPACE_WIKI = SOURCE_GRAPH_NS + "space-wiki-ilrs/"


def _select(graph: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = graph.query(PREFIXES + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(term.value if term is not None else "" for term in row) for row in solutions]


def _ask(graph: ox.Store, query: str) -> bool:
    answer = graph.query(PREFIXES + query)
    assert isinstance(answer, ox.QueryBoolean)
    return bool(answer)


def test_every_rule_file_says_what_and_why_and_its_graph_is_described(graph: ox.Store) -> None:
    rules = sorted((PROJECT_ROOT / "rules").glob("*.rq"))
    assert len(rules) >= 5
    described = _select(
        graph,
        """SELECT ?g ?rule ?file (COUNT(DISTINCT ?input) AS ?inputs) WHERE {
             GRAPH <https://w3id.org/ilrs/graph/provenance> {
               ?g a ilrs:DerivedStatements ; ilrs:derivationRule ?rule ; prov:wasDerivedFrom ?input .
               ?rule a ilrs:DerivationRule ; ilrs:ruleFile ?file ; skos:definition ?why } } GROUP BY ?g ?rule ?file""",
    )
    by_file = {row[2]: row for row in described}
    for path in rules:
        rule = read_rule(path)
        assert len(rule.comment) > 40, f"{path.name}: the comment should say what and why"
        g, rule_iri, _file, inputs = by_file[f"rules/{path.name}"]
        assert g == DERIVED_GRAPH_NS + path.stem and rule_iri == RULE_NS + path.stem
        assert int(inputs) >= 1
        assert _ask(graph, f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"), f"{path.name} derived nothing"


def test_inputs_are_the_graphs_that_contributed_not_every_graph(graph: ox.Store) -> None:
    inputs = {
        row[0]
        for row in _select(
            graph,
            """SELECT ?input WHERE { GRAPH <https://w3id.org/ilrs/graph/provenance> {
                 <https://w3id.org/ilrs/graph/derived/programme-members> prov:wasDerivedFrom ?input } }""",
        )
    }
    # The three statement sets that hold membership claims, and where Wikipedia's table rows are matched to
    # members; nothing about missions or sites.
    assert {WIKIPEDIA + "members-table", SPACE_WIKI + "members-table", WIKIPEDIA + "history"} <= inputs
    assert not any("nssdca" in g or "mission-table" in g for g in inputs)
    instants = _select(
        graph,
        """SELECT ?input WHERE { GRAPH <https://w3id.org/ilrs/graph/provenance> {
             <https://w3id.org/ilrs/graph/derived/instant-date-values> prov:wasDerivedFrom ?input } }""",
    )
    assert instants == [("https://w3id.org/ilrs/graph/editorial/time-instants",)]


def _patterns(query: str) -> int:
    """Triple patterns of a query, counted as scripts/triple_patterns.py (the issue's measure) counts them."""
    spec = importlib.util.spec_from_file_location(
        "triple_patterns", PROJECT_ROOT / "scripts" / "triple_patterns.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return int(script.count(prepareQuery(PREFIXES + query).algebra))


# The issue's "done when": each of these three questions works in one or two triple patterns.
MIXED_PRECISION = """SELECT ?i ?d ?unit WHERE { ?i ilrs:dateValue ?d ; ilrs:datePrecision ?unit
    FILTER(?d >= "2023-07-01"^^xsd:date && ?d < "2027-01-01"^^xsd:date) } ORDER BY ?d ?i"""
SUPERCLASS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership }"
FAR_SIDE = (
    "SELECT ?m WHERE { ?m ilrs:landedOnSide <https://w3id.org/ilrs/id/lunar-side/far-side> } ORDER BY ?m"
)


@pytest.mark.parametrize(
    "query", [MIXED_PRECISION, SUPERCLASS, FAR_SIDE], ids=["dates", "superclass", "far-side"]
)
def test_the_issues_three_questions_take_one_or_two_patterns(query: str) -> None:
    assert 1 <= _patterns(query) <= 2


def test_mixed_precision_dates_compare_and_sort_in_one_pattern(graph: ox.Store) -> None:
    # "2027" (a year), "2026" (a year), "2024-05-03" (a day), "2023-07" (a month) in one ORDER BY.
    rows = _select(graph, MIXED_PRECISION)
    dates = [row[1] for row in rows]
    assert dates == sorted(dates) and "2023-07-01" in dates and "2026-01-01" in dates
    units = {row[0].rsplit("/", 1)[1]: row[2].rsplit("#", 1)[1] for row in rows}
    assert (
        units["2023-07"] == "unitMonth" and units["2026"] == "unitYear" and units["2024-05-03"] == "unitDay"
    )


def test_w3c_superclass_query_finds_our_instances(graph: ox.Store) -> None:
    ours = _select(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?m a ilrs:Membership }")
    theirs = _select(graph, SUPERCLASS)
    assert int(theirs[0][0]) == int(ours[0][0]) > 20
    assert _ask(graph, "ASK { <https://w3id.org/ilrs/id/mission/change-6> a prov:Activity }")
    features = _select(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s a geo:Feature }")
    assert int(features[0][0]) > 5
    # Plumbing is not typed: the provenance graph's descriptions stay the only statements about graphs.
    plumbing = _select(
        graph,
        """SELECT ?g WHERE { GRAPH ?d { ?g a prov:Entity } GRAPH <https://w3id.org/ilrs/graph/provenance> {
             ?g a ilrs:SourcedStatements } FILTER(STRSTARTS(STR(?d), "https://w3id.org/ilrs/graph/derived/")) }""",
    )
    assert plumbing == []


def test_disagreeing_dates_are_all_kept_on_the_direct_properties(graph: ox.Store) -> None:
    pakistan = _select(
        graph,
        "SELECT ?d WHERE { <https://w3id.org/ilrs/id/country/pakistan> org:memberOf ?p ; ilrs:joinDate ?d }",
    )
    assert sorted(row[0] for row in pakistan) == ["2023-06", "2023-10", "2023-10-20"]
    icube = _select(
        graph, "SELECT ?d WHERE { <https://w3id.org/ilrs/id/mission/icube-q> ilrs:launchDate ?d }"
    )
    assert sorted(row[0] for row in icube) == ["2024-05-03", "2024-05-08"]


def test_each_claim_says_which_source_part_states_it(graph: ox.Store) -> None:
    rows = _select(
        graph,
        f"""SELECT ?m WHERE {{ ?m a ilrs:Membership ; ilrs:claimedIn <{WIKIPEDIA}members-table> }}""",
    )
    assert len(rows) >= 10 and all(row[0].endswith("-wikipedia") for row in rows)


def test_as_select_keeps_the_where_clause_and_drops_only_the_template() -> None:
    rule = read_rule(PROJECT_ROOT / "rules" / "instant-date-values.rq")
    select = as_select(rule)
    assert "SELECT *" in select and "CONSTRUCT" not in select.split("PREFIX xsd:")[1]
    assert select.rstrip().endswith("}") and 'CONCAT(STR(?date), "-01-01")' in select


def _project_with_rule(tmp_path: Path, rule: str) -> Settings:
    root = copy_project(tmp_path / "project")
    shutil.copytree(PROJECT_ROOT / "rules", root / "rules")
    shutil.copy(BROKEN_RULES / rule, root / "rules" / rule)
    return Settings(root=root, build_dir=tmp_path / "build")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("malformed-date-value.rq", "ilrs:dateValue, an xsd:date"),
        # A deputy made head: org:headOf without a head's post in the organization.
        (
            "heads-every-post-holder.rq",
            "without holding a post in it whose kind has org:roleProperty org:headOf",
        ),
        ("page-is-the-source-node.rq", "is not the web page (schema:url) of a declared source document"),
        ("types-missions-as-memberships.rq", "which is no superclass of any of its ILRS classes"),
        ("lands-on-a-mission-status.rq", "the far side or the near side"),
        ("month-ends-on-its-first-day.rq", "is not the last day of the instant's own date"),
    ],
)
def test_a_rule_producing_malformed_statements_fails_the_build_naming_it(
    tmp_path: Path, rule: str, message: str
) -> None:
    settings = _project_with_rule(tmp_path, rule)
    with pytest.raises(ValidationFailed) as failure:
        build_store(settings)
    report = failure.value.report_text
    assert rule.replace(".rq", ".trig") in report and message in report
    assert not settings.store_path.exists(), "nothing is built from a broken rule"


@pytest.mark.parametrize(
    ("rule", "why"),
    [("matches-nothing.rq", "derived nothing"), ("not-sparql.rq", "does not parse")],
)
def test_a_rule_that_cannot_run_or_matches_nothing_stops_the_build(
    tmp_path: Path, rule: str, why: str
) -> None:
    settings = _project_with_rule(tmp_path, rule)
    with pytest.raises(RuleError) as failure:
        build_store(settings)
    assert rule in str(failure.value) and why in str(failure.value)
    assert not settings.store_path.exists()


def test_far_side_landings_are_one_pattern_from_the_sources_words(graph: ox.Store) -> None:
    rows = _select(graph, FAR_SIDE)
    assert [row[0].rsplit("/", 1)[1] for row in rows] == ["change-4", "change-6"]
    inputs = {
        row[0].rsplit("/", 1)[1]
        for row in _select(
            graph,
            """SELECT ?input WHERE { GRAPH <https://w3id.org/ilrs/graph/provenance> {
                 <https://w3id.org/ilrs/graph/derived/mission-landing-sides> prov:wasDerivedFrom ?input } }""",
        )
    }
    # Wikipedia says "far side"; the Chang'e 4 article and LROC place the landings at their sites.
    assert {"planned-missions", "enwiki-change-4", "lroc-1374"} <= inputs


def test_cached_patterns_are_the_parsed_ones_and_an_edited_rule_is_parsed_again(tmp_path: Path) -> None:
    rule = read_rule(PROJECT_ROOT / "rules" / "mission-dates.rq")
    cache = PatternCache(tmp_path)
    parsed = triple_patterns(rule)
    assert cache.patterns(rule) == parsed  # parsed, then written
    assert cache.patterns(rule) == parsed  # read back
    assert len(list(tmp_path.glob("mission-dates-*.json"))) == 1
    edited = dataclasses.replace(rule, text=rule.text.replace("?instant time:inXSDDate|", "?instant "))
    assert cache.patterns(edited) != parsed
    assert len(list(tmp_path.glob("mission-dates-*.json"))) == 2


def test_who_headed_the_lab_is_one_pattern_from_the_post_the_source_names(graph: ox.Store) -> None:
    heads = _select(graph, 'SELECT ?who WHERE { ?who org:headOf ?lab . ?lab rdfs:label "ILRS\'s lab"@en }')
    assert heads == [("https://w3id.org/ilrs/id/person/wu-weiren",)]
    # ORG's rules: every post in an organization gives its holder's membership; only a head's kind of post
    # (director, chief executive) gives org:headOf, and a post in no organization (the ambassador's) nothing.
    rows = _select(
        graph,
        """SELECT ?who ?property ?body WHERE { GRAPH <https://w3id.org/ilrs/graph/derived/post-holders> {
             ?who ?property ?body } } ORDER BY ?who ?property""",
    )
    found = {(w.rsplit("/", 1)[1], p.rsplit("#", 1)[1], b.rsplit("/", 1)[1]) for w, p, b in rows}
    assert ("wu-weiren", "headOf", "ilrs-lab") in found and (
        "sergei-saveliev",
        "memberOf",
        "roscosmos",
    ) in found
    assert not {f for f in found if f[0] in ("sergei-saveliev", "wu-yanhua") and f[1] == "headOf"}
    assert not {f for f in found if f[0] == "chen-xiaodong"}
    inputs = _select(
        graph,
        """SELECT ?input WHERE { GRAPH <https://w3id.org/ilrs/graph/provenance> {
             <https://w3id.org/ilrs/graph/derived/post-holders> prov:wasDerivedFrom ?input } } ORDER BY ?input""",
    )
    # The posts (the History, and the Planned Missions text for Borisov) and the kinds of post.
    assert [row[0].rsplit("/", 1)[1] for row in inputs] == ["vocabularies", "history", "planned-missions"]


def test_who_signed_for_whom_is_said_of_the_signing_not_the_person(graph: ox.Store) -> None:
    rows = _select(
        graph,
        """SELECT ?person ?post ?body WHERE {
             <https://w3id.org/ilrs/id/event/south-africa-memorandum-2023> prov:qualifiedAssociation ?signing .
             ?signing prov:hadRole <https://w3id.org/ilrs/id/participation-role/signatory> ; prov:agent ?person ;
                      ilrs:heldPost ?post . OPTIONAL { ?signing ilrs:onBehalfOf ?body } } ORDER BY ?person""",
    )
    assert [(p.rsplit("/", 1)[1], q.rsplit("/", 1)[1], b.rsplit("/", 1)[-1]) for p, q, b in rows] == [
        ("chen-xiaodong", "chinese-ambassador-to-south-africa", "cnsa"),
        ("humbulani-mudau", "sansa-ceo", ""),  # the source gives his post, not for whom he signed
    ]
    assert not _ask(graph, "ASK { ?person a ilrs:Person ; prov:actedOnBehalfOf ?body }")


def test_pages_about_one_entity_come_from_the_pages_cited_for_it_alone(graph: ox.Store) -> None:
    rows = _select(graph, "SELECT ?e ?page WHERE { ?e foaf:page ?page } ORDER BY ?e ?page")
    pages: dict[str, set[str]] = {}
    for entity, page in rows:
        pages.setdefault(entity.rsplit("/", 1)[1], set()).add(page)
    assert pages["change-4"] == {
        "https://en.wikipedia.org/wiki/Chang%27e_4",
        "https://nssdc.gsfc.nasa.gov/nmc/spacecraft/display.action?id=2018-103A",
    }
    assert pages["change-6"] == {
        "https://simple.wikipedia.org/wiki/Chang%27e_6",
        "http://lroc.sese.asu.edu/images/1374",
    }
    assert pages["roscosmos"] == {"https://en.wikipedia.org/wiki/Roscosmos"}
    # Programme-wide articles and lists (many entities), and a page cited for several, give no page.
    every_page = {page for linked in pages.values() for page in linked}
    assert "https://en.wikipedia.org/wiki/International_Lunar_Research_Station" not in every_page
    assert "https://nation.com.pk/09-May-2024/pak-icube-q-enters-moon-orbit" not in every_page
    assert "icube-q" not in pages and "pakistan" not in pages
    # Derived from exactly the pages' own statement graphs: a pattern inside GRAPH ?g counts in ?g alone.
    inputs = _select(
        graph,
        """SELECT ?input WHERE { GRAPH <https://w3id.org/ilrs/graph/provenance> {
             <https://w3id.org/ilrs/graph/derived/pages-about> prov:wasDerivedFrom ?input } }""",
    )
    assert {row[0] for row in inputs} == {
        SOURCE_GRAPH_NS + name
        for name in (
            "dewiki-cnsa",
            "dewiki-ilrs",
            "enwiki-change-4",
            "enwiki-change-7",
            "enwiki-change-8",
            "enwiki-luna-25",
            "enwiki-roscosmos",
            "lroc-1374",
            "nftimes-4604",
            "nssdca-change-4",
            "simplewiki-change-6",
        )
    }


def test_a_pattern_inside_graph_keeps_its_graph_and_one_outside_has_none() -> None:
    patterns = triple_patterns(read_rule(PROJECT_ROOT / "rules" / "claim-source-parts.rq"))
    by_predicate = {(str(p), None if g is None else str(g)) for _s, p, _o, g in patterns}
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert (rdf_type, "graph") in by_predicate  # GRAPH ?graph { ?claim a ?type }
    assert (rdf_type, "https://w3id.org/ilrs/graph/provenance") in by_predicate
    assert (rdf_type, None) in by_predicate  # ?claim a ?class, in the merge
