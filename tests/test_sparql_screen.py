"""The lexical screen: what it refuses, what it lets through, and what it says the query is."""

from __future__ import annotations

import pytest

from ilrs_kg.errors import BadRequest, IlrsKgError, QueryRefused, QueryTooDeep, QueryTooLarge, UpdateRefused
from ilrs_kg.sparql.formats import QueryForm
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.screen import Screened, ScreenMemo, guard, screen

LIMITS = Limits(max_query_chars=5000, max_query_nesting=20, max_result_bytes=1000, max_query_operators=499)
P = "PREFIX ex: <http://example.org/>\n"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", Screened(QueryForm.SELECT, False)),
        ("select * { }", Screened(QueryForm.SELECT, False)),
        (P + "ASK { ?s ?p ?o }", Screened(QueryForm.ASK, False)),
        (P + "BASE <http://b/>\nCONSTRUCT WHERE { ?s ?p ?o }", Screened(QueryForm.CONSTRUCT, False)),
        ("# a comment: SELECT\nDESCRIBE <http://example.org/x>", Screened(QueryForm.DESCRIBE, False)),
        ("PREFIX:<http://x/>SELECT*{}", Screened(QueryForm.SELECT, False)),
        ("SELECT * FROM <http://g> WHERE {}", Screened(QueryForm.SELECT, True)),
        ("SELECT * FROM NAMED <http://g> WHERE {}", Screened(QueryForm.SELECT, True)),
        # keywords inside strings, IRIs, comments, variables and prefixed names are not keywords
        ('SELECT * { ?s ?p "SERVICE <http://x> {}" }', Screened(QueryForm.SELECT, False)),
        ("SELECT * { ?s ?p '''LOAD\nFROM''' }", Screened(QueryForm.SELECT, False)),
        ("SELECT * { ?s <http://x/SERVICE/load> ?o } # SERVICE LOAD FROM", Screened(QueryForm.SELECT, False)),
        (P + "SELECT ?service ?from { ?load ex:service ex:from }", Screened(QueryForm.SELECT, False)),
        ("PREFIX service: <http://x/> SELECT * { ?s service:load ?o }", Screened(QueryForm.SELECT, False)),
        (P + "SELECT * { ?s ex:payload ?download }", Screened(QueryForm.SELECT, False)),
        # a prefix named service is fine where it cannot be the keyword (not followed by a group)
        (
            "PREFIX service: <http://x/> SELECT * { service:a service:b ?o }",
            Screened(QueryForm.SELECT, False),
        ),
        # operators in IRIs, strings and comments are not operators
        ('SELECT * { ?s ?p "' + "+" * 600 + '" } # ' + "!" * 600, Screened(QueryForm.SELECT, False)),
        ("SELECT * { ?s ?p ?o FILTER(?o > 1 && ?o != 2) }", Screened(QueryForm.SELECT, False)),
        # brackets inside strings do not count toward nesting
        pytest.param(
            'SELECT * { ?s ?p "' + "(" * 100 + '" }',
            Screened(QueryForm.SELECT, False),
            id="brackets-in-a-string",
        ),
        # not a query the parser will take: the form is unknown, the parser will say why
        ("SELEKT * {}", Screened(None, False)),
    ],
)
def test_screen_classifies(query: str, expected: Screened) -> None:
    assert screen(query, LIMITS) == expected


@pytest.mark.parametrize(
    ("query", "error", "says"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", QueryRefused, "SERVICE is refused"),
        ("SELECT * { service silent ?endpoint { } }", QueryRefused, "SERVICE is refused"),
        ("SELECT * {}SERVICE<http://x>{}", QueryRefused, "SERVICE is refused"),
        # an escaped `#` in a prefixed name starts no comment that could hide the keyword
        (P + "SELECT * { ?s ex:a\\#b ?o . SERVICE <http://x> {} }", QueryRefused, "SERVICE is refused"),
        ("SELECT * { ?s ?p 'it''s' . SERVICE <http://x> {} }", QueryRefused, "SERVICE is refused"),
        # glued to the next or the previous token, as the parser takes it
        ("PREFIX : <http://x/> SELECT * { SERVICE: { } }", QueryRefused, "SERVICE is refused"),
        (P + "SELECT * { SERVICEex:a { } }", QueryRefused, "SERVICE is refused"),
        (P + "SELECT * { ?s ?p 1e5SERVICE <http://x> { } }", QueryRefused, "SERVICE is refused"),
        ("SELECT * { ?s ?p trueSERVICE <http://x> { } }", QueryRefused, "SERVICE is refused"),
        ("SELECT * { SERVICESILENT<http://x> { } }", QueryRefused, "SERVICE is refused"),
        # a prefix that holds SERVICE, followed by a group, is the keyword and an IRI to the parser
        ("PREFIX service: <http://x/> SELECT * { service:x { } }", QueryRefused, "SERVICE is refused"),
        ("SELECT * { \\u0053ERVICE <http://x> { } }", QueryRefused, "SERVICE is refused"),
        ("SELECT * { SERVICE#c\n<http://x>#d\n{ } }", QueryRefused, "SERVICE is refused"),
        # an escape that would open a string in the unescaped reading hides nothing from the raw one
        ("SELECT * { ?s ?p '\\u0027' . SERVICE <http://x> { } }", QueryRefused, "SERVICE is refused"),
        ("LOAD <http://example.org/data.ttl>", QueryRefused, "LOAD is refused"),
        (P + "INSERT DATA { ex:a ex:b ex:c }", UpdateRefused, r"Update \(INSERT\)"),
        ("DELETE WHERE { ?s ?p ?o }", UpdateRefused, r"Update \(DELETE\)"),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", UpdateRefused, "read-only"),
        ("CLEAR ALL", UpdateRefused, "read-only"),
        ("DROP GRAPH <http://g>", UpdateRefused, "read-only"),
        pytest.param(
            "SELECT * WHERE { FILTER(" + "(" * 30 + "1" + ")" * 30 + ") }",
            QueryTooDeep,
            "nest 32 deep",
            id="deep-parentheses",
        ),
        pytest.param(
            "SELECT * WHERE " + "{" * 2000 + "}" * 2000, QueryTooDeep, "limit is 20", id="deep-braces"
        ),
        pytest.param("SELECT * {}" + " " * 5000, QueryTooLarge, "limit is 5,000", id="too-long"),
        # operator chains overflow the parser's stack without any bracket (crashes from ~6,500 on)
        pytest.param("ASK { FILTER(" + "!" * 600 + "true) }", QueryTooDeep, "600 operators", id="not-chain"),
        pytest.param(
            "ASK { FILTER(" + "+".join(["1"] * 600) + " = 0) }", QueryTooDeep, "600 operators", id="sum-chain"
        ),
        pytest.param("ASK { FILTER(" + "||".join(["true"] * 501) + ") }", QueryTooDeep, "IN", id="or-chain"),
        pytest.param(
            "ASK { FILTER(" + "- " * 501 + "1 = 0) }", QueryTooDeep, "502 operators", id="unary-minus"
        ),
        pytest.param(
            "ASK { " + " UNION ".join(["{}"] * 501) + " }", QueryTooDeep, "500 operators", id="union-chain"
        ),
        ("   \n ", BadRequest, "empty"),
    ],
)
def test_screen_refuses(query: str, error: type[IlrsKgError], says: str) -> None:
    with pytest.raises(error, match=says):
        screen(query, LIMITS)


@pytest.mark.parametrize(
    ("query", "names_dataset"),
    [
        ("SELECT * { ?s ?p ?o }", False),
        ("# from here on\nSELECT * { ?s ?p ?o }", False),
        ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
    ],
)
def test_guard_tells_whether_the_query_names_its_dataset(query: str, names_dataset: bool) -> None:
    assert guard(query, LIMITS) is names_dataset


def test_guard_refuses_like_screen() -> None:
    with pytest.raises(QueryRefused):
        guard("SELECT * { SERVICE <http://x> {} }", LIMITS)
    with pytest.raises(QueryTooDeep):
        guard("SELECT * " + "{" * 50 + "}" * 50, LIMITS)


def test_memo_answers_repeats_and_still_refuses() -> None:
    memo = ScreenMemo(LIMITS, entries=2)
    for _ in range(3):
        assert memo("ASK {}") == Screened(QueryForm.ASK, False)
    for query in ("SELECT * {}", "DESCRIBE <http://x>", "ASK { ?s ?p ?o }"):
        memo(query)
    assert len(memo._memo) == 2
    with pytest.raises(QueryRefused):
        memo("SELECT * { SERVICE <http://x> {} }")
