"""The linked-data handlers: request values in, reply values out; no web framework here.

GET /id/{kind}/{slug}          303 to the document in the negotiated format
GET /doc/{kind}/{slug}[.ext]   the description (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)
GET /incoming/{kind}/{slug}    one page of the links of one kind that point to an entity
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ilrs_kg.errors import BadRequest, NotFound
from ilrs_kg.linked_data import formats as f
from ilrs_kg.linked_data.describe import Description, describe, names_of
from ilrs_kg.linked_data.disagreement_view import DisagreementRecord, find_disagreements
from ilrs_kg.linked_data.documents import serialize_description
from ilrs_kg.linked_data.entity_page import PageFrame, build_entity_page
from ilrs_kg.linked_data.name_search import MAX_QUERY
from ilrs_kg.linked_data.naming import name_of
from ilrs_kg.linked_data.page_index import PageIndex
from ilrs_kg.linked_data.render import render
from ilrs_kg.linked_data.replies import LICENSE, LinkSpec, document_reply, link_header, redirect
from ilrs_kg.linked_data.search_page import SEARCH_PAGE_SIZE, page_number, search_entities
from ilrs_kg.linked_data.snapshot import Snapshot, Snapshots
from ilrs_kg.linked_data.source_page import statement_sets
from ilrs_kg.linked_data.viewmodel import IncomingPage, Link, NotFoundPage, SearchPage
from ilrs_kg.namespaces import BASE
from ilrs_kg.settings import Settings
from ilrs_kg.web import languages as web_languages
from ilrs_kg.web.errors import error_reply
from ilrs_kg.web.formats import HTML, Format
from ilrs_kg.web.frame import Alternate, PageMeta, SiteLinks, language_links, site_links
from ilrs_kg.web.iris import EntityRef, IriMap, is_valid_segment
from ilrs_kg.web.reply import Reply, Request

logger = logging.getLogger(__name__)

INCOMING_PAGE_SIZE = 50
_PLAIN_IRI = re.compile(r'^https?://[^\s<>"{}|\\^`]+$')
NEGOTIATED_VARY = "Accept, User-Agent"
HTML_VARY = "Accept, User-Agent, Accept-Language"


@dataclass(frozen=True)
class Context:
    """One request's view of the site: its snapshot, where links point, the reader's language."""

    snapshot: Snapshot
    iris: IriMap
    lang: str
    site: SiteLinks

    @property
    def frame(self) -> PageFrame:
        return PageFrame(self.iris, self.lang, self.snapshot.vocabulary, self.site, self.snapshot.provenance)


def reader_language(request: Request) -> str:
    return web_languages.reader_language(request.query, request.accept_language)


class LinkedData:
    def __init__(self, settings: Settings, snapshots: Snapshots, page_index: Path | None = None) -> None:
        self.settings = settings
        self.snapshots = snapshots
        self.page_index = page_index

    @property
    def dataset_iri(self) -> str:
        return BASE + "dataset"

    def context(self, request: Request) -> Context:
        iris = IriMap(request.server)
        return Context(self.snapshots.current(), iris, reader_language(request), site_links(iris))

    # -- entities ---------------------------------------------------------------------------------

    def exists(self, snapshot: Snapshot, iri: str) -> bool:
        answer = snapshot.store.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
        assert isinstance(answer, ox.QueryBoolean)
        return bool(answer)

    def entity(self, request: Request, kind: str, slug: str) -> Reply:
        """GET /id/{kind}/{slug}: 303 See Other to the description in the negotiated format."""
        fmt = f.pick(request, f.ENTITY)
        ctx = self.context(request)
        ref = EntityRef(kind, slug)
        if not (is_valid_segment(kind) and is_valid_segment(slug)) or not self.exists(
            ctx.snapshot, ctx.iris.entity_iri(ref)
        ):
            return self.not_found(request, ctx, ref, fmt)
        location = ctx.iris.document(ref, fmt.extension)
        if fmt is HTML and "lang" in request.query:
            location = ctx.iris.url(f"doc/{ref.path}.html", lang=ctx.lang)
        links = [(location, "describedby", fmt.media_type), (LICENSE, "license", None)]
        return redirect(location, vary=NEGOTIATED_VARY, extra=[("Link", link_header(links))])

    def document(self, request: Request, kind: str, name: str) -> Reply:
        """GET /doc/{kind}/{slug}.{ext} (that format) or /doc/{kind}/{slug} (negotiated)."""
        slug, dot, extension = name.rpartition(".")
        # An unknown extension is part of the name: /doc/mission/x.pdf is the entity `x.pdf` (404).
        negotiated = not dot or f.ENTITY.by_extension(extension) is None
        if negotiated:
            slug = name
        fmt = f.pick(request, f.ENTITY, None if negotiated else extension)
        ctx = self.context(request)
        ref = EntityRef(kind, slug)
        if not (is_valid_segment(kind) and is_valid_segment(slug)):
            return self.not_found(request, ctx, ref, fmt)
        iri = ctx.iris.entity_iri(ref)
        # A hub's page and its RDF documents alike hold its first links of each crowded property, counted
        # (the documents say so, and where the rest are: documents._partial_lists): bounded whatever the
        # hub's size.
        description = describe(ctx.snapshot.store, iri, self.index(ctx).hub(iri))
        if not description.exists:
            return self.not_found(request, ctx, ref, fmt)
        return self.document_reply(request, ctx, ref, description, fmt, negotiated=negotiated)

    def alternates(self, ctx: Context, ref: EntityRef) -> tuple[Alternate, ...]:
        return tuple(
            Alternate(fmt.label, fmt.media_type, ctx.iris.document(ref, fmt.extension))
            for fmt in f.ENTITY_RDF_FORMATS
        )

    def document_reply(
        self,
        request: Request,
        ctx: Context,
        ref: EntityRef,
        description: Description,
        fmt: Format,
        *,
        negotiated: bool,
    ) -> Reply:
        location = ctx.iris.document(ref, fmt.extension)
        if fmt is HTML:
            # Every page offers every language: the page's own words are translated even where the
            # entity has names in English only.
            page = build_entity_page(
                description,
                ctx.frame,
                entity_path=ref.path,
                alternates=self.alternates(ctx, ref),
                languages=language_links(ctx.iris.url(f"doc/{ref.path}.html"), {}, ctx.lang),
                disagreements=self.disagreements(ctx, description.iri),
            )
            if description.iri in ctx.snapshot.provenance.documents:
                sizes = self.index(ctx).graph_size
                sets = statement_sets(ctx.snapshot.store, ctx.frame, description.iri, sizes)
                page = replace(page, statement_sets=sets)
            body = render("entity.html", page=page, meta=page.meta).encode()
            vary = HTML_VARY if negotiated else "Accept-Language"
        else:
            document_iri = ctx.iris.document(ref, fmt.extension, canonical=True)
            lists = {p: ctx.iris.incoming(ref.path, p, canonical=True) for p in description.left_out()}
            body = serialize_description(description, document_iri, self.dataset_iri, fmt, lists)
            vary = NEGOTIATED_VARY if negotiated else "Accept"
        links: list[LinkSpec] = [
            (ctx.iris.document(ref, other.extension), "alternate", other.media_type)
            for other in f.ENTITY.formats
            if other is not fmt
        ]
        links += [(ctx.iris.local(description.iri), "about", None), (LICENSE, "license", None)]
        extra = [("Content-Location", location), ("Link", link_header(links))]
        if fmt is HTML:
            extra.append(("Content-Language", ctx.lang))
        return document_reply(
            request, body, fmt.content_type, last_modified=ctx.snapshot.modified, vary=vary, extra=extra
        )

    def negotiated_reply(
        self, request: Request, ctx: Context, body: bytes, fmt: Format, extra: list[tuple[str, str]]
    ) -> Reply:
        """A document picked by content negotiation alone (no extension in its URL)."""
        return document_reply(
            request,
            body,
            fmt.content_type,
            last_modified=ctx.snapshot.modified,
            vary=NEGOTIATED_VARY,
            extra=extra,
        )

    def html_page(self, request: Request, ctx: Context, template: str, view: Any) -> Reply:
        """A page that exists only as HTML (search, incoming links): it varies by language alone."""
        f.require_html(request)
        body = render(template, page=view, meta=view.meta).encode()
        return document_reply(
            request,
            body,
            HTML.content_type,
            last_modified=ctx.snapshot.modified,
            vary="Accept-Language",
            extra=[],
        )

    def not_found(self, request: Request, ctx: Context, ref: EntityRef, fmt: Format) -> Reply:
        iri = ctx.iris.entity_iri(ref)
        error = NotFound(
            f"Nothing is known about <{iri}>. Search at {ctx.iris.url('search')} or query {ctx.site.sparql}."
        )
        if fmt is not HTML:
            raise error
        words = ref.slug.replace("-", " ")
        page = NotFoundPage(
            meta=PageMeta(
                title="Not found",
                lang=ctx.lang,
                site=ctx.site,
                languages=language_links(request.path, {}, ctx.lang),
            ),
            iri=iri,
            search_action=ctx.iris.url("search"),
            query=words,
            suggestions=tuple(self.search_links(ctx, words, limit=10)),
        )
        return error_reply(request, error, page=render("not_found.html", page=page, meta=page.meta))

    # -- search -----------------------------------------------------------------------------------

    def disagreements(self, ctx: Context, iri: str) -> tuple[DisagreementRecord, ...]:
        """The disagreement nodes about an entity: a few store reads per disagreement, kept per store."""
        found: tuple[DisagreementRecord, ...] = ctx.snapshot.remember(
            "disagreements:" + iri, lambda: find_disagreements(ctx.snapshot.store, iri)
        )
        return found

    def index(self, ctx: Context) -> PageIndex:
        """The release's page index (page_index), opened read-only once per store; a store served
        without a release (tests, tools) is indexed in memory instead."""

        def open_index() -> PageIndex:
            if self.page_index is not None and self.page_index.is_file():
                return PageIndex.open(self.page_index)
            if self.page_index is not None:
                logger.warning("no page index at %s: indexing the store in memory", self.page_index)
            return PageIndex.of_store(ctx.snapshot.store)

        index: PageIndex = ctx.snapshot.keep("search:index", open_index)
        return index

    def search_links(self, ctx: Context, words: str, limit: int = 50) -> list[Link]:
        """Entities whose names match the words (name_search), best first."""
        found = search_entities(
            self.index(ctx),
            ctx.snapshot.store,
            words,
            ctx.iris,
            ctx.lang,
            ctx.snapshot.vocabulary,
            page_size=limit,
        )
        return [result.link for result in found.results]

    def search(self, request: Request) -> Reply:
        """GET /search?q=…[&page=n]: one page of the entities whose names match, best first."""
        ctx = self.context(request)
        words = request.query.get("q", "").strip()[:MAX_QUERY]
        number = page_number(request.query.get("page"))
        if number is None:
            raise BadRequest("page must be a positive whole number")
        found = search_entities(
            self.index(ctx), ctx.snapshot.store, words, ctx.iris, ctx.lang, ctx.snapshot.vocabulary, number
        )

        def href(n: int) -> str:
            return ctx.iris.url(
                "search", q=words, page=str(n), **({"lang": ctx.lang} if ctx.lang != "en" else {})
            )

        view = SearchPage(
            meta=PageMeta(
                title=f"Search: {words}" if words else "Search",
                lang=ctx.lang,
                site=ctx.site,
                languages=language_links(ctx.iris.url("search"), {"q": words}, ctx.lang),
            ),
            query=words,
            results=found.results,
            total=found.total,
            capped=found.capped,
            page=found.page,
            pages=found.pages,
            start=(found.page - 1) * SEARCH_PAGE_SIZE + 1,
            previous_href=href(found.page - 1) if found.page > 1 else None,
            next_href=href(found.page + 1) if found.page < found.pages else None,
        )
        return self.html_page(request, ctx, "search.html", view)

    # -- incoming links ---------------------------------------------------------------------------

    def incoming(self, request: Request, kind: str, slug: str) -> Reply:
        """GET /incoming/{kind}/{slug}?property=…[&type=…][&page=n]: one page of the things linking to
        the entity by one property (of one class). A short list is in IRI order; a hub's (more than
        HUB_LINKS, as the page index counted them) is in the store's index order, which is stable
        within a release, so no page reads more than its own links and those before it."""
        ctx = self.context(request)
        ref = EntityRef(kind, slug)
        prop = request.query.get("property", "")
        kind_filter = request.query.get("type")
        number = page_number(request.query.get("page"))
        if number is None:
            raise BadRequest("page must be a positive whole number")
        if (
            not (is_valid_segment(kind) and is_valid_segment(slug))
            or not _is_plain_iri(prop)
            or (kind_filter is not None and not _is_plain_iri(kind_filter))
        ):
            raise NotFound("No such list of links.")
        iri = ctx.iris.entity_iri(ref)
        store = ctx.snapshot.store
        where = f"?s <{prop}> <{iri}> . {f'?s a <{kind_filter}> .' if kind_filter else ''} FILTER(isIRI(?s))"
        counted = self.index(ctx).hub(iri).get(prop)
        if counted is None:  # not a hub's: few enough to read whole, and sort
            subjects = _subjects(store, f"SELECT DISTINCT ?s WHERE {{ {where} }} ORDER BY ?s")
            total = len(subjects)
        else:
            total = counted if kind_filter is None else _count(store, where)
        if not total:
            raise NotFound("No such list of links.")
        pages = math.ceil(total / INCOMING_PAGE_SIZE)
        number = min(number, pages)
        offset = (number - 1) * INCOMING_PAGE_SIZE
        if counted is None:
            chosen = subjects[offset : offset + INCOMING_PAGE_SIZE]
        else:
            chosen = _subjects(
                store, f"SELECT ?s WHERE {{ {where} }} LIMIT {INCOMING_PAGE_SIZE} OFFSET {offset}"
            )
        names = names_of(store, [iri, *chosen])
        vocabulary = ctx.snapshot.vocabulary
        links = tuple(
            Link(ctx.iris.page(s), name_of(names, ox.NamedNode(s), ctx.lang, vocabulary), s) for s in chosen
        )
        title = vocabulary.inverse_label(prop) + (
            f" · {vocabulary.label(kind_filter)}" if kind_filter else ""
        )
        entity_name = name_of(names, ox.NamedNode(iri), ctx.lang, vocabulary)

        def page_href(n: int) -> str:
            return ctx.iris.incoming(ref.path, prop, kind_filter or "", page=str(n), lang=ctx.lang)

        view = IncomingPage(
            meta=PageMeta(title=f"{entity_name.value}: {title}", lang=ctx.lang, site=ctx.site),
            entity=Link(ctx.iris.page(iri), entity_name, iri),
            title=title,
            links=links,
            page=number,
            pages=pages,
            previous_href=page_href(number - 1) if number > 1 else None,
            next_href=page_href(number + 1) if number < pages else None,
            total=total,
            start=offset + 1,
        )
        return self.html_page(request, ctx, "incoming.html", view)


def _subjects(store: ox.Store, query: str) -> list[str]:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]


def _count(store: ox.Store, where: str) -> int:
    rows = store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")
    assert isinstance(rows, ox.QuerySolutions)
    value = next(iter(rows))["n"]
    return int(value.value) if isinstance(value, ox.Literal) else 0


def _is_plain_iri(text: str) -> bool:
    """An absolute http(s) IRI with nothing that could end an IRI in SPARQL text."""
    return bool(_PLAIN_IRI.match(text))
