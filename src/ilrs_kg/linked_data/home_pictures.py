"""The home page's two pictures from what the page already shows: the world map of its members, and the
timeline of their joins and of the missions' launches (from the derived direct statements
ilrs:launchDate and ilrs:plannedLaunchDate, rule mission-dates)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.date_order import DateKey, first_of, key_of_date
from ilrs_kg.linked_data.dates import PartialDate, compatible, format_date, parse_date
from ilrs_kg.linked_data.describe import Description, Term
from ilrs_kg.linked_data.timeline import JOINS, MISSIONS, Happening, Timeline, layout
from ilrs_kg.linked_data.viewmodel import Link
from ilrs_kg.linked_data.world_map import MapMember, WorldMap, world_map
from ilrs_kg.linked_data.year_colours import UNDATED, year_colours
from ilrs_kg.web.strings import translate

ISO_NUMERIC = t.ILRS + "iso3166Numeric"
LAUNCH_DATE = t.ILRS + "launchDate"
PLANNED_LAUNCH_DATE = t.ILRS + "plannedLaunchDate"
PLANNED_LAUNCH_YEAR = t.ILRS + "plannedLaunchYear"
DISAGREE = "sources disagree"
MISSION_DATES = (LAUNCH_DATE, PLANNED_LAUNCH_DATE, PLANNED_LAUNCH_YEAR)


@dataclass(frozen=True)
class Joined:
    """A member with every date a source gives for its joining, as the members table shows it."""

    member: Link
    node: Term
    dates: tuple[PartialDate, ...]
    disagree: bool


def _year(dates: Sequence[PartialDate]) -> int | None:
    """The join year a member is coloured by: that of its earliest claim."""
    return min(dates).year if dates else None


def colours_of(members: Sequence[Joined]) -> dict[int, str]:
    """One colour per join year, shared by the map and the timeline."""
    return year_colours(y for m in members if (y := _year(m.dates)) is not None)


def members_map(
    graph: Description, members: Sequence[Joined], colours: Mapping[int, str], lang: str
) -> WorldMap:
    drawn = []
    for joined in members:
        codes = [c.value for c in graph.objects(joined.node, ISO_NUMERIC) if isinstance(c, ox.Literal)]
        drawn.append(
            MapMember(
                code=codes[0] if codes else None,
                href=joined.member.href,
                name=joined.member.text.value,
                year=_year(joined.dates),
                dates_text=tuple(format_date(d, lang) for d in joined.dates),
                disagree=joined.disagree,
            )
        )
    return world_map(drawn, colours)


def _disagree(dates: Sequence[PartialDate]) -> bool:
    return any(not compatible(a.iso(), b.iso()) for a in dates for b in dates)


def _direct_dates(graph: Description, mission: Term | None, prop: str) -> list[PartialDate]:
    if mission is None:
        return []
    literals = [o for o in graph.objects(mission, prop) if isinstance(o, ox.Literal)]
    parsed = (parse_date(o.value, o.datatype.value) for o in literals)
    return sorted({d for d in parsed if d is not None})


@dataclass(frozen=True)
class Claimed:
    """A mission with the dates its launch claims give, by kind (as the missions list reads them)."""

    mission: Link
    node: Term | None
    launched: tuple[PartialDate, ...]
    planned: tuple[PartialDate, ...]


def mission_happenings(graph: Description, missions: Sequence[Claimed], lang: str) -> list[Happening]:
    """Each mission at its launch dates, or, until it launches, its planned launch dates (or years): every
    date a source gives, as the rule mission-dates copies them onto the mission. In a store built without
    the rules, the launch claims the missions list shows stand in for them: the same dates."""
    found = []
    for entry in missions:
        link, node = entry.mission, entry.node
        dates = _direct_dates(graph, node, LAUNCH_DATE) or list(entry.launched)
        planned = not dates
        if planned:
            dates = (
                _direct_dates(graph, node, PLANNED_LAUNCH_DATE)
                or _direct_dates(graph, node, PLANNED_LAUNCH_YEAR)
                or list(entry.planned)
            )
        found.append(
            Happening(
                MISSIONS,
                link.text.value,
                link.href,
                tuple(dates),
                note=translate(DISAGREE, lang) if _disagree(dates) else "",
                planned=planned,
                dates_text=tuple(format_date(d, lang) for d in dates),
            )
        )
    return sorted(found, key=lambda h: (_order(h.dates), h.label))


def _order(dates: Sequence[PartialDate]) -> DateKey:
    """Undated last."""
    return first_of([(key_of_date(d), d) for d in dates]) or DateKey(datetime.date.max, 9)


def joins_and_missions(
    members: Sequence[Joined], missions: Sequence[Happening], colours: Mapping[int, str], lang: str
) -> Timeline:
    joins = [
        Happening(
            JOINS,
            m.member.text.value,
            m.member.href,
            m.dates,
            note=translate(DISAGREE, lang) if m.disagree else "",
            colour=colours.get(_year(m.dates) or 0, UNDATED),
            dates_text=tuple(format_date(d, lang) for d in m.dates),
        )
        for m in members
    ]
    return layout([*joins, *missions])
