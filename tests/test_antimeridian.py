"""Rings across the 180° meridian (linked_data.antimeridian) are cut into parts within -180°..180°, so
the flat map draws no line across the world."""

from __future__ import annotations

import itertools

from ilrs_kg.linked_data.antimeridian import split, unwrap
from ilrs_kg.linked_data.world_map import WIDTH, _shapes


def test_a_ring_within_the_map_is_left_alone() -> None:
    ring = [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (10.0, 10.0)]
    assert split(ring) == [ring]


def test_a_ring_stepping_across_the_meridian_is_cut_into_its_two_sides() -> None:
    # An island from 178° E to 178° W, written as spherical data does: 178 → -178.
    ring = [(178.0, -10.0), (-178.0, -10.0), (-178.0, -20.0), (178.0, -20.0), (178.0, -10.0)]
    assert unwrap(ring)[1] == (182.0, -10.0)
    east, west = split(ring)
    assert all(0 < lon <= 180 for lon, _ in east) and all(-180 <= lon < 0 for lon, _ in west)
    # Both parts close along the meridian, with a point at least every degree so the projected edge can
    # curve as the map's border does.
    for part, edge in ((east, 180.0), (west, -180.0)):
        on_edge = sorted(lat for lon, lat in part if lon == edge)
        assert on_edge[0] == -20.0 and on_edge[-1] == -10.0
        assert max(b - a for a, b in itertools.pairwise(on_edge)) <= 1.0


def _segments(path: str) -> list[float]:
    """Lengths of the relative steps of an SVG path of M x y l dx dy … z rings."""
    lengths = []
    for ring in path.split("M")[1:]:
        steps = ring.split("l", 1)[1].rstrip("z").replace("-", " -").split()
        numbers = [float(n) for n in steps]
        lengths += [abs(dx) for dx in numbers[0::2]]
    return lengths


def test_no_country_on_the_map_has_a_line_across_it() -> None:
    # Russia's Chukotka and Fiji cross the meridian in world-atlas; no step of any path spans a quarter
    # of the map's width.
    shapes = {shape.name: shape for shape in _shapes()}
    assert {"Russia", "Fiji"} <= set(shapes)
    assert max(max(_segments(shape.path)) for shape in shapes.values()) < WIDTH / 4
