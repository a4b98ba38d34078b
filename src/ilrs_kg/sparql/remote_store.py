"""A remote SPARQL endpoint read the way the linked-data pages read a pyoxigraph Store.

The pages (ilrs_kg.linked_data) call two methods of their store: `query` and `quads_for_pattern`, and tell
it which subjects they read next where they know (`read_ahead`: a class page's rows). `RemoteStore`
answers them over HTTP (ilrs_kg.sparql.remote) in the same Python types, so the page code
runs unchanged over a remote backend. The dataset is the one the embedded store has: the default graph
is the published merge, the named graphs are ours.

It is synchronous, as the pages are: a backend renders pages on threads (ilrs_kg.sparql.remote_backend),
each under a deadline this store applies to every request it sends for that page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

import httpx
import pyoxigraph as ox

from ilrs_kg.errors import ResultTooLarge, StoreError
from ilrs_kg.sparql.execution import Answer
from ilrs_kg.sparql.formats import QueryForm
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.remote import MERGE_GRAPH, Ask, Dataset, Remote, Reply, exchange, reply_bytes, timed_out
from ilrs_kg.sparql.screen import screen

PatternTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None
_SUBJECTS_PER_REQUEST = 100


@dataclass
class _RenderCache:
    subjects: dict[ox.NamedNode, list[ox.Quad]] = field(default_factory=dict)
    patterns: dict[tuple[str, str, str, str], list[ox.Quad]] = field(default_factory=dict)
    pending: dict[ox.NamedNode, None] = field(default_factory=dict)  # an ordered set, newest last

    def linked_rows(self, solutions: ox.QuerySolutions) -> None:
        for row in solutions:
            for term in row:
                if isinstance(term, ox.NamedNode) and term not in self.subjects:
                    self.pending[term] = None

    def linked(self, quads: list[ox.Quad]) -> None:
        for quad in quads:
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.NamedNode) and term not in self.subjects:
                    self.pending[term] = None


class RemoteStore:
    def __init__(self, remote: Remote, named_graphs: tuple[str, ...], limits: Limits, timeout: float) -> None:
        self.remote = remote
        self.named_graphs = named_graphs
        self.limits = limits
        self.timeout = timeout
        self.max_bytes = reply_bytes(limits.max_result_bytes)
        self.dataset = Dataset((MERGE_GRAPH,), named_graphs)
        self._client = httpx.Client(auth=remote.auth(), limits=remote.limits(), follow_redirects=False)
        self._local = threading.local()

    def close(self) -> None:
        self._client.close()

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """One page: every request this thread sends meanwhile must be answered within `seconds` from
        now, and what it reads is kept until the page is done (a page asks for the same subject many
        times; each request is a round trip, where a local store answers in microseconds)."""
        self._local.deadline = time.monotonic() + seconds
        self._local.cache = _RenderCache()
        try:
            yield
        finally:
            self._local.deadline = None
            self._local.cache = None

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        default_graph: object = None,
        named_graphs: object = None,
        use_default_graph_as_union: bool = False,
    ) -> Answer:
        """The query over our dataset (the pages never pick another)."""
        if default_graph is not None or named_graphs is not None or use_default_graph_as_union:
            raise StoreError("a remote store answers over the published dataset only")
        screened = screen(query, self.limits)
        dataset = None if screened.names_dataset else self.dataset
        reply = self._exchange(Ask(query, dataset, screened.form, base_iri))
        cache: _RenderCache | None = getattr(self._local, "cache", None)
        if cache is not None and screened.form is QueryForm.SELECT:
            # What a page selects (its members, its missions) it reads about next.
            answer = reply.answer()
            assert isinstance(answer, ox.QuerySolutions)
            cache.linked_rows(answer)
        return reply.answer()

    def quads_for_pattern(
        self,
        subject: PatternTerm,
        predicate: PatternTerm,
        object: PatternTerm,  # pyoxigraph's own parameter name
        graph_name: GraphName = None,
    ) -> Iterator[ox.Quad]:
        cache: _RenderCache | None = getattr(self._local, "cache", None)
        if cache is None:
            return iter(self._fetch(subject, predicate, object, graph_name))
        if isinstance(subject, ox.NamedNode):
            return (q for q in self._described(cache, subject) if _matches(q, predicate, object, graph_name))
        key = _pattern_key(subject, predicate, object, graph_name)
        if key not in cache.patterns:
            cache.patterns[key] = self._fetch(subject, predicate, object, graph_name)
            cache.linked(cache.patterns[key])
        return iter(cache.patterns[key])

    def first_quads(
        self,
        subject: PatternTerm,
        predicate: PatternTerm,
        object: PatternTerm,  # pyoxigraph's own parameter name
        graph_name: GraphName,
        limit: int | None,
    ) -> list[ox.Quad]:
        """The pattern's first `limit` quads, asked for with LIMIT; a subject read whole already is
        answered from what the page read."""
        cache: _RenderCache | None = getattr(self._local, "cache", None)
        if limit is None or isinstance(subject, ox.NamedNode) or cache is None:
            return list(islice(self.quads_for_pattern(subject, predicate, object, graph_name), limit))
        key = _pattern_key(subject, predicate, object, graph_name)
        if key in cache.patterns:
            return cache.patterns[key][:limit]
        quads = self._fetch(subject, predicate, object, graph_name, limit)
        cache.linked(quads)
        return quads

    def read_ahead(self, subjects: list[ox.NamedNode]) -> None:
        """Read these subjects' quads now, a hundred a request, since the page reads them next (outside a
        page there is nothing to keep them in)."""
        cache: _RenderCache | None = getattr(self._local, "cache", None)
        if cache is None:
            return
        missing = [s for s in dict.fromkeys(subjects) if s not in cache.subjects]
        self._read_subjects(cache, missing)
        for subject in missing:
            cache.pending.pop(subject, None)

    def read_ahead_links(self, predicate: ox.NamedNode, objects: list[ox.NamedNode]) -> None:
        """Read the links `?s predicate o` (the merge's) to each of these objects now, a hundred objects a
        request, since the page looks each up next. A batch whose answer is cut at the endpoint's row
        limit is left to those lookups, one object at a time."""
        cache: _RenderCache | None = getattr(self._local, "cache", None)
        if cache is None:
            return
        default = ox.DefaultGraph()
        missing = [
            o
            for o in dict.fromkeys(objects)
            if _pattern_key(None, predicate, o, default) not in cache.patterns
        ]
        for start in range(0, len(missing), _SUBJECTS_PER_REQUEST):
            batch = missing[start : start + _SUBJECTS_PER_REQUEST]
            values = " ".join(str(o) for o in batch)
            query = f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {values} }} ?s {predicate} ?o }}"
            try:
                answer = self._ask(query, Dataset((MERGE_GRAPH,)), None, form=QueryForm.SELECT)
            except ResultTooLarge:
                continue
            assert isinstance(answer, ox.QuerySolutions)
            found: dict[object, list[ox.Quad]] = {o: [] for o in batch}
            for row in answer:
                subject, obj = row["s"], row["o"]
                if isinstance(subject, ox.NamedNode | ox.BlankNode) and obj in found:
                    found[obj].append(ox.Quad(subject, predicate, obj, default))
            for obj, quads in found.items():
                assert isinstance(obj, ox.NamedNode)
                cache.patterns[_pattern_key(None, predicate, obj, default)] = quads
                cache.linked(quads)

    def _described(self, cache: _RenderCache, subject: ox.NamedNode) -> list[ox.Quad]:
        """The subject's quads in every graph, read once per page. The IRIs the quads read so far point
        to wait as candidates: a page reads those next (what it links to, their labels), so a miss
        reads them with it, in one request."""
        if subject not in cache.subjects:
            batch = [subject]
            while cache.pending and len(batch) < _SUBJECTS_PER_REQUEST:
                candidate, _ = cache.pending.popitem()
                if candidate not in cache.subjects and candidate != subject:
                    batch.append(candidate)
            self._read_subjects(cache, batch)
        cache.pending.pop(subject, None)
        return cache.subjects[subject]

    def _read_subjects(self, cache: _RenderCache, subjects: list[ox.NamedNode]) -> None:
        for start in range(0, len(subjects), _SUBJECTS_PER_REQUEST):
            batch = subjects[start : start + _SUBJECTS_PER_REQUEST]
            for node in batch:
                cache.subjects[node] = []
            values = " ".join(str(node) for node in batch)
            query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            answer = self._ask(query, self._every_graph(), None, form=QueryForm.SELECT)
            assert isinstance(answer, ox.QuerySolutions)
            for row in answer:
                node = row["s"]
                assert isinstance(node, ox.NamedNode)
                cache.subjects[node].append(ox.Quad(node, row["p"], row["o"], _graph(row["g"])))
            for node in batch:
                cache.linked(cache.subjects[node])

    def _every_graph(self) -> Dataset:
        # Every graph the embedded store has: ours, and the merge standing for its default graph.
        return Dataset((), (MERGE_GRAPH, *self.named_graphs))

    def _fetch(
        self,
        subject: PatternTerm,
        predicate: PatternTerm,
        object: PatternTerm,
        graph_name: GraphName,
        limit: int | None = None,
    ) -> list[ox.Quad]:
        triple = " ".join([_pattern(subject, "?s"), _pattern(predicate, "?p"), _pattern(object, "?o")])
        if isinstance(graph_name, ox.DefaultGraph):
            where, dataset = f"{{ {triple} }}", Dataset((MERGE_GRAPH,))
        elif isinstance(graph_name, ox.NamedNode):
            where, dataset = (
                f"{{ GRAPH <{graph_name.value}> {{ {triple} }} }}",
                Dataset((), (graph_name.value,)),
            )
        elif graph_name is None:
            where, dataset = f"{{ GRAPH ?g {{ {triple} }} }}", self._every_graph()
        else:
            raise StoreError("a blank node cannot name a graph on a remote store")
        bound = f" LIMIT {limit}" if limit is not None else ""
        answer = self._ask(f"SELECT * WHERE {where}{bound}", dataset, None, form=QueryForm.SELECT)
        assert isinstance(answer, ox.QuerySolutions)
        given = (subject, predicate, object)
        quads = []
        for row in answer:
            s, p, o = (
                term if term is not None else row[name] for term, name in zip(given, "spo", strict=True)
            )
            graph = graph_name if graph_name is not None else _graph(row["g"])
            quads.append(ox.Quad(s, p, o, graph))  # type: ignore[arg-type]  # the endpoint bound every variable
        return quads

    def _ask(
        self, query: str, dataset: Dataset | None, base_iri: str | None, *, form: QueryForm | None
    ) -> Answer:
        return self._exchange(Ask(query, dataset, form, base_iri)).answer()

    def _exchange(self, ask: Ask) -> Reply:
        deadline = getattr(self._local, "deadline", None) or time.monotonic() + self.timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise timed_out("page", self.timeout)
        return exchange(
            self._client,
            self.remote,
            ask,
            seconds=left,
            max_bytes=self.max_bytes,
            what="page",
            limit=self.timeout,
        )


def _pattern_key(
    subject: PatternTerm, predicate: PatternTerm, obj: PatternTerm, graph_name: GraphName
) -> tuple[str, str, str, str]:
    return (str(subject), str(predicate), str(obj), str(graph_name))


def _pattern(term: PatternTerm, variable: str) -> str:
    if term is None:
        return variable
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)  # N-Triples syntax, which SPARQL reads as the same term
    raise StoreError("a remote store cannot look up a blank node or a quoted triple by value")


def _graph(term: object) -> ox.NamedNode | ox.DefaultGraph:
    """A graph as the endpoint names it, the published merge read back as the default graph."""
    if isinstance(term, ox.NamedNode) and term.value != MERGE_GRAPH:
        return term
    return ox.DefaultGraph()


def _matches(quad: ox.Quad, predicate: PatternTerm, object: PatternTerm, graph_name: GraphName) -> bool:
    if predicate is not None and quad.predicate != predicate:
        return False
    if object is not None and quad.object != object:
        return False
    if graph_name is None:
        return True
    if isinstance(graph_name, ox.DefaultGraph):
        return isinstance(quad.graph_name, ox.DefaultGraph)
    return quad.graph_name == graph_name
