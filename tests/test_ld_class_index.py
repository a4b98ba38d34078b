"""Class pages as tables that sort by their columns, server-side (no script needed), over the real data."""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.class_index import Sort, parse_sort
from ilrs_kg.settings import Settings
from tests.fixtures.linked_data.support import BROWSER, fetch, make_app

MISSION = t.ILRS + "Mission"


@pytest.fixture(scope="module")
def app(graph: ox.Store, built_settings: Settings) -> FastAPI:
    return make_app(graph, built_settings)


def _table(app: FastAPI, path: str) -> tuple[list[str], list[list[str]]]:
    """The column headings and, per row, the visible text of its cells (citation marks left out)."""
    response = fetch(app, path, BROWSER)
    assert response.status_code == 200, path
    text = re.sub(r"<sup.*?</sup>", "", response.text, flags=re.S)
    heads = [_text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', text, re.S)]
    rows = [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tbody>.*?</tbody>", text, re.S)[0].split("</tr>")
        if "<th" in row
    ]
    return heads, rows


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        (None, None, Sort()),
        ("launch", None, Sort("launch")),
        ("launch", "desc", Sort("launch", descending=True)),
        ("name", "asc", Sort()),
        ("nonsense", None, None),
        ("launch", "sideways", None),
    ],
)
def test_parse_sort(sort: str | None, order: str | None, expected: Sort | None) -> None:
    assert parse_sort(MISSION, sort, order) == expected


def test_mission_table_has_the_columns_a_reader_sorts_by(app: FastAPI) -> None:
    heads, rows = _table(app, "/class/Mission")
    assert heads[:4] == ["Name ▲", "Launch", "Status", "Launch vehicle"]
    change4 = next(r for r in rows if r[0] == "Chang'e 4")
    assert change4[1:4] == ["7 December 2018", "landed", "Long March 3B"]


def test_sorting_by_launch_orders_dates_of_mixed_precision_and_puts_the_undated_last(app: FastAPI) -> None:
    heads, rows = _table(app, "/class/Mission?sort=launch")
    assert heads[1] == "Launch ▲"
    names = [r[0] for r in rows]
    dated = [n for n, r in zip(names, rows, strict=True) if r[1] != "—"]
    assert dated[:3] == ["Chang'e 4", "Luna 25", "Chang'e 6"]
    # A year sorts before a month within it: Chang'e 8 (2028) before Luna 27 (August 2028).
    assert names.index("Chang'e 8") < names.index("Luna 27")
    assert all(r[1] == "—" for r in rows[len(dated) :])
    _, descending = _table(app, "/class/Mission?sort=launch&order=desc")
    desc_dated = [r[0] for r in descending if r[1] != "—"]
    assert desc_dated[0] == "ILRS-5" and desc_dated[-1] == "Chang'e 4"
    assert sorted(desc_dated) == sorted(dated)
    assert all(r[1] == "—" for r in descending[len(desc_dated) :])  # undated last either way


def test_sorting_by_status_and_vehicle(app: FastAPI) -> None:
    _, by_status = _table(app, "/class/Mission?sort=status")
    statuses = [r[2] for r in by_status if r[2] != "—"]
    assert statuses == sorted(statuses)
    _, by_vehicle = _table(app, "/class/Mission?sort=vehicle&order=desc")
    vehicles = [r[3].split(" (")[0].casefold() for r in by_vehicle if r[3] != "—"]
    assert vehicles == sorted(vehicles, reverse=True)


def test_headings_link_to_the_other_order_and_say_which_is_current(app: FastAPI) -> None:
    text = fetch(app, "/class/Mission?sort=launch", BROWSER).text
    assert (
        '<th scope="col" aria-sort="ascending"><a href="http://testserver/class/Mission?sort=launch&amp;order=desc"'
        in text
    )
    assert 'href="http://testserver/class/Mission?sort=status"' in text
    assert 'href="http://testserver/class/Mission"' in text  # back to the default order, by name


def test_country_table_sorts_by_join_date(app: FastAPI) -> None:
    heads, rows = _table(app, "/class/Country?sort=joined")
    assert heads == ["Name", "Joined ▲", "ISO 3166-1"]
    assert rows[0][0] in ("China", "Russia")
    assert [r[0] for r in rows].index("Venezuela") < [r[0] for r in rows].index("Azerbaijan")


def test_a_bad_sort_is_a_clear_400(app: FastAPI) -> None:
    for query in ("sort=nonsense", "sort=launch&order=up", "sort=%3Cscript%3E"):
        response = fetch(app, "/class/Mission?" + query, BROWSER)
        assert response.status_code == 400, query
        assert "sort" in response.text
