"""The result formats on offer, taken from pyoxigraph's own registry, and how a request picks one.

SELECT and ASK answer in SPARQL results formats (JSON by default); CONSTRUCT and DESCRIBE answer in
RDF formats (Turtle by default). A few common aliases are accepted on the way in (`application/json`,
`application/xml`, `text/plain` ...) and always mean the format a client using them expects for that
kind of result. `?format=` names a format directly, by short name or media type, for browsers.

This is the one table of format names: the linked-data pages take their aliases from GRAPHS too, so
each client's spelling of a format is understood on every route. The spellings come from the clients:
`text/plain` is N-Triples' registered type before 2014 (rdflib still sends it); N3 (`text/n3`,
`text/rdf+n3`, `application/n3`) is answered in Turtle, which is the RDF subset of N3 and parses as N3;
SPARQLWrapper names RDF/XML `rdf+xml` and JSON-LD `json-ld`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import IO

import pyoxigraph as ox

from ilrs_kg.conneg import negotiate
from ilrs_kg.errors import NotAcceptable

HTML = "text/html"


class QueryForm(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class Format:
    key: str  # the short ?format= name
    label: str
    media_type: str  # bare type/subtype, as negotiated
    content_type: str  # the Content-Type header value, charset included where the registry gives one
    extension: str

    @classmethod
    def of(cls, key: str, registered: ox.QueryResultsFormat | ox.RdfFormat) -> Format:
        return cls(
            key=key,
            label=registered.name.removeprefix("SPARQL Results in "),
            media_type=registered.media_type.split(";")[0].strip(),
            content_type=registered.media_type,
            extension=registered.file_extension,
        )


@dataclass(frozen=True)
class FormatTable:
    """The formats for one kind of result: the first is the default."""

    formats: tuple[Format, ...]
    aliases: Mapping[str, str]  # other media type -> the canonical media type it stands for
    names: Mapping[str, str] = field(default_factory=dict)  # other ?format= names -> key

    @property
    def default(self) -> Format:
        return self.formats[0]

    @property
    def media_types(self) -> tuple[str, ...]:
        return tuple(f.media_type for f in self.formats)

    def offered(self, *, html: bool) -> tuple[str, ...]:
        """What content negotiation may choose, canonical types first, aliases after."""
        return (*self.media_types, *self.aliases, *((HTML,) if html else ()))

    def by_media_type(self, media_type: str) -> Format:
        canonical = self.aliases.get(media_type, media_type)
        return next(f for f in self.formats if f.media_type == canonical)

    def aliases_of(self, media_type: str) -> tuple[str, ...]:
        """The other media types that stand for `media_type` here."""
        return tuple(alias for alias, canonical in self.aliases.items() if canonical == media_type)

    def named(self, name: str) -> Format | None:
        """The format a `?format=` value names. SPARQLWrapper also sends its Accept header as a value
        (`application/ld+json,application/x-json+ld`): a list of media types names its first known one."""
        for item in name.split(","):
            wanted = item.split(";")[0].strip().lower()
            key = self.names.get(wanted, wanted)
            for f in self.formats:
                if key in (f.key, f.media_type, f.extension) or self.aliases.get(key) == f.media_type:
                    return f
        return None


SOLUTIONS = FormatTable(
    formats=(
        Format.of("json", ox.QueryResultsFormat.JSON),
        Format.of("xml", ox.QueryResultsFormat.XML),
        Format.of("csv", ox.QueryResultsFormat.CSV),
        Format.of("tsv", ox.QueryResultsFormat.TSV),
    ),
    aliases={
        "application/json": "application/sparql-results+json",
        "application/xml": "application/sparql-results+xml",
        "text/xml": "application/sparql-results+xml",
    },
)

GRAPHS = FormatTable(
    formats=(
        Format.of("turtle", ox.RdfFormat.TURTLE),
        Format.of("ntriples", ox.RdfFormat.N_TRIPLES),
        Format.of("jsonld", ox.RdfFormat.JSON_LD),
        Format.of("rdfxml", ox.RdfFormat.RDF_XML),
        Format.of("trig", ox.RdfFormat.TRIG),
        Format.of("nquads", ox.RdfFormat.N_QUADS),
    ),
    aliases={
        "application/x-turtle": "text/turtle",
        "application/turtle": "text/turtle",
        "text/n3": "text/turtle",
        "text/rdf+n3": "text/turtle",
        "application/n3": "text/turtle",
        "text/plain": "application/n-triples",
        "application/json": "application/ld+json",
        "application/x-json+ld": "application/ld+json",
        "application/xml": "application/rdf+xml",
        "text/xml": "application/rdf+xml",
    },
    names={
        "ttl": "turtle",
        "n3": "turtle",
        "nt": "ntriples",
        "json-ld": "jsonld",
        "json": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdf+xml": "rdfxml",
        "nq": "nquads",
    },
)


def same_format(names: list[str]) -> bool:
    """Whether every ?format= value names one format: SPARQLWrapper sends `format=tsv` and
    `format=text/tab-separated-values` together (`rdf+xml` and `application/rdf+xml`, `json-ld` and
    `application/ld+json`), which is one request, not two."""
    keys = set()
    for name in names:
        found = SOLUTIONS.named(name) or GRAPHS.named(name)
        keys.add(found.key if found is not None else name.strip().lower())
    return len(keys) == 1


# ASK answers in CSV and TSV, which the results spec defines only for SELECT: the one-column table
# Apache Jena writes and reads back as a boolean (`_askResult`, in TSV `?_askResult`), so Jena gets its
# boolean and table readers (rdflib, spreadsheets) get one row holding the answer, not an empty table.
_BOOLEAN_TABLES = {
    "text/csv": ("_askResult", "\r\n"),
    "text/tab-separated-values": ("?_askResult", "\n"),
}


def boolean_table(answer: bool, media_type: str) -> bytes | None:
    """An ASK answer as the CSV or TSV table above; None for the formats that have a boolean form."""
    found = _BOOLEAN_TABLES.get(media_type.split(";")[0].strip())
    if found is None:
        return None
    header, end = found
    return f"{header}{end}{'true' if answer else 'false'}{end}".encode()


def write_results(
    result: ox.QuerySolutions | ox.QueryBoolean, sink: IO[bytes], fmt: ox.QueryResultsFormat
) -> None:
    """SELECT or ASK results in `fmt`, ASK in CSV and TSV as the table above (endpoint and CLI alike)."""
    table = boolean_table(bool(result), fmt.media_type) if isinstance(result, ox.QueryBoolean) else None
    if table is not None:
        sink.write(table)
    else:
        result.serialize(sink, fmt)


def table_for(form: QueryForm | None) -> FormatTable:
    return GRAPHS if form is not None and form.returns_graph else SOLUTIONS


def choose(table: FormatTable, accept: str | None, override: str | None, *, html: bool) -> Format | None:
    """The format to answer in; None means the HTML page. `?format=` wins over the Accept header."""
    if override is not None:
        if html and override.strip().lower() in ("html", HTML):
            return None
        chosen = table.named(override)
        if chosen is None:
            raise NotAcceptable(f"format={override}", _on_offer(table))
        return chosen
    try:
        media_type = negotiate(accept, table.offered(html=html), table.default.media_type)
    except NotAcceptable as exc:
        raise NotAcceptable(exc.wanted, _on_offer(table)) from exc
    return None if media_type == HTML else table.by_media_type(media_type)


def _on_offer(table: FormatTable) -> tuple[str, ...]:
    return (*table.media_types, f"or ?format={'|'.join(f.key for f in table.formats)}")
