"""The one interface between the HTTP side and whatever answers queries.

`QueryBackend` is what the endpoint, the query UI and the linked-data pages call: every read of the
store goes through it, so its time limit, isolation and placement apply to queries and pages alike. Today
two classes implement it: `WorkerPool` (ilrs_kg.sparql.workers: worker processes, a hard timeout, crash
isolation; what `ilrs-kg serve` uses) and `InProcessBackend` (below: a pyoxigraph store in this process,
for tests and tools). A remote SPARQL 1.1 endpoint can stand in by implementing the same methods.

A query job carries the query, its dataset and the media types wanted for each kind of result; the
backend answers with serialized bytes in one of them, or raises an IlrsKgError subclass (ilrs_kg.errors).
A page job (ilrs_kg.sparql.page_jobs) names a page handler and carries its request; the backend answers
with the handler's Reply, rendered where the store is. `select` and `construct` parse answers back into
pyoxigraph terms for callers that want values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from ilrs_kg.errors import StoreError
from ilrs_kg.sparql.execution import execute
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.page_jobs import PageJob, PageRenderer, PageSite

if TYPE_CHECKING:
    from ilrs_kg.web.reply import Reply


class QueryBackend(Protocol):
    @property
    def data_version(self) -> str:
        """Identifies the data answered from: equal versions give equal answers."""
        ...

    async def start(self) -> None:
        """Get ready to answer (idempotent)."""
        ...

    async def close(self) -> None:
        """Release what start() took (idempotent)."""
        ...

    async def run(self, job: QueryJob, client: str | None = None) -> QueryResult:
        """Answer the job, or raise the IlrsKgError that says why not.

        `client` (the asker's address; None for the server's own queries) lets a backend share its
        capacity fairly between clients."""
        ...

    async def page(self, job: PageJob, client: str | None = None) -> Reply:
        """Render the page where the store is, with the same limits and fairness as run()."""
        ...


class InProcessBackend:
    """Queries a pyoxigraph store and renders pages over it in this process, on the event loop: no
    timeout, no crash isolation.

    For tests and tools working on small trusted queries; the server uses WorkerPool.
    """

    def __init__(
        self,
        store: ox.Store,
        limits: Limits,
        data_version: str = "in-memory",
        pages: PageSite | None = None,
    ) -> None:
        self.store = store
        self.limits = limits
        self._data_version = data_version
        self._site = pages
        self._pages: PageRenderer | None = None

    @property
    def data_version(self) -> str:
        return self._data_version

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def run(self, job: QueryJob, client: str | None = None) -> QueryResult:
        return execute(self.store, job, self.limits)

    async def page(self, job: PageJob, client: str | None = None) -> Reply:
        if self._site is None:
            raise StoreError("this backend was started without pages")
        if self._pages is None:
            self._pages = self._site.over(self.store)
        return self._pages(job)


async def select(
    backend: QueryBackend, query: str
) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
    """A SELECT query's rows as {variable name: term}, unbound variables left out."""
    result = await backend.run(QueryJob(query))
    solutions = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got {result.kind} results")
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in solutions]


async def construct(backend: QueryBackend, query: str) -> list[ox.Triple]:
    """A CONSTRUCT or DESCRIBE query's triples."""
    result = await backend.run(QueryJob(query, graph_type=ox.RdfFormat.N_TRIPLES.media_type))
    if result.kind != "graph":
        raise TypeError(f"expected a CONSTRUCT or DESCRIBE query, got {result.kind} results")
    return [quad.triple for quad in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)]
