"""What the home page shows (home.choose): the first members and the first missions of each phase, in
the order the SPARQL ORDER BY ... LIMIT of its definition gives, with their totals."""

from __future__ import annotations

import random

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.home import (
    HOME_MEMBERS,
    HOME_MISSIONS_PER_PHASE,
    LAUNCH_TYPES,
    HomeChoice,
    choose,
    chosen_json,
)
from ilrs_kg.namespaces import ID_NS, sparql_prefix_block

_XSD = "http://www.w3.org/2001/XMLSchema#"
_COMPARABLE = (
    "OPTIONAL {{ {node} ilrs:dateValue ?dv }} "
    "OPTIONAL {{ {node} time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?lit }} "
    "BIND(COALESCE(STR(?dv), STR(?lit)) AS ?d)"
)


def _nodes(store: ox.Store, query: str, name: str) -> list[ox.NamedNode]:
    rows = store.query(sparql_prefix_block() + query)
    assert isinstance(rows, ox.QuerySolutions)
    return [row[name] for row in rows if isinstance(row[name], ox.NamedNode)]


def _count(store: ox.Store, query: str) -> int:
    rows = store.query(sparql_prefix_block() + query)
    assert isinstance(rows, ox.QuerySolutions)
    value = next(iter(rows))["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def _by_definition(store: ox.Store) -> HomeChoice:
    """The choice as the engine makes it: ordered, limited and counted by SPARQL alone."""
    members = _nodes(
        store,
        f"""SELECT ?member ?first WHERE {{ {{ SELECT ?member (MIN(?d) AS ?first) WHERE {{
              ?m a ilrs:Membership ; org:member ?member .
              OPTIONAL {{ ?m org:memberDuring/time:hasBeginning ?b . {_COMPARABLE.format(node="?b")} }}
            }} GROUP BY ?member }} }} ORDER BY (!BOUND(?first)) ?first ?member LIMIT {HOME_MEMBERS}""",
        "member",
    )
    total = _count(
        store, "SELECT (COUNT(DISTINCT ?member) AS ?n) WHERE { ?m a ilrs:Membership ; org:member ?member }"
    )
    phases: list[ox.NamedNode | None] = [
        *_nodes(store, "SELECT ?phase WHERE { ?phase a ilrs:Phase }", "phase")
    ]
    launch = " || ".join(f'STRENDS(STR(?type), "/{kind}")' for kind in LAUNCH_TYPES)
    missions: dict[ox.NamedNode | None, tuple[ox.NamedNode, ...]] = {}
    totals: dict[ox.NamedNode | None, int] = {}
    for phase in [*phases, None]:
        where = (
            f"?mission a ilrs:Mission ; ilrs:phase <{phase.value}> ."
            if phase is not None
            else "?mission a ilrs:Mission . FILTER NOT EXISTS { ?mission ilrs:phase ?any }"
        )
        chosen = _nodes(
            store,
            f"""SELECT ?mission ?first WHERE {{ {{ SELECT ?mission (MIN(?d) AS ?first) WHERE {{ {where}
                  OPTIONAL {{ ?e ilrs:ofMission ?mission ; ilrs:eventType ?type ; time:hasTime ?i .
                             {_COMPARABLE.format(node="?i")} FILTER({launch}) }}
                }} GROUP BY ?mission }} }} ORDER BY (!BOUND(?first)) ?first ?mission
                LIMIT {HOME_MISSIONS_PER_PHASE}""",
            "mission",
        )
        if chosen:
            missions[phase] = tuple(chosen)
            totals[phase] = _count(store, f"SELECT (COUNT(DISTINCT ?mission) AS ?n) WHERE {{ {where} }}")
    return HomeChoice(tuple(members), total, missions, totals)


def _graph() -> ox.Store:
    """More members and missions than the page shows, with shared, missing and tied dates, IRIs that
    sort differently with and without their brackets (`x` < `x-1`), a blank member, two memberships of
    one member, missions in two phases, in a phase that is no ilrs:Phase, and in none."""
    rng = random.Random(7)
    store = ox.Store()

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        store.add(ox.Quad(s, ox.NamedNode(p), o))

    instants = []
    dates = [("2021-06-01", "dateValue"), ("2021-06", "gYearMonth"), ("2019", "gYear")]
    dates += [("2030-01-01", "dateValue"), ("2025-03-04", "dateValue"), ("2025", "gYear"), ("", "none")]
    for i, (text, kind) in enumerate(dates):
        instant = ox.NamedNode(f"{ID_NS}instant/{i}")
        if kind == "dateValue":
            add(instant, t.ILRS + "dateValue", ox.Literal(text, datatype=ox.NamedNode(_XSD + "date")))
            add(instant, t.IN_DATE, ox.Literal(text, datatype=ox.NamedNode(_XSD + "date")))
        elif kind == "gYearMonth":
            add(instant, t.IN_YEAR_MONTH, ox.Literal(text, datatype=ox.NamedNode(_XSD + "gYearMonth")))
        elif kind == "gYear":
            add(instant, t.IN_YEAR, ox.Literal(text, datatype=ox.NamedNode(_XSD + "gYear")))
        instants.append(instant)
    members: list[ox.NamedNode | ox.BlankNode] = [ox.BlankNode("member")]
    members += [ox.NamedNode(f"{ID_NS}country/c{k // 2}" + ("-1" if k % 2 else "")) for k in range(140)]
    for k, member in enumerate(members + members[:20]):
        claim = ox.NamedNode(f"{ID_NS}membership/m{k}")
        add(claim, t.TYPE, ox.NamedNode(t.ILRS + "Membership"))
        add(claim, t.ORG + "member", member)
        if k % 5:
            interval = ox.NamedNode(f"{ID_NS}interval/m{k}")
            add(claim, t.ORG + "memberDuring", interval)
            add(interval, t.HAS_BEGINNING, rng.choice(instants))
    phases = [ox.NamedNode(f"{ID_NS}phase/p{p}") for p in range(3)]
    for phase in phases[:2]:
        add(phase, t.TYPE, ox.NamedNode(t.ILRS + "Phase"))
    for k in range(300):
        mission = ox.NamedNode(f"{ID_NS}mission/s{k % 40}" + ("-x" if k % 3 else "") + f"{k}")
        add(mission, t.TYPE, ox.NamedNode(t.ILRS + "Mission"))
        for phase in rng.sample(phases, rng.choice([0, 0, 1, 1, 2])):
            add(mission, t.ILRS + "phase", phase)
        for e in range(rng.choice([0, 1, 2])):
            event = ox.NamedNode(f"{ID_NS}event/s{k}-{e}")
            add(event, t.ILRS + "ofMission", mission)
            kind = rng.choice([*LAUNCH_TYPES, "landing"])
            add(event, t.ILRS + "eventType", ox.NamedNode(f"{ID_NS}event-type/{kind}"))
            add(event, t.HAS_TIME, rng.choice(instants))
    return store


def test_the_home_page_shows_what_the_sparql_of_its_definition_chooses() -> None:
    store = _graph()
    chosen, expected = choose(store), _by_definition(store)
    # The blank member is among the first HOME_MEMBERS (undated: last, but before the IRIs) and not shown.
    assert len(chosen.members) == HOME_MEMBERS - 1 and chosen.members_total == 141
    assert chosen_json(chosen) == chosen_json(expected)
    assert set(chosen.missions) == {*(ox.NamedNode(f"{ID_NS}phase/p{p}") for p in range(2)), None}
    assert max(len(m) for m in chosen.missions.values()) == HOME_MISSIONS_PER_PHASE
