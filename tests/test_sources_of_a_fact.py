"""queries/sources-of-a-fact.rq answers, for any fact, exactly the statement graphs that hold it."""

from __future__ import annotations

import re

import pyoxigraph as ox

from tests.conftest import PROJECT_ROOT

QUERY = (PROJECT_ROOT / "queries" / "sources-of-a-fact.rq").read_text(encoding="utf-8")
_VALUES = re.compile(r"VALUES \(\?s \?p \?o\) \{.*?\n  \}", re.DOTALL)
ID = "https://w3id.org/ilrs/id/"
ILRS = "https://w3id.org/ilrs/ontology#"


def _sources(graph: ox.Store, fact: str) -> list[dict[str, str]]:
    """The query's rows for one fact, written as a VALUES row, each as {column: value}."""
    query, count = _VALUES.subn(f"VALUES (?s ?p ?o) {{ {fact} }}", QUERY)
    assert count == 1, "the query must have one VALUES (?s ?p ?o) block to fill in"
    solutions = graph.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def test_change_6_cospar_id_cites_only_the_page_that_states_it(graph: ox.Store) -> None:
    rows = _sources(graph, f'(<{ID}mission/change-6> <{ILRS}cosparId> "2024-083A")')
    assert [(r["kind"], r["source"], r["url"]) for r in rows] == [
        ("sourced", f"{ID}source/simplewiki-change-6", "https://simple.wikipedia.org/wiki/Chang%27e_6")
    ]
    assert rows[0]["title"] == "Chang'e 6"


def test_luna_28_launch_vehicle_cites_only_the_wikipedia_mission_table(graph: ox.Store) -> None:
    rows = _sources(graph, f"(<{ID}mission/luna-28> <{ILRS}launchVehicle> <{ID}launch-vehicle/angara-a5>)")
    assert len(rows) == 1, rows
    [row] = rows
    assert row["source"] == f"{ID}source/wikipedia-ilrs"
    assert row["url"] == "https://en.wikipedia.org/wiki/International_Lunar_Research_Station"
    assert "mission table" in row["part"]
    assert row["graph"] == "https://w3id.org/ilrs/graph/source/wikipedia-ilrs/mission-table-construction"


def test_a_space_wiki_sentence_names_the_reference_it_cites(graph: ox.Store) -> None:
    fact = (
        f"(<{ID}event/azerbaijan-agreement-2023> <{ILRS}agreementType> <{ID}agreement-type/joint-statement>)"
    )
    [row] = _sources(graph, fact)
    assert row["source"] == f"{ID}source/space-wiki-ilrs"
    assert row["part"] == "sentences citing reference [5]"
    assert (
        row["cites"] == "https://spacenews.com/azerbaijan-signs-up-to-chinas-international-moon-base-project/"
    )


def test_a_fact_stated_by_two_sources_lists_both(graph: ox.Store) -> None:
    fact = f"(<{ID}mission/luna-25> <{ILRS}launchVehicle> <{ID}launch-vehicle/soyuz-2-1b>)"
    sources = sorted(r["source"] for r in _sources(graph, fact))
    assert sources == [f"{ID}source/enwiki-luna-25", f"{ID}source/wikipedia-ilrs"]


def test_an_editorial_fact_is_marked_editorial_with_its_note_and_no_source(graph: ox.Store) -> None:
    rows = _sources(
        graph,
        f'(<{ID}launch-vehicle/long-march-5> <http://www.w3.org/2000/01/rdf-schema#label> "Long March 5"@en)',
    )
    assert [r["kind"] for r in rows] == ["editorial"]
    assert "LM-5" in rows[0]["note"]
    assert "source" not in rows[0]


def test_a_fact_not_in_the_data_has_no_source(graph: ox.Store) -> None:
    rows = _sources(graph, f"(<{ID}launch-vehicle/yenisei> <{ILRS}country> <{ID}country/russia>)")
    assert rows == []
