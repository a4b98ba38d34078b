"""Where sources disagree about an entity, read from the disagreement nodes (data/disagreements.trig).

A disagreement (ilrs:Disagreement) is the curator's finding: what it is about, on what aspect, which
claims conflict, which sources leave a claim out, and why. The page shows each one about the entity (or
naming it, or one of its claims, as a conflicting claim), with every conflicting claim, what that claim
says on the point at issue and the statement graphs that state it (ilrs:claimedIn), so each side is
cited to its own source.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.coordinates import format_point
from ilrs_kg.linked_data.dates import format_date, format_span
from ilrs_kg.linked_data.describe import Description, describe
from ilrs_kg.linked_data.naming import as_text, name_of, pick_literal
from ilrs_kg.linked_data.source_list import graph_name
from ilrs_kg.linked_data.values import (
    ValueContext,
    earliest_date,
    literal_value,
    points_of,
    span_of,
    term_value,
)
from ilrs_kg.linked_data.viewmodel import DisagreementSide, DisagreementView, Link, Text, Value

ABOUT = t.ILRS + "disagreementAbout"
ASPECT = t.ILRS + "disagreementAspect"
CONFLICTING = t.ILRS + "conflictingClaim"
OMITTED_BY = t.ILRS + "omittedBy"
CLAIMED_IN = t.ILRS + "claimedIn"
DISAGREEMENT = t.ILRS + "Disagreement"
_DEFAULT = ox.DefaultGraph()


@dataclass(frozen=True)
class ConflictingClaim:
    description: Description  # the claim's own description: what it says
    graphs: tuple[str, ...]  # the sourced statement graphs that state it (ilrs:claimedIn)


@dataclass(frozen=True)
class DisagreementRecord:
    description: Description  # the disagreement node's description
    claims: tuple[ConflictingClaim, ...]


def find_disagreements(store: ox.Store, iri: str) -> tuple[DisagreementRecord, ...]:
    """The disagreements about `iri` (those first), or naming it or a claim about it as a conflicting
    claim."""
    owners = "|".join(f"<{p}>" for p in t.CLAIM_OWNER_LINKS.values())
    rows = store.query(
        f"""SELECT DISTINCT ?d ?about WHERE {{
              {{ ?d <{ABOUT}> <{iri}> }} UNION {{ ?d <{CONFLICTING}> <{iri}> }}
              UNION {{ ?d <{CONFLICTING}> ?claim . ?claim {owners} <{iri}> }}
              ?d a <{DISAGREEMENT}>
              BIND(EXISTS {{ ?d <{ABOUT}> <{iri}> }} AS ?about) }} ORDER BY DESC(?about) ?d"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    records = []
    for row in rows:
        node = row["d"]
        if not isinstance(node, ox.NamedNode):
            continue
        description = describe(store, node.value)
        claims = []
        for claim in sorted(description.objects(node, CONFLICTING), key=lambda c: c.value):
            if not isinstance(claim, ox.NamedNode):
                continue
            graphs = sorted(
                q.object.value
                for q in store.quads_for_pattern(claim, ox.NamedNode(CLAIMED_IN), None, _DEFAULT)
                if isinstance(q.object, ox.NamedNode)
            )
            claims.append(ConflictingClaim(describe(store, claim.value), tuple(graphs)))
        records.append(DisagreementRecord(description, tuple(claims)))
    return tuple(records)


def _says(ctx: ValueContext, claim: Description, aspect: str) -> Value | None:
    """What a claim says on the point at issue: its role, its date, its span, its position."""
    node = claim.node
    local = ValueContext(claim, ctx.iris, ctx.lang, ctx.vocabulary, ctx.citations)
    if aspect.endswith("/founding-member-role"):
        roles = claim.objects(node, t.ORG + "role")
        return term_value(local, roles[0], t.ORG + "role") if roles else None
    start, end = span_of(claim, node)
    if start or end:
        return Value(Text(format_span(start, end, ctx.lang)))
    date = earliest_date(claim, node)
    if date is not None:
        return Value(Text(format_date(date, ctx.lang)), hint=date.iso())
    points = points_of(claim, node)
    if points:
        return Value(Text("; ".join(format_point(p) for p in points)))
    for prop in (t.ILRS + "launchDate", t.ILRS + "plannedLaunchDate"):
        literals = [o for o in claim.objects(node, prop) if isinstance(o, ox.Literal)]
        if literals:
            value = literal_value(literals[0], prop, ctx.lang)
            return Value(Text(f"{ctx.vocabulary.label(prop)} {value.text.value}"), hint=value.hint)
    return None


def disagreement_views(
    records: tuple[DisagreementRecord, ...], ctx: ValueContext
) -> tuple[DisagreementView, ...]:
    """The page's view of each disagreement; every graph it cites is numbered in the page's sources."""
    provenance = ctx.citations.provenance
    views = []
    for record in records:
        d = record.description
        node = d.node
        aspects = d.objects(node, ASPECT)
        aspect_iri = aspects[0].value if aspects else ""
        note = pick_literal(
            [o for o in d.objects(node, t.SKOS + "editorialNote") if isinstance(o, ox.Literal)], ctx.lang
        )
        sides = []
        for claim in record.claims:
            graphs = claim.graphs or claim.description.node_graphs(claim.description.node)
            sides.append(
                DisagreementSide(
                    Link(
                        ctx.iris.page(claim.description.iri),
                        name_of(d, claim.description.node, ctx.lang, ctx.vocabulary),
                        claim.description.iri,
                    ),
                    _says(ctx, claim.description, aspect_iri),
                    ctx.citations.cite_graphs(graphs),
                )
            )
        omitted = tuple(
            (
                graph_name(provenance, provenance.graph(g.value), ctx.lang),
                ctx.citations.cite_graphs([g.value]),
            )
            for g in d.objects(node, OMITTED_BY)
        )
        views.append(
            DisagreementView(
                Link(ctx.iris.page(d.iri), name_of(d, node, ctx.lang, ctx.vocabulary), d.iri),
                name_of(d, aspects[0], ctx.lang, ctx.vocabulary) if aspects else None,
                as_text(note) if note is not None else None,
                tuple(sides),
                omitted,
                # The finding is the curator's: the editorial graph that states the node, not the
                # derived graphs that add superclass types to it.
                ctx.citations.cite_graphs(d.graphs_of(node, t.TYPE, ox.NamedNode(DISAGREEMENT))),
            )
        )
    return tuple(views)
