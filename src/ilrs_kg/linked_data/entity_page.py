"""Build the view-model of an entity's HTML page from its description."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.dates import PartialDate, compatible
from ilrs_kg.linked_data.describe import HUB_PREVIEW, Description, Term
from ilrs_kg.linked_data.disagreement_view import DisagreementRecord, disagreement_views
from ilrs_kg.linked_data.moon_map import MapSite, moon_map
from ilrs_kg.linked_data.naming import as_text, name_of, pick_literal
from ilrs_kg.linked_data.schema_org import schema_org
from ilrs_kg.linked_data.source_list import graph_name, source_entries
from ilrs_kg.linked_data.summary import build_summary
from ilrs_kg.linked_data.values import (
    Citations,
    ValueContext,
    cited_values,
    earliest_date,
    points_of,
    term_value,
)
from ilrs_kg.linked_data.viewmodel import (
    ClaimColumn,
    ClaimGroup,
    ClaimRow,
    EntityPage,
    Fact,
    FactGroup,
    IncomingGroup,
    Link,
    Text,
    Value,
)
from ilrs_kg.linked_data.vocabulary import Vocabulary
from ilrs_kg.namespaces import ID_NS
from ilrs_kg.statement_graphs import Provenance
from ilrs_kg.web.frame import Alternate, PageMeta, SiteLinks
from ilrs_kg.web.iris import IriMap

INCOMING_PREVIEW = HUB_PREVIEW

FACTS, WHEN, WHERE, NAMES, NOTES = "Facts", "When", "Where", "Names", "Notes"
GROUP_ORDER = (FACTS, WHEN, WHERE, NAMES, NOTES)
_GROUP_OF = {
    t.LABEL: NAMES,
    t.ALT_LABEL: NAMES,
    t.PREF_LABEL: NAMES,
    t.TITLE: NAMES,
    t.HAS_TIME: WHEN,
    t.HAS_BEGINNING: WHEN,
    t.HAS_END: WHEN,
    t.UTC_TIME_OF_DAY: WHEN,
    **{p: WHEN for p in t.DATE_PROPERTIES},
    t.HAS_GEOMETRY: WHERE,
    t.AS_WKT: WHERE,
    t.GEO + "sfWithin": WHERE,
    t.ILRS + "site": WHERE,
    t.ILRS + "launchSite": WHERE,
    t.ILRS + "country": WHERE,
    t.PROV + "atLocation": WHERE,
    t.SKOS + "note": NOTES,
    t.SKOS + "editorialNote": NOTES,
    t.SKOS + "example": NOTES,
    t.RDFS + "comment": NOTES,
    t.DEFINITION: NOTES,
}
# Remarks about a claim rather than what it claims: shown, but two claims differing here do not disagree.
_CLAIM_REMARKS = {
    t.SKOS + "note",
    t.SKOS + "editorialNote",
    t.DESCRIPTION,
    t.RDFS + "comment",
    t.ILRS + "memberIdentifiedBy",
}
# Shown elsewhere on the page: in the heading, the lead paragraph.
_NOT_FACTS = {t.TYPE, t.DESCRIPTION}


@dataclass(frozen=True)
class PageFrame:
    """What a page builder needs besides the data: where links go, the reader's language, names."""

    iris: IriMap
    lang: str
    vocabulary: Vocabulary
    site: SiteLinks
    provenance: Provenance = field(default_factory=Provenance)


def _facts(ctx: ValueContext, node: Term, skip: set[str], heading: Text | None) -> list[Fact]:
    description, vocabulary = ctx.description, ctx.vocabulary
    facts = []
    for prop, objects in description.outgoing(node).items():
        if prop in skip:
            continue
        shown = [
            o
            for o in objects
            if not (
                prop == t.LABEL
                and isinstance(o, ox.Literal)
                and heading is not None
                and as_text(o) == heading
            )
        ]
        if not shown:
            continue
        values = cited_values(ctx, node, prop, shown)
        # Values stated by the same graphs are cited once, at the end of the row.
        shared = {v.citations for v in values}
        cited: tuple[int, ...] = ()
        if len(shared) == 1:
            cited = shared.pop()
            values = tuple(replace(v, citations=()) for v in values)
        facts.append(Fact(vocabulary.label(prop), prop, values, cited, vocabulary.definition(prop)))
    return facts


def _groups(facts: Sequence[Fact]) -> tuple[FactGroup, ...]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[_GROUP_OF.get(fact.property_iri, FACTS)].append(fact)
    return tuple(
        FactGroup(name, tuple(sorted(grouped[name], key=lambda f: f.label.casefold())))
        for name in GROUP_ORDER
        if grouped.get(name)
    )


def _cell_key(cell: tuple[Value, ...]) -> tuple[str, ...]:
    return tuple(v.hint or v.text.value for v in cell)


def cells_disagree(cells: Sequence[tuple[Value, ...]]) -> bool:
    """Whether claims that state a value state different ones; a claim silent on it does not disagree, nor
    do dates at different precisions that can be the same day ("July 2023" and "17 July 2023")."""
    stated = [_cell_key(cell) for cell in cells if cell]
    for index, first in enumerate(stated):
        for second in stated[index + 1 :]:
            if len(first) != len(second) or not all(
                a == b or (_looks_dated(a) and _looks_dated(b) and compatible(a, b))
                for a, b in zip(first, second, strict=True)
            ):
                return True
    return False


def _looks_dated(text: str) -> bool:
    return text[:4].isdigit()


def _claim_groups(ctx: ValueContext) -> tuple[ClaimGroup, ...]:
    description, vocabulary = ctx.description, ctx.vocabulary
    buckets: dict[tuple[str, tuple[str, ...]], list[Term]] = defaultdict(list)
    for claim in description.owned_claims():
        claim_type = next((c for c in description.types(claim) if c in t.CLAIM_KEYS), None)
        if claim_type is None:
            continue
        key = tuple(sorted(o.value for p in t.CLAIM_KEYS[claim_type] for o in description.objects(claim, p)))
        buckets[(claim_type, key)].append(claim)
    groups: list[tuple[tuple[str, str], ClaimGroup]] = []
    for (claim_type, _key), claims in buckets.items():
        # Oldest claim first; by ISO text, which sorts chronologically (a dataclass's repr does not).
        claims.sort(key=lambda c: (_iso(earliest_date(description, c)), c.value))
        key_names = [
            term_value(ctx, o, p).text.value
            for p in t.CLAIM_KEYS[claim_type]
            for o in description.objects(claims[0], p)
        ]
        title = vocabulary.label(claim_type) + (": " + ", ".join(key_names) if key_names else "")
        skip = {t.TYPE, t.LABEL, t.CLAIM_OWNER_LINKS[claim_type], *t.CLAIM_KEYS[claim_type]}
        columns = []
        for claim in claims:  # type: ignore[assignment]
            caption = Text(_claim_caption(ctx, claim) or vocabulary.label(claim_type))
            columns.append(
                ClaimColumn(
                    Link(ctx.iris.page(claim.value), caption, claim.value), ctx.citations.cite_node(claim)
                )
            )
        props = sorted(
            {p for c in claims for p in description.outgoing(c) if p not in skip},
            key=lambda p: vocabulary.label(p).casefold(),
        )
        rows = []
        for prop in props:
            cells = tuple(cited_values(ctx, c, prop, description.objects(c, prop)) for c in claims)
            disagree = prop not in _CLAIM_REMARKS and cells_disagree(cells)
            rows.append(ClaimRow(vocabulary.label(prop), cells, disagree=disagree))
        dates = [d.iso() for d in (earliest_date(description, c) for c in claims) if d is not None]
        order = (vocabulary.label(claim_type), min(dates, default="9999"))
        groups.append((order, ClaimGroup(title, tuple(columns), tuple(rows), any(r.disagree for r in rows))))
    return tuple(group for _, group in sorted(groups, key=lambda item: item[0]))


def _iso(date: PartialDate | None) -> str:
    return date.iso() if date is not None else ""


def _claim_caption(ctx: ValueContext, claim: Term) -> str:
    """The sources, with their parts, that state a claim's facts ("Wikipedia: …, members table")."""
    provenance = ctx.citations.provenance
    graphs = [provenance.graph(g) for g in ctx.description.node_graphs(claim)]
    names = {graph_name(provenance, g, ctx.lang).value for g in graphs if g.sources}
    return "; ".join(sorted(names))


def _incoming(ctx: ValueContext, frame: PageFrame, entity_path: str | None) -> tuple[IncomingGroup, ...]:
    """Links to the entity by property and class of what links, the first INCOMING_PREVIEW of each
    (by name) with the count. A hub's crowded properties (Description.hub) are one group each, counted
    by the index, showing the first links in the store's order: their classes are not read."""
    description = ctx.description
    owned = set(description.owned_claims())
    owner_links = set(t.CLAIM_OWNER_LINKS.values())
    crowded = {p: n for p, n in description.hub.items() if n > INCOMING_PREVIEW}
    buckets: dict[tuple[str, str], set[ox.NamedNode]] = defaultdict(set)
    for subject, prop in description.incoming(description.node):
        if not isinstance(subject, ox.NamedNode) or (subject in owned and prop in owner_links):
            continue
        if not subject.value.startswith(ID_NS):
            continue  # a statement graph citing a source: the source page lists those itself
        kinds = [""] if prop in crowded else sorted(description.types(subject)) or [""]
        buckets[(prop, kinds[0])].add(subject)
    groups = []
    for (prop, kind), subjects in sorted(
        buckets.items(), key=lambda item: (frame.vocabulary.inverse_label(item[0][0]), item[0][1])
    ):
        links = sorted(
            (
                Link(frame.iris.page(s.value), name_of(description, s, frame.lang, frame.vocabulary), s.value)
                for s in subjects
            ),
            key=lambda link: link.text.value.casefold(),
        )
        # Each link shown is a fact about another entity: it cites the graphs that state it.
        shown = tuple(
            replace(
                link, citations=ctx.citations.cite_fact(ox.NamedNode(link.hint or ""), prop, description.node)
            )
            for link in links[:INCOMING_PREVIEW]
        )
        title = frame.vocabulary.inverse_label(prop)
        if kind:
            title += f" · {frame.vocabulary.label(kind)}"
        total = crowded.get(prop, len(links))
        more = None
        if total > INCOMING_PREVIEW and entity_path is not None:
            more = frame.iris.incoming(entity_path, prop, kind, lang=frame.lang)
        groups.append(IncomingGroup(title, shown, total, more))
    return tuple(groups)


def _map_sites(ctx: ValueContext, frame: PageFrame) -> list[MapSite]:
    description = ctx.description
    node = description.node
    sites: list[MapSite] = []
    own_geometries = description.objects(node, t.HAS_GEOMETRY)
    for geometry in own_geometries:
        label = name_of(description, geometry, frame.lang, frame.vocabulary).value
        sites += [
            MapSite(label, p, frame.iris.page(geometry.value)) for p in points_of(description, geometry)
        ]
    if not own_geometries:
        sites += [
            MapSite(name_of(description, node, frame.lang, frame.vocabulary).value, p)
            for p in points_of(description, node)
        ]
    linked: list[Term] = []
    for claim in [node, *description.owned_claims()]:
        for prop, objects in description.outgoing(claim).items():
            if prop != t.HAS_GEOMETRY:
                linked += [o for o in objects if isinstance(o, ox.NamedNode)]
    linked += [s for s, p in description.incoming(node) if p == t.GEO + "sfWithin"]
    seen: set[str] = set()
    for other in linked:
        if other.value in seen or other == node:
            continue
        seen.add(other.value)
        label = name_of(description, other, frame.lang, frame.vocabulary).value
        sites += [MapSite(label, p, frame.iris.page(other.value)) for p in points_of(description, other)]
    return sites


def _type_links(description: Description, frame: PageFrame) -> tuple[Link, ...]:
    """The classes above the heading: the ontology's own first (what the entity is, "Agency"), then the
    reused vocabularies' ("Organization", "Agent"); one link per name (Interval and ProperInterval both
    read "Interval")."""
    links: dict[str, Link] = {}
    for cls in sorted(description.types(description.node), key=lambda c: (not c.startswith(t.ILRS), c)):
        name = name_of(description, ox.NamedNode(cls), frame.lang, frame.vocabulary)
        links.setdefault(name.value.casefold(), Link(frame.iris.page(cls), name, cls))
    return tuple(links.values())


def build_entity_page(
    description: Description,
    frame: PageFrame,
    *,
    entity_path: str | None,
    alternates: tuple[Alternate, ...],
    languages: tuple[tuple[str, str, bool], ...],
    disagreements: tuple[DisagreementRecord, ...] = (),
) -> EntityPage:
    """The page's view-model; `disagreements` are the disagreement nodes about the entity
    (`disagreement_view.find_disagreements`), read from the store by the caller."""
    node = description.node
    citations = Citations(description, frame.provenance)
    ctx = ValueContext(description, frame.iris, frame.lang, frame.vocabulary, citations)
    heading = name_of(description, node, frame.lang, frame.vocabulary)
    types = _type_links(description, frame)
    lead = pick_literal(
        [o for o in description.objects(node, t.DESCRIPTION) if isinstance(o, ox.Literal)], frame.lang
    )
    heading_cites = citations.cite_graphs(
        g
        for o in description.objects(node, t.LABEL)
        if isinstance(o, ox.Literal) and as_text(o) == heading
        for g in description.graphs_of(node, t.LABEL, o)
    )
    type_cites = citations.cite_graphs(
        g for o in description.objects(node, t.TYPE) for g in description.graphs_of(node, t.TYPE, o)
    )
    # Numbered in reading order: the box at the top first.
    summary = build_summary(ctx)
    facts = _facts(ctx, node, _NOT_FACTS, heading)
    groups = _groups(facts)
    disagreement_list = disagreement_views(disagreements, ctx)
    claims = _claim_groups(ctx)
    incoming = _incoming(ctx, frame, entity_path)
    page_map = moon_map(_map_sites(ctx, frame))
    sources = source_entries(citations.numbers, frame.provenance, frame.iris, frame.lang)
    type_names = ", ".join(link.text.value for link in types)
    meta = PageMeta(
        title=heading.value,
        lang=frame.lang,
        site=frame.site,
        canonical=description.iri,
        alternates=alternates,
        json_ld=schema_org(description, frame.iris, frame.lang, frame.provenance),
        languages=languages,
        description=(lead.value if lead is not None else f"{heading.value}: {type_names}"),
    )
    return EntityPage(
        meta=meta,
        iri=description.iri,
        heading=heading,
        types=types,
        description=as_text(lead) if lead is not None else None,
        groups=groups,
        claims=claims,
        incoming=incoming,
        sources=sources,
        moon_map=page_map,
        incoming_truncated=description.incoming_truncated,
        heading_citations=heading_cites,
        type_citations=type_cites,
        summary=summary,
        disagreements=disagreement_list,
    )
