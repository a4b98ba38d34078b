"""Handlers for the pages about the whole graph: home, class indexes, the ontology and the VoID
description."""

from __future__ import annotations

import pyoxigraph as ox

from ilrs_kg.errors import BadRequest, NotFound
from ilrs_kg.linked_data import formats as f
from ilrs_kg.linked_data.class_index import Sort, build_class_index, class_iri, parse_sort
from ilrs_kg.linked_data.describe import value_of
from ilrs_kg.linked_data.documents import serialize
from ilrs_kg.linked_data.dumps import DUMPS, SHAPES_FILE
from ilrs_kg.linked_data.home import build_home_page
from ilrs_kg.linked_data.ontology_docs import build_ontology_page
from ilrs_kg.linked_data.render import render
from ilrs_kg.linked_data.replies import LICENSE, LinkSpec, document_reply, link_header, redirect
from ilrs_kg.linked_data.search_page import page_number
from ilrs_kg.linked_data.service import HTML_VARY, NEGOTIATED_VARY, Context, LinkedData
from ilrs_kg.linked_data.stats_queries import GraphCounts, count_graph, ontology_classes
from ilrs_kg.linked_data.viewmodel import Link, Text
from ilrs_kg.linked_data.void import DESCRIPTION, TITLE, build_void
from ilrs_kg.namespaces import BASE, ID_NS, ONTOLOGY_GRAPH, ONTOLOGY_IRI
from ilrs_kg.web.formats import GRAPH_FORMATS as RDF_FORMATS
from ilrs_kg.web.formats import HTML, TURTLE
from ilrs_kg.web.frame import Alternate, PageMeta, language_links
from ilrs_kg.web.reply import Reply, Request

_LAST_PAGE = 1_000_000_000


class SitePages:
    def __init__(self, service: LinkedData) -> None:
        self.service = service

    def counts(self, ctx: Context) -> GraphCounts:
        """The graph's counts as the build wrote them into the release's page index (counting them
        means scanning the graph: 44 s at 1M triples)."""

        def read() -> GraphCounts:
            return self.service.index(ctx).graph_counts() or count_graph(ctx.snapshot.store)

        result: GraphCounts = ctx.snapshot.keep("counts", read)
        return result

    def _html(
        self,
        request: Request,
        ctx: Context,
        body: bytes,
        *,
        vary: str = HTML_VARY,
        links: list[tuple[str, str, str | None]] | None = None,
    ) -> Reply:
        extra = [("Content-Language", ctx.lang)]
        if links:
            extra.append(("Link", link_header(links)))
        return document_reply(
            request, body, HTML.content_type, last_modified=ctx.snapshot.modified, vary=vary, extra=extra
        )

    def _meta(self, ctx: Context, title: str, path: str, **extra: object) -> PageMeta:
        languages = language_links(ctx.iris.url(path), {}, ctx.lang)
        return PageMeta(title=title, lang=ctx.lang, site=ctx.site, languages=languages, **extra)  # type: ignore[arg-type]

    # -- home -------------------------------------------------------------------------------------

    def home(self, request: Request) -> Reply:
        ctx = self.service.context(request)
        fmt = f.pick(request)
        if fmt is not HTML:
            # A program asking the site root for data gets the dataset description.
            return redirect(ctx.iris.url(".well-known/void", format=fmt.extension), vary=NEGOTIATED_VARY)
        counts = self.counts(ctx)
        meta = self._meta(
            ctx,
            "ILRS knowledge graph",
            "",
            description=DESCRIPTION,
            alternates=(Alternate("VoID (Turtle)", TURTLE.media_type, ctx.site.void),),
        )

        def build() -> bytes:
            chosen = self.service.index(ctx).home()
            page = build_home_page(
                ctx.snapshot.store, ctx.frame, counts.triples, ontology_classes(counts), meta, chosen
            )
            return render("home.html", page=page, meta=meta).encode()

        body = ctx.snapshot.remember(f"home|{request.server}|{ctx.lang}", build)
        links = [(ctx.site.void, "describedby", TURTLE.media_type), (LICENSE, "license", None)]
        return self._html(request, ctx, body, links=links)

    # -- class indexes ----------------------------------------------------------------------------

    def class_index(self, request: Request, name: str) -> Reply:
        f.require_html(request)
        ctx = self.service.context(request)
        cls = class_iri(name)
        meta = self._meta(ctx, name, f"class/{name}")
        number = page_number(request.query.get("page"))
        if number is None:
            raise BadRequest("page must be a positive whole number")
        # A page past the last shows the last, so a larger number than any OFFSET the engine reads
        # means the same page: bounded here rather than failing in the query.
        number = min(number, _LAST_PAGE)

        sort = parse_sort(cls or "", request.query.get("sort"), request.query.get("order"))
        if sort is None:
            raise BadRequest("sort must name a column of this table, and order be asc or desc")
        lang = {"lang": ctx.lang} if ctx.lang != "en" else {}

        def sort_query(chosen: Sort) -> dict[str, str]:
            if chosen == Sort():
                return {}
            return {"sort": chosen.key, **({"order": "desc"} if chosen.descending else {})}

        def page_href(n: int) -> str:
            return ctx.iris.url(f"class/{name}", **sort_query(sort), page=str(n), **lang)

        def sort_href(chosen: Sort) -> str:
            return ctx.iris.url(f"class/{name}", **sort_query(chosen), **lang)

        page = (
            build_class_index(
                ctx.snapshot.store,
                cls,
                ctx.frame,
                meta,
                number,
                page_href,
                sort,
                sort_href,
                self.service.index(ctx).class_page,
            )
            if cls
            else None
        )
        if page is None:
            raise NotFound(f"No class {name!r} has instances here. See {ctx.site.ontology}.")
        meta = self._meta(ctx, f"{page.label} — all instances", f"class/{name}")
        body = render("class_index.html", page=page, meta=meta).encode()
        return self._html(request, ctx, body, vary="Accept-Language")

    # -- ontology ---------------------------------------------------------------------------------

    def ontology(self, request: Request, name: str | None = None) -> Reply:
        """/ontology (negotiated), /ontology.{ext}, /ontology/{version}[.{ext}]."""
        path, version, fmt_name = "ontology", None, None
        if name is not None:
            stem, dot, ext = name.rpartition(".")
            if dot and f.DOCUMENT.by_extension(ext) is not None:
                name, fmt_name = stem, ext
            if name:
                version, path = name, f"ontology/{name}"
        ctx = self.service.context(request)
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ctx.snapshot.store.quads_for_pattern(None, None, None, graph)
        ]
        versions = {
            value_of(tr.object)
            for tr in triples
            if value_of(tr.subject) == ONTOLOGY_IRI and value_of(tr.predicate).endswith("#versionInfo")
        }
        if version is not None and version not in versions:
            raise NotFound(f"No ontology version {version!r}; this server has {', '.join(sorted(versions))}.")
        negotiated = fmt_name is None
        fmt = f.pick(request, f.DOCUMENT, fmt_name)
        alternates = tuple(
            Alternate(o.label, o.media_type, ctx.iris.url(f"{path}.{o.extension}")) for o in RDF_FORMATS
        )
        links: list[LinkSpec] = [
            (ctx.iris.url(f"{path}.{o.extension}"), "alternate", o.media_type)
            for o in f.DOCUMENT.formats
            if o is not fmt
        ]
        links.append((LICENSE, "license", None))
        extra = [("Content-Location", ctx.iris.url(f"{path}.{fmt.extension}")), ("Link", link_header(links))]
        vary = NEGOTIATED_VARY if negotiated else "Accept"
        if fmt is HTML:
            meta = self._meta(ctx, "ILRS ontology", path, alternates=alternates, canonical=ONTOLOGY_IRI)

            def build() -> bytes:
                page = build_ontology_page(ctx.snapshot.store, ctx.frame, self.counts(ctx), meta)
                return render("ontology.html", page=page, meta=meta).encode()

            body = ctx.snapshot.remember(f"ontology|{request.server}|{path}", build)
            vary = HTML_VARY if negotiated else "Accept-Language"
        else:
            body = serialize(triples, fmt)
        return document_reply(
            request, body, fmt.content_type, last_modified=ctx.snapshot.modified, vary=vary, extra=extra
        )

    # -- dataset description ----------------------------------------------------------------------

    def shapes(self, request: Request) -> Reply:
        """The shapes IRI (the ontology's rdfs:seeAlso) leads to the shapes file among the dumps."""
        ctx = self.service.context(request)
        return redirect(ctx.iris.url(f"dumps/{SHAPES_FILE}"), vary="Accept")

    def dataset(self, request: Request) -> Reply:
        ctx = self.service.context(request)
        return redirect(
            ctx.iris.url(".well-known/void"),
            vary="Accept",
            extra=[("Link", link_header([(ctx.site.void, "describedby", None)]))],
        )

    def void(self, request: Request) -> Reply:
        ctx = self.service.context(request)
        fmt = f.pick(request)
        counts = self.counts(ctx)
        void = build_void(ctx.snapshot.store, counts)
        alternates = tuple(
            Alternate(o.label, o.media_type, ctx.iris.url(".well-known/void", format=o.extension))
            for o in RDF_FORMATS
        )
        links: list[LinkSpec] = [
            (a.href, "alternate", a.media_type) for a in alternates if a.media_type != fmt.media_type
        ]
        links.append((LICENSE, "license", None))
        if fmt is HTML:
            meta = self._meta(
                ctx, "Dataset description", ".well-known/void", alternates=alternates, canonical=void.dataset
            )
            page = {
                "title": TITLE,
                "description": DESCRIPTION,
                "dataset": void.dataset,
                "license": LICENSE,
                "sparql": ctx.site.sparql,
                "uri_space": ID_NS,
                "dumps": [(ctx.iris.url(d.path), d.title) for d in DUMPS],
                "triples": counts.triples,
                "entities": counts.entities,
                "examples": [
                    Link(
                        ctx.iris.page(value_of(tr.object)),
                        Text(value_of(tr.object).removeprefix(ID_NS)),
                    )
                    for tr in void.triples
                    if value_of(tr.predicate).endswith("exampleResource")
                ],
                "classes": [
                    (
                        Link(
                            ctx.iris.url(f"class/{c.local_name}") if c.iri.startswith(BASE) else c.iri,
                            Text(ctx.snapshot.vocabulary.label(c.iri)),
                            c.iri,
                        ),
                        c.count,
                    )
                    for c in counts.classes
                ],
            }
            body = render("void.html", page=page, meta=meta).encode()
        else:
            body = serialize(void.triples, fmt)
        return self.service.negotiated_reply(request, ctx, body, fmt, [("Link", link_header(links))])
