"""The timeline of joins and missions: plain numbers for an inline SVG, no JavaScript.

Time runs down the page (timeline_scale: a band per year, a cell per month, each as tall as its labels
need), so the picture reads on a phone as it does on a desk. Joins are the left lane, missions the right
one. Each lane has its labels in one column, so labels can only collide vertically, and the layout never
lets them: a label goes where its date is, or just below the label before it, with a leader line back to
its date.

Each date is drawn at the precision its source gives: a day is a dot, a month a bar spanning that month, a
year a bar spanning the year. Dates a coarser one contains (20 October 2023 in October 2023) are drawn on
it; where sources give dates that cannot be the same, every one is drawn, each with its own leader, and
the label carries a note that the sources disagree. Bars that overlap in time stand side by side.

At most MAX_PER_LANE happenings per lane are drawn, the first dated ones in the order given; each Lane
counts the rest, and those without a date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ilrs_kg.linked_data.dates import PartialDate, compatible
from ilrs_kg.linked_data.text_measure import fit, text_width
from ilrs_kg.linked_data.timeline_scale import Band, Scale, cell_of

WIDTH = 380.0
GUTTER = 48.0  # the year numbers, left of the lanes
TOP = 24.0  # below the lane headings
FONT = 12.0  # label text size, in the picture's units (about CSS pixels on a phone)
NOTE_FONT = 10.0
# A line's box in em, above and below the baseline: a generous sans-serif's (Noto Sans: 1.069 and 0.293),
# so that no two labels' boxes touch whatever font the browser picks.
ASCENT, DESCENT = 1.07, 0.3
LINE = round(FONT * (ASCENT + DESCENT) + 0.5)  # a label line's height
NOTE = round(NOTE_FONT * (ASCENT + DESCENT) + 0.5)  # the extra line under a label with a note
GAP = 2.0  # between two labels of one lane
COLUMN = 7.0  # between two columns of marks
MARK = 5.0  # a bar's width
DOT = 3.0  # half of a day's mark, for columns
MAX_COLUMNS = 6
MARGIN = 6.0  # from a lane's edge to its first column of marks
MAX_PER_LANE = 40
JOINS, MISSIONS = "joins", "missions"


@dataclass(frozen=True)
class Happening:
    """One thing on the timeline: a member's joining or a mission's launch, with every date a source gives
    for it (at their precisions) and its page."""

    lane: str
    label: str
    href: str
    dates: tuple[PartialDate, ...]
    # A second, smaller line under the label (that the sources disagree, in the page's language), or "".
    note: str = ""
    planned: bool = False
    colour: str | None = None
    # The dates as a reader sees them, for the tooltip.
    dates_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    x: float
    y1: float
    y2: float

    @property
    def day(self) -> bool:
        return self.y1 == self.y2


@dataclass(frozen=True)
class Leader:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Entry:
    happening: Happening
    x: float
    top: float  # the label's top edge
    baseline: float  # its first line's baseline
    note_baseline: float
    height: float
    width: float  # an upper estimate (text_measure)
    text: str
    note: str
    marks: tuple[Mark, ...]
    leaders: tuple[Leader, ...]


@dataclass(frozen=True)
class Lane:
    name: str
    x: float
    width: float
    # Not drawn: those past MAX_PER_LANE, and those without a date.
    beyond: int = 0
    undated: int = 0


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    bands: tuple[Band, ...]
    lanes: tuple[Lane, ...]
    entries: tuple[Entry, ...]


def clusters(dates: Sequence[PartialDate]) -> list[list[PartialDate]]:
    """Dates grouped so that one a coarser one contains is drawn on it, coarsest first in each group;
    dates that cannot name the same day are separate groups, earliest group first."""
    groups: list[list[PartialDate]] = []
    for date in sorted(set(dates), key=lambda d: (len(d.iso()), d)):
        home = next((g for g in groups if compatible(g[0].iso(), date.iso())), None)
        if home is None:
            groups.append([date])
        else:
            home.append(date)
    return sorted(groups, key=lambda g: g[0])


def _finest(group: Sequence[PartialDate]) -> PartialDate:
    return max(group, key=lambda d: len(d.iso()))


@dataclass
class _Label:
    happening: Happening
    groups: list[list[PartialDate]]
    height: float
    top: float = 0.0

    @property
    def anchor(self) -> PartialDate:
        """Where the label wants to be: the most precise date of its first group (3 October 2023 rather
        than October 2023), so labels within a month come in the order of their days."""
        return _finest(self.groups[0])


def _scale(lanes: Sequence[Sequence[_Label]]) -> Scale:
    """Each month cell as tall as the labels anchored in it need, in whichever lane needs most."""
    per_lane: list[dict[tuple[int, int], float]] = []
    years: set[int] = set()
    for lane in lanes:
        need: dict[tuple[int, int], float] = defaultdict(float)
        for label in lane:
            years.update(d.year for group in label.groups for d in group)
            cells = cell_of(label.anchor)
            for month in cells:
                need[(label.anchor.year, month)] += (label.height + GAP) / len(cells)
        per_lane.append(need)
    needs = {year: [max(n.get((year, m), 0.0) for n in per_lane) for m in range(12)] for year in years}
    return Scale(needs, TOP)


def _place(labels: Sequence[_Label], scale: Scale) -> None:
    """Each label centred on its anchor's date, or just below the label before it."""
    bottom = TOP - GAP
    for label in sorted(labels, key=lambda lb: (scale.centre(lb.anchor), lb.happening.label)):
        label.top = max(scale.centre(label.anchor) - LINE / 2, bottom + GAP)
        bottom = label.top + label.height


def _columns(labels: Sequence[_Label], scale: Scale) -> tuple[list[list[int]], int]:
    """A column for each date group of each label: the first one free over the group's stretch (a day
    counts DOT either side), so bars that overlap in time stand side by side; past MAX_COLUMNS, the
    column free soonest is shared."""
    ends: list[float] = []
    columns: list[list[int]] = [[] for _ in labels]
    for k in sorted(range(len(labels)), key=lambda k: labels[k].top):
        for group in labels[k].groups:
            y1, y2 = scale.extent(group[0])
            if y1 == y2:
                y1, y2 = y1 - DOT, y2 + DOT
            free = [c for c, end in enumerate(ends) if end + GAP <= y1]
            if free:
                column = free[0]
            elif len(ends) < MAX_COLUMNS:
                column = len(ends)
                ends.append(y2)
            else:
                column = min(range(len(ends)), key=lambda c: ends[c])
            ends[column] = max(ends[column], y2)
            columns[k].append(column)
    return columns, max(len(ends), 1)


def _entries(labels: Sequence[_Label], scale: Scale, x0: float, width: float) -> list[Entry]:
    columns, used = _columns(labels, scale)
    label_x = x0 + MARGIN + used * COLUMN + 4
    room = x0 + width - label_x - 4
    entries = []
    for label, cols in zip(labels, columns, strict=True):
        marks, leaders = [], []
        for group, column in zip(label.groups, cols, strict=True):
            x = round(x0 + MARGIN + column * COLUMN + MARK / 2, 1)
            for date in group:
                y1, y2 = scale.extent(date)
                marks.append(Mark(x, round(y1, 1), round(y2, 1)))
            target = round(scale.centre(_finest(group)), 1)
            leaders.append(
                Leader(x + MARK / 2 + 1, target, round(label_x - 2, 1), round(label.top + LINE / 2, 1))
            )
        text = fit(label.happening.label, room, FONT)
        note = fit(label.happening.note, room, NOTE_FONT) if label.happening.note else ""
        entries.append(
            Entry(
                label.happening,
                x=round(label_x, 1),
                top=round(label.top, 1),
                baseline=round(label.top + FONT * ASCENT, 1),
                note_baseline=round(label.top + LINE + NOTE_FONT * ASCENT, 1),
                height=label.height,
                width=round(max(text_width(text, FONT), text_width(note, NOTE_FONT)), 1),
                text=text,
                note=note,
                marks=tuple(marks),
                leaders=tuple(leaders),
            )
        )
    return entries


def _lane_widths(shown: dict[str, list[Happening]]) -> dict[str, tuple[float, float]]:
    """Each lane's x and width. A lane needs room for three columns of marks and its widest label; if both
    fit they share the spare room, otherwise the narrower need is met (up to half) and the other lane
    gets the rest, its longest labels cut."""
    inner = WIDTH - GUTTER
    marks = MARGIN + 3 * COLUMN + 8
    need = {
        name: marks
        + max((max(text_width(h.label, FONT), text_width(h.note, NOTE_FONT)) for h in items), default=0.0)
        for name, items in shown.items()
    }
    if need[JOINS] + need[MISSIONS] <= inner:
        joins = inner * need[JOINS] / (need[JOINS] + need[MISSIONS])
    elif need[MISSIONS] <= need[JOINS]:
        joins = inner - min(need[MISSIONS], inner / 2)
    else:
        joins = min(need[JOINS], inner / 2)
    return {JOINS: (GUTTER, round(joins, 1)), MISSIONS: (round(GUTTER + joins, 1), round(inner - joins, 1))}


def layout(happenings: Sequence[Happening]) -> Timeline:
    lanes_of = {name: [h for h in happenings if h.lane == name] for name in (JOINS, MISSIONS)}
    dated = {name: [h for h in items if h.dates] for name, items in lanes_of.items()}
    shown = {name: items[:MAX_PER_LANE] for name, items in dated.items()}
    labels = {
        name: [_Label(h, clusters(h.dates), LINE + (NOTE if h.note else 0.0)) for h in items]
        for name, items in shown.items()
    }
    scale = _scale(list(labels.values()))
    for lane_labels in labels.values():
        _place(lane_labels, scale)
    widths = _lane_widths(shown)
    entries = [e for name in (JOINS, MISSIONS) for e in _entries(labels[name], scale, *widths[name])]
    bottom = max([scale.bottom, *(e.top + e.height for e in entries)])
    lanes = tuple(
        Lane(
            name,
            *widths[name],
            beyond=len(dated[name]) - len(shown[name]),
            undated=len(lanes_of[name]) - len(dated[name]),
        )
        for name in (JOINS, MISSIONS)
    )
    return Timeline(WIDTH, round(bottom + 6, 1), scale.bands, lanes, tuple(entries))
