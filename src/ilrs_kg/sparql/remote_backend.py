"""A QueryBackend over a remote SPARQL 1.1 endpoint (`ilrs-kg serve --backend URL`).

The front is the same as over the embedded store: the endpoint's screen (SERVICE, LOAD and updates
refused) and formats, the result-size limit and the time limit, the linked-data pages, the dumps (from
the local release). What changes is who evaluates: the remote engine, so what the worker pool's
processes enforce with the OS (a kill at the time limit, no network for the evaluator) is here shared
between this front and the engine (docs/remote-backend.md):

- time: each query's exchange is cancelled at the limit, its connection closed, and the client gets the
  same 503 as from the workers; the engine's own limit (Virtuoso's MaxQueryExecutionTime) stops the
  evaluation on its side. Pages render on a bounded pool of threads, every request they send under
  the page's deadline;
- size: the reply is read within a byte limit and re-serialized by our own serializers within the
  result limit; an answer the engine cut at its row limit is refused, not passed on as complete;
- read-only and no outgoing connections: the engine's grants for the user this front queries as
  (only SPARQL_SELECT), and the network the engine runs in. The front refuses the engine's own
  extensions (ilrs_kg.sparql.remote_screen) as a courtesy;
- fairness: each client may have `max_client_queries` queries and pages in flight (429 beyond), and
  at most `Remote.connections` requests are at the engine at once.

At start it reads the publication record (ilrs_kg.publication) and refuses to serve an endpoint that
holds another data version than the local release, so pages, answers and dumps agree.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, cast

import httpx
import pyoxigraph as ox

from ilrs_kg import publication
from ilrs_kg.errors import ClientBusy, StoreError
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.execution import serialize
from ilrs_kg.sparql.fairness import ClientLedger
from ilrs_kg.sparql.formats import QueryForm
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.page_jobs import PageJob, PageRenderer, PageSite
from ilrs_kg.sparql.remote import (
    MERGE_GRAPH,
    PUBLICATION_GRAPH,
    Ask,
    Dataset,
    Remote,
    reply_bytes,
    send_async,
    timed_out,
)
from ilrs_kg.sparql.remote_screen import refuse_extensions
from ilrs_kg.sparql.remote_store import RemoteStore
from ilrs_kg.sparql.screen import ScreenMemo

if TYPE_CHECKING:
    from ilrs_kg.web.reply import Reply

logger = logging.getLogger(__name__)


class RemoteBackend:
    def __init__(
        self, settings: Settings, data_version: str, remote: Remote, pages: PageSite | None = None
    ) -> None:
        self.settings = settings
        self.remote = remote
        self.limits = Limits.from_settings(settings)
        self.timeout = settings.query_timeout
        self.ledger = ClientLedger(settings.max_client_queries)
        self.max_bytes = reply_bytes(settings.max_result_bytes)
        self._data_version = data_version
        self._site = pages
        self._client: httpx.AsyncClient | None = None
        self._store: RemoteStore | None = None
        self._pages: PageRenderer | None = None
        self._dataset = Dataset((MERGE_GRAPH,))
        self._threads: ThreadPoolExecutor | None = None
        self._screen = ScreenMemo(self.limits, also=refuse_extensions)

    @property
    def data_version(self) -> str:
        return self._data_version

    async def start(self) -> None:
        if self._client is not None:
            return
        client = httpx.AsyncClient(
            auth=self.remote.auth(), limits=self.remote.limits(), follow_redirects=False
        )
        try:
            record = await self._publication(client)
            self._dataset = Dataset((MERGE_GRAPH,), record.named_graphs)
            if self._site is not None:
                self._threads = ThreadPoolExecutor(max(1, self.settings.workers), "remote-pages")
                self._store = RemoteStore(self.remote, record.named_graphs, self.limits, self.timeout)
                # The pages read the vocabulary and provenance once, as over a local store.
                store = cast(ox.Store, self._store)  # duck-typed: the pages call query and quads_for_pattern
                site = self._site
                self._pages = await asyncio.get_running_loop().run_in_executor(
                    self._threads, lambda: site.over(store)
                )
        except BaseException:
            await client.aclose()
            await self._close_threads()
            raise
        self._client = client
        logger.info(
            "answering from the SPARQL backend (data version %s, %d graphs)",
            record.data_version,
            len(record.counts),
        )

    async def _publication(self, client: httpx.AsyncClient) -> publication.Publication:
        ask = Ask(publication.QUERY, Dataset((PUBLICATION_GRAPH,)), QueryForm.SELECT)
        answer = await send_async(
            client, self.remote, ask, seconds=max(self.timeout, 30.0), max_bytes=self.max_bytes, what="query"
        )
        record = publication.read(answer)
        if record is None:
            raise StoreError(
                "the SPARQL backend holds no complete publication of this graph; "
                "load it with `ilrs-kg publish --to URL` first"
            )
        if record.data_version != self._data_version:
            raise StoreError(
                f"the SPARQL backend holds data version {record.data_version}, the local release is "
                f"{self._data_version}: publish this release (`ilrs-kg publish --to URL`) so that "
                "answers, pages and dumps agree"
            )
        return record

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
        await self._close_threads()

    async def _close_threads(self) -> None:
        threads, self._threads = self._threads, None
        if threads is not None:
            await asyncio.to_thread(threads.shutdown, wait=True, cancel_futures=True)
        if self._store is not None:
            self._store.close()
            self._store = None

    async def run(self, job: QueryJob, client: str | None = None) -> QueryResult:
        if self._client is None:
            raise StoreError("the SPARQL backend is not connected")
        self._admit(client)
        try:
            # SERVICE, LOAD, updates refused as everywhere, engine extensions as here: remembered, so a
            # repeated query is not tokenized again on the event loop.
            screened = self._screen(job.query)
            ask = Ask(job.query, self._dataset_of(job, screened.names_dataset), screened.form, job.base_iri)
            answer = await send_async(
                self._client, self.remote, ask, seconds=self.timeout, max_bytes=self.max_bytes, what="query"
            )
            return serialize(answer, job, self.limits)
        finally:
            self.ledger.release(client)

    def _dataset_of(self, job: QueryJob, names_dataset: bool) -> Dataset | None:
        if job.dataset is not None:
            return Dataset(*job.dataset)
        return None if names_dataset else self._dataset

    async def page(self, job: PageJob, client: str | None = None) -> Reply:
        if self._pages is None or self._threads is None or self._store is None:
            raise StoreError("this backend was started without pages")
        self._admit(client)
        try:
            deadline = time.monotonic() + self.timeout
            render = self._pages
            store = self._store

            def rendered() -> Reply:
                left = deadline - time.monotonic()  # time spent waiting for a thread counts
                if left <= 0:
                    raise timed_out("page", self.timeout)
                with store.deadline(left):
                    return render(job)

            future = asyncio.get_running_loop().run_in_executor(self._threads, rendered)
            try:
                # A page's requests stop at its deadline by themselves; the margin covers rendering.
                return await asyncio.wait_for(future, self.timeout + 1.0)
            except TimeoutError:
                raise timed_out("page", self.timeout) from None
        finally:
            self.ledger.release(client)

    def _admit(self, client: str | None) -> None:
        if not self.ledger.admit(client):
            raise ClientBusy(
                f"this client already has {self.ledger.max_in_flight} queries in flight (pages count as "
                "queries), the most allowed at once; wait for their answers, then send more"
            )
