"""The Equal Earth projection (linked_data.equal_earth): its published extent, its symmetry and the
property it is chosen for, equal areas."""

from __future__ import annotations

import math

import pytest

from ilrs_kg.linked_data.equal_earth import X_MAX, Y_MAX, project


def test_the_extent_is_the_published_one() -> None:
    # Šavrič et al. 2019: the map is 2.7066 wide either side and 1.3174 tall either side of the equator
    # (unit sphere), a ratio of about 2.05:1.
    assert pytest.approx(2.70663, abs=1e-4) == X_MAX
    assert pytest.approx(1.31736, abs=1e-4) == Y_MAX
    assert project(0, 0) == (0.0, 0.0)


@pytest.mark.parametrize(("lon", "lat"), [(30, 45), (-120, 10), (179, -60), (5, 89)])
def test_it_is_symmetric_about_the_equator_and_the_central_meridian(lon: float, lat: float) -> None:
    x, y = project(lon, lat)
    assert project(-lon, lat) == pytest.approx((-x, y))
    assert project(lon, -lat) == pytest.approx((x, -y))


def _band_area(south: float, north: float, steps: int = 400) -> float:
    """The projected area of the whole band between two parallels (shoelace over its outline)."""
    outline = [project(180, south + (north - south) * k / steps) for k in range(steps + 1)]
    outline += [project(-180, north - (north - south) * k / steps) for k in range(steps + 1)]
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(outline, outline[1:] + outline[:1], strict=False)
            )
        )
        / 2
    )


@pytest.mark.parametrize(("south", "north"), [(0, 10), (50, 60), (70, 90), (-35, 20)])
def test_equal_areas_on_the_globe_stay_equal_on_the_map(south: float, north: float) -> None:
    # On the unit sphere the band's area is 2π (sin north − sin south); the whole sphere's is 4π.
    sphere = 2 * math.pi * (math.sin(math.radians(north)) - math.sin(math.radians(south)))
    assert _band_area(south, north) / _band_area(-90, 90) == pytest.approx(sphere / (4 * math.pi), rel=2e-3)
