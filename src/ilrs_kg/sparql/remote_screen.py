"""What a remote engine's SPARQL dialect adds that must not be sent to it, refused with the reason.

The front's screen (ilrs_kg.sparql.screen) refuses SERVICE, LOAD and updates for every backend. A remote
engine parses more than SPARQL 1.1: Virtuoso runs `DEFINE` pragmas (`DEFINE get:soft "replace"` makes it
fetch a FROM graph's IRI from the web) and calls its built-in and SQL functions by IRI (`bif:http_get`,
`sql:...`, predeclared prefixes with no PREFIX needed). Its grants stop most of them for a read-only
user, not all: a SPARQL_SELECT-only user may call `bif:http_get` (tests/test_remote_backend.py shows
it), so only the network the engine runs in can keep it from opening connections (docs/remote-backend.md).
This screen is the courtesy that explains the refusal, and spares the engine the attempt.
"""

from __future__ import annotations

from ilrs_kg.errors import QueryRefused
from ilrs_kg.sparql.screen import tokens, unescape

_FUNCTION_SCHEMES = ("bif:", "sql:")


def refuse_extensions(query: str) -> None:
    """Raise QueryRefused for an engine extension that could act beyond reading the data."""
    for text in {query, unescape(query)}:
        for kind, token, match in tokens(text):
            if kind == "word" and token.upper() == "DEFINE":
                raise QueryRefused(
                    "DEFINE is refused: engine pragmas are not SPARQL 1.1, and some make the engine "
                    "fetch data from elsewhere; send the query without them"
                )
            if kind == "iri":
                named = token[1:-1]
            elif kind == "pname":
                named = (match.group("prefix") or "") + ":"
            else:
                continue
            if named.lower().startswith(_FUNCTION_SCHEMES):
                raise QueryRefused(
                    f"{named.split(':')[0]}: functions are refused: they are the engine's own built-in "
                    "and SQL functions, not SPARQL 1.1, and some reach outside the data"
                )
