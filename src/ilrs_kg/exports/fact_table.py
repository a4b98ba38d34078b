"""The statement graphs' facts, copied once into an SQLite table indexed by subject, for the property graph.

The derivation reads one subject's facts at a time, with the graphs each sits in. Read from the on-disk
store, that costs a pattern read per subject that decodes every term's text from the store's dictionary
(about 10 µs a quad), and returns the default graph's copy of each fact as well as its named graphs'.
Here each statement quad is read once, from the N-Quads dump the build has already written (about
1.5 µs a line to parse, the default graph's lines included: two lines a fact against one 10 µs quad)
or from the store graph by graph, into a table on disk: memory stays bounded however large the graph,
and a subject's facts are one indexed lookup.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.namespaces import ONTOLOGY_GRAPH, PROVENANCE_GRAPH

# Graphs whose statements are not facts about instances.
PLUMBING = frozenset({ONTOLOGY_GRAPH, PROVENANCE_GRAPH})
# How an object is stored: its kind, its text, and its language tag or datatype IRI.
_IRI, _BLANK, _LANGUAGE, _TYPED = range(4)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
# A row read back: predicate, object, graph.
Row = tuple[str, Term, str]


def subject_key(subject: ox.NamedNode | ox.BlankNode) -> str:
    """The text a subject is looked up by: its IRI, or `_:` and its blank node id (no IRI starts so)."""
    return subject.value if type(subject) is ox.NamedNode else "_:" + subject.value


def store_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The statement graphs' quads, graph by graph (the store's graph-first index: no default graph)."""
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value not in PLUMBING:
            yield from store.quads_for_pattern(None, None, None, graph)


def dump_quads(nquads: Path) -> Iterator[ox.Quad]:
    """Every quad of an N-Quads dump of the store, in its order (FactTable skips the default graph's and
    the plumbing graphs'). The whole file is read: only an on-disk store writes its default graph first,
    and splitting the file where the named graphs seem to begin would drop, without a word, any named
    graph's line before that point in another order (parsing that half costs about 1.5 s a million)."""
    return ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS, lenient=True)  # lenient: our own dump


class FactTable:
    """Facts of the statement graphs in `path` (an SQLite file its owner removes), by subject."""

    def __init__(self, path: Path, quads: Iterable[ox.Quad]) -> None:
        self._connection = sqlite3.connect(path)
        try:
            self._fill(quads)
        except BaseException:
            self._connection.close()
            raise
        self._datatypes: dict[str, ox.NamedNode] = {}

    def _fill(self, quads: Iterable[ox.Quad]) -> None:
        # A scratch file rebuilt from the store whenever needed: no journal, no syncs.
        self._connection.execute("PRAGMA journal_mode = OFF")
        self._connection.execute("PRAGMA synchronous = OFF")
        # 64 MiB of pages: lookups in subject order find their neighbours' pages (SQLite's default is 2).
        self._connection.execute("PRAGMA cache_size = -65536")
        self._connection.execute(
            "CREATE TABLE fact (subject TEXT, predicate INTEGER, kind INTEGER, object TEXT, "
            "extra TEXT, graph INTEGER)"
        )
        # Predicates and graphs are few: stored as numbers, named here.
        self._names: list[str] = []
        self._numbers: dict[str, int] = {}
        self._connection.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?)", self._rows(quads))
        self._connection.execute("CREATE INDEX fact_subject ON fact (subject)")
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()

    def _number(self, name: str) -> int:
        number = self._numbers.get(name)
        if number is None:
            number = self._numbers[name] = len(self._names)
            self._names.append(name)
        return number

    def _rows(self, quads: Iterable[ox.Quad]) -> Iterator[tuple[str, int, int, str, str | None, int]]:
        number = self._number
        for quad in quads:
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode) or graph.value in PLUMBING:  # the default graph too
                continue
            obj = quad.object
            if isinstance(obj, ox.NamedNode):
                stored: tuple[int, str, str | None] = (_IRI, obj.value, None)
            elif isinstance(obj, ox.Literal):
                language = obj.language
                if language:
                    stored = (_LANGUAGE, obj.value, language)
                else:
                    stored = (_TYPED, obj.value, obj.datatype.value)
            elif isinstance(obj, ox.BlankNode):
                stored = (_BLANK, obj.value, None)
            else:
                continue  # a quoted triple: no property graph value
            subject = quad.subject
            if isinstance(subject, ox.NamedNode | ox.BlankNode):
                yield (subject_key(subject), number(quad.predicate.value), *stored, number(graph.value))

    def rows(self, subject: str) -> list[Row]:
        """The subject's facts, one row per graph that states each (in no particular order)."""
        found = self._connection.execute(
            "SELECT predicate, kind, object, extra, graph FROM fact WHERE subject = ?", (subject,)
        )
        names, term = self._names, self._term
        return [(names[p], term(kind, text, extra), names[g]) for p, kind, text, extra, g in found]

    def links(self, predicate: str) -> Iterator[tuple[str, str]]:
        """(subject IRI, object IRI) of every fact of `predicate` between two IRIs (a scan of the table)."""
        number = self._numbers.get(predicate)
        if number is None:
            return
        found = self._connection.execute(
            "SELECT subject, object FROM fact WHERE predicate = ? AND kind = ?", (number, _IRI)
        )
        for subject, obj in found:
            if not subject.startswith("_:"):
                yield subject, obj

    def _term(self, kind: int, text: str, extra: str | None) -> Term:
        if kind == _IRI:
            return ox.NamedNode(text)
        if kind == _TYPED:
            assert extra is not None
            datatype = self._datatypes.get(extra)
            if datatype is None:
                datatype = self._datatypes[extra] = ox.NamedNode(extra)
            return ox.Literal(text, datatype=datatype)
        if kind == _LANGUAGE:
            return ox.Literal(text, language=extra)
        return ox.BlankNode(text)
