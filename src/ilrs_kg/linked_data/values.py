"""Turning one RDF term of a description into what a reader sees: a date at its precision, a position,
a linked name, a number with its unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.coordinates import LunarPoint, format_point, parse_wkt_point
from ilrs_kg.linked_data.dates import PartialDate, format_date, format_span, parse_date
from ilrs_kg.linked_data.describe import Description, Term
from ilrs_kg.linked_data.naming import NAME_PROPERTIES, name_of
from ilrs_kg.linked_data.viewmodel import Text, Value
from ilrs_kg.linked_data.vocabulary import Vocabulary
from ilrs_kg.statement_graphs import Provenance
from ilrs_kg.web.iris import IriMap

UNITS = {t.ILRS + "payloadMassKg": "kg"}
_NUMERIC = {
    t.XSD + name
    for name in (
        "decimal",
        "integer",
        "positiveInteger",
        "nonNegativeInteger",
        "double",
        "float",
        "int",
        "long",
    )
}


@dataclass
class Citations:
    """Numbers the statement graphs a page cites, in the order it first cites them.

    A citation is a statement graph, not a source document: it names the part of the source (the members
    table, reference 2) or the editorial note or rule, which is what a reader checking one fact needs.
    """

    description: Description
    provenance: Provenance
    numbers: dict[str, int] = field(default_factory=dict)

    def cite_graphs(self, graphs: Iterable[str]) -> tuple[int, ...]:
        chosen = sorted(set(graphs))
        for graph in chosen:
            self.numbers.setdefault(graph, len(self.numbers) + 1)
        return tuple(sorted(self.numbers[g] for g in chosen))

    def cite_fact(self, subject: Term, prop: str, obj: Term) -> tuple[int, ...]:
        """The numbers of the graphs that state this value of `prop`, dependent values included."""
        return self.cite_graphs(value_graphs(self.description, subject, prop, obj))

    def cite_node(self, node: Term) -> tuple[int, ...]:
        """A claim's citations: the graphs of its own facts."""
        return self.cite_graphs(self.description.node_graphs(node))


def value_graphs(description: Description, subject: Term, prop: str, obj: Term) -> set[str]:
    """The graphs of the fact `subject prop obj`, plus those of what a reader sees of `obj` when it is a
    node that only carries a value: an interval's ends, a geometry's coordinates. A date instant is shared
    by every fact on that day, so its own graphs are not the fact's."""
    graphs = set(description.graphs_of(subject, prop, obj))
    for inner_prop in (t.HAS_BEGINNING, t.HAS_END, t.AS_WKT):
        for inner in description.objects(obj, inner_prop):
            graphs.update(description.graphs_of(obj, inner_prop, inner))
    return graphs


@dataclass(frozen=True)
class ValueContext:
    description: Description
    iris: IriMap
    lang: str
    vocabulary: Vocabulary
    citations: Citations


def date_of(description: Description, node: Term) -> PartialDate | None:
    """The date an instant node carries, at its precision."""
    clock = next((o.value for o in description.objects(node, t.UTC_TIME_OF_DAY)), None)
    for prop in t.DATE_PROPERTIES:
        for literal in description.objects(node, prop):
            if isinstance(literal, ox.Literal):
                parsed = parse_date(literal.value, literal.datatype.value, clock)
                if parsed is not None:
                    return parsed
    return None


def span_of(description: Description, node: Term) -> tuple[PartialDate | None, PartialDate | None]:
    starts = [date_of(description, o) for o in description.objects(node, t.HAS_BEGINNING)]
    ends = [date_of(description, o) for o in description.objects(node, t.HAS_END)]
    return next((d for d in starts if d), None), next((d for d in ends if d), None)


def points_of(description: Description, node: Term) -> list[LunarPoint]:
    """Positions of a geometry node, or of a feature through its geometries."""
    wkts = [*description.objects(node, t.AS_WKT)]
    for geometry in description.objects(node, t.HAS_GEOMETRY):
        wkts.extend(description.objects(geometry, t.AS_WKT))
    points = [parse_wkt_point(w.value) for w in wkts if isinstance(w, ox.Literal)]
    return [p for p in points if p is not None]


def earliest_date(description: Description, node: Term, depth: int = 2) -> PartialDate | None:
    """The date a node is placed at: its own, its time's, its interval's or its membership's beginning."""
    own = date_of(description, node)
    if own is not None or depth == 0:
        return own
    found = [
        earliest_date(description, target, depth - 1)
        for prop in (t.HAS_TIME, t.HAS_BEGINNING, t.ORG + "memberDuring")
        for target in description.objects(node, prop)
    ]
    return min((d for d in found if d is not None), default=None)


def dating_graphs(description: Description, node: Term, depth: int = 2) -> set[str]:
    """The graphs of the facts that place `node` at its `earliest_date`: the links to its instant, or to
    its interval and the interval's beginning (not the shared instant's own date)."""
    if date_of(description, node) is not None or depth == 0:
        return set()
    best = earliest_date(description, node, depth)
    graphs: set[str] = set()
    for prop in (t.HAS_TIME, t.HAS_BEGINNING, t.ORG + "memberDuring"):
        for target in description.objects(node, prop):
            if best is not None and earliest_date(description, target, depth - 1) == best:
                graphs.update(description.graphs_of(node, prop, target))
                graphs |= dating_graphs(description, target, depth - 1)
    return graphs


def literal_value(literal: ox.Literal, prop: str, lang: str) -> Value:
    datatype = literal.datatype.value
    date = parse_date(literal.value, datatype)
    if date is not None:
        return Value(Text(format_date(date, lang)), hint=literal.value)
    if datatype == t.GEO + "wktLiteral":
        point = parse_wkt_point(literal.value)
        if point is not None:
            return Value(Text(format_point(point)), hint=literal.value)
    if datatype == t.XSD + "anyURI":
        return Value(Text(literal.value), href=literal.value, external=True)
    if datatype in _NUMERIC and prop in UNITS:
        return Value(Text(f"{literal.value} {UNITS[prop]}"))
    return Value(Text(literal.value, literal.language))


def term_value(ctx: ValueContext, node: Term, prop: str) -> Value:
    """How `node`, the value of `prop`, reads on a page."""
    if isinstance(node, ox.Literal):
        return literal_value(node, prop, ctx.lang)
    description = ctx.description
    href = ctx.iris.page(node.value) if isinstance(node, ox.NamedNode) else None
    date = date_of(description, node)
    if date is not None:
        return Value(Text(format_date(date, ctx.lang)), href=href, hint=date.iso())
    start, end = span_of(description, node)
    if start or end:
        hint = "/".join(d.iso() if d else ".." for d in (start, end))
        return Value(Text(format_span(start, end, ctx.lang)), href=href, hint=hint)
    if description.objects(node, t.AS_WKT):
        points = points_of(description, node)
        if points:
            return Value(Text("; ".join(format_point(p) for p in points)), href=href)
    if isinstance(node, ox.NamedNode) and not node.value.startswith(ctx.iris.base):
        named = ctx.vocabulary.knows(node.value) or any(description.objects(node, p) for p in NAME_PROPERTIES)
        text = name_of(description, node, ctx.lang, ctx.vocabulary) if named else Text(node.value)
        return Value(text, href=node.value, external=True, hint=node.value)
    return Value(
        name_of(description, node, ctx.lang, ctx.vocabulary),
        href=href,
        hint=node.value if isinstance(node, ox.NamedNode) else None,
    )


def _sort_key(value: Value) -> tuple[str, str]:
    return (value.hint or "", value.text.value.casefold())


def cited_values(ctx: ValueContext, node: Term, prop: str, objects: Sequence[Term]) -> tuple[Value, ...]:
    """The values of one property of `node`, each citing the graphs that state it."""
    values = (
        replace(term_value(ctx, o, prop), citations=ctx.citations.cite_fact(node, prop, o)) for o in objects
    )
    return tuple(sorted(values, key=_sort_key))
