"""A lexical look at a query before any parser sees it: what it is, and whether it may run at all.

pyoxigraph has no algebra API, and its parser can be crashed (deep nesting or long operator chains
overflow its stack). So the query text is split into tokens the way the SPARQL grammar splits it:
comments, strings, IRIs, variables, blank nodes, prefixed names and numbers are taken whole, and the
words, operators and brackets that remain are checked:

- SERVICE is refused, in every spelling pyoxigraph's parser takes for it: in any case, glued to the
  token before or after (`1SERVICE<...>`, `SERVICE:`, `SERVICEex:a`, `trueSERVICE`), between
  comments, as a prefixed name's prefix followed by a group (`service:x { }`), and spelled with
  \\u escapes. LOAD is refused too. This is a courtesy that explains the refusal: the guarantee
  that no query opens a connection is the worker's sandbox (ilrs_kg.sparql.sandbox);
- updates (INSERT, DELETE, CLEAR, ...) are refused: the service is read-only;
- brackets may not nest deeper than the limit, and a query may not hold more operators (`!`, `+`,
  `||`, comparisons, UNION, ...) than the limit: both overflow the parser's stack;
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) is the first keyword after the prologue, which
  decides the formats on offer, and FROM means the query names its own dataset.

The check errs on the side of refusing: a word it takes for a keyword can only be one in valid SPARQL.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
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
# A local name may hold dots, but not end with one (`ex:o.` is `ex:o` and the end of a triple).
_LOCAL_CHAR = r"(?:[\w\-:%\u00B7]|\\[_~.\-!$&'()*+,;=/?#@%])"
_PNAME = rf"(?P<prefix>(?:[^\W\d][\w.\-\u00B7]*)?):(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\r\n]*)",
            f"(?P<string>{_STRING})",
            f"(?P<iri>{_IRI})",
            r"(?P<var>[?$][\w\u00B7]+)",
            r"(?P<bnode>_:[\w.\-\u00B7]*)",
            f"(?P<pname>{_PNAME})",
            r"(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)",
            r"(?P<word>[^\W\d]\w*)",
            r"(?P<operator>\|\||&&|!=|<=|>=|\^\^|[!+\-*/=<>|^])",
            r"(?P<bracket>[()\[\]{}])",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(query: str) -> str:
    """The query with its \\u and \\U escapes read, as the SPARQL parser reads them first."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_FORMS = {form.value: form for form in QueryForm}
_UPDATES = frozenset({"INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"})
_PROLOGUE = frozenset({"BASE", "PREFIX"})
# Keywords whose repetition the parser takes recursively, like an operator chain.
_CHAINING = frozenset({"UNION", "MINUS", "OPTIONAL"})
_OPERATOR_CHARS = "!+-*/=<>|&^"
_SERVICE_REFUSED = (
    "SERVICE is refused: this endpoint never sends requests to other endpoints (federated query is disabled)"
)
# The fast path, on the lower-cased text: most queries hold no word that could be SERVICE, LOAD or
# FROM anywhere (comments and strings included), no escape, fewer openers than the nesting limit
# and few operator characters; for them a few C-level searches give the same answer as the scan.
_SUSPECT = re.compile(r"service|(?<![\w$?:])(?:load|from)(?![\w:])")
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
    scan = _scan(query)
    if limits.refuse_service:
        unescaped = unescape(query)
        # Both readings: the parser takes escapes inside IRIs and strings, the grammar everywhere.
        if scan.names_service or (unescaped != query and _scan(unescaped).names_service):
            raise QueryRefused(_SERVICE_REFUSED)
        if "LOAD" in scan.words:
            raise QueryRefused("LOAD is refused: this endpoint never fetches data from elsewhere")
    depth = max(accumulate(_DEPTH[b] for b in scan.brackets), default=0)
    if depth > limits.max_query_nesting:
        raise QueryTooDeep(
            f"brackets nest {depth} deep; the limit is {limits.max_query_nesting}, because deeper "
            "nesting overflows the SPARQL parser's stack"
        )
    if scan.operators > limits.max_query_operators:
        raise QueryTooDeep(
            f"the query holds {scan.operators:,} operators (!, +, -, *, /, &&, ||, comparisons, UNION, "
            f"OPTIONAL, MINUS); the limit is {limits.max_query_operators:,}, because long chains of them "
            "overflow the SPARQL parser's stack; shorten the expression (IN (...) or VALUES instead of "
            "a chain of || and =, fewer repeated ! or -)"
        )
    first = next((word for word in scan.words if word not in _PROLOGUE), "")
    return _classify(first, names_dataset="FROM" in scan.words)


@dataclass
class _Scan:
    words: list[str]  # upper-cased, in order
    brackets: list[str]
    operators: int
    names_service: bool


def tokens(query: str) -> Iterator[tuple[str, str, re.Match[str]]]:
    """(kind, text, match) of each token but spacing and comments, as the SPARQL grammar splits them."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind is not None and kind not in ("space", "comment"):
            yield kind, match.group(), match


def _scan(query: str) -> _Scan:
    words: list[str] = []
    brackets: list[str] = []
    operators = 0
    names_service = False
    suspect_prefix = False  # the last significant token was a prefixed name whose prefix holds SERVICE
    for kind, text, match in tokens(query):
        if suspect_prefix and text == "{":
            names_service = True  # `service:x { }`: to the parser, SERVICE and the IRI `:x`
        suspect_prefix = False
        if kind == "word":
            word = text.upper()
            words.append(word)
            # The parser's keywords need no boundary: `SERVICESILENT`, `trueSERVICE` hold SERVICE.
            names_service = names_service or "SERVICE" in word
            operators += word in _CHAINING
        elif kind == "pname":
            suspect_prefix = "SERVICE" in (match.group("prefix") or "").upper()
        elif kind == "bracket":
            brackets.append(text)
        elif kind == "operator":
            operators += 1
    return _Scan(words, brackets, operators, names_service)


def guard(query: str, limits: Limits) -> bool:
    """The refusals alone, where a query is about to run; says whether the query names its dataset.

    Cheaper than `screen` for the usual query: the form is not needed, and updates cannot run anyway
    (a query parser does not accept them)."""
    if len(query) <= limits.max_query_chars and _plainly_safe(query.lower(), limits):
        return False
    return screen(query, limits).names_dataset


def _plainly_safe(lowered: str, limits: Limits) -> bool:
    """No word that could be SERVICE, LOAD or FROM, no escape, too few openers and operator characters
    to overflow the parser."""
    openers = lowered.count("(") + lowered.count("[") + lowered.count("{")
    operators = sum(lowered.count(char) for char in _OPERATOR_CHARS)
    return (
        openers <= limits.max_query_nesting
        and operators <= limits.max_query_operators // 2
        and "\\" not in lowered
        and not (
            ("service" in lowered or "load" in lowered or "from" in lowered) and _SUSPECT.search(lowered)
        )
    )


def _classify(first_word: str, *, names_dataset: bool) -> Screened:
    if first_word in _UPDATES:
        raise UpdateRefused(f"SPARQL Update ({first_word}) is refused: this endpoint is read-only")
    return Screened(_FORMS.get(first_word), names_dataset)


class ScreenMemo:
    """Screening results for recently seen queries (short ones only), so repeats cost a dict lookup."""

    def __init__(
        self,
        limits: Limits,
        entries: int = 1024,
        longest: int = 8192,
        also: Callable[[str], None] | None = None,
    ) -> None:
        """`also`: a further check that raises for a refused query (a backend's own refusals), run and
        remembered with the screen."""
        self.limits = limits
        self.entries = entries
        self.longest = longest
        self.also = also
        self._memo: OrderedDict[str, Screened] = OrderedDict()

    def __call__(self, query: str) -> Screened:
        found = self._memo.get(query)
        if found is not None:
            self._memo.move_to_end(query)
            return found
        screened = screen(query, self.limits)
        if self.also is not None:
            self.also(query)
        if len(query) <= self.longest:
            self._memo[query] = screened
            if len(self._memo) > self.entries:
                self._memo.popitem(last=False)
        return screened
