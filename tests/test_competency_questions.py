"""The competency questions in queries/*.rq, each checked against its reviewed answer (.expected.csv)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import PROJECT_ROOT

QUERIES = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
# GROUP_CONCAT's order is not defined by SPARQL: such cells are compared as sets of their parts.
CONCAT_SEPARATOR = " | "


def _rows(csv_text: str) -> list[tuple[str, ...]]:
    rows = list(csv.reader(io.StringIO(csv_text)))
    return [
        tuple(CONCAT_SEPARATOR.join(sorted(cell.split(CONCAT_SEPARATOR))) for cell in row)
        for row in rows
        if row
    ]


def _answer(graph: ox.Store, query_text: str) -> str:
    result = graph.query(query_text)
    output = io.BytesIO()
    if isinstance(result, ox.QueryTriples):
        raise AssertionError("competency questions are SELECT or ASK queries")
    result.serialize(output, ox.QueryResultsFormat.CSV)
    return output.getvalue().decode("utf-8")


def test_there_are_at_least_30_questions_each_with_a_title_and_an_answer() -> None:
    assert len(QUERIES) >= 30
    for query in QUERIES:
        assert query.read_text(encoding="utf-8").startswith("# title: "), query.name
        assert query.with_suffix(".expected.csv").is_file(), f"{query.name} has no expected answer"


@pytest.mark.parametrize("query_path", QUERIES, ids=[q.stem for q in QUERIES])
def test_question_gives_its_expected_answer(graph: ox.Store, query_path: Path) -> None:
    text = query_path.read_text(encoding="utf-8")
    expected = _rows(query_path.with_suffix(".expected.csv").read_text(encoding="utf-8"))
    actual = _rows(_answer(graph, text))
    assert expected, f"{query_path.name}: the expected answer is empty"
    if "ORDER BY" in text.upper():
        assert actual == expected
    else:
        assert actual[0] == expected[0]
        assert sorted(actual[1:]) == sorted(expected[1:])


def _words(text: str) -> str:
    return " ".join(text.split())


COOKBOOK = (PROJECT_ROOT / "docs" / "querying.md").read_text(encoding="utf-8").split("## Questions", 1)[1]


def test_every_query_the_cookbook_shows_is_a_checked_query_file() -> None:
    """The cookbook's snippets are the bodies of queries/*.rq, so the expected answers above check them."""
    snippets = re.findall(r"```sparql\n(.*?)```", COOKBOOK, re.S)
    files = [_words(query.read_text(encoding="utf-8")) for query in QUERIES]
    assert len(snippets) >= 20
    for snippet in snippets:
        assert any(_words(snippet) in text for text in files), f"no queries/*.rq holds: {snippet[:80]}"
    for linked in re.findall(r"\(\.\./queries/([^)]+\.rq)\)", COOKBOOK):
        assert (PROJECT_ROOT / "queries" / linked).is_file(), linked
