"""The formats a description document comes in, and how a request picks one."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.conneg import negotiate
from ilrs_kg.errors import NotAcceptable
from ilrs_kg.sparql.formats import GRAPHS


@dataclass(frozen=True)
class DocFormat:
    extension: str
    media_type: str
    name: str
    rdf: ox.RdfFormat | None
    # Other media types a client may name for the same format.
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


def _rdf(extension: str, name: str, rdf: ox.RdfFormat) -> DocFormat:
    """A document format with the aliases the SPARQL endpoint accepts for it: one table of spellings."""
    return DocFormat(extension, rdf.media_type, name, rdf, GRAPHS.aliases_of(rdf.media_type))


HTML = DocFormat("html", "text/html", "HTML", None, ("application/xhtml+xml",))
TURTLE = _rdf("ttl", "Turtle", ox.RdfFormat.TURTLE)
N_TRIPLES = _rdf("nt", "N-Triples", ox.RdfFormat.N_TRIPLES)
JSON_LD = _rdf("jsonld", "JSON-LD", ox.RdfFormat.JSON_LD)
RDF_XML = _rdf("rdf", "RDF/XML", ox.RdfFormat.RDF_XML)

TRIG = DocFormat("trig", ox.RdfFormat.TRIG.media_type, "TriG", ox.RdfFormat.TRIG)
N_QUADS = DocFormat("nq", ox.RdfFormat.N_QUADS.media_type, "N-Quads", ox.RdfFormat.N_QUADS)

DOCUMENT_FORMATS: tuple[DocFormat, ...] = (HTML, TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
RDF_FORMATS: tuple[DocFormat, ...] = tuple(f for f in DOCUMENT_FORMATS if f.rdf is not None)
BY_EXTENSION = {f.extension: f for f in DOCUMENT_FORMATS}
# Entity descriptions also come as datasets: each fact in the statement graphs it sits in.
DATASET_FORMATS: tuple[DocFormat, ...] = (TRIG, N_QUADS)
ENTITY_FORMATS: tuple[DocFormat, ...] = (*DOCUMENT_FORMATS, *DATASET_FORMATS)
ENTITY_RDF_FORMATS: tuple[DocFormat, ...] = (*RDF_FORMATS, *DATASET_FORMATS)
ENTITY_BY_EXTENSION = {f.extension: f for f in ENTITY_FORMATS}


class UnknownFormat(Exception):
    """A `?format=` or file extension names no format this server writes."""

    def __init__(self, requested: str, available: tuple[DocFormat, ...]) -> None:
        self.requested = requested
        self.available = available
        names = ", ".join(f.extension for f in available)
        super().__init__(f"unknown format {requested!r}; available: {names}")


def is_browser(user_agent: str | None) -> bool:
    """Browsers (and search-engine crawlers) announce themselves as Mozilla; RDF clients and curl don't."""
    return user_agent is not None and "mozilla/" in user_agent.lower()


def format_by_name(name: str, available: tuple[DocFormat, ...] = DOCUMENT_FORMATS) -> DocFormat:
    """A `?format=` value: an extension (`ttl`) or a media type (`text/turtle`)."""
    wanted = name.strip().lower()
    for candidate in available:
        if wanted in (candidate.extension, candidate.media_type, *candidate.aliases):
            return candidate
    raise UnknownFormat(name, available)


def choose_format(
    accept: str | None,
    user_agent: str | None,
    available: tuple[DocFormat, ...] = DOCUMENT_FORMATS,
) -> DocFormat:
    """The format for a request that names none explicitly.

    A request without a preference (no Accept, or only `*/*`) gets HTML from a browser and Turtle
    otherwise, which is what `curl` users expect. Raises NotAcceptable listing the primary media types.
    """
    browser = is_browser(user_agent)
    preferred = HTML if browser else TURTLE
    ordered = sorted(available, key=lambda f: f is not preferred)
    default = ordered[0]
    if accept is None or accept.replace(" ", "") in ("", "*/*"):
        return default
    offers: list[tuple[str, DocFormat]] = []
    for candidate in ordered:
        offers.append((candidate.media_type, candidate))
    for candidate in ordered:
        offers.extend((alias, candidate) for alias in candidate.aliases)
    try:
        media = negotiate(accept, [m for m, _ in offers], default.media_type)
    except NotAcceptable as exc:
        raise NotAcceptable(exc.wanted, tuple(f.media_type for f in available)) from exc
    return next(f for m, f in offers if m == media)
