"""The parameters of a SPARQL 1.1 Protocol query request, read strictly (pure functions).

- GET: everything in the URL's query string.
- POST application/x-www-form-urlencoded: parameters in the body; the URL may carry others, but the
  same parameter in both is an error.
- POST application/sparql-query: the body is the query (UTF-8); the dataset parameters are in the URL.

`query` must appear exactly once (a GET may leave it out: the endpoint then describes itself);
`default-graph-uri` and `named-graph-uri` may repeat and must be absolute IRIs; `format` names a result
format, for browsers (repeated only when every value names the same format, as SPARQLWrapper does;
an empty value names none).
An `update` parameter or an update body is refused: read-only.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.errors import BadRequest, UnsupportedMediaType, UpdateRefused
from ilrs_kg.sparql.formats import GRAPHS, SOLUTIONS

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_SINGLE = ("query",)
_READ_ONLY = "SPARQL Update is refused: this endpoint is read-only"


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def dataset(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The protocol's dataset (default graphs, named graphs), which overrides FROM; None if unset."""
        if self.default_graphs or self.named_graphs:
            return self.default_graphs, self.named_graphs
        return None

    @property
    def is_bare(self) -> bool:
        """Nothing asked but maybe a format: a request for the endpoint itself."""
        return self.query is None and self.dataset is None


_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")


def unquote(raw: bytes) -> bytes:
    """Percent-decoding; a `%` not followed by two hex digits stays as it is.

    urllib's decoder loops in Python, about a microsecond per escape, and a query sent by a client
    has hundreds: so `%XX` becomes `\\xXX` for the C escape decoder, with a regex as the fallback."""
    if b"%" not in raw:
        return raw
    try:
        return codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:  # a stray %: decode escape by escape
        return _ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {exc.start + 1})") from exc


def _pairs(encoded: bytes, what: str) -> list[tuple[str, str]]:
    """application/x-www-form-urlencoded pairs: `&`-separated, `+` for space, values UTF-8."""
    pairs = []
    for field in encoded.replace(b"+", b" ").split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            pairs.append((_decode(unquote(name), what), _decode(unquote(value), what)))
    return pairs


def _collect(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    found: defaultdict[str, list[str]] = defaultdict(list)
    for name, value in pairs:
        found[name].append(value)
    return found


def same_format(names: list[str]) -> bool:
    """Whether every ?format= value names one format: SPARQLWrapper sends `format=tsv` and
    `format=text/tab-separated-values` together (`rdf+xml` and `application/rdf+xml`, `json-ld` and
    `application/ld+json`), which is one request, not two."""
    found = set()
    for name in names:
        fmt = SOLUTIONS.named(name) or GRAPHS.named(name)
        found.add(fmt.key if fmt is not None else name.strip().lower())
    return len(found) == 1


def _build(params: dict[str, list[str]], *, query_required: bool) -> ProtocolRequest:
    if "update" in params:
        raise UpdateRefused(_READ_ONLY)
    for name in _SINGLE:
        if len(params.get(name, ())) > 1:
            raise BadRequest(f"the {name} parameter is given {len(params[name])} times; give it once")
    # SPARQLWrapper adds an empty `format=` where its Accept header is */*: it names nothing.
    formats = [name for name in params.get("format", ()) if name.strip()]
    if len(formats) > 1 and not same_format(formats):
        raise BadRequest(f"the format parameter names different formats ({', '.join(formats)}); give one")
    query = params["query"][0] if "query" in params else None
    if query is None and query_required:
        raise BadRequest("the query parameter is missing")
    return ProtocolRequest(
        query=query,
        default_graphs=_iris(params, "default-graph-uri"),
        named_graphs=_iris(params, "named-graph-uri"),
        format=formats[0] if formats else None,
    )


def _iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    values = tuple(params.get(name, ()))
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise BadRequest(f"{name} must be an absolute IRI; got {value!r}") from exc
    return values


def parse_get(query_string: bytes) -> ProtocolRequest:
    """A GET request's parameters; `query` may be absent (the caller then describes the endpoint)."""
    return _build(_collect(_pairs(query_string, "URL's query string")), query_required=False)


def media_type_of(content_type: str | None) -> tuple[str, str | None]:
    """(bare media type, charset or None) of a Content-Type header value."""
    if not content_type:
        return "", None
    media, *params = content_type.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def parse_post(query_string: bytes, content_type: str | None, body: bytes) -> ProtocolRequest:
    """A POST request's parameters, by its Content-Type; a query is required."""
    media, charset = media_type_of(content_type)
    if media == SPARQL_UPDATE:
        raise UpdateRefused(_READ_ONLY)
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the request body must be UTF-8; got charset={charset}")
    in_url = _collect(_pairs(query_string, "URL's query string"))
    if media == FORM:
        in_body = _collect(_pairs(body, "request body"))
        both = sorted(set(in_url) & set(in_body))
        if both:
            raise BadRequest(f"{', '.join(both)} given both in the URL and in the body; give each once")
        return _build({**in_url, **in_body}, query_required=True)
    if media == SPARQL_QUERY:
        if "query" in in_url:
            raise BadRequest("the query is in the body; the URL may not carry a query parameter too")
        return _build({**in_url, "query": [_decode(body, "request body")]}, query_required=True)
    got = f"Content-Type {content_type}" if content_type else "no Content-Type"
    raise UnsupportedMediaType(f"POST a query as {FORM} (query=...) or as {SPARQL_QUERY}; got {got}")
