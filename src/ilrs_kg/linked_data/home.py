"""The home page: what this is, how big it is, who the members are and when they joined, and the
missions by phase."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.dates import compatible, format_date
from ilrs_kg.linked_data.describe import Description, Term
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.naming import name_of
from ilrs_kg.linked_data.source_list import source_entries
from ilrs_kg.linked_data.stats_queries import ClassCount
from ilrs_kg.linked_data.values import Citations, dating_graphs, earliest_date
from ilrs_kg.linked_data.viewmodel import Link, PageMeta, SourceEntry, Text
from ilrs_kg.namespaces import sparql_prefix_block
from ilrs_kg.statement_graphs import fact_graphs

LAUNCH_TYPES = ("launch", "planned-launch")


@dataclass(frozen=True)
class DatedClaim:
    date: str
    iso: str
    citations: tuple[int, ...]
    role: str | None


@dataclass(frozen=True)
class MemberRow:
    member: Link
    claims: tuple[DatedClaim, ...]
    disagree: bool


@dataclass(frozen=True)
class TimelineEntry:
    mission: Link
    dates: tuple[DatedClaim, ...]


@dataclass(frozen=True)
class PhaseTimeline:
    phase: Link | None
    span: str
    entries: tuple[TimelineEntry, ...]


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


def _home_graph(store: ox.Store, base: str) -> Description:
    """Memberships, missions, their events and phases, with dates and labels, in one graph that knows
    the statement graphs of each of its facts."""
    query = (
        sparql_prefix_block()
        + """
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s a ilrs:Membership ; ?p ?o }
  UNION { ?m a ilrs:Membership ; org:memberDuring ?s . ?s ?p ?o }
  UNION { ?m a ilrs:Membership ; org:memberDuring/time:hasBeginning ?s . ?s ?p ?o }
  UNION { ?s a ilrs:Mission ; ?p ?o VALUES ?p { rdf:type rdfs:label ilrs:phase } }
  UNION { ?s a ilrs:MissionEvent ; ?p ?o }
  UNION { ?e a ilrs:MissionEvent ; time:hasTime ?s . ?s ?p ?o }
  UNION { ?s a ilrs:Phase ; ?p ?o }
  UNION { ?x a ilrs:Phase ; time:hasBeginning|time:hasEnd ?s . ?s ?p ?o }
  UNION { ?s a ilrs:Programme ; ?p ?o VALUES ?p { rdf:type rdfs:label } }
  UNION { ?x a ilrs:Membership ; org:member|org:role ?s . ?s ?p ?o VALUES ?p { rdfs:label } }
}"""
    )
    result = store.query(query)
    assert isinstance(result, ox.QueryTriples)
    triples = list(result)
    return Description(base, triples, graphs=fact_graphs(store, triples))


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
        format_date(date, frame.lang), date.iso(), citations.cite_graphs(cited), roles[0] if roles else None
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
        claims.sort(key=lambda c: (c.iso, c.citations))
        link = Link(
            frame.iris.page(member.value), name_of(graph, member, frame.lang, frame.vocabulary), member.value
        )
        isos = [c.iso for c in claims]
        disagree = any(not compatible(a, b) for a in isos for b in isos)
        rows.append(MemberRow(link, tuple(claims), disagree=disagree))
    rows.sort(key=lambda r: (r.claims[0].iso if r.claims else "9999", r.member.text.value))
    return tuple(rows)


def _timeline(graph: Description, frame: PageFrame, citations: Citations) -> tuple[PhaseTimeline, ...]:
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
        dated = [d for e in launches if (d := _dated(graph, e, frame, citations)) is not None]
        unique: dict[str, DatedClaim] = {}
        for d in sorted(dated, key=lambda d: d.iso):
            if d.iso in unique:
                merged = tuple(sorted(set(unique[d.iso].citations) | set(d.citations)))
                unique[d.iso] = DatedClaim(d.date, d.iso, merged, None)
            else:
                unique[d.iso] = d
        link = Link(
            frame.iris.page(mission.value),
            name_of(graph, mission, frame.lang, frame.vocabulary),
            mission.value,
        )
        phases: list[Term | None] = [*graph.objects(mission, t.ILRS + "phase")] or [None]
        for phase in phases:
            by_phase[phase].append(TimelineEntry(link, tuple(unique.values())))

    def phase_key(phase: Term | None) -> tuple[int, str]:
        if phase is None:
            return (10_000, "")
        numbers = [int(o.value) for o in graph.objects(phase, t.ILRS + "phaseNumber") if o.value.isdigit()]
        return (numbers[0] if numbers else 9_999, phase.value)

    timeline = []
    for phase in sorted(by_phase, key=phase_key):
        entries = sorted(
            by_phase[phase], key=lambda e: (e.dates[0].iso if e.dates else "9999", e.mission.text.value)
        )
        if phase is None:
            timeline.append(PhaseTimeline(None, "", tuple(entries)))
            continue
        start = earliest_date(graph, next(iter(graph.objects(phase, t.HAS_BEGINNING)), phase))
        ends = [earliest_date(graph, e) for e in graph.objects(phase, t.HAS_END)]
        end = next((e for e in ends if e), None)
        span = " \u2013 ".join(format_date(d, frame.lang) for d in (start, end) if d is not None)
        link = Link(
            frame.iris.page(phase.value), name_of(graph, phase, frame.lang, frame.vocabulary), phase.value
        )
        timeline.append(PhaseTimeline(link, span, tuple(entries)))
    return tuple(timeline)


def build_home_page(
    store: ox.Store,
    frame: PageFrame,
    base: str,
    triples: int,
    classes: tuple[ClassCount, ...],
    meta: PageMeta,
) -> HomePage:
    graph = _home_graph(store, base)
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
    timeline = _timeline(graph, frame, citations)
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
    return HomePage(
        meta, programme, triples, class_links, members, timeline, sources, frame.iris.url("search")
    )
