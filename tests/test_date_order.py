"""Dates of mixed precision in order (linked_data.date_order), as the derived ilrs:dateValue and
ilrs:datePrecision compare them, and the home page's members in that order."""

from __future__ import annotations

import datetime

import pyoxigraph as ox
import pytest

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.date_order import (
    DateKey,
    claim_key,
    dated_instants,
    first_of,
    key_of_date,
    key_of_instant,
)
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.values import earliest_date
from tests.fixtures.home_pictures import day, home_page

ID = "https://w3id.org/ilrs/id/"


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2023-10-01", "2023-10"),  # the same first day: the more precise first
        ("2023-10", "2023-10-03"),  # a month sorts at its start
        ("2028", "2028-08"),  # a year sorts at the start of the year
        ("2027-12-31", "2028"),
        ("2023-06", "2023-07-01"),
    ],
)
def test_dates_sort_by_their_first_day_then_precision(earlier: str, later: str) -> None:
    assert key_of_date(day(earlier)) < key_of_date(day(later))


def _keys(*dates: str) -> list[tuple[DateKey, object]]:
    return [(key_of_date(day(d)), day(d)) for d in dates]


def test_the_earliest_claim_made_precise_by_the_claims_it_contains() -> None:
    # China: June 2021 and 16 June 2021 sort at 16 June 2021.
    assert first_of(_keys("2021-06", "2021-06-16")) == DateKey(datetime.date(2021, 6, 16), 0)
    # Pakistan: June 2023 cannot be 20 October 2023: the earliest, June, decides.
    assert first_of(_keys("2023-10", "2023-06", "2023-10-20")) == DateKey(datetime.date(2023, 6, 1), 1)
    assert first_of(_keys("2028", "2028-08")) == DateKey(datetime.date(2028, 8, 1), 1)
    assert first_of([]) is None


def test_the_real_instants_carry_the_derived_value_and_precision(graph: ox.Store) -> None:
    # Every dated membership claim's beginning has the rule's ilrs:dateValue and ilrs:datePrecision, and
    # the key read from them is the key the date itself gives: the page and SPARQL's ORDER BY agree.
    description = Description(
        BASE_IRI, [q.triple for q in graph.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    )
    membership = ox.NamedNode(t.MEMBERSHIP)
    claims = [s for s, p in description.incoming(membership) if p == t.TYPE]
    dated = [(claim, date) for claim in claims if (date := earliest_date(description, claim)) is not None]
    assert len(dated) >= 25
    for claim, date in dated:
        instants = dated_instants(description, claim)
        assert any(key_of_instant(description, i) == key_of_date(date) for i in instants), claim
        assert claim_key(description, claim, date) == key_of_date(date)
    venezuela = ox.NamedNode(ID + "instant/2023-07-17")
    assert key_of_instant(description, venezuela) == DateKey(datetime.date(2023, 7, 17), 0)


BASE_IRI = "https://w3id.org/ilrs/"


def test_a_derived_value_decides_over_the_literal() -> None:
    # Were a rule to derive another first day (it must not), the page would follow the derived statements.
    instant = ox.NamedNode(ID + "instant/x")
    claim = ox.NamedNode(ID + "event/x")
    triples = [
        ox.Triple(claim, ox.NamedNode(t.HAS_TIME), instant),
        ox.Triple(
            instant,
            ox.NamedNode(t.IN_YEAR_MONTH),
            ox.Literal("2023-07", datatype=ox.NamedNode(t.XSD + "gYearMonth")),
        ),
        ox.Triple(
            instant,
            ox.NamedNode(t.ILRS + "dateValue"),
            ox.Literal("2023-07-09", datatype=ox.NamedNode(t.XSD + "date")),
        ),
        ox.Triple(instant, ox.NamedNode(t.ILRS + "datePrecision"), ox.NamedNode(t.TIME + "unitMonth")),
    ]
    description = Description(BASE_IRI, triples)
    assert claim_key(description, claim, day("2023-07")) == DateKey(datetime.date(2023, 7, 9), 1)
    # Without the derived statements, the same value is computed from the date.
    bare = Description(BASE_IRI, triples[:2])
    assert claim_key(bare, claim, day("2023-07")) == DateKey(datetime.date(2023, 7, 1), 1)


def test_home_page_members_are_in_date_order(graph: ox.Store) -> None:
    members = [row.member.text.value for row in home_page(graph).members]
    # Within April 2024: Thailand (5 April) before Nicaragua (24 April); within October 2023 Azerbaijan
    # (3 October) before Belarus (23 October). Pakistan's earliest claim is June 2023.
    assert members.index("Thailand") < members.index("Nicaragua")
    assert members.index("Azerbaijan") < members.index("Belarus")
    assert members.index("Pakistan") < members.index("Venezuela")
    # The undated claim of South Africa does not send it to the end: its September 2023 claim places it.
    assert members.index("Venezuela") < members.index("South Africa") < members.index("Azerbaijan")
