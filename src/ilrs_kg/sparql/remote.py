"""The wire to a remote SPARQL 1.1 endpoint: one query sent by the protocol's POST form, the reply read
within a byte limit and parsed into pyoxigraph's own types (QuerySolutions, QueryBoolean, triples), or
the IlrsKgError that says why there is none.

Only the configured endpoint URL is ever contacted: requests go to `Remote.url` and nowhere else,
redirects are not followed, and nothing in a query's text decides where a request goes.

Our data is a dataset: the build's default graph (the merge of every statement graph, each fact once) is
published as the named graph MERGE_GRAPH, the statement graphs under their own names (ilrs_kg.publish).
So every query is sent with that graph as its default graph and our graphs as its named graphs (the
protocol's default-graph-uri/named-graph-uri), unless it names its own dataset: the remote then answers
what the embedded store would, and never shows its own system graphs.

Virtuoso's ways are handled here, where they meet the standard: ASK answered as a one-column table
(`__ASK_RETVAL`), result blank node labels that are not valid identifiers (`nodeID://b10001`),
errors as text starting with an SQL state, and an answer cut silently at its ResultSetMaxRows (said only by an
`X-SPARQL-MaxRows` header), which is refused here rather than passed on as if complete.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import httpx
import pyoxigraph as ox

from ilrs_kg.errors import (
    IlrsKgError,
    QueryFailed,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
)
from ilrs_kg.sparql.execution import Answer, too_large
from ilrs_kg.sparql.formats import QueryForm

# Where a publication keeps the build's default graph, and its own record (ilrs_kg.publish).
MERGE_GRAPH = "urn:ilrs:merge"
PUBLICATION_GRAPH = "urn:ilrs:publication"

SOLUTIONS_ACCEPT = "application/sparql-results+xml"
GRAPH_ACCEPT = "application/n-triples"
_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")
_ASK_COLUMN = "__ASK_RETVAL"
_TRUE = b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>'
_FALSE = _TRUE.replace(b"true", b"false")


@dataclass(frozen=True)
class Remote:
    """A SPARQL endpoint and how to reach it (picklable: it goes to every HTTP process)."""

    url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth_scheme: str = "digest"  # or "basic"
    connections: int = 8  # requests in flight to the endpoint from one HTTP process

    def auth(self) -> httpx.Auth | None:
        if self.user is None:
            return None
        password = self.password or ""
        if self.auth_scheme == "basic":
            return httpx.BasicAuth(self.user, password)
        return httpx.DigestAuth(self.user, password)

    def limits(self) -> httpx.Limits:
        return httpx.Limits(max_connections=self.connections, max_keepalive_connections=self.connections)


@dataclass(frozen=True)
class Dataset:
    """The graphs a query runs over, as the protocol names them."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def form(self) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in self.default] + [("named-graph-uri", g) for g in self.named]


def request_form(query: str, dataset: Dataset | None, base_iri: str | None = None) -> list[tuple[str, str]]:
    # The protocol has no base parameter; a BASE before the query's own prologue says the same.
    text = f"BASE <{base_iri}>\n{query}" if base_iri else query
    return [("query", text), *(dataset.form() if dataset is not None else [])]


def _headers(form: QueryForm | None) -> dict[str, str]:
    returns_graph = form is not None and form.returns_graph
    return {
        "Accept": GRAPH_ACCEPT if returns_graph else SOLUTIONS_ACCEPT,
        "Content-Type": "application/x-www-form-urlencoded",
    }


@dataclass(frozen=True)
class Ask:
    """One query to send: its text, the graphs it runs over (None: those it names itself), its form."""

    query: str
    dataset: Dataset | None
    form: QueryForm | None
    base_iri: str | None = None

    def body(self) -> bytes:
        return urllib.parse.urlencode(request_form(self.query, self.dataset, self.base_iri)).encode()


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes
    is_ask: bool

    def answer(self) -> Answer:
        """Parsed afresh each time (an answer is read once, as it is iterated)."""
        return read_answer(self.status, self.headers, self.body, is_ask=self.is_ask)


def exchange(
    client: httpx.Client,
    remote: Remote,
    ask: Ask,
    *,
    seconds: float,
    max_bytes: int,
    what: str,
    limit: float | None = None,
) -> Reply:
    """Ask from a thread: each read waits at most what is left of `seconds`, and the whole exchange
    stops once they are over (`limit`: the whole page's, which the error names, if this is a part)."""
    deadline = time.monotonic() + seconds
    body = ReadLimit(max_bytes)
    try:
        with client.stream(
            "POST", remote.url, content=ask.body(), headers=_headers(ask.form), timeout=seconds
        ) as response:
            for chunk in response.iter_bytes():
                body.add(chunk)
                if time.monotonic() > deadline:
                    raise timed_out(what, limit or seconds)
            status, headers = response.status_code, response.headers
    except httpx.TimeoutException as exc:
        raise timed_out(what, limit or seconds) from exc
    except httpx.TransportError as exc:
        raise unreachable(exc) from exc
    return Reply(status, headers, body.body(), ask.form is QueryForm.ASK)


async def send_async(
    client: httpx.AsyncClient, remote: Remote, ask: Ask, *, seconds: float, max_bytes: int, what: str
) -> Answer:
    """Ask from the event loop: after `seconds` the exchange is cancelled and its connection closed
    (the engine's own time limit then stops the evaluation on its side)."""
    body = ReadLimit(max_bytes)
    try:
        async with asyncio.timeout(seconds):
            async with client.stream(
                "POST", remote.url, content=ask.body(), headers=_headers(ask.form), timeout=seconds
            ) as response:
                async for chunk in response.aiter_bytes():
                    body.add(chunk)
                status, headers = response.status_code, response.headers
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise timed_out(what, seconds) from exc
    except httpx.TransportError as exc:
        raise unreachable(exc) from exc
    return read_answer(status, headers, body.body(), is_ask=ask.form is QueryForm.ASK)


def timed_out(what: str, seconds: float) -> QueryTimeout:
    advice = "narrow it or add a LIMIT" if what == "query" else "try again later"
    return QueryTimeout(
        f"the {what} ran longer than the {seconds:g} s limit (counted from its arrival) and was stopped; "
        f"{advice}"
    )


def unreachable(exc: httpx.TransportError) -> StoreError:
    return StoreError(f"the SPARQL backend is not answering ({type(exc).__name__}); try again shortly")


def reply_bytes(max_result_bytes: int) -> int:
    """The most bytes read of the engine's reply to an answer that may be `max_result_bytes` in our
    formats: its XML results are several times the size of the same rows."""
    return 4 * max_result_bytes


def read_answer(status: int, headers: Mapping[str, str], body: bytes, *, is_ask: bool = False) -> Answer:
    """The reply's answer in pyoxigraph's types, or the error its status and text say."""
    if status != 200:
        raise _error(status, body)
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        results_format = ox.QueryResultsFormat.from_media_type(content_type)
        if results_format is not None:
            return _solutions(body, results_format, headers, is_ask=is_ask)
        graph_format = ox.RdfFormat.from_media_type(content_type)
        if graph_format is None:
            shown = content_type or "no format"
            raise QueryFailed(f"the SPARQL backend answered in {shown}, which is not RDF")
        return [quad.triple for quad in ox.parse(body, format=graph_format)]
    except SyntaxError as exc:
        raise QueryFailed(f"the SPARQL backend's answer does not parse: {exc}") from exc


def _solutions(
    body: bytes, fmt: ox.QueryResultsFormat, headers: Mapping[str, str], *, is_ask: bool
) -> ox.QuerySolutions | ox.QueryBoolean:
    if fmt == ox.QueryResultsFormat.XML and b"<bnode>" in body:
        # Any label, made a valid identifier one-to-one: the same node keeps the same name.
        body = _BNODE.sub(lambda m: b"<bnode>v" + m.group(1).hex().encode() + b"</bnode>", body)
    parsed = ox.parse_query_results(body, format=fmt)
    if not isinstance(parsed, ox.QuerySolutions):
        return parsed
    names = [variable.value for variable in parsed.variables]
    if is_ask and names == [_ASK_COLUMN]:  # Virtuoso 7.2's ASK: one row holding 1, or no row
        return _boolean(any(True for _row in parsed))
    cap = headers.get("x-sparql-maxrows")
    if cap is None:
        return parsed
    rows = list(parsed)
    if cap.isdigit() and len(rows) >= int(cap):
        raise ResultTooLarge(
            f"the answer has more than the {int(cap):,} rows the SPARQL backend returns at once; "
            "ask for less (LIMIT, a narrower pattern)"
        )
    return ox.parse_query_results(body, format=fmt)  # rows were consumed counting them


def _boolean(value: bool) -> ox.QueryBoolean:
    parsed = ox.parse_query_results(_TRUE if value else _FALSE, format=ox.QueryResultsFormat.XML)
    assert isinstance(parsed, ox.QueryBoolean)
    return parsed


# Virtuoso's errors start with an SQL state: 37000 the query does not compile, S1T00 its time ran out,
# 42000 with SECURITY a permission the user lacks.
_VIRTUOSO_ERROR = re.compile(r"Virtuoso (\w{5}) Error ([^\n]*)")


def _error(status: int, body: bytes) -> IlrsKgError:
    text = body[:4096].decode("utf-8", errors="replace")
    match = _VIRTUOSO_ERROR.search(text)
    said = (match.group(2) if match else _first_line(text))[:300]
    state = match.group(1) if match else ""
    if status == 401:
        return StoreError("the SPARQL backend did not accept this server's credentials")
    if state.startswith("S1T"):
        return QueryTimeout(f"the SPARQL backend stopped the query at its own time limit: {said}")
    if "SECURITY" in said or status == 403:
        return QueryRefused(f"the SPARQL backend refused the query: {said}")
    if state == "37000" or status == 400:
        return QuerySyntaxError(f"the SPARQL backend could not compile the query: {said}")
    return QueryFailed(f"the SPARQL backend failed to answer (HTTP {status}): {said}")


def _first_line(text: str) -> str:
    for line in re.sub(r"<[^>]*>", " ", text).splitlines():
        if line.strip():
            return line.strip()
    return "no message"


class ReadLimit:
    """Collects a reply's body, refusing it once it passes `limit` bytes (a backend is trusted with
    our data, not with our memory)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise too_large(self.limit)
        self.parts.append(chunk)

    def body(self) -> bytes:
        return b"".join(self.parts)


def rows(answer: Answer) -> Sequence[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
    """A SELECT answer's rows as {variable: term}, unbound variables left out."""
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryFailed("the SPARQL backend did not answer with a table")
    names = [variable.value for variable in answer.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in answer]
