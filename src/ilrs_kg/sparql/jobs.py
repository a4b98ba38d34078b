"""What a backend is asked (QueryJob) and what it answers (QueryResult): plain, picklable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ilrs_kg.sparql.formats import GRAPHS, SOLUTIONS

ResultKind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class QueryJob:
    query: str
    # Media types to answer in: one for SELECT/ASK results, one for CONSTRUCT/DESCRIBE results.
    solutions_type: str = SOLUTIONS.default.media_type
    graph_type: str = GRAPHS.default.media_type
    base_iri: str | None = None
    # (default graphs, named graphs) from the protocol, overriding FROM. Without either, the default
    # graph is the union of all graphs and every named graph is addressable.
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    # The endpoint screened the query already (ilrs_kg.sparql.screen), and refused it if it had to: the
    # worker need not look again. Its sandbox, not the screen, keeps SERVICE off the network. Not part
    # of the job's identity (cache keys): it does not change the answer.
    screened: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class QueryResult:
    kind: ResultKind
    content_type: str
    body: bytes
