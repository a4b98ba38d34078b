"""A lexical look at a query before any parser sees it: what it is, and whether it may run at all.

pyoxigraph has no algebra API, and its parser can be crashed (deep nesting overflows its stack) or made
to reach out (SERVICE fetches any URL). So the query text is read the way the SPARQL grammar reads it:
comments, strings, IRIs, variables and prefixed names are set aside whole, and the bare words and
brackets that remain are checked:

- SERVICE and LOAD are refused: a query never makes this server send a request anywhere;
- updates (INSERT, DELETE, CLEAR, ...) are refused: the service is read-only;
- brackets may not nest deeper than the limit;
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) is the first keyword after the prologue, which
  decides the formats on offer, and FROM means the query names its own dataset.

The check errs on the side of refusing: a word it takes for a keyword can only be one in valid SPARQL.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate

from ilrs_kg.errors import BadRequest, QueryRefused, QueryTooDeep, QueryTooLarge, UpdateRefused
from ilrs_kg.sparql.formats import QueryForm
from ilrs_kg.sparql.limits import Limits

_STRING = (
    r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"(?:[^"\\\r\n]|\\.)*"'
    r"|'(?:[^'\\\r\n]|\\.)*'"
)
_IRI = r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'
# Prefixed names and blank node labels, escapes in the local part included (`ex:a\#b` is no comment).
_PNAME = r"(?:[^\W\d][\w.\-\u00B7]*)?:(?:[\w.\-:%\u00B7]|\\[_~.\-!$&'()*+,;=/?#@%])*"
_VAR = r"[?$][\w\u00B7]+"
# Everything that may hold text looking like a keyword or a bracket without being one. The leftmost
# match wins, so each of these is taken whole from its first character.
_OPAQUE = re.compile(rf"#[^\r\n]*|{_STRING}|{_IRI}|{_VAR}|{_PNAME}", re.DOTALL)
_WORD = re.compile(r"[^\W\d]\w*")
_BRACKET = re.compile(r"[()\[\]{}]")
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_FORMS = {form.value: form for form in QueryForm}
_UPDATES = frozenset({"INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"})
_PROLOGUE = frozenset({"BASE", "PREFIX"})
# The fast path, on the lower-cased text: most queries hold no word that could be SERVICE, LOAD or
# FROM anywhere (comments and strings included), fewer openers than the nesting limit, and a plain
# prologue; for them a few C-level searches give the same answer as the full scan.
_SUSPECT = re.compile(r"(?<![\w$?:])(?:service|load|from)(?![\w:])")
_LEADING_WORD = re.compile(
    r"(?:\s+|#[^\r\n]*|prefix\s*[^\s:<]*:\s*<[^<>\s]*>|base\s*<[^<>\s]*>)*([a-z]+)(?![\w:])"
)


@dataclass(frozen=True)
class Screened:
    form: QueryForm | None  # None: not a query the parser will accept; it will say why
    names_dataset: bool  # FROM / FROM NAMED: the query picks its own default and named graphs


def screen(query: str, limits: Limits) -> Screened:
    """Refuse what must never run (raising the IlrsKgError that says why); otherwise say what it is."""
    if not query.strip():
        raise BadRequest("the query is empty")
    if len(query) > limits.max_query_chars:
        raise QueryTooLarge(
            f"the query is {len(query):,} characters long; the limit is {limits.max_query_chars:,}"
        )
    lowered = query.lower()
    if _plainly_safe(lowered, limits):
        leading = _LEADING_WORD.match(lowered)
        if leading is not None:
            return _classify(leading.group(1).upper(), names_dataset=False)
    bare = _OPAQUE.sub(" ", query)
    words = [word.upper() for word in _WORD.findall(bare)]
    found = set(words)
    if "SERVICE" in found:
        raise QueryRefused(
            "SERVICE is refused: this endpoint never sends requests to other endpoints "
            "(federated query is disabled)"
        )
    if "LOAD" in found:
        raise QueryRefused("LOAD is refused: this endpoint never fetches data from elsewhere")
    depth = max(accumulate(_DEPTH[b] for b in _BRACKET.findall(bare)), default=0)
    if depth > limits.max_query_nesting:
        raise QueryTooDeep(
            f"brackets nest {depth} deep; the limit is {limits.max_query_nesting}, because deeper "
            "nesting overflows the SPARQL parser's stack"
        )
    first = next((word for word in words if word not in _PROLOGUE), "")
    return _classify(first, names_dataset="FROM" in found)


def guard(query: str, limits: Limits) -> bool:
    """The refusals alone, where a query is about to run; says whether the query names its dataset.

    Cheaper than `screen` for the usual query: the form is not needed, and updates cannot run anyway
    (a query parser does not accept them)."""
    if len(query) <= limits.max_query_chars and _plainly_safe(query.lower(), limits):
        return False
    return screen(query, limits).names_dataset


def _plainly_safe(lowered: str, limits: Limits) -> bool:
    """No word that could be SERVICE, LOAD or FROM anywhere, and too few openers to nest too deep."""
    openers = lowered.count("(") + lowered.count("[") + lowered.count("{")
    return openers <= limits.max_query_nesting and not (
        ("service" in lowered or "load" in lowered or "from" in lowered) and _SUSPECT.search(lowered)
    )


def _classify(first_word: str, *, names_dataset: bool) -> Screened:
    if first_word in _UPDATES:
        raise UpdateRefused(f"SPARQL Update ({first_word}) is refused: this endpoint is read-only")
    return Screened(_FORMS.get(first_word), names_dataset)


class ScreenMemo:
    """Screening results for recently seen queries (short ones only), so repeats cost a dict lookup."""

    def __init__(self, limits: Limits, entries: int = 1024, longest: int = 8192) -> None:
        self.limits = limits
        self.entries = entries
        self.longest = longest
        self._memo: OrderedDict[str, Screened] = OrderedDict()

    def __call__(self, query: str) -> Screened:
        found = self._memo.get(query)
        if found is not None:
            self._memo.move_to_end(query)
            return found
        screened = screen(query, self.limits)
        if len(query) <= self.longest:
            self._memo[query] = screened
            if len(self._memo) > self.entries:
                self._memo.popitem(last=False)
        return screened
