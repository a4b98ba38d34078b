"""Positions on the Moon: GeoSPARQL WKT points in the IAU 2015 Moon CRS, read and written for people.

The CRS's axis order is latitude then longitude, east positive: POINT(lat lon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MOON_CRS = "http://www.opengis.net/def/crs/IAU/2015/30100"
_WKT_POINT = re.compile(
    r"^\s*(?:<(?P<crs>[^>]*)>\s*)?POINT\s*\(\s*(?P<a>[-+]?[\d.]+(?:[eE][-+]?\d+)?)\s+"
    r"(?P<b>[-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LunarPoint:
    latitude: Decimal
    # East-positive, normalised to (-180, 180].
    longitude: Decimal

    @property
    def lat(self) -> float:
        return float(self.latitude)

    @property
    def lon(self) -> float:
        return float(self.longitude)


def _normalise_longitude(value: Decimal) -> Decimal:
    while value > 180:
        value -= 360
    while value <= -180:
        value += 360
    return value


def parse_wkt_point(wkt: str) -> LunarPoint | None:
    """A lunar POINT(lat lon); None for any other geometry, another CRS or values out of range."""
    match = _WKT_POINT.match(wkt)
    if match is None or (match["crs"] is not None and match["crs"] != MOON_CRS):
        return None
    try:
        latitude, longitude = Decimal(match["a"]), Decimal(match["b"])
    except InvalidOperation:
        return None
    if not (-90 <= latitude <= 90 and -360 <= longitude <= 360):
        return None
    return LunarPoint(latitude, _normalise_longitude(longitude))


def format_point(point: LunarPoint) -> str:
    """'41.6385° S, 153.9852° W': the digits the source gave, hemispheres instead of signs."""
    lat_hemisphere = "N" if point.latitude >= 0 else "S"
    lon_hemisphere = "E" if point.longitude >= 0 else "W"
    if point.longitude in (0, 180):
        lon_hemisphere = "" if point.longitude == 0 else "E/W"
    lat = f"{abs(point.latitude)}° {lat_hemisphere}".rstrip()
    lon = f"{abs(point.longitude)}° {lon_hemisphere}".rstrip()
    return f"{lat}, {lon}"
