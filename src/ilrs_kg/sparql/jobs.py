"""What a backend is asked (QueryJob) and what it answers (QueryResult): plain, picklable values."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class QueryResult:
    kind: ResultKind
    content_type: str
    body: bytes
