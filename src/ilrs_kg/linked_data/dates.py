"""Dates at the precision the source gives them: parsed from OWL-Time literals, written for a reader.

"2023-07"^^xsd:gYearMonth is "July 2023", never "2023-07-01"; a year stays a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

XSD = "http://www.w3.org/2001/XMLSchema#"

_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_RU_YEAR = " \u0433."  # the Russian abbreviation for "year"
_EN_DASH = "\u2013"
# Russian: the genitive after a day ("3 мая"), the nominative alone ("май").
_RU_MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_RU_MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)

_PATTERNS = {
    XSD + "date": re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$"),
    XSD + "dateTime": re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})"),
    XSD + "dateTimeStamp": re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})"),
    XSD + "gYearMonth": re.compile(r"^(-?\d{4,})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$"),
    XSD + "gYear": re.compile(r"^(-?\d{4,})(?:Z|[+-]\d{2}:\d{2})?$"),
}
_TIME_OF_DAY = re.compile(r"^(\d{2}):(\d{2})$")


class Precision(Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    MINUTE = "minute"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to a precision; orders chronologically (a year sorts before its months)."""

    year: int
    month: int = 0
    day: int = 0
    hour: int = -1
    minute: int = -1

    @property
    def precision(self) -> Precision:
        if self.minute >= 0:
            return Precision.MINUTE
        if self.day:
            return Precision.DAY
        if self.month:
            return Precision.MONTH
        return Precision.YEAR

    def iso(self) -> str:
        """The lexical form at this precision: 2023, 2023-07, 2023-07-17."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        if self.minute >= 0:
            text += f"T{self.hour:02d}:{self.minute:02d}Z"
        return text


def parse_date(lexical: str, datatype: str, time_of_day: str | None = None) -> PartialDate | None:
    """A literal of xsd:date, gYearMonth, gYear or dateTime as a PartialDate; None if it is none of them.

    `time_of_day` ("HH:MM", UTC) refines a day, as ilrs:utcTimeOfDay does.
    """
    pattern = _PATTERNS.get(datatype)
    match = pattern.match(lexical.strip()) if pattern else None
    if match is None:
        return None
    numbers = [int(g) for g in match.groups()]
    year, month, day = [*numbers, 0, 0][:3]
    if not 0 <= month <= 12 or not 0 <= day <= 31:
        return None
    if len(numbers) == 5:
        return PartialDate(year, month, day, numbers[3], numbers[4])
    if time_of_day and day and (clock := _TIME_OF_DAY.match(time_of_day.strip())):
        return PartialDate(year, month, day, int(clock[1]), int(clock[2]))
    return PartialDate(year, month, day)


def format_date(date: PartialDate, lang: str = "en") -> str:
    """The date as a reader in `lang` (en, zh, ru) writes it, at its own precision."""
    if lang == "zh":
        text = f"{date.year}年"
        if date.month:
            text += f"{date.month}月"
        if date.day:
            text += f"{date.day}日"
    elif lang == "ru":
        if date.day:
            text = f"{date.day} {_RU_MONTHS_GENITIVE[date.month - 1]} {date.year}{_RU_YEAR}"
        elif date.month:
            text = f"{_RU_MONTHS[date.month - 1]} {date.year}{_RU_YEAR}"
        else:
            text = f"{date.year}{_RU_YEAR}"
    else:
        if date.day:
            text = f"{date.day} {_EN_MONTHS[date.month - 1]} {date.year}"
        elif date.month:
            text = f"{_EN_MONTHS[date.month - 1]} {date.year}"
        else:
            text = str(date.year)
    if date.minute >= 0:
        text += f", {date.hour:02d}:{date.minute:02d} UTC"
    return text


def compatible(first: str, second: str) -> bool:
    """Whether two ISO dates at any precision can name the same moment: "2023-07" and "2023-07-17" can,
    "2021-03-09" and "2021-06" cannot."""
    if "/" in first or "/" in second:  # intervals, "start/end" with ".." for an open end
        parts = list(zip(first.split("/"), second.split("/"), strict=False))
        return len(first.split("/")) == len(second.split("/")) and all(compatible(a, b) for a, b in parts)
    return first.startswith(second) or second.startswith(first)


def format_span(start: PartialDate | None, end: PartialDate | None, lang: str = "en") -> str:
    """An interval: "July 2023 to 2024" (with an en dash), "since July 2023", "until 2030"."""
    words = {"en": ("since", "until"), "zh": ("自", "至"), "ru": ("\u0441", "до")}[
        lang if lang in ("zh", "ru") else "en"
    ]
    if start and end:
        if start == end:
            return format_date(start, lang)
        return f"{format_date(start, lang)} {_EN_DASH} {format_date(end, lang)}"
    if start:
        return f"{format_date(start, lang)}起" if lang == "zh" else f"{words[0]} {format_date(start, lang)}"
    if end:
        return f"{words[1]} {format_date(end, lang)}"
    return ""
