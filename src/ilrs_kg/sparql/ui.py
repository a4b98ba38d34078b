"""The query UI: `/sparql` in a browser, in the site's one frame (ilrs_kg.web.frame).

Rendered on the server: a form, the example queries (a collapsible list) and a results table, which
work with scripts off. With scripts on, static/sparql-editor.js turns the form into the vendored YASGUI
editor (syntax highlighting, completion of our prefixes, classes and properties, Ctrl+Enter) with its
results views (table, raw response, chart) directly under it; nothing is fetched from another host. The
form's GET URL, `/sparql?query=...`, is the shareable link in both cases. The template sees only the
view-model below and escapes everything in it (the editor's configuration goes in data attributes, not
in a script).

IRIs under the data's base (https://w3id.org/ilrs/) link to the same path on this server, where the
linked-data pages live; other http(s) IRIs link out; nothing else becomes a link.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from ilrs_kg.namespaces import BASE, PREFIXES, curie
from ilrs_kg.sparql.examples import Example
from ilrs_kg.sparql.formats import GRAPHS, SOLUTIONS
from ilrs_kg.sparql.jobs import QueryResult
from ilrs_kg.web import frame
from ilrs_kg.web.formats import Offer

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Root-relative: the same whatever name the browser reached the server by (the Edge fixes the rest).
SITE = frame.SiteLinks(
    home="/",
    sparql="/sparql",
    ontology="/ontology",
    dumps="/dumps/",
    void="/.well-known/void",
    css="/static/ld/ld.css",
)


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None  # a literal's language tag or datatype


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int  # rows in the result; only the first len(rows) are shown


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    download: str | None = None


@dataclass(frozen=True)
class Page:
    query: str
    examples: tuple[Link, ...]
    endpoint: str = "/sparql"
    table: Table | None = None
    boolean: bool | None = None
    error: str | None = None
    downloads: tuple[Link, ...] = field(default_factory=tuple)
    elapsed_ms: float | None = None

    @property
    def ran(self) -> bool:
        """Whether the server ran the query (the editor then runs it too, to show its views)."""
        return self.table is not None or self.boolean is not None or self.error is not None

    @property
    def share_href(self) -> str:
        """The link that reopens this query (and runs it): the form's own GET URL."""
        return f"{self.endpoint}?{urlencode({'query': self.query})}"

    @property
    def editor_config(self) -> str:
        """What the editor's script needs, as JSON for a data attribute: our prefixes (completion and
        short names in the results), the base whose IRIs link to this server's pages, whether to run
        the query at once, and the formats offered for download (the endpoint's own tables)."""
        return json.dumps(
            {
                "endpoint": self.endpoint,
                "prefixes": PREFIXES,
                "base": BASE,
                "ran": self.ran,
                "downloads": {"solutions": _offered(SOLUTIONS), "graphs": _offered(GRAPHS)},
            }
        )


def _offered(table: Offer) -> list[tuple[str, str, str]]:
    """What the editor's download links offer: (key for ?format=, label, file extension)."""
    return [(f.key, f.label, f.extension) for f in table.formats]


def iri_link(iri: str, base_iri: str) -> str | None:
    """Where an IRI should link: its path on this server for our own IRIs, itself for web IRIs."""
    if iri.startswith(base_iri):
        return "/" + iri[len(base_iri) :]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, base_iri: str) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, ox.NamedNode):
        return Cell(curie(term.value) or term.value, iri_link(term.value, base_iri), term.value)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        if term.language:
            return Cell(term.value, note=f"@{term.language}")
        datatype = term.datatype.value
        note = None if datatype in (XSD_STRING, RDF_LANG_STRING) else (curie(datatype) or datatype)
        return Cell(term.value, note=note)
    return Cell(str(term))


def solutions_table(result: QueryResult, base_iri: str, max_rows: int) -> Table | bool:
    """A SELECT answer (SPARQL JSON) as a table, or an ASK answer as a boolean."""
    parsed = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = tuple(variable.value for variable in parsed.variables)
    rows = [tuple(cell(solution[name], base_iri) for name in names) for solution in parsed]
    return Table(names, tuple(rows[:max_rows]), len(rows))


def graph_table(result: QueryResult, base_iri: str, max_rows: int) -> Table:
    """A CONSTRUCT or DESCRIBE answer (N-Triples) as a subject/predicate/object table."""
    quads = list(ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES))
    rows = tuple(
        (cell(q.subject, base_iri), cell(q.predicate, base_iri), cell(q.object, base_iri))
        for q in quads[:max_rows]
    )
    return Table(("subject", "predicate", "object"), rows, len(quads))


def example_links(examples: Iterable[Example]) -> tuple[Link, ...]:
    return tuple(Link(e.title, "/sparql?" + urlencode({"query": e.query})) for e in examples)


def download_links(query: str, extra: list[tuple[str, str]], offer: Offer) -> tuple[Link, ...]:
    return tuple(
        Link(
            f.label,
            "/sparql?" + urlencode([("query", query), *extra, ("format", f.key)]),
            download=f"results.{f.extension}",
        )
        for f in offer.formats
    )


def render(page: Page, lang: str = "en") -> str:
    """The query page; `lang` is the reader's language, which the site frame (header, switch) speaks."""
    query = {"query": page.query} if page.ran else {}
    meta = frame.PageMeta(
        title="SPARQL query",
        lang=lang,
        site=SITE,
        languages=frame.language_links(page.endpoint, query, lang),
        description="Query the ILRS knowledge graph with SPARQL 1.1: an editor, example questions, results.",
    )
    return frame.render("ilrs_kg.sparql", "sparql.html", page=page, meta=meta)
