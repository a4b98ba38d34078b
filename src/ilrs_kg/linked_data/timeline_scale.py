"""The timeline's time scale: dates to heights down the picture, a band per year, a cell per month.

A month's cell is as tall as the labels dated in it need (at least MIN_MONTH), so a crowded month (June
2023, three members) opens up and a quiet year stays thin: within a month time is linear, but two months
(or years) need not be equally tall. Runs of years with nothing in them fold into one thin band. A date
covers its own stretch: a day a point within its month, a month its cell, a year its whole band.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ilrs_kg.linked_data.dates import PartialDate, Precision

MIN_MONTH = 1.5
EMPTY_BAND = 16.0
# Where a year-precision date's labels go: around the middle of its year (June and July share them).
MIDYEAR = (5, 6)


@dataclass(frozen=True)
class Band:
    """A year (first == last) or a folded run of empty years, and where it lies."""

    first: int
    last: int
    y: float
    height: float
    # The tops of the twelve month cells, and the band's bottom (empty for a folded run).
    months: tuple[float, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.months

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}\u2013{self.last % 100:02d}"


def cell_of(date: PartialDate) -> tuple[int, ...]:
    """The month cells (0-11) a date's labels need room in."""
    return MIDYEAR if date.precision is Precision.YEAR else (date.month - 1,)


class Scale:
    def __init__(self, needs: Mapping[int, Sequence[float]], top: float) -> None:
        """`needs`: for each year with something in it, the height its labels need in each month."""
        bands: list[Band] = []
        y = top
        for year in sorted(needs):
            if bands and year > bands[-1].last + 1:
                bands.append(Band(bands[-1].last + 1, year - 1, y, EMPTY_BAND))
                y += EMPTY_BAND
            tops = [y]
            for need in needs[year]:
                tops.append(tops[-1] + max(MIN_MONTH, need))
            bands.append(Band(year, year, y, tops[-1] - y, tuple(tops)))
            y = tops[-1]
        self.bands = tuple(bands)
        self.bottom = y
        self._by_year = {b.first: b for b in bands if not b.empty}

    def extent(self, date: PartialDate) -> tuple[float, float]:
        """The stretch of the picture a date covers (equal ends for a day)."""
        band = self._by_year[date.year]
        if date.precision is Precision.YEAR:
            return band.y, band.y + band.height
        top, bottom = band.months[date.month - 1], band.months[date.month]
        if date.precision is Precision.MONTH:
            return top, bottom
        days = calendar.monthrange(date.year, date.month)[1]
        point = top + (bottom - top) * (min(date.day, days) - 0.5) / days
        return point, point

    def centre(self, date: PartialDate) -> float:
        y1, y2 = self.extent(date)
        return (y1 + y2) / 2
