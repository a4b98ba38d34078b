"""A simple map of the Moon with sites marked: plain numbers for an inline SVG, no JavaScript.

The main view is equirectangular, centred on the near side (0° E), 2 px per degree. Sites south of
60° S, where most ILRS targets lie and where that projection stretches, also get a south-polar inset
(azimuthal equidistant, 0° at the top, east clockwise as seen from below the pole).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ilrs_kg.linked_data.coordinates import LunarPoint, format_point

SCALE = 2.0
WIDTH = int(360 * SCALE)
HEIGHT = int(180 * SCALE)
POLAR_LIMIT = -60.0
POLAR_RADIUS = 80.0


@dataclass(frozen=True)
class MapSite:
    label: str
    point: LunarPoint
    href: str | None = None


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str
    caption: str
    href: str | None
    # Place the caption left of the marker near the right edge so it stays inside the picture.
    anchor_end: bool


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class PolarInset:
    cx: float
    cy: float
    radius: float
    rings: tuple[float, ...]
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class MoonMap:
    width: int
    height: int
    grid: tuple[GridLine, ...]
    markers: tuple[Marker, ...]
    polar: PolarInset | None
    description: str


def project(point: LunarPoint) -> tuple[float, float]:
    """Equirectangular: longitude -180..180 left to right, latitude 90..-90 top to bottom."""
    return round((point.lon + 180) * SCALE, 1), round((90 - point.lat) * SCALE, 1)


def project_polar(point: LunarPoint, cx: float, cy: float, radius: float) -> tuple[float, float]:
    distance = (90 + point.lat) / (90 + POLAR_LIMIT) * radius
    angle = math.radians(point.lon)
    return round(cx + distance * math.sin(angle), 1), round(cy - distance * math.cos(angle), 1)


def _grid() -> tuple[GridLine, ...]:
    lines = [GridLine((lon + 180) * SCALE, 0, (lon + 180) * SCALE, HEIGHT) for lon in range(-150, 180, 30)]
    lines += [GridLine(0, (90 - lat) * SCALE, WIDTH, (90 - lat) * SCALE) for lat in range(-60, 90, 30)]
    return tuple(lines)


def _marker(x: float, y: float, site: MapSite) -> Marker:
    return Marker(x, y, site.label, format_point(site.point), site.href, anchor_end=x > WIDTH * 0.7)


def moon_map(sites: Sequence[MapSite]) -> MoonMap | None:
    """The map for these sites; None when there is nothing to draw."""
    if not sites:
        return None
    markers = tuple(_marker(*project(site.point), site) for site in sites)
    polar_sites = [site for site in sites if site.point.lat <= POLAR_LIMIT]
    polar = None
    if polar_sites:
        cx, cy = WIDTH - POLAR_RADIUS - 50, HEIGHT + POLAR_RADIUS + 20  # room for the "90° E" label
        polar = PolarInset(
            cx,
            cy,
            POLAR_RADIUS,
            rings=tuple(POLAR_RADIUS * k / 3 for k in (1, 2, 3)),
            markers=tuple(_marker(*project_polar(s.point, cx, cy, POLAR_RADIUS), s) for s in polar_sites),
        )
    names = "; ".join(f"{site.label} at {format_point(site.point)}" for site in sites)
    return MoonMap(
        width=WIDTH,
        height=HEIGHT + (int(2 * POLAR_RADIUS) + 40 if polar else 0),
        grid=_grid(),
        markers=markers,
        polar=polar,
        description=f"Map of the Moon marking {names}.",
    )
