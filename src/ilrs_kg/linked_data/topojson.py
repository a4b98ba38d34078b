"""TopoJSON to polygons: the parts of the TopoJSON format (topojson-specification 1.0) the world map needs.

A topology stores each shared border once, as an *arc*; a polygon's ring is a list of arc indexes, where
``~i`` (that is ``-i - 1``) means arc ``i`` walked backwards. A quantized topology (one with a
``transform``) stores each arc's first position as integers and every later one as the difference from the
one before; ``position = quantized * scale + translate`` gives longitude and latitude in degrees.

Only Polygon and MultiPolygon geometries are decoded (world-atlas countries are nothing else); a geometry of
another type, or a reference to an arc the topology lacks, raises ``TopologyError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Position = tuple[float, float]
Ring = tuple[Position, ...]
Polygon = tuple[Ring, ...]


class TopologyError(ValueError):
    """The topology is not one this module can decode (a malformed or unsupported part)."""


@dataclass(frozen=True)
class Feature:
    """One geometry of a GeometryCollection: its id, its name and its polygons (outer ring first)."""

    id: str | None
    name: str | None
    polygons: tuple[Polygon, ...]


def decode_arcs(topology: Mapping[str, Any]) -> tuple[tuple[Position, ...], ...]:
    """Every arc as absolute longitude/latitude positions, the transform (if any) applied."""
    transform = topology.get("transform")
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise TopologyError("a topology has a list of arcs")
    if transform is None:
        return tuple(tuple((float(p[0]), float(p[1])) for p in arc) for arc in arcs)
    (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for delta in arc:
            x += delta[0]
            y += delta[1]
            points.append((x * kx + dx, y * ky + dy))
        decoded.append(tuple(points))
    return tuple(decoded)


def ring(arcs: Sequence[Sequence[Position]], indexes: Sequence[int]) -> Ring:
    """The closed ring these arcs make: each arc after the first starts where the one before ended, so
    its first position is dropped."""
    points: list[Position] = []
    for index in indexes:
        if not -len(arcs) <= index < len(arcs):
            raise TopologyError(f"arc {index} is not in the topology ({len(arcs)} arcs)")
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return tuple(points)


def polygons(arcs: Sequence[Sequence[Position]], geometry: Mapping[str, Any]) -> tuple[Polygon, ...]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return (tuple(ring(arcs, r) for r in geometry["arcs"]),)
    if kind == "MultiPolygon":
        return tuple(tuple(ring(arcs, r) for r in polygon) for polygon in geometry["arcs"])
    if kind is None:  # a null geometry: a feature without a shape at this scale
        return ()
    raise TopologyError(f"geometry type {kind!r} is not decoded here (only Polygon and MultiPolygon)")


def features(topology: Mapping[str, Any], name: str) -> tuple[Feature, ...]:
    """The geometries of the GeometryCollection ``objects[name]``, decoded."""
    collection = topology.get("objects", {}).get(name)
    if not isinstance(collection, Mapping) or collection.get("type") != "GeometryCollection":
        raise TopologyError(f"the topology has no GeometryCollection named {name!r}")
    arcs = decode_arcs(topology)
    found = []
    for geometry in collection.get("geometries", []):
        properties = geometry.get("properties") or {}
        ident = geometry.get("id")
        found.append(
            Feature(
                id=str(ident) if ident is not None else None,
                name=properties.get("name"),
                polygons=polygons(arcs, geometry),
            )
        )
    return tuple(found)
