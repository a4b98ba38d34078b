"""Dates at the precision the source gives them (linked_data.dates)."""

from __future__ import annotations

import pytest

from ilrs_kg.linked_data.dates import PartialDate, Precision, compatible, format_date, format_span, parse_date

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("lexical", "datatype", "clock", "expected"),
    [
        ("2023-07", "gYearMonth", None, PartialDate(2023, 7)),
        ("2023", "gYear", None, PartialDate(2023)),
        ("2023-07-17", "date", None, PartialDate(2023, 7, 17)),
        ("2024-06-01", "date", "22:23", PartialDate(2024, 6, 1, 22, 23)),
        ("2024-06-01T22:23:00Z", "dateTime", None, PartialDate(2024, 6, 1, 22, 23)),
        ("2023-07Z", "gYearMonth", None, PartialDate(2023, 7)),
        ("2023-13", "gYearMonth", None, None),
        ("July 2023", "gYearMonth", None, None),
        ("2023-07-17", "string", None, None),
    ],
)
def test_parse(lexical: str, datatype: str, clock: str | None, expected: PartialDate | None) -> None:
    assert parse_date(lexical, XSD + datatype, clock) == expected


@pytest.mark.parametrize(
    ("date", "lang", "expected"),
    [
        (PartialDate(2023, 7), "en", "July 2023"),
        (PartialDate(2023), "en", "2023"),
        (PartialDate(2023, 7, 17), "en", "17 July 2023"),
        (PartialDate(2024, 6, 1, 22, 23), "en", "1 June 2024, 22:23 UTC"),
        (PartialDate(2023, 7), "zh", "2023年7月"),
        (PartialDate(2023, 7, 17), "zh", "2023年7月17日"),
        (PartialDate(2023), "zh", "2023年"),
        (PartialDate(2023, 5, 3), "ru", "3 мая 2023 г."),
        (PartialDate(2023, 5), "ru", "май 2023 г."),
        (PartialDate(2023), "ru", "2023 г."),
        (PartialDate(2023, 7), "fr", "July 2023"),
    ],
)
def test_format_at_precision(date: PartialDate, lang: str, expected: str) -> None:
    assert format_date(date, lang) == expected


@pytest.mark.parametrize(
    ("date", "precision", "iso"),
    [
        (PartialDate(2023), Precision.YEAR, "2023"),
        (PartialDate(2023, 7), Precision.MONTH, "2023-07"),
        (PartialDate(2023, 7, 17), Precision.DAY, "2023-07-17"),
        (PartialDate(2024, 6, 1, 22, 23), Precision.MINUTE, "2024-06-01T22:23Z"),
    ],
)
def test_precision_and_iso(date: PartialDate, precision: Precision, iso: str) -> None:
    assert date.precision is precision
    assert date.iso() == iso


def test_a_year_sorts_before_its_months_and_days() -> None:
    assert sorted([PartialDate(2023, 7, 1), PartialDate(2023), PartialDate(2023, 7)]) == [
        PartialDate(2023),
        PartialDate(2023, 7),
        PartialDate(2023, 7, 1),
    ]


@pytest.mark.parametrize(
    ("start", "end", "lang", "expected"),
    [
        (PartialDate(2023, 7), None, "en", "since July 2023"),
        (None, PartialDate(2030), "en", "until 2030"),
        (PartialDate(2021), PartialDate(2025), "en", "2021 \u2013 2025"),
        (PartialDate(2021), PartialDate(2021), "en", "2021"),
        (PartialDate(2023, 7), None, "zh", "2023年7月起"),
        (None, None, "en", ""),
    ],
)
def test_spans(start: PartialDate | None, end: PartialDate | None, lang: str, expected: str) -> None:
    assert format_span(start, end, lang) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("2023-07", "2023-07-17", True),
        ("2023", "2023-07-17", True),
        ("2023-07-17", "2023-07-17", True),
        ("2021-03-09", "2021-06", False),
        ("2023-06", "2023-10-20", False),
        ("2022", "2023", False),
        ("2023-07/..", "2023-07-17/..", True),
        ("2023-07/..", "2023-08/..", False),
        ("2021/2025", "2021/2026", False),
    ],
)
def test_compatible_precisions(first: str, second: str, expected: bool) -> None:
    assert compatible(first, second) is expected
    assert compatible(second, first) is expected
