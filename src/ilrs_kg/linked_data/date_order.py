"""Putting dates of mixed precision in order, as the derived statements compare them.

The rule instant-date-values gives every instant ``ilrs:dateValue``, the first day of the period the source
names ("2023" is 2023-01-01, "October 2023" is 2023-10-01), and ``ilrs:datePrecision``. A date sorts by
that first day; on the same first day the more precise date comes first (1 October 2023, then October 2023,
then 2023), since it cannot be later than the period that contains it. So a year-precision date sorts at
the start of its year, before the months and days of that year: "2028" before "August 2028".

A member (or mission) that sources date differently sorts by its earliest claim, made more precise by any
claim that the earliest contains: China, "June 2021" in one source and "16 June 2021" in another, sorts at
16 June 2021, after a member that joined on 9 June 2021 and before one that joined on 20 June. Claims that
cannot name the same day (Pakistan's June and October 2023) are not merged: the earliest decides.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.dates import PartialDate, Precision, compatible
from ilrs_kg.linked_data.describe import Description, Term
from ilrs_kg.linked_data.values import date_of

DATE_VALUE = t.ILRS + "dateValue"
DATE_PRECISION = t.ILRS + "datePrecision"
# On the same first day, the more precise date first.
_RANK = {t.TIME + "unitDay": 0, t.TIME + "unitMonth": 1, t.TIME + "unitYear": 2}
_PRECISION_RANK = {Precision.MINUTE: 0, Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


@dataclass(frozen=True, order=True)
class DateKey:
    """The comparable value of a date: its period's first day, then how coarse it is (0 day … 2 year)."""

    start: datetime.date
    rank: int


def key_of_date(date: PartialDate) -> DateKey:
    """The key rule instant-date-values would derive for this date."""
    start = datetime.date(date.year, date.month or 1, date.day or 1)
    return DateKey(start, _PRECISION_RANK[date.precision])


def key_of_instant(description: Description, instant: Term) -> DateKey | None:
    """The instant's derived ``ilrs:dateValue`` and ``ilrs:datePrecision``; None if it has none (a
    store built without the rules)."""
    values = [
        v
        for v in description.objects(instant, DATE_VALUE)
        if isinstance(v, ox.Literal) and v.value[:1] != "-"
    ]
    ranks = [_RANK[p.value] for p in description.objects(instant, DATE_PRECISION) if p.value in _RANK]
    if not values or not ranks:
        return None
    try:
        start = datetime.date.fromisoformat(values[0].value[:10])
    except ValueError:
        return None
    return DateKey(start, ranks[0])


def dated_instants(description: Description, node: Term, depth: int = 2) -> list[Term]:
    """The instants that date a node: itself, its time, or its interval's or membership's beginning (the
    same walk as values.earliest_date)."""
    if any(description.objects(node, p) for p in t.DATE_PROPERTIES):
        return [node]
    if depth == 0:
        return []
    return [
        instant
        for prop in (t.HAS_TIME, t.HAS_BEGINNING, t.ORG + "memberDuring")
        for target in description.objects(node, prop)
        for instant in dated_instants(description, target, depth - 1)
    ]


def claim_key(description: Description, node: Term, date: PartialDate) -> DateKey:
    """The key of a claim dated `date`: the derived value of the instant that carries that date, or, in a
    store without derived statements, the same value computed from the date."""
    for instant in dated_instants(description, node):
        if date_of(description, instant) == date and (derived := key_of_instant(description, instant)):
            return derived
    return key_of_date(date)


def first_of(claims: Sequence[tuple[DateKey, PartialDate]]) -> DateKey | None:
    """Where something with these dated claims sorts: its earliest claim, made precise by the most
    precise claim the earliest contains (see the module's docstring). None without claims."""
    if not claims:
        return None
    earliest_key, earliest = min(claims, key=lambda c: c[0])
    inside = [(key, date) for key, date in claims if compatible(earliest.iso(), date.iso())]
    return min((key for key, _ in inside), key=lambda k: (k.rank, k.start), default=earliest_key)
