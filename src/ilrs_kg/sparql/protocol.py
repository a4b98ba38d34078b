"""The /sparql resource: the SPARQL 1.1 Protocol (query side) over a QueryBackend, as a raw ASGI app.

    GET|POST /sparql?query=...   results, negotiated (JSON/XML/CSV/TSV; Turtle/N-Triples/JSON-LD/
                                 RDF/XML/TriG/N-Quads), or the query page for a browser
    GET /sparql                  the service description (RDF), or the query page (HTML)
    OPTIONS /sparql              CORS preflight; Allow
    anything else                405 with Allow

Every answer carries `Vary: Accept` and CORS headers; results carry a weak ETag derived from the data
version and the request, `Cache-Control`, and a 304 answers a matching If-None-Match. Results are
cached in process (bounded, keyed on the data version). Formats come from the one registry
(ilrs_kg.web.formats); errors map to statuses in ilrs_kg.web.statuses and are rendered by
ilrs_kg.web.errors (plain text for SPARQL clients, a page in the site frame for a browser).

The app is mounted ahead of the framework's routing: a repeated query costs a parse of the query
string, a few dictionary lookups and one send.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time

import pyoxigraph as ox

from ilrs_kg.errors import BadRequest, IlrsKgError, MethodNotAllowed, NotAcceptable
from ilrs_kg.namespaces import BASE
from ilrs_kg.settings import Settings
from ilrs_kg.sparql import ui
from ilrs_kg.sparql.backend import QueryBackend
from ilrs_kg.sparql.cache import Cached, ResultCache
from ilrs_kg.sparql.examples import Example
from ilrs_kg.sparql.formats import GRAPHS, SOLUTIONS, QueryForm, offer_for
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.params import ProtocolRequest, parse_get, parse_post
from ilrs_kg.sparql.screen import ScreenMemo
from ilrs_kg.sparql.service_description import ServiceDescription
from ilrs_kg.web.asgi import Receive, Scope, Send, read_request, scope_request, send_reply
from ilrs_kg.web.cors import CORS, preflight
from ilrs_kg.web.errors import error_reply
from ilrs_kg.web.formats import HTML, Format, Offer, choose
from ilrs_kg.web.languages import reader_language
from ilrs_kg.web.reply import Reply, Request
from ilrs_kg.web.statuses import status_for
from ilrs_kg.web.validators import etag_matches

logger = logging.getLogger(__name__)

ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")
CACHE_CONTROL = "public, max-age=60"
MAX_TABLE_ROWS = 1000
_PAGE = Offer((HTML,))
# Whether a browser's request is for the page: HTML against every answer format (whichever of two
# sharing an alias takes it does not matter here).
_PAGE_OR_ANSWER = SOLUTIONS + GRAPHS + _PAGE
_DESCRIPTION_OR_PAGE = GRAPHS + _PAGE
_COMMON = (("Vary", "Accept"), *CORS)
_RESULT_HEADERS = (*_COMMON, ("Cache-Control", CACHE_CONTROL))


class SparqlEndpoint:
    def __init__(
        self,
        settings: Settings,
        backend: QueryBackend,
        *,
        examples: tuple[Example, ...] = (),
        ui_enabled: bool = True,
        title: str = "ILRS knowledge graph",
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.base_iri = BASE
        self.ui_enabled = ui_enabled
        self.examples = examples
        self.example_links = ui.example_links(examples)
        self.limits = Limits.from_settings(settings)
        self.screen = ScreenMemo(self.limits)
        self.cache = ResultCache(settings.result_cache_entries)
        self._running: dict[tuple[str, QueryJob], asyncio.Future[Cached]] = {}
        self.description = ServiceDescription(backend, f"{title} SPARQL endpoint")

    # ASGI ---------------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            request = await read_request(scope, receive, self.settings.max_body_bytes)
        except IlrsKgError as exc:
            await send_reply(send, error_reply(scope_request(scope), exc))
            return
        reply = await self.handle(request)
        await send_reply(send, reply, head=request.method == "HEAD")

    # The handler ------------------------------------------------------------------------------------

    async def handle(self, request: Request) -> Reply:
        try:
            if request.method in ("GET", "HEAD"):
                params = parse_get(request.query_string)
                if params.is_bare:
                    return await self._describe(request, params)
            elif request.method == "POST":
                params = parse_post(request.query_string, request.header("content-type"), request.body)
            elif request.method == "OPTIONS":
                return self._options(request)
            else:
                raise MethodNotAllowed(request.method, ALLOWED)
            if params.query is None:
                raise BadRequest("the query parameter is missing")
            if self.ui_enabled and self._wants_html(request, params):
                return await self._page(params, request)
            return await self._answer(request, params, params.query)
        except IlrsKgError as exc:
            return error_reply(request, exc)

    async def _answer(self, request: Request, params: ProtocolRequest, query: str) -> Reply:
        screened = self.screen(query)
        chosen = choose(offer_for(screened.form), request.header("accept"), params.format)
        job = self._job(query, params, screened.form, chosen)
        key = (self.backend.data_version, job)
        cached = self.cache.get(key)
        etag = cached.etag if cached is not None else self._etag(job)
        if request.method != "POST" and etag_matches(request.header("if-none-match"), etag):
            return Reply(304, (*_RESULT_HEADERS, ("ETag", etag)))
        if cached is None:
            cached = await self._evaluate(key, job, etag, request.client)
        return Reply(
            200, (("Content-Type", cached.content_type), *_RESULT_HEADERS, ("ETag", etag)), cached.body
        )

    async def _evaluate(
        self, key: tuple[str, QueryJob], job: QueryJob, etag: str, client: str | None
    ) -> Cached:
        """Run the job once however many clients ask for it at the same time (counted against the
        first one's limits); keep the answer."""
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[Cached] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await self.backend.run(job, client)
            cached = Cached(result.content_type, result.body, etag)
            self.cache.put(key, cached)
            future.set_result(cached)
            return cached
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an error nobody else awaited is not reported twice
            raise
        finally:
            del self._running[key]

    def _job(self, query: str, params: ProtocolRequest, form: QueryForm | None, chosen: Format) -> QueryJob:
        graph = form is not None and form.returns_graph
        return QueryJob(
            query,
            solutions_type=SOLUTIONS.default.media_type if graph else chosen.media_type,
            graph_type=chosen.media_type if graph else GRAPHS.default.media_type,
            base_iri=self.base_iri,
            dataset=params.dataset,
            screened=True,
        )

    def _etag(self, job: QueryJob) -> str:
        """From the data version and everything in the request that shapes the answer."""
        identity = (
            f"{self.backend.data_version}\0{job.query}\0{job.dataset}\0{job.base_iri}\0"
            f"{job.solutions_type}\0{job.graph_type}"
        )
        return f'W/"{hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()}"'

    def _wants_html(self, request: Request, params: ProtocolRequest) -> bool:
        if params.format is not None:
            return _PAGE.named(params.format) is not None
        try:
            return choose(_PAGE_OR_ANSWER, request.header("accept")) is HTML
        except NotAcceptable:
            return False

    async def _describe(self, request: Request, params: ProtocolRequest) -> Reply:
        """A bare GET: the service description for RDF clients, the query page for browsers."""
        offer = _DESCRIPTION_OR_PAGE if self.ui_enabled else GRAPHS
        try:
            chosen = choose(offer, request.header("accept"), params.format)
        except NotAcceptable as exc:
            raise BadRequest(
                "the query parameter is missing (without one, this URL answers with its service "
                "description in RDF, or with the query page in HTML)"
            ) from exc
        if chosen is HTML:
            return await self._page(params, request)
        body = await self.description.render(self._endpoint_iri(request), chosen)
        return Reply(200, (("Content-Type", chosen.content_type), *_RESULT_HEADERS), body)

    def _endpoint_iri(self, request: Request) -> str:
        host = request.header("host") or f"{self.settings.host}:{self.settings.port}"
        candidate = f"{request.scheme}://{host}/sparql"  # where the app mounts the endpoint
        try:
            return ox.NamedNode(candidate).value
        except ValueError:
            return f"http://{self.settings.host}:{self.settings.port}/sparql"

    def _options(self, request: Request) -> Reply:
        return preflight(request, ALLOWED, (("Vary", "Accept"),))

    # The query page ---------------------------------------------------------------------------------

    async def _page(self, params: ProtocolRequest, request: Request) -> Reply:
        client, lang = request.client, reader_language(request.query, request.accept_language)
        query = (
            params.query
            if params.query is not None
            else (self.examples[0].query if self.examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        )
        page = ui.Page(query=query, examples=self.example_links)
        status = 200
        if params.query is not None:
            try:
                page = await self._run_for_page(page, params, query, client)
            except IlrsKgError as exc:
                status = status_for(exc)
                page = ui.Page(query=query, examples=self.example_links, error=str(exc))
        body = ui.render(page, lang).encode()
        return Reply(
            status, (("Content-Type", HTML.content_type), *_COMMON, ("Cache-Control", "no-store")), body
        )

    async def _run_for_page(
        self, page: ui.Page, params: ProtocolRequest, query: str, client: str | None
    ) -> ui.Page:
        screened = self.screen(query)
        job = QueryJob(
            query,
            graph_type=ox.RdfFormat.N_TRIPLES.media_type,
            base_iri=self.base_iri,
            dataset=params.dataset,
            screened=True,
        )
        started = time.perf_counter()
        result = await self.backend.run(job, client)
        elapsed = (time.perf_counter() - started) * 1000
        extra = [("default-graph-uri", g) for g in params.default_graphs]
        extra += [("named-graph-uri", g) for g in params.named_graphs]
        downloads = ui.download_links(query, extra, offer_for(screened.form))
        if result.kind == "graph":
            table = ui.graph_table(result, self.base_iri, MAX_TABLE_ROWS)
            return ui.Page(query, page.examples, table=table, downloads=downloads, elapsed_ms=elapsed)
        answer = ui.solutions_table(result, self.base_iri, MAX_TABLE_ROWS)
        if isinstance(answer, bool):
            return ui.Page(query, page.examples, boolean=answer, downloads=downloads, elapsed_ms=elapsed)
        return ui.Page(query, page.examples, table=answer, downloads=downloads, elapsed_ms=elapsed)
