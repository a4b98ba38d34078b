"""The home page: what this is, how big it is, who the members are and when they joined, and the
missions by phase."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.date_order import DateKey, claim_key, first_of
from ilrs_kg.linked_data.dates import PartialDate, compatible, format_date
from ilrs_kg.linked_data.describe import AnyTerm, Description, Term
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.home_pictures import (
    ISO_NUMERIC,
    MISSION_DATES,
    Claimed,
    Joined,
    colours_of,
    joins_and_missions,
    members_map,
    mission_happenings,
)
from ilrs_kg.linked_data.naming import name_of
from ilrs_kg.linked_data.read_ahead import read_ahead, read_ahead_links
from ilrs_kg.linked_data.source_list import source_entries
from ilrs_kg.linked_data.stats_queries import ClassCount
from ilrs_kg.linked_data.timeline import Timeline
from ilrs_kg.linked_data.values import Citations, dating_graphs, earliest_date
from ilrs_kg.linked_data.viewmodel import Link, SourceEntry, Text
from ilrs_kg.linked_data.world_map import WorldMap
from ilrs_kg.namespaces import BASE, sparql_prefix_block
from ilrs_kg.statement_graphs import fact_graphs
from ilrs_kg.web.frame import PageMeta

LAUNCH_TYPES = ("launch", "planned-launch")


@dataclass(frozen=True)
class DatedClaim:
    date: str
    iso: str
    citations: tuple[int, ...]
    role: str | None
    value: PartialDate
    # Where the claim sorts: its instant's ilrs:dateValue and ilrs:datePrecision (date_order).
    key: DateKey


@dataclass(frozen=True)
class MemberRow:
    member: Link
    claims: tuple[DatedClaim, ...]
    disagree: bool
    node: Term | None = None


@dataclass(frozen=True)
class TimelineEntry:
    mission: Link
    dates: tuple[DatedClaim, ...]
    # The same dates by kind of claim: launched on, planned for.
    launched: tuple[PartialDate, ...] = ()
    planned: tuple[PartialDate, ...] = ()
    node: Term | None = None


@dataclass(frozen=True)
class PhaseTimeline:
    phase: Link | None
    span: str
    entries: tuple[TimelineEntry, ...]
    # How many missions the phase has in all (the page shows the first HOME_MISSIONS_PER_PHASE).
    total: int = 0


@dataclass(frozen=True)
class HomePage:
    meta: PageMeta
    programme: Link | None
    triples: int
    classes: tuple[tuple[Link, int], ...]
    members: tuple[MemberRow, ...]
    timeline: tuple[PhaseTimeline, ...]
    sources: tuple[SourceEntry, ...]
    search_action: str
    world: WorldMap
    pictured: Timeline
    # How many members there are in all (the page shows the first HOME_MEMBERS), and where all are listed.
    members_total: int = 0
    members_href: str = ""
    missions_href: str = ""


# The home page shows this many members and this many missions per phase, whatever the graph's size; the
# rest are counted and left to the class pages, which are paged.
HOME_MEMBERS = 100
HOME_MISSIONS_PER_PHASE = 50


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    solutions = store.query(sparql_prefix_block() + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


# An instant's comparable date as text: its derived ilrs:dateValue ("2023-10-01"), or, in a store built
# without the rules, the literal itself ("2023-10"), whose text sorts by its start as well.
_COMPARABLE = (
    "OPTIONAL {{ {node} ilrs:dateValue ?dv }} "
    "OPTIONAL {{ {node} time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?lit }} "
    "BIND(COALESCE(STR(?dv), STR(?lit)) AS ?d)"
)


def _comparable(node: str, link: str) -> str:
    """The comparable date ?d of every object of `link` (the instants a membership or an event points
    to), each made once: instants are shared (one per day, month or year), so making it for each
    membership or event made the same ones tens of thousands of times."""
    every = f"{{ SELECT DISTINCT {node} WHERE {{ ?x {link} {node} }} }}"
    return f"{{ SELECT {node} ?d WHERE {{ {every} {_COMPARABLE.format(node=node)} }} }}"


@dataclass(frozen=True)
class HomeChoice:
    """What the home page shows: the first members (by join date) and the first missions of each phase
    (by launch date), with how many there are in all. Dates compare by their derived ilrs:dateValue, the
    first day of the period a source names (date_order)."""

    members: tuple[ox.NamedNode, ...]
    members_total: int
    missions: dict[ox.NamedNode | None, tuple[ox.NamedNode, ...]]
    missions_total: dict[ox.NamedNode | None, int]


def chosen_json(chosen: HomeChoice) -> str:
    """What the home page shows, as JSON text kept in the release (page_index): choosing it reads every
    membership and mission (at 1M triples 17 s of CPU before this session's rewrite, 3.4 s after)."""
    return json.dumps(
        {
            "members": [m.value for m in chosen.members],
            "members_total": chosen.members_total,
            "missions": [
                [p.value if p is not None else None, [m.value for m in ms], chosen.missions_total[p]]
                for p, ms in chosen.missions.items()
            ],
        }
    )


def chosen_from_json(text: str) -> HomeChoice:
    raw = json.loads(text)
    missions: dict[ox.NamedNode | None, tuple[ox.NamedNode, ...]] = {}
    totals: dict[ox.NamedNode | None, int] = {}
    for phase, chosen, total in raw["missions"]:
        key = ox.NamedNode(phase) if phase is not None else None
        missions[key] = tuple(ox.NamedNode(m) for m in chosen)
        totals[key] = int(total)
    members = tuple(ox.NamedNode(m) for m in raw["members"])
    return HomeChoice(members, int(raw["members_total"]), missions, totals)


_Dated = tuple[ox.Literal | None, AnyTerm]


def _sparql_order(row: _Dated) -> tuple[bool, str, int, str]:
    """ORDER BY (!BOUND(?first)) ?first ?node, as the engine orders them: the dated first, by their
    date's text (code points, as the engine compares strings), then blank nodes, IRIs, literals, each
    by its text."""
    first, node = row
    date = first.value if first is not None else ""
    if isinstance(node, ox.Triple):
        return first is None, date, 3, str(node)
    return first is None, date, (ox.BlankNode, ox.NamedNode, ox.Literal).index(type(node)), node.value


def _firsts(store: ox.Store, query: str, name: str) -> list[_Dated]:
    """(?first, ?name) of every row, in the order the home page lists them (_sparql_order). Sorted
    here: the engine's ORDER BY reads each date's and IRI's text again at every comparison (3.7 of
    the 5.4 s the members took at 1M triples)."""
    rows: list[_Dated] = []
    for row in _select(store, query):
        node, first = row[name], row["first"]
        if node is not None:
            rows.append((first if isinstance(first, ox.Literal) else None, node))
    return sorted(rows, key=_sparql_order)


def _named(rows: list[_Dated], limit: int) -> tuple[ox.NamedNode, ...]:
    return tuple(node for _, node in rows[:limit] if isinstance(node, ox.NamedNode))


def choose(store: ox.Store) -> HomeChoice:
    members = _firsts(
        store,
        f"""SELECT ?member (MIN(?d) AS ?first) WHERE {{
              ?m a ilrs:Membership ; org:member ?member .
              OPTIONAL {{ ?m org:memberDuring/time:hasBeginning ?b .
                         {_comparable("?b", "time:hasBeginning")} }}
            }} GROUP BY ?member""",
        "member",
    )
    phases: list[ox.NamedNode | None] = [
        r["phase"]
        for r in _select(store, "SELECT ?phase WHERE { ?phase a ilrs:Phase }")
        if isinstance(r["phase"], ox.NamedNode)
    ]
    phases.append(None)
    launch = " || ".join(f'STRENDS(STR(?type), "/{kind}")' for kind in LAUNCH_TYPES)
    # Every mission's first launch date at once, then split by phase here: a query per phase read
    # every launch event again, however few missions the phase has.
    every = _firsts(
        store,
        f"""SELECT ?mission (MIN(?d) AS ?first) WHERE {{ ?mission a ilrs:Mission
              OPTIONAL {{ ?e ilrs:ofMission ?mission ; ilrs:eventType ?type ; time:hasTime ?i .
                         {_comparable("?i", "time:hasTime")} FILTER({launch}) }}
            }} GROUP BY ?mission""",
        "mission",
    )
    phased: dict[AnyTerm, set[AnyTerm]] = defaultdict(set)
    for row in _select(store, "SELECT ?mission ?phase WHERE { ?mission a ilrs:Mission ; ilrs:phase ?phase }"):
        mission, phase = row["mission"], row["phase"]
        if mission is not None and phase is not None:
            phased[mission].add(phase)
    missions: dict[ox.NamedNode | None, tuple[ox.NamedNode, ...]] = {}
    totals: dict[ox.NamedNode | None, int] = {}
    for phase in phases:
        rows = [r for r in every if (phase in phased[r[1]] if phase is not None else not phased[r[1]])]
        chosen = _named(rows, HOME_MISSIONS_PER_PHASE)
        if chosen:
            missions[phase] = chosen
            totals[phase] = len(rows)
    return HomeChoice(_named(members, HOME_MEMBERS), len(members), missions, totals)


_DEFAULT = ox.DefaultGraph()


def _facts(store: ox.Store, subject: object, *predicates: str) -> list[ox.Triple]:
    """The subject's facts (all, or those of these properties) by index lookup on the merged graph."""
    if not isinstance(subject, ox.NamedNode | ox.BlankNode):
        return []
    if not predicates:
        return [q.triple for q in store.quads_for_pattern(subject, None, None, _DEFAULT)]
    return [
        q.triple
        for p in predicates
        for q in store.quads_for_pattern(subject, ox.NamedNode(p), None, _DEFAULT)
    ]


def _objects(facts: list[ox.Triple], predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    return [
        tr.object for tr in facts if tr.predicate.value == predicate and not isinstance(tr.object, ox.Triple)
    ]


def _home_graph(store: ox.Store, chosen: HomeChoice) -> Description:
    """The chosen members' membership claims, the chosen missions, their launch events and the phases, with
    dates and labels, in one graph that knows the statement graphs of each of its facts. Read by index
    lookups from the chosen nodes: the cost follows what the page shows."""
    triples: list[ox.Triple] = []

    def with_dates(node: object, *via: str) -> None:
        # The node's facts, then those of the instants or intervals it reaches `via` these properties.
        facts = _facts(store, node)
        triples.extend(facts)
        for target in dict.fromkeys(o for predicate in via for o in _objects(facts, predicate)):
            triples.extend(_facts(store, target))

    member_pred, role_pred = ox.NamedNode(t.ORG + "member"), t.ORG + "role"
    of_mission = ox.NamedNode(t.ILRS + "ofMission")
    missions = [mission for group in chosen.missions.values() for mission in group]
    read_ahead(store, [*chosen.members, *missions])
    read_ahead_links(store, member_pred, chosen.members)
    read_ahead_links(store, of_mission, missions)
    for member in chosen.members:
        triples.extend(_facts(store, member, t.LABEL, t.TYPE, ISO_NUMERIC))
        for quad in store.quads_for_pattern(None, member_pred, member, _DEFAULT):
            claim = quad.subject
            facts = _facts(store, claim)
            if ox.NamedNode(t.MEMBERSHIP) not in _objects(facts, t.TYPE):
                continue
            triples.extend(facts)
            for role in _objects(facts, role_pred):
                triples.extend(_facts(store, role, t.LABEL))
            for interval in _objects(facts, t.ORG + "memberDuring"):
                with_dates(interval, t.HAS_TIME, t.HAS_BEGINNING)
    for group in chosen.missions.values():
        for mission in group:
            triples.extend(_facts(store, mission, t.TYPE, t.LABEL, t.ILRS + "phase", *MISSION_DATES))
            for quad in store.quads_for_pattern(None, of_mission, mission, _DEFAULT):
                with_dates(quad.subject, t.HAS_TIME, t.HAS_BEGINNING)
    for phase in (p for p in chosen.missions if p is not None):
        with_dates(phase, t.HAS_BEGINNING, t.HAS_END)
    for row in _select(store, "SELECT ?p WHERE { ?p a ilrs:Programme }"):
        triples.extend(_facts(store, row["p"], t.TYPE, t.LABEL))
    unique = list(dict.fromkeys(triples))
    return Description(BASE, unique, graphs=fact_graphs(store, unique))


def _instances(graph: Description, cls: str) -> list[Term]:
    return sorted({s for s, p in graph.incoming(ox.NamedNode(cls)) if p == t.TYPE}, key=lambda n: n.value)


def _dated(graph: Description, claim: Term, frame: PageFrame, citations: Citations) -> DatedClaim | None:
    date = earliest_date(graph, claim)
    if date is None:
        return None
    role_nodes = graph.objects(claim, t.ORG + "role")[:1]
    roles = [name_of(graph, r, frame.lang, frame.vocabulary).value for r in role_nodes]
    # The row shows the date and the role: it cites the facts that state those two.
    cited = dating_graphs(graph, claim) | {
        g for r in role_nodes for g in graph.graphs_of(claim, t.ORG + "role", r)
    }
    return DatedClaim(
        format_date(date, frame.lang),
        date.iso(),
        citations.cite_graphs(cited),
        roles[0] if roles else None,
        date,
        claim_key(graph, claim, date),
    )


def _members(graph: Description, frame: PageFrame, citations: Citations) -> tuple[MemberRow, ...]:
    by_member: dict[Term, list[DatedClaim]] = defaultdict(list)
    for claim in _instances(graph, t.MEMBERSHIP):
        for member in graph.objects(claim, t.ORG + "member"):
            dated = _dated(graph, claim, frame, citations)
            if dated is not None:
                by_member[member].append(dated)
            else:
                by_member.setdefault(member, [])
    rows = []
    for member, claims in by_member.items():
        claims.sort(key=lambda c: (c.key, c.citations))
        link = Link(
            frame.iris.page(member.value), name_of(graph, member, frame.lang, frame.vocabulary), member.value
        )
        isos = [c.iso for c in claims]
        disagree = any(not compatible(a, b) for a in isos for b in isos)
        rows.append(MemberRow(link, tuple(claims), disagree=disagree, node=member))
    rows.sort(key=lambda r: (_member_order(r), r.member.text.value))
    return tuple(rows)


_UNDATED = DateKey(datetime.date.max, 9)


def _member_order(row: MemberRow) -> DateKey:
    """Its earliest claim made precise by the claims it contains (date_order.first_of); undated last."""
    return first_of([(c.key, c.value) for c in row.claims]) or _UNDATED


def _is_kind(graph: Description, event: Term, kind: str) -> bool:
    return any(o.value.endswith("/" + kind) for o in graph.objects(event, t.ILRS + "eventType"))


def _timeline(
    graph: Description, frame: PageFrame, citations: Citations, totals: dict[ox.NamedNode | None, int]
) -> tuple[PhaseTimeline, ...]:
    events_of: dict[Term, list[Term]] = defaultdict(list)
    for event in _instances(graph, t.MISSION_EVENT):
        for mission in graph.objects(event, t.ILRS + "ofMission"):
            events_of[mission].append(event)
    by_phase: dict[Term | None, list[TimelineEntry]] = defaultdict(list)
    for mission in _instances(graph, t.ILRS + "Mission"):
        launches = [
            e
            for e in events_of[mission]
            if any(
                o.value.endswith(tuple("/" + k for k in LAUNCH_TYPES))
                for o in graph.objects(e, t.ILRS + "eventType")
            )
        ]
        pairs = [(e, d) for e in launches if (d := _dated(graph, e, frame, citations)) is not None]
        dated = [d for _, d in pairs]
        by_kind = {
            kind: tuple(sorted({d.value for e, d in pairs if _is_kind(graph, e, kind)}))
            for kind in LAUNCH_TYPES
        }
        unique: dict[str, DatedClaim] = {}
        for d in sorted(dated, key=lambda d: d.iso):
            if d.iso in unique:
                merged = tuple(sorted(set(unique[d.iso].citations) | set(d.citations)))
                unique[d.iso] = DatedClaim(d.date, d.iso, merged, None, d.value, d.key)
            else:
                unique[d.iso] = d
        link = Link(
            frame.iris.page(mission.value),
            name_of(graph, mission, frame.lang, frame.vocabulary),
            mission.value,
        )
        phases: list[Term | None] = [*graph.objects(mission, t.ILRS + "phase")] or [None]
        for phase in phases:
            by_phase[phase].append(
                TimelineEntry(
                    link, tuple(unique.values()), by_kind["launch"], by_kind["planned-launch"], node=mission
                )
            )

    def phase_key(phase: Term | None) -> tuple[int, str]:
        if phase is None:
            return (10_000, "")
        numbers = [int(o.value) for o in graph.objects(phase, t.ILRS + "phaseNumber") if o.value.isdigit()]
        return (numbers[0] if numbers else 9_999, phase.value)

    timeline = []
    for phase in sorted(by_phase, key=phase_key):
        entries = sorted(
            by_phase[phase],
            key=lambda e: (first_of([(d.key, d.value) for d in e.dates]) or _UNDATED, e.mission.text.value),
        )
        if phase is None:
            timeline.append(PhaseTimeline(None, "", tuple(entries), totals.get(None, len(entries))))
            continue
        start = earliest_date(graph, next(iter(graph.objects(phase, t.HAS_BEGINNING)), phase))
        ends = [earliest_date(graph, e) for e in graph.objects(phase, t.HAS_END)]
        end = next((e for e in ends if e), None)
        span = " \u2013 ".join(format_date(d, frame.lang) for d in (start, end) if d is not None)
        link = Link(
            frame.iris.page(phase.value), name_of(graph, phase, frame.lang, frame.vocabulary), phase.value
        )
        total = totals.get(phase, len(entries)) if isinstance(phase, ox.NamedNode) else len(entries)
        timeline.append(PhaseTimeline(link, span, tuple(entries), total))
    return tuple(timeline)


def build_home_page(
    store: ox.Store,
    frame: PageFrame,
    triples: int,
    classes: tuple[ClassCount, ...],
    meta: PageMeta,
    chosen: HomeChoice | None = None,
) -> HomePage:
    """The home page; `chosen`: what it shows, as the build chose it (`choose`), or chosen now."""
    chosen = chosen or choose(store)
    graph = _home_graph(store, chosen)
    citations = Citations(graph, frame.provenance)
    programmes = _instances(graph, t.ILRS + "Programme")
    programme = (
        Link(
            frame.iris.page(programmes[0].value),
            name_of(graph, programmes[0], frame.lang, frame.vocabulary),
            programmes[0].value,
        )
        if programmes
        else None
    )
    members = _members(graph, frame, citations)
    timeline = _timeline(graph, frame, citations, chosen.missions_total)
    joined = [
        Joined(row.member, row.node, tuple(c.value for c in row.claims), row.disagree)
        for row in members
        if row.node is not None
    ]
    colours = colours_of(joined)
    missions = [
        Claimed(e.mission, e.node, e.launched, e.planned)
        for e in {e.mission.href: e for phase in timeline for e in phase.entries}.values()
    ]
    sources = source_entries(citations.numbers, frame.provenance, frame.iris, frame.lang)
    class_links = tuple(
        (
            Link(
                frame.iris.url(
                    f"class/{c.local_name}", **({"lang": frame.lang} if frame.lang != "en" else {})
                ),
                Text(frame.vocabulary.label(c.iri)),
                c.iri,
            ),
            c.count,
        )
        for c in classes
    )
    lang = {"lang": frame.lang} if frame.lang != "en" else {}
    return HomePage(
        meta,
        programme,
        triples,
        class_links,
        members,
        timeline,
        sources,
        frame.iris.url("search"),
        members_map(graph, joined, colours, frame.lang),
        joins_and_missions(joined, mission_happenings(graph, missions, frame.lang), colours, frame.lang),
        members_total=chosen.members_total,
        members_href=frame.iris.url("class/Membership", **lang),
        missions_href=frame.iris.url("class/Mission", **lang),
    )
