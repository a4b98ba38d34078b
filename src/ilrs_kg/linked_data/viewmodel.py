"""What the HTML pages show, as small frozen objects; templates render these and nothing else.

Every string here that came from the data is escaped by the templates (Jinja2 autoescape).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ilrs_kg.linked_data.moon_map import MoonMap
from ilrs_kg.web.frame import PageMeta


@dataclass(frozen=True)
class Text:
    """A piece of text with the language it is in (None when the data does not say)."""

    value: str
    lang: str | None = None


@dataclass(frozen=True)
class Link:
    href: str
    text: Text
    hint: str | None = None
    # Where a link is itself a fact (an incoming link, a class member): the graphs stating it, as numbers.
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Value:
    text: Text
    href: str | None = None
    external: bool = False
    # The statement graphs that state this value, as citation numbers (empty when its row cites them).
    citations: tuple[int, ...] = ()
    hint: str | None = None


@dataclass(frozen=True)
class Fact:
    label: str
    property_iri: str
    values: tuple[Value, ...]
    citations: tuple[int, ...] = ()
    definition: str | None = None


@dataclass(frozen=True)
class FactGroup:
    title: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class ClaimColumn:
    """One claim in a side-by-side comparison, headed by its own page and its sources."""

    link: Link
    citations: tuple[int, ...]


@dataclass(frozen=True)
class ClaimRow:
    label: str
    cells: tuple[tuple[Value, ...], ...]
    disagree: bool


@dataclass(frozen=True)
class ClaimGroup:
    """Claims about the same thing (one member's membership, one mission's landing), side by side."""

    title: str
    columns: tuple[ClaimColumn, ...]
    rows: tuple[ClaimRow, ...]
    disagree: bool


@dataclass(frozen=True)
class IncomingGroup:
    title: str
    links: tuple[Link, ...]
    total: int
    more_href: str | None = None


@dataclass(frozen=True)
class SourceEntry:
    """One cited statement graph: a source (and which part of it), an editorial note, or a rule."""

    number: int
    anchor: str
    kind: str  # sourced, editorial, derived, catalogue, ontology or undescribed
    graph: str  # the statement graph's IRI, to look up in the data
    graph_href: str  # where that graph's own page is
    # Sourced: the document that states the facts; editorial: the documents the curator interpreted.
    documents: tuple[Link, ...] = ()
    url: str | None = None
    part: Text | None = None
    references: tuple[Link, ...] = ()  # what the part points to (e.g. the article a reference cites)
    note: Text | None = None
    rule: Link | None = None
    inputs: tuple[Text, ...] = ()  # derived: the statement graphs the rule read


@dataclass(frozen=True)
class StatementSet:
    """On a source's page: one statement graph drawn from it, and the entities its facts are about."""

    title: Text
    kind: str
    graph: str
    graph_href: str
    facts: int
    entities: tuple[Link, ...]
    total: int


@dataclass(frozen=True)
class SummaryRow:
    label: str
    values: tuple[Value, ...]  # each citing its own statement graphs
    disagree: bool = False  # dates that cannot all be right: the sources disagree


@dataclass(frozen=True)
class Summary:
    """The box of key facts at the top of an entity page."""

    title: str
    rows: tuple[SummaryRow, ...]


@dataclass(frozen=True)
class DisagreementSide:
    """One conflicting claim: its page, what it says on the point at issue, the graphs that state it."""

    link: Link
    says: Value | None
    citations: tuple[int, ...]


@dataclass(frozen=True)
class DisagreementView:
    """A curator's finding that sources disagree (an ilrs:Disagreement node), as the page shows it."""

    link: Link
    aspect: Text | None
    note: Text | None
    sides: tuple[DisagreementSide, ...]
    omitted_by: tuple[tuple[Text, tuple[int, ...]], ...]  # sources that leave the claim out
    citations: tuple[int, ...]  # the editorial graph stating the finding


@dataclass(frozen=True)
class EntityPage:
    meta: PageMeta
    iri: str
    heading: Text
    types: tuple[Link, ...]
    description: Text | None
    groups: tuple[FactGroup, ...]
    claims: tuple[ClaimGroup, ...]
    incoming: tuple[IncomingGroup, ...]
    sources: tuple[SourceEntry, ...]
    moon_map: MoonMap | None = None
    incoming_truncated: bool = False
    # The graphs that state the name in the heading and the classes above it.
    heading_citations: tuple[int, ...] = ()
    type_citations: tuple[int, ...] = ()
    # A source document's page: what the data takes from it.
    statement_sets: tuple[StatementSet, ...] = ()
    summary: Summary | None = None
    disagreements: tuple[DisagreementView, ...] = ()


@dataclass(frozen=True)
class IncomingPage:
    """One page of the links of one kind that point to an entity."""

    meta: PageMeta
    entity: Link
    title: str
    links: tuple[Link, ...]
    page: int
    pages: int
    previous_href: str | None
    next_href: str | None
    total: int = 0  # links of this kind in all
    start: int = 1  # the number of this page's first link


@dataclass(frozen=True)
class NotFoundPage:
    meta: PageMeta
    iri: str
    search_action: str
    query: str
    suggestions: tuple[Link, ...] = field(default=())


@dataclass(frozen=True)
class SearchResult:
    link: Link  # the entity, by its name in the reader's language
    kinds: tuple[str, ...]  # its classes, by their labels
    matched: Text | None  # the name that matched, when it is not the one shown


@dataclass(frozen=True)
class SearchPage:
    meta: PageMeta
    query: str
    results: tuple[SearchResult, ...]
    total: int = 0
    capped: bool = False  # more names matched than were ranked: `total` is a lower bound
    page: int = 1
    pages: int = 1
    start: int = 1  # the number of this page's first result
    previous_href: str | None = None
    next_href: str | None = None
