"""Run one job on a pyoxigraph store and serialize the answer with pyoxigraph's own serializers.

The same function runs in every worker process and in the in-process backend, so the refusals of
ilrs_kg.sparql.screen (its `guard`) hold wherever a query is executed, whoever called; a job the
endpoint screened already (`QueryJob.screened`) is not screened twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from ilrs_kg.errors import QueryFailed, QuerySyntaxError, ResultTooLarge
from ilrs_kg.sparql.formats import write_results
from ilrs_kg.sparql.jobs import QueryJob, QueryResult, ResultKind
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.screen import guard


class _Overflow(Exception):
    pass


class _LimitedBuffer:
    """A write-only byte sink that stops the serializer once the result passes the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Overflow
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        return None


def _dataset_options(job: QueryJob) -> dict[str, Any]:
    if job.dataset is not None:
        default, named = job.dataset
        return {
            "default_graph": [ox.NamedNode(iri) for iri in default],
            "named_graphs": [ox.NamedNode(iri) for iri in named],
        }
    # Without a dataset the default graph is the store's own: the build writes there the merge of all named
    # graphs, each fact once (Oxigraph's union would repeat a fact once per source graph stating it).
    return {}


def execute(store: ox.Store, job: QueryJob, limits: Limits) -> QueryResult:
    """The serialized answer, or the QueryError (or BadRequest) that says why there is none."""
    if not job.screened:
        guard(job.query, limits)
    try:
        options = _dataset_options(job)
        return serialize(store.query(job.query, base_iri=job.base_iri, **options), job, limits)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"the query does not parse: {exc}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed(f"evaluating the query failed: {exc}") from exc


Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Sequence[ox.Triple]


def serialize(result: Answer, job: QueryJob, limits: Limits) -> QueryResult:
    """An answer (a store's, or one parsed from another endpoint's reply) in the job's format, within
    the result limit: one serializer and one limit wherever the answer came from."""
    kind: ResultKind
    if isinstance(result, ox.QueryTriples | Sequence):
        kind, graph_format = "graph", ox.RdfFormat.from_media_type(job.graph_type)
        fmt: ox.RdfFormat | ox.QueryResultsFormat = graph_format or ox.RdfFormat.TURTLE
    else:
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        fmt = ox.QueryResultsFormat.from_media_type(job.solutions_type) or ox.QueryResultsFormat.JSON
    sink = _LimitedBuffer(limits.max_result_bytes)
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(sink, fmt)  # type: ignore[arg-type]  # each result type takes its own formats
        elif isinstance(result, Sequence):
            graph = ox.RdfFormat.N_TRIPLES if not isinstance(fmt, ox.RdfFormat) else fmt
            # A dataset format takes quads: the triples go in its default graph, as a store's would.
            quads = (
                [ox.Quad(t.subject, t.predicate, t.object) for t in result]
                if graph.supports_datasets
                else result
            )
            ox.serialize(quads, sink, graph)  # type: ignore[arg-type]
        else:
            write_results(result, sink, fmt)  # type: ignore[arg-type]
    except _Overflow as exc:
        raise too_large(limits.max_result_bytes) from exc
    return QueryResult(kind, fmt.media_type, b"".join(sink.parts))


def too_large(limit: int) -> ResultTooLarge:
    """The refusal of a result over the limit, whoever evaluated the query."""
    return ResultTooLarge(
        f"the result is larger than the {limit:,}-byte limit; "
        "ask for less (LIMIT, fewer variables, a narrower pattern)"
    )
