"""The summary box at the top of an entity page (Wikipedia's infobox): a few key facts per class.

Values come from the direct statements (the entity's own facts, and the derived shortcuts of rules/:
ilrs:joinDate, ilrs:launchDate, ilrs:landingDate, ilrs:plannedLaunchDate, ilrs:landedOnSide), so the box
shows what a one-pattern query answers. Each value cites the statement graphs of the facts it rests on:
a derived date cites the claims (ilrs:Membership, ilrs:MissionEvent) that give that date, so a reader
sees which source says "June 2023" and which "October 2023"; every claimed date is shown, none chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.dates import compatible
from ilrs_kg.linked_data.describe import Term
from ilrs_kg.linked_data.values import (
    ValueContext,
    cited_values,
    dating_graphs,
    earliest_date,
    span_of,
    term_value,
)
from ilrs_kg.linked_data.viewmodel import Summary, SummaryRow, Text, Value

ILRS, ORG = t.ILRS, t.ORG
ETYPE = "id/event-type/"
Rows = Callable[[ValueContext], tuple[Value, ...]]
# A row of links to the entity shows at most this many, then a link to all of them.
SUMMARY_LINKS = 50


def _merge(values: Iterable[Value]) -> tuple[Value, ...]:
    """One value per thing shown, citing every graph that states it; in date (hint) order."""
    merged: dict[tuple[str | None, str], Value] = {}
    for value in values:
        key = (value.hint or value.href, value.text.value)
        known = merged.get(key)
        citations = value.citations if known is None else tuple(sorted({*known.citations, *value.citations}))
        merged[key] = replace(value, citations=citations)
    return tuple(sorted(merged.values(), key=lambda v: (v.hint or "", v.text.value.casefold())))


def own(prop: str) -> Rows:
    """The entity's own values of `prop`, each with its statement graphs."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        node = ctx.description.node
        return cited_values(ctx, node, prop, ctx.description.objects(node, prop))

    return rows


def linking(prop: str, kind: str | None = None) -> Rows:
    """The entities (of class `kind`) that point here by `prop` (CNSA operates Chang'e 6), each citing
    that link; on a hub, the first few and a link to all of them, counted."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        subjects = [
            s
            for s, p in d.incoming(d.node)
            if p == prop and isinstance(s, ox.NamedNode) and (kind is None or kind in d.types(s))
        ]
        values = _merge(
            replace(term_value(ctx, s, prop), citations=ctx.citations.cite_fact(s, prop, d.node))
            for s in subjects
        )[:SUMMARY_LINKS]
        total = d.hub.get(prop, len(subjects))
        ref = ctx.iris.ref_of(d.iri)
        if total > len(values) and ref is not None:
            href = ctx.iris.incoming(ref.path, prop, "" if prop in d.hub else kind or "", lang=ctx.lang)
            values += (Value(Text(f"all {total:,} →"), href=href),)
        return values

    return rows


def _claims(ctx: ValueContext, claim_type: str, event_type: str | None = None) -> list[Term]:
    d = ctx.description
    wanted = None if event_type is None else ox.NamedNode(ctx.iris.base + ETYPE + event_type)
    return [
        c
        for c in d.owned_claims()
        if claim_type in d.types(c) and (wanted is None or wanted in d.objects(c, ILRS + "eventType"))
    ]


def from_claims(claim_type: str, prop: str, event_type: str | None = None) -> Rows:
    """What the entity's claims say for `prop` (a membership's signatory body, a landing's site)."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        return _merge(
            v
            for c in _claims(ctx, claim_type, event_type)
            for v in cited_values(ctx, c, prop, d.objects(c, prop))
        )

    return rows


def signed_for() -> Rows:
    """An agency's page: the members it signed for (ilrs:signatoryBody of their membership claims)."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        prop = ILRS + "signatoryBody"
        values = []
        for claim, p in d.incoming(d.node):
            if p != prop:
                continue
            cites = ctx.citations.cite_fact(claim, prop, d.node)
            values += [
                replace(term_value(ctx, m, ORG + "member"), citations=cites)
                for m in d.objects(claim, ORG + "member")
            ]
        return _merge(values)

    return rows


def dated(prop: str, claim_type: str, event_type: str | None = None) -> Rows:
    """A derived date on the entity (`prop`), each value citing the claims that give that date."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        node = d.node
        claims = _claims(ctx, claim_type, event_type)
        values = []
        for literal in d.objects(node, prop):
            value = term_value(ctx, literal, prop)
            giving = [
                c for c in claims if (date := earliest_date(d, c)) is not None and date.iso() == value.hint
            ]
            graphs = {g for c in giving for g in dating_graphs(d, c)}
            cites = (
                ctx.citations.cite_graphs(graphs) if graphs else ctx.citations.cite_fact(node, prop, literal)
            )
            values.append(replace(value, citations=cites))
        return _merge(values)

    return rows


def derived_link(prop: str, claim_type: str, via: str) -> Rows:
    """A derived link (org:memberOf from the membership claims): it cites the claims that make it."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        values = []
        for target in d.objects(d.node, prop):
            graphs = {g for c in _claims(ctx, claim_type) for g in d.graphs_of(c, via, target)}
            cites = (
                ctx.citations.cite_graphs(graphs) if graphs else ctx.citations.cite_fact(d.node, prop, target)
            )
            values.append(replace(term_value(ctx, target, prop), citations=cites))
        return _merge(values)

    return rows


def landed_side() -> Rows:
    """ilrs:landedOnSide, derived from a landing's site: cites the rule's graph and the landing's site."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        prop = ILRS + "landedOnSide"
        landings = _claims(ctx, t.MISSION_EVENT, "landing")
        site_graphs = {
            g for c in landings for s in d.objects(c, ILRS + "site") for g in d.graphs_of(c, ILRS + "site", s)
        }
        return tuple(
            replace(
                term_value(ctx, side, prop),
                citations=ctx.citations.cite_graphs({*d.graphs_of(d.node, prop, side), *site_graphs}),
            )
            for side in d.objects(d.node, prop)
        )

    return rows


def period() -> Rows:
    """A phase's or stage's span, citing the facts of its beginning and end."""

    def rows(ctx: ValueContext) -> tuple[Value, ...]:
        d = ctx.description
        start, end = span_of(d, d.node)
        if start is None and end is None:
            return ()
        value = term_value(ctx, d.node, "")
        graphs = {
            g
            for p in (t.HAS_BEGINNING, t.HAS_END)
            for o in d.objects(d.node, p)
            for g in d.graphs_of(d.node, p, o)
        }
        return (replace(value, href=None, citations=ctx.citations.cite_graphs(graphs)),)

    return rows


_MEMBER_ROWS: tuple[tuple[str, Rows], ...] = (
    ("Member of", derived_link(ORG + "memberOf", t.MEMBERSHIP, ORG + "organization")),
    ("Joined", dated(ILRS + "joinDate", t.MEMBERSHIP)),
    ("Role", from_claims(t.MEMBERSHIP, ORG + "role")),
    ("Signed by", from_claims(t.MEMBERSHIP, ILRS + "signatoryBody")),
    ("Agreement", from_claims(t.MEMBERSHIP, ILRS + "establishedBy")),
)
_BODY_ROWS: tuple[tuple[str, Rows], ...] = (
    ("Also known as", own(t.ALT_LABEL)),
    ("Country", own(ILRS + "country")),
    *_MEMBER_ROWS,
    ("Signed for", signed_for()),
    ("Lead agency of", linking(ILRS + "leadAgency")),
    ("Operates", linking(ILRS + "operator")),
    ("Party to", linking(ILRS + "party")),
    ("Part of", own(ORG + "subOrganizationOf")),
    ("Headed by", linking(ORG + "headOf")),
    ("Pages about it", own(t.FOAF + "page")),
)
_CONCEPT_ROWS: tuple[tuple[str, Rows], ...] = (
    ("Definition", own(t.DEFINITION)),
    ("In scheme", own(t.SKOS + "inScheme")),
)

# Per class, most specific first: the rows of its box, in reading order.
SUMMARIES: tuple[tuple[str, tuple[tuple[str, Rows], ...]], ...] = (
    (
        ILRS + "Country",
        (
            *_MEMBER_ROWS,
            ("ISO 3166-1 alpha-2", own(ILRS + "iso3166Alpha2")),
            ("ISO 3166-1 alpha-3", own(ILRS + "iso3166Alpha3")),
            ("Agencies", linking(ILRS + "country", ILRS + "Agency")),
        ),
    ),
    (ILRS + "Agency", _BODY_ROWS),
    (ILRS + "Organization", _BODY_ROWS),
    (
        ILRS + "Person",
        (
            ("Position", linking(ORG + "heldBy", ILRS + "Post")),
            ("Head of", own(ORG + "headOf")),
            ("Member of", own(ORG + "memberOf")),
            ("Signed", linking(ILRS + "signedBy")),
        ),
    ),
    (
        ILRS + "Post",
        (
            ("In", own(ORG + "postIn")),
            ("Kind of post", own(ORG + "role")),
            ("Held by", own(ORG + "heldBy")),
        ),
    ),
    (
        ILRS + "Participation",
        (
            ("Who", own(t.PROV + "agent")),
            ("Role", own(t.PROV + "hadRole")),
            ("As", own(ILRS + "heldPost")),
            ("On behalf of", own(ILRS + "onBehalfOf")),
            ("In", linking(t.PROV + "qualifiedAssociation")),
        ),
    ),
    (
        ILRS + "Mission",
        (
            ("Operator", own(ILRS + "operator")),
            ("Country", own(ILRS + "country")),
            ("Launch vehicle", own(ILRS + "launchVehicle")),
            ("Candidate launch vehicle", own(ILRS + "candidateLaunchVehicle")),
            ("Launch", dated(ILRS + "launchDate", t.MISSION_EVENT, "launch")),
            ("Planned launch", dated(ILRS + "plannedLaunchDate", t.MISSION_EVENT, "planned-launch")),
            ("Launch site", own(ILRS + "launchSite")),
            ("Landing", dated(ILRS + "landingDate", t.MISSION_EVENT, "landing")),
            ("Landing site", from_claims(t.MISSION_EVENT, ILRS + "site", "landing")),
            ("Target site", own(ILRS + "targetSite")),
            ("Side of the Moon", landed_side()),
            ("Status", own(ILRS + "missionStatus")),
            ("Phase", own(ILRS + "phase")),
            ("Stage", own(ILRS + "stage")),
            ("COSPAR ID", own(ILRS + "cosparId")),
            ("Pages about it", own(t.FOAF + "page")),
        ),
    ),
    (
        ILRS + "Phase",
        (
            ("Phase number", own(ILRS + "phaseNumber")),
            ("Period", period()),
            ("Part of", own(ILRS + "phaseOf")),
            ("Stages", linking(ILRS + "stageOf")),
            ("Missions", linking(ILRS + "phase")),
        ),
    ),
    (
        ILRS + "Stage",
        (
            ("Stage number", own(ILRS + "stageNumber")),
            ("Period", period()),
            ("Part of", own(ILRS + "stageOf")),
            ("Missions", linking(ILRS + "stage")),
        ),
    ),
    (ILRS + "Facility", (*_CONCEPT_ROWS, ("Planned by", linking(ILRS + "facility")))),
    (ILRS + "ScientificObjective", (*_CONCEPT_ROWS, ("Objective of", linking(ILRS + "objective")))),
    (ILRS + "Objective", (*_CONCEPT_ROWS, ("Objective of", linking(ILRS + "objective")))),
    (
        ILRS + "LaunchVehicle",
        (
            ("Built by", own(ILRS + "builtBy")),
            ("Variant of", own(ILRS + "variantOf")),
            ("Upper stage", own(ILRS + "upperStage")),
            ("Launched", linking(ILRS + "launchVehicle")),
        ),
    ),
    (
        ILRS + "Spacecraft",
        (("Part of mission", own(ILRS + "partOfMission")), ("Built by", own(ILRS + "builtBy"))),
    ),
    (
        ILRS + "LunarSite",
        (("Side of the Moon", own(ILRS + "lunarSide")), ("Within", own(t.GEO + "sfWithin"))),
    ),
    (
        ILRS + "Programme",
        (
            ("Lead agency", own(ILRS + "leadAgency")),
            ("Founding agreement", own(ILRS + "foundingAgreement")),
            ("Phases", linking(ILRS + "phaseOf")),
        ),
    ),
    (
        ILRS + "Agreement",
        (
            ("Date", own(t.HAS_TIME)),
            ("Type", own(ILRS + "agreementType")),
            ("Parties", own(ILRS + "party")),
            ("Signed by", own(ILRS + "signedBy")),
            ("Who took part", own(t.PROV + "qualifiedAssociation")),
            ("Place", own(t.PROV + "atLocation")),
        ),
    ),
    (
        t.MEMBERSHIP,
        (
            ("Member", own(ORG + "member")),
            ("Of", own(ORG + "organization")),
            ("Period", own(ORG + "memberDuring")),
            ("Role", own(ORG + "role")),
            ("Signed by", own(ILRS + "signatoryBody")),
            ("Agreement", own(ILRS + "establishedBy")),
            ("Stated in", own(ILRS + "claimedIn")),
        ),
    ),
    (
        t.MISSION_EVENT,
        (
            ("Mission", own(ILRS + "ofMission")),
            ("Event", own(ILRS + "eventType")),
            ("Date", own(t.HAS_TIME)),
            ("Site", own(ILRS + "site")),
            ("Stated in", own(ILRS + "claimedIn")),
        ),
    ),
    (
        t.SOURCE_DOCUMENT,
        (
            ("Title", own(t.TITLE)),
            ("Publisher", own(t.DCTERMS + "publisher")),
            ("Date", own(t.DCTERMS + "date")),
            ("Web address", own(t.URL)),
        ),
    ),
    (
        ILRS + "Event",
        (
            ("Date", own(t.HAS_TIME)),
            ("Type", own(ILRS + "eventType")),
            ("Who took part", own(t.PROV + "qualifiedAssociation")),
            ("Place", own(t.PROV + "atLocation")),
        ),
    ),
)


def dates_disagree(values: Iterable[Value]) -> bool:
    """Whether dated values cannot all name the same day ("June 2023" and "October 2023"); a month and a
    day within it ("October 2023", "20 October 2023") can."""
    hints = [v.hint for v in values if v.hint and v.hint[:4].isdigit()]
    return any(not compatible(a, b) for i, a in enumerate(hints) for b in hints[i + 1 :])


def build_summary(ctx: ValueContext) -> Summary | None:
    """The box for the entity's most specific class that has one; None for the other classes."""
    types = set(ctx.description.types(ctx.description.node))
    for cls, spec in SUMMARIES:
        if cls not in types:
            continue
        rows = []
        for label, values_of in spec:
            values = values_of(ctx)
            if values:
                rows.append(SummaryRow(label, values, disagree=dates_disagree(values)))
        return Summary(ctx.vocabulary.label(cls), tuple(rows)) if rows else None
    return None
