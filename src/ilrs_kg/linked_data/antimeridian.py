"""Cutting rings that cross the 180° meridian, so a flat map draws them at both of its edges.

A spherical topology lets a ring step from 179° E to 180° W (Russia's Chukotka, Fiji); drawn flat, that
step is a line across the whole map. Here such a ring is first *unwrapped* (longitudes shifted by 360°
where a step would jump more than half the world), then clipped into the part west of the meridian and
the part east of it (shifted back by 360°). Each part is closed along the meridian itself, with a point
every degree of latitude so that the projected edge follows the map's curved border.
"""

from __future__ import annotations

from collections.abc import Sequence

Position = tuple[float, float]
EDGE = 180.0
STEP = 1.0  # degrees of latitude between the points added along the meridian


def unwrap(ring: Sequence[Position]) -> list[Position]:
    """The ring with no step longer than 180° of longitude (later points shifted by ±360°)."""
    if not ring:
        return []
    out = [ring[0]]
    for lon, lat in ring[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append((lon, lat))
    return out


def _clip(ring: Sequence[Position], edge: float, keep_west: bool) -> list[Position]:
    """Sutherland–Hodgman against the half-plane lon ≤ edge (keep_west) or lon ≥ edge."""

    def inside(p: Position) -> bool:
        return p[0] <= edge if keep_west else p[0] >= edge

    out: list[Position] = []
    for k, current in enumerate(ring):
        before = ring[k - 1]
        if inside(current) != inside(before):
            share = (edge - before[0]) / (current[0] - before[0])
            out.append((edge, before[1] + share * (current[1] - before[1])))
        if inside(current):
            out.append(current)
    return out


def _densify(ring: Sequence[Position], edge: float) -> list[Position]:
    """Points every STEP degrees along any stretch of the ring that runs on the meridian."""
    out: list[Position] = []
    for k, point in enumerate(ring):
        out.append(point)
        after = ring[(k + 1) % len(ring)]
        if point[0] == edge == after[0] and abs(after[1] - point[1]) > STEP:
            count = int(abs(after[1] - point[1]) / STEP)
            out.extend(
                (edge, point[1] + (after[1] - point[1]) * i / (count + 1)) for i in range(1, count + 1)
            )
    return out


def split(ring: Sequence[Position]) -> list[list[Position]]:
    """The ring as one or two rings, each within -180°..180°."""
    unwrapped = unwrap(ring)
    lons = [p[0] for p in unwrapped]
    if not unwrapped or (min(lons) >= -EDGE and max(lons) <= EDGE):
        return [list(ring)]
    # A ring that crossed eastwards lies partly beyond +180°, one that crossed westwards beyond -180°.
    edge = EDGE if max(lons) > EDGE else -EDGE
    shift = -360.0 if edge > 0 else 360.0
    near = _clip(unwrapped, edge, keep_west=edge > 0)
    far = _clip(unwrapped, edge, keep_west=edge < 0)
    parts = [_densify(near, edge), [(lon + shift, lat) for lon, lat in _densify(far, edge)]]
    return [part for part in parts if len(part) >= 3]
