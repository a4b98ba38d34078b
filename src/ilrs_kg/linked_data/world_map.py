"""The world map of members: Natural Earth's countries (vendored world-atlas TopoJSON, see
world_atlas/NOTICE.md) in the Equal Earth projection, as numbers for an inline SVG. No network, no script.

Members are matched to the map's countries by their ISO 3166-1 numeric code (ilrs:iso3166Numeric, from
pycountry), which is what world-atlas names its features by. A member with no code (an organisation such
as APSCO) or whose country the 1:110m map does not draw is listed beside the map instead.

Antarctica is left out: it is no member, and without it the map is a tenth less tall. The picture's
coordinates are Equal Earth's scaled to WIDTH units across, north up; paths are rounded (PRECISION) and
written with relative moves, which keeps the page small.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ilrs_kg.linked_data import topojson
from ilrs_kg.linked_data.antimeridian import split
from ilrs_kg.linked_data.equal_earth import X_MAX, Y_MAX, project
from ilrs_kg.linked_data.year_colours import UNDATED, year_colours

WIDTH = 960.0
SOUTH = -58.0  # south of Tierra del Fuego, the southernmost land left once Antarctica is out
ANTARCTICA = "010"
SCALE = WIDTH / (2 * X_MAX)
HEIGHT = round((Y_MAX - project(0.0, SOUTH)[1]) * SCALE, 1)
# A member country smaller than this (the larger side of its box, in map units) also gets a dot, so it
# can be seen and clicked: Serbia or the United Arab Emirates are a few pixels wide on a phone.
SMALL = 14.0
# Path positions are rounded to 1/PRECISION of a unit: whole units (a pixel at the widest the page shows
# the map) halve the page's weight against tenths, with no difference anyone can see.
PRECISION = 1
# Countries that are no members: a pale grey, lighter than any year's colour (year_colours.LIGHTEST).
OTHERS = "#eceef1"
MAX_BESIDE = 20


@dataclass(frozen=True)
class _Shape:
    id: str
    name: str
    path: str
    # The centre of its longest ring's box, and that box's larger side: where a dot goes.
    centre: tuple[float, float]
    size: float


@dataclass(frozen=True)
class MapMember:
    """A member as the map needs it: its code (None for an organisation), page, name, join year (the
    earliest a source gives; None if none does) and, for its tooltip, every date a source gives."""

    code: str | None
    href: str
    name: str
    year: int | None
    dates_text: tuple[str, ...] = ()
    disagree: bool = False


@dataclass(frozen=True)
class DrawnMember:
    member: MapMember
    path: str
    fill: str
    dot: tuple[float, float] | None


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str
    count: int


@dataclass(frozen=True)
class WorldMap:
    width: float
    height: float
    outline: str
    others: str
    others_fill: str
    drawn: tuple[DrawnMember, ...]
    legend: tuple[LegendEntry, ...]
    # Members the map cannot draw (organisations, countries absent at this scale), listed beside it: the
    # first MAX_BESIDE, and how many more there are.
    beside: tuple[MapMember, ...]
    beside_more: int
    description: str


def _xy(lon: float, lat: float) -> tuple[float, float]:
    x, y = project(lon, lat)
    return (x + X_MAX) * SCALE, (Y_MAX - y) * SCALE


def path_data(rings: Sequence[Sequence[tuple[float, float]]]) -> str:
    """SVG path data for closed rings of longitude/latitude: an absolute move to each ring's start, then
    relative lines rounded to 1/PRECISION of a unit; a point that rounds onto the one before is skipped."""
    parts: list[str] = []
    for ring in rings:
        steps: list[str] = []
        last: tuple[int, int] | None = None
        for lon, lat in ring:
            x, y = _xy(lon, lat)
            point = (round(x * PRECISION), round(y * PRECISION))
            if last is None:
                steps.append(f"M{point[0] / PRECISION:g} {point[1] / PRECISION:g}")
            elif point != last:
                steps.append(f"{(point[0] - last[0]) / PRECISION:g} {(point[1] - last[1]) / PRECISION:g}")
            last = point
        if len(steps) > 2:
            parts.append(steps[0] + "l" + " ".join(steps[1:]) + "z")
    return "".join(parts).replace(" -", "-")


def _outline() -> str:
    """The edge of the projected world between the poles and SOUTH: both 180° meridians and the two
    parallels, as the sea behind the land."""
    east = [(180.0, lat / 2) for lat in range(int(SOUTH * 2), 181)]
    west = [(-180.0, lat / 2) for lat in range(180, int(SOUTH * 2) - 1, -1)]
    return path_data([east + west])


@lru_cache(maxsize=1)
def _shapes() -> tuple[_Shape, ...]:
    """The vendored countries, projected once per process (the paths do not depend on the data)."""
    text = resources.files("ilrs_kg.linked_data").joinpath("world_atlas/countries-110m.json").read_text()
    shapes = []
    for feature in topojson.features(json.loads(text), "countries"):
        if feature.id is None or feature.id == ANTARCTICA or not feature.polygons:
            continue
        rings = [part for polygon in feature.polygons for ring in polygon for part in split(ring)]
        points = [_xy(lon, lat) for lon, lat in max(rings, key=len)]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        shapes.append(
            _Shape(
                id=feature.id,
                name=feature.name or feature.id,
                path=path_data(rings),
                centre=(round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)),
                size=max(max(xs) - min(xs), max(ys) - min(ys)),
            )
        )
    return tuple(shapes)


def codes_on_map() -> frozenset[str]:
    return frozenset(shape.id for shape in _shapes())


def world_map(members: Sequence[MapMember], colours: Mapping[int, str] | None = None) -> WorldMap:
    """The map with these members drawn in their join year's colour (`colours`, by default one for each
    year the drawn members joined in); the order of `members` is kept in the list beside the map."""
    shapes = {shape.id: shape for shape in _shapes()}
    on_map = [m for m in members if m.code is not None and m.code in shapes]
    if colours is None:
        colours = year_colours(m.year for m in on_map if m.year is not None)
    drawn = []
    for member in on_map:
        shape = shapes[member.code or ""]
        fill = colours.get(member.year, UNDATED) if member.year is not None else UNDATED
        dot = shape.centre if shape.size < SMALL else None
        drawn.append(DrawnMember(member, shape.path, fill, dot))
    # A country drawn once: a member listed twice (one row per claim elsewhere) keeps its first entry.
    unique = list({d.member.code: d for d in reversed(drawn)}.values())[::-1]
    member_codes = {d.member.code for d in unique}
    others = "".join(shape.path for shape in shapes.values() if shape.id not in member_codes)
    legend = [
        LegendEntry(str(year), colour, count)
        for year, colour in sorted(colours.items())
        if (count := sum(1 for d in unique if d.member.year == year))
    ]
    undated = sum(1 for d in unique if d.member.year is None)
    if undated:
        legend.append(LegendEntry("date not given", UNDATED, undated))
    beside = [m for m in members if m.code is None or m.code not in shapes]
    names = ", ".join(f"{d.member.name} ({d.member.year or 'date not given'})" for d in unique)
    return WorldMap(
        width=WIDTH,
        height=HEIGHT,
        outline=_outline(),
        others=others,
        others_fill=OTHERS,
        drawn=tuple(unique),
        legend=tuple(legend),
        beside=tuple(beside[:MAX_BESIDE]),
        beside_more=max(0, len(beside) - MAX_BESIDE),
        description=f"World map of the {len(unique)} member countries, coloured by join year: {names}.",
    )
