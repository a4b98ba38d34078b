"""Parameter parsing of SPARQL Protocol requests: a table of requests against what they mean."""

from __future__ import annotations

from urllib.parse import quote, unquote_to_bytes

import pytest

from ilrs_kg.errors import BadRequest, IlrsKgError, UnsupportedMediaType, UpdateRefused
from ilrs_kg.sparql.params import ProtocolRequest, media_type_of, parse_get, parse_post, unquote

Q = "SELECT * WHERE { ?s ?p ?o }"
QE = quote(Q, safe="").encode()
G1, G2 = "https://w3id.org/ilrs/graph/data", "https://w3id.org/ilrs/graph/ontology"
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        (b"", ProtocolRequest(None)),
        (b"query=" + QE, ProtocolRequest(Q)),
        (b"query=SELECT+*+%7B%7D", ProtocolRequest("SELECT * {}")),
        (
            b"query="
            + QE
            + b"&default-graph-uri="
            + quote(G1).encode()
            + b"&default-graph-uri="
            + quote(G2).encode(),
            ProtocolRequest(Q, default_graphs=(G1, G2)),
        ),
        (b"query=" + QE + b"&named-graph-uri=" + quote(G1).encode(), ProtocolRequest(Q, named_graphs=(G1,))),
        (b"query=" + QE + b"&format=csv", ProtocolRequest(Q, format="csv")),
        (b"format=ttl", ProtocolRequest(None, format="ttl")),
        # SPARQLWrapper names one format twice, by short name and by media type.
        (b"query=" + QE + b"&format=tsv&format=text/tab-separated-values", ProtocolRequest(Q, format="tsv")),
        (
            b"query=" + QE + b"&format=rdf%2Bxml&format=application/rdf%2Bxml",
            ProtocolRequest(Q, format="rdf+xml"),
        ),
        (
            b"query=" + QE + b"&format=json-ld&format=application/ld%2Bjson",
            ProtocolRequest(Q, format="json-ld"),
        ),
        (
            b"query=" + QE + b"&format=json-ld&format=application/ld%2Bjson,application/x-json%2Bld",
            ProtocolRequest(Q, format="json-ld"),
        ),
        # ... and adds an empty one where its Accept header is */*.
        (b"query=" + QE + b"&format=turtle&format=", ProtocolRequest(Q, format="turtle")),
        (b"query=" + QE + b"&unknown=1", ProtocolRequest(Q)),
        (b"query=%C3%A9t%C3%A9", ProtocolRequest("été")),
    ],
)
def test_get_parameters(query_string: bytes, expected: ProtocolRequest) -> None:
    assert parse_get(query_string) == expected


@pytest.mark.parametrize(
    ("query_string", "error", "says"),
    [
        (b"query=" + QE + b"&query=" + QE, BadRequest, "query parameter is given 2 times"),
        (b"query=a&format=csv&format=json", BadRequest, "format parameter names different formats"),
        (b"query=" + QE + b"&default-graph-uri=not%20an%20iri", BadRequest, "absolute IRI"),
        (b"query=%FF%FE", BadRequest, "not valid UTF-8"),
        (b"query=\xff", BadRequest, "not valid UTF-8"),
        (b"update=INSERT+DATA+%7B%7D", UpdateRefused, "read-only"),
    ],
)
def test_get_mistakes_say_what_is_wrong(query_string: bytes, error: type[IlrsKgError], says: str) -> None:
    with pytest.raises(error, match=says):
        parse_get(query_string)


@pytest.mark.parametrize(
    ("query_string", "content_type", "body", "expected"),
    [
        (b"", FORM, b"query=" + QE, ProtocolRequest(Q)),
        (b"", f"{FORM}; charset=UTF-8", b"query=" + QE, ProtocolRequest(Q)),
        (b"default-graph-uri=" + quote(G1).encode(), FORM, b"query=" + QE, ProtocolRequest(Q, (G1,))),
        (b"", "application/sparql-query", Q.encode(), ProtocolRequest(Q)),
        (b"", "Application/SPARQL-Query; charset=utf-8", Q.encode(), ProtocolRequest(Q)),
        (
            b"named-graph-uri=" + quote(G2).encode(),
            "application/sparql-query",
            Q.encode(),
            ProtocolRequest(Q, named_graphs=(G2,)),
        ),
        (b"", "application/sparql-query", "SELECT ?été {}".encode(), ProtocolRequest("SELECT ?été {}")),
    ],
)
def test_post_parameters(
    query_string: bytes, content_type: str, body: bytes, expected: ProtocolRequest
) -> None:
    assert parse_post(query_string, content_type, body) == expected


@pytest.mark.parametrize(
    ("query_string", "content_type", "body", "error", "says"),
    [
        (b"", FORM, b"default-graph-uri=" + quote(G1).encode(), BadRequest, "query parameter is missing"),
        (b"", FORM, b"query=a&query=b", BadRequest, "given 2 times"),
        (b"query=" + QE, FORM, b"query=" + QE, BadRequest, "both in the URL and in the body"),
        (b"query=" + QE, "application/sparql-query", Q.encode(), BadRequest, "URL may not carry a query"),
        (b"", "application/sparql-query", b"SELECT \xff", BadRequest, "not valid UTF-8"),
        (b"", FORM, b"query=%FF", BadRequest, "not UTF-8|not valid UTF-8"),
        (b"", None, b"query=" + QE, UnsupportedMediaType, "no Content-Type"),
        (b"", "text/plain", Q.encode(), UnsupportedMediaType, "got Content-Type text/plain"),
        (b"", "application/sparql-query; charset=latin-1", Q.encode(), UnsupportedMediaType, "UTF-8"),
        (b"", "application/sparql-update", b"INSERT DATA {}", UpdateRefused, "read-only"),
        (b"", FORM, b"update=INSERT+DATA+%7B%7D", UpdateRefused, "read-only"),
    ],
)
def test_post_mistakes_say_what_is_wrong(
    query_string: bytes, content_type: str | None, body: bytes, error: type[IlrsKgError], says: str
) -> None:
    with pytest.raises(error, match=says):
        parse_post(query_string, content_type, body)


@pytest.mark.parametrize(
    "encoded", [b"a%2Fb", b"%zz%2", b"%C3%A9%e2%82%ac+x", b"", b"%%41", b"%4", b"a\\x41%41", b"\\", b"100%"]
)
def test_unquote_agrees_with_the_standard_library(encoded: bytes) -> None:
    assert unquote(encoded) == unquote_to_bytes(encoded)


def test_protocol_dataset_is_both_lists_or_nothing() -> None:
    assert ProtocolRequest(Q).dataset is None
    assert ProtocolRequest(Q, named_graphs=(G1,)).dataset == ((), (G1,))
    assert ProtocolRequest(None, format="ttl").is_bare
    assert not ProtocolRequest(None, default_graphs=(G1,)).is_bare


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ("", None)),
        ("application/sparql-query", ("application/sparql-query", None)),
        ('Text/Plain; Charset="UTF-8"', ("text/plain", "utf-8")),
    ],
)
def test_media_type_of(header: str | None, expected: tuple[str, str | None]) -> None:
    assert media_type_of(header) == expected
