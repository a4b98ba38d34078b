"""Lunar positions read from WKT and drawn on the Moon map (linked_data.coordinates, linked_data.moon_map)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ilrs_kg.linked_data.coordinates import LunarPoint, format_point, parse_wkt_point
from ilrs_kg.linked_data.moon_map import HEIGHT, WIDTH, MapSite, moon_map, project

CRS = "<http://www.opengis.net/def/crs/IAU/2015/30100> "


@pytest.mark.parametrize(
    ("wkt", "expected"),
    [
        (CRS + "POINT(-41.6385 206.0148)", "41.6385° S, 153.9852° W"),
        (CRS + "POINT(-41.6385 -153.9852)", "41.6385° S, 153.9852° W"),
        (CRS + "POINT(-45.4446 177.5991)", "45.4446° S, 177.5991° E"),
        (CRS + "POINT(-57.865 61.360)", "57.865° S, 61.360° E"),
        (CRS + "point ( 12.5 -3 )", "12.5° N, 3° W"),
        ("POINT(0 0)", "0° N, 0°"),
    ],
)
def test_format(wkt: str, expected: str) -> None:
    point = parse_wkt_point(wkt)
    assert point is not None
    assert format_point(point) == expected


@pytest.mark.parametrize(
    "wkt",
    [
        "<http://www.opengis.net/def/crs/EPSG/0/4326> POINT(10 10)",  # Earth, not the Moon
        CRS + "POINT(95 10)",
        CRS + "LINESTRING(0 0, 1 1)",
        "",
    ],
)
def test_rejects_what_is_not_a_lunar_point(wkt: str) -> None:
    assert parse_wkt_point(wkt) is None


def test_latitude_comes_first() -> None:
    point = parse_wkt_point(CRS + "POINT(-69.545 43.544)")
    assert point == LunarPoint(Decimal("-69.545"), Decimal("43.544"))


@pytest.mark.parametrize(
    ("lat", "lon", "x", "y"),
    [
        ("0", "0", WIDTH / 2, HEIGHT / 2),
        ("90", "0", WIDTH / 2, 0),
        ("-90", "-180", 0, HEIGHT),
        ("0", "90", WIDTH * 0.75, HEIGHT / 2),
    ],
)
def test_projection(lat: str, lon: str, x: float, y: float) -> None:
    assert project(LunarPoint(Decimal(lat), Decimal(lon))) == (x, y)


def test_map_marks_every_site_and_adds_a_polar_view_for_the_far_south() -> None:
    near = MapSite("Near", LunarPoint(Decimal("10"), Decimal("10")))
    south = MapSite("South", LunarPoint(Decimal("-69.545"), Decimal("43.544")))
    drawn = moon_map([near, south])
    assert drawn is not None
    assert [m.label for m in drawn.markers] == ["Near", "South"]
    assert drawn.polar is not None and [m.label for m in drawn.polar.markers] == ["South"]
    # Within the inset, a site nearer the pole is nearer the centre.
    marker = drawn.polar.markers[0]
    distance = ((marker.x - drawn.polar.cx) ** 2 + (marker.y - drawn.polar.cy) ** 2) ** 0.5
    assert distance == pytest.approx((90 - 69.545) / 30 * drawn.polar.radius, abs=0.2)
    assert "South at 69.545° S, 43.544° E" in drawn.description


def test_no_sites_no_map() -> None:
    assert moon_map([]) is None
    only_north = moon_map([MapSite("N", LunarPoint(Decimal("10"), Decimal("0")))])
    assert only_north is not None and only_north.polar is None
