"""The one format registry of the service, and the one way a request picks a format.

Every format is pyoxigraph's own (`RdfFormat`, `QueryResultsFormat`: media type, extension, W3C format
IRI) plus the names clients use for it: one canonical key (`turtle`, `rdfxml`, ...), its file extension
(`ttl`, `rdf`) and other `?format=` names, and the other media types clients send. Every route takes
every spelling of the formats it offers.

A resource offers an `Offer`: some formats, the first its default. `choose(offer, accept, override)` is
the one "explicit override (`?format=` or extension), then Accept, then 406 naming what is on offer"
step; ilrs_kg.conneg is the negotiation under it.

The spellings come from the clients, and some mean one thing for graphs and another for results, so an
alias belongs to one format of each kind (pyoxigraph's own lookup maps `application/json` to JSON-LD
and `text/plain` to CSV, which is why it is not used to read a request):
- `application/json`: JSON-LD for graphs, SPARQL JSON for results; `application/xml` and `text/xml`:
  RDF/XML for graphs, SPARQL XML for results; `?format=json` and `?format=xml` likewise.
- `text/plain`: N-Triples, its registered type before 2014 (rdflib still sends it); no results format.
- N3 (`text/n3`, `text/rdf+n3`, `application/n3`) is answered in Turtle, the RDF subset of N3.
- SPARQLWrapper names RDF/XML `rdf+xml` and JSON-LD `json-ld`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from ilrs_kg.conneg import negotiate
from ilrs_kg.errors import NotAcceptable, UnknownFormat

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True, eq=False)  # one object per format: compared and hashed by identity
class Format:
    key: str  # the canonical ?format= name
    label: str
    media_type: str  # bare type/subtype, as negotiated
    content_type: str  # the Content-Type header value
    extension: str
    iri: str | None = None  # the W3C format IRI (http://www.w3.org/ns/formats/...)
    names: tuple[str, ...] = ()  # other ?format= names
    media_aliases: tuple[str, ...] = ()  # other media types that mean this format
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        """Everything a `?format=` value may say to name this format."""
        return (self.key, self.extension, self.media_type, *self.names, *self.media_aliases)


def _registered(
    key: str,
    registered: ox.RdfFormat | ox.QueryResultsFormat,
    names: tuple[str, ...] = (),
    media_aliases: tuple[str, ...] = (),
) -> Format:
    # pyoxigraph names JSON-LD's IRI under .../formats/data/; the W3C list has it beside the others.
    iri = W3C_FORMATS + "JSON-LD" if registered == ox.RdfFormat.JSON_LD else registered.iri
    return Format(
        key=key,
        label=registered.name.removeprefix("SPARQL Results in "),
        media_type=registered.media_type.split(";")[0].strip(),
        content_type=registered.media_type,  # a charset where the type's registration does not fix UTF-8
        extension=registered.file_extension,
        iri=iri,
        names=names,
        media_aliases=media_aliases,
        rdf=registered if isinstance(registered, ox.RdfFormat) else None,
        results=registered if isinstance(registered, ox.QueryResultsFormat) else None,
    )


HTML = Format(
    "html", "HTML", "text/html", "text/html; charset=utf-8", "html", media_aliases=("application/xhtml+xml",)
)
JSON = Format("json", "JSON", "application/json", "application/json", "json")

TURTLE = _registered(
    "turtle",
    ox.RdfFormat.TURTLE,
    ("n3",),
    ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
)
N_TRIPLES = _registered("ntriples", ox.RdfFormat.N_TRIPLES, ("n-triples",), ("text/plain",))
JSON_LD = _registered(
    "jsonld", ox.RdfFormat.JSON_LD, ("json-ld", "json"), ("application/json", "application/x-json+ld")
)
RDF_XML = _registered("rdfxml", ox.RdfFormat.RDF_XML, ("xml", "rdf+xml"), ("application/xml", "text/xml"))
TRIG = _registered("trig", ox.RdfFormat.TRIG, (), ("application/x-trig",))
N_QUADS = _registered("nquads", ox.RdfFormat.N_QUADS, ("n-quads",), ("text/x-nquads",))

SPARQL_JSON = _registered("json", ox.QueryResultsFormat.JSON, (), ("application/json",))
SPARQL_XML = _registered("xml", ox.QueryResultsFormat.XML, (), ("application/xml", "text/xml"))
CSV = _registered("csv", ox.QueryResultsFormat.CSV)
TSV = _registered("tsv", ox.QueryResultsFormat.TSV)

GRAPH_FORMATS = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)  # one graph
DATASET_FORMATS = (TRIG, N_QUADS)  # named graphs kept
RESULTS_FORMATS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)


@dataclass(frozen=True, eq=False)  # module constants: hashed by identity, cheaply, for the cache
class Offer:
    """The formats one resource comes in, the first the default. Where two share an alias (a union
    offered only to tell whether HTML is preferred), the earlier one has it."""

    formats: tuple[Format, ...]
    _by_media_type: dict[str, Format] = field(init=False, repr=False)
    _by_name: dict[str, Format] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_media_type: dict[str, Format] = {}
        by_name: dict[str, Format] = {}
        for fmt in self.formats:
            by_media_type.setdefault(fmt.media_type, fmt)
            for spelling in fmt.spellings:
                by_name.setdefault(spelling.lower(), fmt)
        for fmt in self.formats:
            for alias in fmt.media_aliases:
                by_media_type.setdefault(alias, fmt)
        object.__setattr__(self, "_by_media_type", by_media_type)
        object.__setattr__(self, "_by_name", by_name)

    def __add__(self, other: Offer) -> Offer:
        return Offer((*self.formats, *(f for f in other.formats if f not in self.formats)))

    @property
    def default(self) -> Format:
        return self.formats[0]

    @property
    def media_types(self) -> tuple[str, ...]:
        """What negotiation may choose: the canonical types first (so they win ties), aliases after."""
        return tuple(self._by_media_type)

    def by_media_type(self, media_type: str) -> Format:
        return self._by_media_type[media_type]

    def by_extension(self, extension: str) -> Format | None:
        return next((f for f in self.formats if f.extension == extension), None)

    def named(self, name: str) -> Format | None:
        """The format a `?format=` value names. SPARQLWrapper also sends its Accept header as a value
        (`application/ld+json,application/x-json+ld`): a list names its first known item."""
        for item in name.split(","):
            found = self._by_name.get(item.split(";")[0].strip().lower())
            if found is not None:
                return found
        return None

    def on_offer(self) -> tuple[str, ...]:
        """What a 406 names: the media types, and the `?format=` keys."""
        return (*(f.media_type for f in self.formats), f"or ?format={'|'.join(f.key for f in self.formats)}")


def choose(
    offer: Offer, accept: str | None, override: str | None = None, default: Format | None = None
) -> Format:
    """The format to answer in: the override (a `?format=` value or an extension) when given, else the
    one the Accept header prefers (`default`, or the offer's first, without a preference). Raises
    UnknownFormat or NotAcceptable (both 406), naming what is on offer."""
    return _choose(offer, accept, override, default or offer.default)


@lru_cache(maxsize=1024)
def _choose(offer: Offer, accept: str | None, override: str | None, default: Format) -> Format:
    if override is not None:
        found = offer.named(override)
        if found is None:
            raise UnknownFormat(override, offer.on_offer())
        return found
    try:
        return offer.by_media_type(negotiate(accept, offer.media_types, default.media_type))
    except NotAcceptable as exc:
        raise NotAcceptable(exc.wanted, offer.on_offer()) from exc
