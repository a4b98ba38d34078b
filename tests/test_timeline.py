"""The timeline's layout (linked_data.timeline, timeline_scale): on the real data, through the home page's
view-model, and on small hand-made cases. What a reader would notice: overlapping labels, a month drawn as
a day, a disagreement drawn as one date, an unbounded picture."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest

from ilrs_kg.linked_data.render import render
from ilrs_kg.linked_data.timeline import (
    JOINS,
    MAX_PER_LANE,
    MISSIONS,
    WIDTH,
    Entry,
    Happening,
    Timeline,
    clusters,
    layout,
)
from ilrs_kg.linked_data.timeline_scale import MIN_MONTH
from tests.fixtures.home_pictures import day, home_page
from tests.fixtures.linked_data.support import fixture_store


@pytest.fixture(scope="module")
def real(graph: ox.Store) -> Timeline:
    return home_page(graph).pictured


def _boxes_overlap(a: Entry, b: Entry) -> bool:
    return (
        a.x < b.x + b.width and b.x < a.x + a.width and a.top < b.top + b.height and b.top < a.top + a.height
    )


def _entry(timeline: Timeline, label: str) -> Entry:
    return next(e for e in timeline.entries if e.happening.label == label)


def test_no_two_labels_overlap_on_the_real_data_and_all_stay_inside(real: Timeline) -> None:
    assert len(real.entries) >= 25
    overlapping = [
        (a.text, b.text) for a, b in itertools.combinations(real.entries, 2) if _boxes_overlap(a, b)
    ]
    assert overlapping == []
    for e in real.entries:
        lane = next(lane for lane in real.lanes if lane.name == e.happening.lane)
        assert lane.x <= e.x and e.x + e.width <= lane.x + lane.width <= WIDTH, e.text
        assert e.top > 0 and e.top + e.height <= real.height


def test_a_month_precision_join_spans_its_month_and_a_day_is_a_point_inside_it(real: Timeline) -> None:
    # Venezuela: July 2023 (Space Wiki) and 17 July 2023 (Wikipedia): a bar over July with a dot on it.
    venezuela = _entry(real, "Venezuela")
    bar, dot = venezuela.marks
    band = next(b for b in real.bands if b.first == 2023)
    assert (bar.y1, bar.y2) == (round(band.months[6], 1), round(band.months[7], 1))  # July's stretch
    assert not bar.day and bar.y2 - bar.y1 >= MIN_MONTH
    assert dot.day and bar.y1 < dot.y1 < bar.y2 and dot.x == bar.x
    assert len(venezuela.leaders) == 1 and venezuela.note == ""
    # A planned year spans its whole year's band.
    change7 = _entry(real, "Chang'e 7")
    year = next(b for b in real.bands if b.first == 2026)
    assert [(m.y1, m.y2) for m in change7.marks] == [(round(year.y, 1), round(year.y + year.height, 1))]
    assert change7.happening.planned


def test_disagreeing_dates_are_each_drawn_and_the_label_says_so(real: Timeline) -> None:
    # Pakistan: June 2023 (Wikipedia's history) against October / 20 October 2023 (the members tables).
    pakistan = _entry(real, "Pakistan")
    assert pakistan.note == "sources disagree" and len(pakistan.leaders) == 2
    assert sorted(m.day for m in pakistan.marks) == [False, False, True]
    # ICUBE-Q's launch: 3 May 2024 and 8 May 2024, two days, side by side.
    icube = _entry(real, "ICUBE-Q")
    assert icube.note and [m.day for m in icube.marks] == [True, True]
    assert icube.marks[0].x != icube.marks[1].x and icube.marks[0].y1 < icube.marks[1].y1
    assert icube.happening.dates_text == ("3 May 2024", "8 May 2024")


def test_labels_come_in_date_order_within_a_month(real: Timeline) -> None:
    joins = [e.text for e in sorted(real.entries, key=lambda e: e.top) if e.happening.lane == JOINS]
    assert joins.index("Thailand") < joins.index("Nicaragua")  # 5 and 24 April 2024
    assert joins.index("Azerbaijan") < joins.index("Belarus")  # 3 and 23 October 2023
    assert joins[:2] == ["China", "Russia"]


def test_every_link_leads_to_the_entity_page(real: Timeline) -> None:
    hrefs = {e.happening.label: e.happening.href for e in real.entries}
    assert hrefs["Venezuela"] == "http://testserver/doc/country/venezuela.html"
    assert hrefs["Luna 25"] == "http://testserver/doc/mission/luna-25.html"
    # Missions a source gives no launch or planned date for are counted, not drawn.
    missions = next(lane for lane in real.lanes if lane.name == MISSIONS)
    assert missions.undated == 2 and missions.beyond == 0


def test_years_with_nothing_in_them_fold_into_one_band(real: Timeline) -> None:
    labels = [b.label for b in real.bands]
    assert labels[:4] == ["2018", "2019\u201320", "2021", "2022"]
    assert all(b.empty == (b.first != b.last or b.first in (2022, 2025, 2029)) for b in real.bands)


def test_a_date_a_coarser_one_contains_is_drawn_on_it() -> None:
    groups = clusters([day("2023-10-20"), day("2023-06"), day("2023-10")])
    assert groups == [[day("2023-06")], [day("2023-10"), day("2023-10-20")]]
    assert clusters([day("2028"), day("2028-08")]) == [[day("2028"), day("2028-08")]]


def test_the_picture_is_bounded_however_many_happenings() -> None:
    many = [
        Happening(JOINS, f"Member {i:03d}", f"/m/{i}", (day(f"{2020 + i % 5}-{1 + i % 12:02d}"),))
        for i in range(300)
    ]
    many += [Happening(MISSIONS, "Undated mission", "/u", ())]
    timeline = layout(many)
    joins = next(lane for lane in timeline.lanes if lane.name == JOINS)
    assert len(timeline.entries) == MAX_PER_LANE and joins.beyond == 300 - MAX_PER_LANE
    assert next(lane for lane in timeline.lanes if lane.name == MISSIONS).undated == 1
    assert not any(_boxes_overlap(a, b) for a, b in itertools.combinations(timeline.entries, 2))
    # Labels stack on a crowded date rather than pile up; the height follows the labels drawn.
    assert timeline.height < MAX_PER_LANE * 20 + 200


def test_a_long_name_is_cut_to_its_lane_and_kept_whole_for_the_tooltip() -> None:
    name = "Asia-Pacific Space Cooperation Organization and a much longer name still"
    timeline = layout(
        [Happening(JOINS, name, "/a", (day("2023-06"),)), Happening(MISSIONS, "X", "/x", (day("2024"),))]
    )
    entry = timeline.entries[0]
    assert entry.text.endswith("\u2026") and len(entry.text) < len(name) and entry.happening.label == name
    assert entry.x + entry.width <= timeline.lanes[0].x + timeline.lanes[0].width


def test_a_store_built_without_the_rules_still_draws_the_claimed_dates() -> None:
    # The linked-data fixture has no derived statements (no ilrs:dateValue, no ilrs:launchDate): the
    # members sort by their dates' text and the missions are drawn at their launch claims' dates.
    page = home_page(fixture_store())
    assert [row.member.text.value for row in page.members] == ["China", "Pakistan", "Venezuela"]
    missions = {
        e.happening.label: e.happening.dates_text
        for e in page.pictured.entries
        if e.happening.lane == MISSIONS
    }
    assert missions == {"Chang'e 6": ("3 May 2024",), "Luna 28": ("2030",)}
    # Its countries carry no ISO numeric code: the map names them beside it instead of guessing.
    assert page.world.drawn == () and [m.name for m in page.world.beside] == [
        "China",
        "Pakistan",
        "Venezuela",
    ]


def test_an_empty_graph_has_no_pictures_to_show() -> None:
    # No members, no missions: the home page leaves both pictures out rather than draw empty frames.
    empty = ox.Store()
    page = home_page(empty)
    assert page.pictured.entries == () and page.world.drawn == () and page.world.beside == ()
    html = render("home.html", page=page, meta=page.meta)
    assert 'id="when"' not in html and 'id="world"' not in html and 'id="members"' in html
