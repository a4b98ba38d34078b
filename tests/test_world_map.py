"""The world map's view-model (linked_data.world_map) and its vendored data: members matched by ISO
3166-1 numeric code, coloured by year, the rest listed beside the map."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ilrs_kg.linked_data.world_map import (
    HEIGHT,
    MAX_BESIDE,
    WIDTH,
    MapMember,
    _xy,
    codes_on_map,
    path_data,
    world_map,
)
from ilrs_kg.linked_data.year_colours import UNDATED, year_colours
from tests.conftest import PROJECT_ROOT

CHINA, SERBIA, VENEZUELA = "156", "688", "862"


def _member(name: str, code: str | None, year: int | None) -> MapMember:
    return MapMember(code, f"/doc/{name}", name, year, (str(year),) if year else ())


def test_the_vendored_file_is_the_pinned_one() -> None:
    check = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "vendor_world_atlas.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr


def test_members_are_drawn_by_code_in_their_year_colour_and_the_rest_listed_beside() -> None:
    members = [
        _member("China", CHINA, 2021),
        _member("Serbia", SERBIA, 2024),
        _member("Venezuela", VENEZUELA, 2023),
        _member("APSCO", None, 2023),  # an organisation: no code
        _member("Atlantis", "999", 2024),  # a code the map has no country for
    ]
    drawn = world_map(members)
    colours = year_colours([2021, 2023, 2024])
    assert [(d.member.name, d.fill) for d in drawn.drawn] == [
        ("China", colours[2021]),
        ("Serbia", colours[2024]),
        ("Venezuela", colours[2023]),
    ]
    assert [m.name for m in drawn.beside] == ["APSCO", "Atlantis"] and drawn.beside_more == 0
    assert [(e.label, e.fill, e.count) for e in drawn.legend] == [
        ("2021", colours[2021], 1),
        ("2023", colours[2023], 1),
        ("2024", colours[2024], 1),
    ]
    # Serbia is a few units wide: it also gets a dot to see and click; China does not need one.
    dots = {d.member.name: d.dot for d in drawn.drawn}
    assert dots["China"] is None and dots["Serbia"] is not None
    # Belgrade, 20.5° E 44.8° N, projected: the dot is within a few units of it.
    x, y = dots["Serbia"]
    bx, by = _xy(20.5, 44.8)
    assert abs(x - bx) < 6 and abs(y - by) < 6 and 0 < x < WIDTH and 0 < y < HEIGHT
    # The members' shapes are not also in the grey of the others.
    china = next(d.path for d in drawn.drawn if d.member.name == "China")
    assert china not in drawn.others and china in world_map([]).others


def test_shared_colours_and_undated_members() -> None:
    shared = {2021: "#111111", 2024: "#222222"}
    drawn = world_map([_member("China", CHINA, 2021), _member("Serbia", SERBIA, None)], shared)
    assert [d.fill for d in drawn.drawn] == ["#111111", UNDATED]
    assert [(e.label, e.count) for e in drawn.legend] == [("2021", 1), ("date not given", 1)]


def test_a_country_listed_twice_is_drawn_once() -> None:
    drawn = world_map([_member("China", CHINA, 2021), _member("China again", CHINA, 2023)])
    assert [d.member.name for d in drawn.drawn] == ["China"]


def test_the_list_beside_the_map_is_bounded() -> None:
    many = [_member(f"Organisation {i}", None, 2023) for i in range(MAX_BESIDE + 7)]
    drawn = world_map(many)
    assert len(drawn.beside) == MAX_BESIDE and drawn.beside_more == 7


def test_every_code_on_the_map_is_iso_numeric_and_antarctica_is_left_out() -> None:
    codes = codes_on_map()
    assert len(codes) == 173 and "010" not in codes
    assert {CHINA, SERBIA, VENEZUELA} <= codes and all(re.fullmatch(r"\d{3}", c) for c in codes)


@pytest.mark.parametrize(
    ("rings", "expected"),
    [
        # Relative moves, whole units, a point that rounds onto the one before dropped.
        (
            [[(0.0, 0.0), (1.0, 0.0), (1.0, 0.001), (1.0, 1.0), (0.0, 0.0)]],
            re.compile(r"^M[\d.]+ [\d.]+l[-\d. ]+z$"),
        ),
        # A ring that rounds to a point is dropped.
        ([[(0.0, 0.0), (0.0001, 0.0), (0.0, 0.0)]], re.compile(r"^$")),
    ],
)
def test_path_data(rings: list[list[tuple[float, float]]], expected: re.Pattern[str]) -> None:
    assert expected.match(path_data(rings))
