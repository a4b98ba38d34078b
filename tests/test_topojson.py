"""TopoJSON decoding (linked_data.topojson): quantized, delta-encoded arcs, reversed arcs, rings and
multipolygons, on a topology small enough to check by hand, then on the vendored world-atlas file."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from ilrs_kg.linked_data import topojson

# Two unit squares side by side sharing one border (arc 1), quantized with scale 1 and a translate.
SQUARES = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [10, 20]},
    "arcs": [
        [[1, 0], [-1, 0], [0, 1], [1, 0]],  # (11,20) (10,20) (10,21) (11,21): the left square's outer part
        [[1, 1], [0, -1]],  # (11,21) (11,20): the shared border, north to south
        [[1, 1], [1, 0], [0, -1], [-1, 0]],  # (11,21) (12,21) (12,20) (11,20): the right square's outer part
    ],
    "objects": {
        "shapes": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "001", "properties": {"name": "Left"}, "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "id": 2, "arcs": [[[2, ~1]]]},
                {"type": None, "id": "003", "properties": {"name": "Too small"}},
            ],
        }
    },
}


def test_quantized_arcs_are_delta_decoded_and_transformed() -> None:
    arcs = topojson.decode_arcs(SQUARES)
    assert arcs[0] == ((11, 20), (10, 20), (10, 21), (11, 21))
    assert arcs[1] == ((11, 21), (11, 20))


def test_rings_join_arcs_dropping_the_shared_point_and_walk_negative_indexes_backwards() -> None:
    left, right, empty = topojson.features(SQUARES, "shapes")
    assert left.id == "001" and left.name == "Left"
    assert left.polygons == ((((11, 20), (10, 20), (10, 21), (11, 21), (11, 20)),),)
    # ~1 is arc 1 reversed (south to north); a numeric id becomes a string; no properties, no name.
    assert right.id == "2" and right.name is None
    assert right.polygons == ((((11, 21), (12, 21), (12, 20), (11, 20), (11, 21)),),)
    assert empty.polygons == ()


def test_untransformed_topologies_keep_their_positions() -> None:
    plain = {**SQUARES, "arcs": [[[0.5, 1.5], [2.5, 3.5]]]}
    del plain["transform"]
    assert topojson.decode_arcs(plain) == (((0.5, 1.5), (2.5, 3.5)),)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "arcs": [[7]]}, "arc 7 is not in the topology"),
        ({"type": "LineString", "arcs": [0]}, "geometry type 'LineString'"),
    ],
)
def test_what_cannot_be_decoded_says_why(geometry: dict[str, object], message: str) -> None:
    broken = {**SQUARES, "objects": {"shapes": {"type": "GeometryCollection", "geometries": [geometry]}}}
    with pytest.raises(topojson.TopologyError, match=message):
        topojson.features(broken, "shapes")
    with pytest.raises(topojson.TopologyError, match="no GeometryCollection named 'land'"):
        topojson.features(SQUARES, "land")


def test_the_vendored_world_atlas_decodes_into_closed_country_rings() -> None:
    text = resources.files("ilrs_kg.linked_data").joinpath("world_atlas/countries-110m.json").read_text()
    countries = topojson.features(json.loads(text), "countries")
    assert len(countries) == 177
    by_name = {c.name: c for c in countries}
    china = by_name["China"]
    assert china.id == "156"
    outer = max((polygon[0] for polygon in china.polygons), key=len)
    assert outer[0] == outer[-1]
    lons, lats = [p[0] for p in outer], [p[1] for p in outer]
    # China's mainland lies between about 73° and 135° E, 18° and 54° N.
    assert 72 < min(lons) < 75 and 133 < max(lons) < 136 and 17 < min(lats) < 22 and 52 < max(lats) < 55
    # Every feature with an id has a three-digit ISO 3166-1 numeric code (Kosovo, N. Cyprus and
    # Somaliland have none).
    assert all(c.id is None or (len(c.id) == 3 and c.id.isdigit()) for c in countries)
    assert sorted(c.name or "" for c in countries if c.id is None) == ["Kosovo", "N. Cyprus", "Somaliland"]
