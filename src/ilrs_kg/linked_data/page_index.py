"""The page index: what the pages would otherwise read by scanning the graph, written once at build
time into a SQLite file in the release (`index/pages.sqlite`), which page workers open read-only:
- every entity's names, folded, under an FTS5 index (search);
- the hubs: every thing with more than HUB_LINKS links of one property pointing to it, and how many of
  each property point to it (entity pages and /incoming page those links instead of reading them all);
- the graph's counts (stats_queries.count_graph: the home page, the ontology page, VoID), and which
  members and missions the home page shows (home.choose);
- the size of every named graph (a source's page);
- every order of every class table (class_order), as 32-bit ids into a table of IRIs.

Matching keeps name_search's rules (its `fold`, `rank` and their table of cases). FTS5 only narrows the
names to candidates; `rank` decides which match and in what order:
- a word that is a number must be a whole word of the name (the `words` column, one token per word);
- any other word may be anywhere inside the name ("unar" in "lunar", 四号 in 嫦娥四号): the `inside`
  column holds every suffix of every word, so "inside" is an FTS5 prefix query on it (no positions are
  kept, `detail=column`: no query needs them; at 1M triples the file is about 50 MB);
- a Russian word also finds name words that start with its stem (name_search.stem).
The `ascii` tokenizer splits on ASCII spaces and punctuation only, so the tokens are exactly `fold`'s
words, in any script.

Names are stored shortest first (then alphabetically): rowid order is name_search's order within a
rank, so the first CANDIDATES candidates FTS5 returns are the best ones of their rank. Exact names and
names that start with the query are looked up in their own index (`folded`), so a match of a better
rank is never left behind by the cap. A query with more candidates than the cap says so (`capped`):
its count is a lower bound.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.class_index import Sort
from ilrs_kg.linked_data.class_order import Order, Statements, class_orders, sort_name, statements
from ilrs_kg.linked_data.home import HomeChoice, choose, chosen_from_json, chosen_json
from ilrs_kg.linked_data.name_search import Hit, Name, fold, query_words, rank, stem
from ilrs_kg.linked_data.stats_queries import (
    GraphCounts,
    count_graph,
    counts_from_json,
    counts_json,
    graph_sizes,
)
from ilrs_kg.namespaces import ID_NS

PAGE_INDEX_FILE = "pages.sqlite"
# A thing with more links than this of one property pointing to it is a hub: its pages show the count
# and the first links, and page the rest.
HUB_LINKS = 200
# Candidates ranked per query, at most (ranking is Python: about 5 µs a name).
CANDIDATES = 1000
_ID_TYPE, _ID_BYTES = "I", 4
ClassPage = tuple[list[ox.NamedNode], int]
# A word's suffixes are indexed up to this length (longer words are still found by their starts).
_LONGEST_WORD = 40
_NAME_PROPERTIES = (t.LABEL, t.ALT_LABEL, t.PREF_LABEL)

_SCHEMA = """
CREATE TABLE names (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, text TEXT NOT NULL, lang TEXT,
                    folded TEXT NOT NULL);
CREATE INDEX names_folded ON names (folded);
CREATE TABLE hubs (object TEXT NOT NULL, predicate TEXT NOT NULL, links INTEGER NOT NULL,
                   PRIMARY KEY (object, predicate));
CREATE TABLE counts (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE graphs (graph TEXT PRIMARY KEY, facts INTEGER NOT NULL, entities INTEGER NOT NULL);
CREATE TABLE subjects (id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE class_order (class TEXT NOT NULL, sort TEXT NOT NULL, lang TEXT NOT NULL,
                          size INTEGER NOT NULL, ids BLOB NOT NULL, PRIMARY KEY (class, sort, lang));
CREATE VIRTUAL TABLE name_words USING fts5 (words, inside, content='', detail=column, tokenize='ascii');
"""


_DEPENDENT = tuple(f"{ID_NS}{kind}/" for kind in t.DEPENDENT_KINDS)


def _entities_named(named: Statements) -> Iterator[Name]:
    """The statements' names of entities under `id/`: told apart here, not in the query, which turned
    every subject into text twice (2.3 s instead of 5.5 at 1M triples)."""
    for subject, name in named:
        if isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal):
            iri = subject.value
            if iri.startswith(ID_NS) and not iri.startswith(_DEPENDENT):
                yield Name(iri, name.value, name.language)


def entity_names(store: ox.Store, labels: Statements | None = None) -> Iterator[Name]:
    """Every name (label, preferred or other name) of every entity under `id/`, streamed. Instants,
    intervals and geometries are named after what they date or place: they would crowd out the entities
    themselves ("Venezuela … period of membership"). `labels`: the rdfs:label statements, if the
    caller has read them (class_order.statements)."""
    for prop in _NAME_PROPERTIES:
        if prop == t.LABEL and labels is not None:
            yield from _entities_named(labels)
        else:
            yield from _entities_named(statements(store, prop))


def _inside(folded: str) -> str:
    """Every suffix of every word: a word inside a name is the start of one of them."""
    return " ".join(word[i:] for word in folded.split() for i in range(min(len(word), _LONGEST_WORD)))


def _fill(db: sqlite3.Connection, names: Iterable[Name]) -> int:
    db.executescript(_SCHEMA + "CREATE TEMP TABLE loose (subject, text, lang, folded);")
    batch: list[tuple[str, str, str | None, str]] = []
    count = 0
    for name in names:
        folded = fold(name.text)
        if folded:
            batch.append((name.subject, name.text, name.lang, folded))
        if len(batch) >= 10_000:
            db.executemany("INSERT INTO loose VALUES (?, ?, ?, ?)", batch)
            count += len(batch)
            batch.clear()
    db.executemany("INSERT INTO loose VALUES (?, ?, ?, ?)", batch)
    count += len(batch)
    # Shortest first: rowid order is the order within a rank. SQLite sorts on disk when it must. Every
    # column is a key: the ids do not depend on the order the names came in.
    db.execute(
        "INSERT INTO names (subject, text, lang, folded) SELECT DISTINCT subject, text, lang, folded "
        "FROM loose ORDER BY length(folded), folded, subject, text, lang"
    )
    db.execute("DROP TABLE loose")
    db.create_function("inside", 1, _inside, deterministic=True)
    db.execute("INSERT INTO name_words (rowid, words, inside) SELECT id, folded, inside(folded) FROM names")
    db.execute("INSERT INTO name_words (name_words) VALUES ('optimize')")
    db.commit()
    return count


def hub_links(store: ox.Store, threshold: int = HUB_LINKS) -> Iterator[tuple[str, str, int]]:
    """(object, property, links) for every thing some property links to more than `threshold` times,
    every property that links to it. Counted by the engine one property at a time (its memory is one
    property's distinct objects), then per hub."""
    rows = store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
    assert isinstance(rows, ox.QuerySolutions)
    properties = [row["p"].value for row in rows if isinstance(row["p"], ox.NamedNode)]
    hubs: set[str] = set()
    for prop in properties:
        found = store.query(
            f"SELECT ?o WHERE {{ ?s <{prop}> ?o FILTER(isIRI(?o)) }} "
            f"GROUP BY ?o HAVING (COUNT(*) > {threshold})"
        )
        assert isinstance(found, ox.QuerySolutions)
        hubs |= {row["o"].value for row in found if isinstance(row["o"], ox.NamedNode)}
    for hub in sorted(hubs):
        counted = store.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p <{hub}> }} GROUP BY ?p")
        assert isinstance(counted, ox.QuerySolutions)
        for row in counted:
            prop, n = row["p"], row["n"]
            if isinstance(prop, ox.NamedNode) and isinstance(n, ox.Literal):
                yield hub, prop.value, int(n.value)


def _order_rows(
    instances: list[str], orders: Iterable[tuple[str, list[Order]]], subjects: list[str]
) -> Iterator[tuple[str, str, str, int, bytes]]:
    """Every class's orders as rows of 32-bit subject ids (a page of one is a `substr`). A subject gets
    the next id (its place in `subjects`, from 1) where it first appears: every order of a class holds
    all its instances, so the class's first order decides."""
    ids = [0] * len(instances)
    for cls, kept in orders:
        for i in kept[0][2] if kept else ():
            if not ids[i]:
                subjects.append(instances[i])
                ids[i] = len(subjects)
        for sort, lang, order in kept:
            packed = array(_ID_TYPE, map(ids.__getitem__, order))
            assert packed.itemsize == _ID_BYTES
            yield cls, sort, lang, len(order), packed.tobytes()


def _fill_pages(db: sqlite3.Connection, store: ox.Store, labels: Statements | None = None) -> None:
    db.executemany("INSERT INTO hubs VALUES (?, ?, ?)", hub_links(store))
    sizes = graph_sizes(store)
    db.executemany("INSERT INTO graphs VALUES (?, ?, ?)", sizes.graphs)
    subjects: list[str] = []
    db.executemany(
        "INSERT INTO class_order VALUES (?, ?, ?, ?, ?)", _order_rows(*class_orders(store, labels), subjects)
    )
    db.executemany("INSERT INTO subjects VALUES (?, ?)", enumerate(subjects, start=1))
    db.execute("INSERT INTO counts VALUES ('graph', ?)", (counts_json(count_graph(store, sizes)),))
    db.execute("INSERT INTO counts VALUES ('home', ?)", (chosen_json(choose(store)),))
    db.commit()


def write_page_index(store: ox.Store, path: Path) -> int:
    """Write the page index of the store to `path` (a new file, moved into place when complete); the
    number of names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        # The labels are read once: they are names to find and the class tables' sort keys.
        labels = statements(store, t.LABEL)
        count = _fill(db, entity_names(store, labels))
        _fill_pages(db, store, labels)
        db.execute("VACUUM")
    finally:
        db.close()
    partial.replace(path)
    return count


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts_query(words: tuple[str, ...]) -> str:
    """The FTS5 query whose matches include every name `rank` accepts for these (folded) words."""
    parts = []
    for word in words:
        if word.isdigit():
            parts.append(f"words : {_quoted(word)}")
            continue
        either = [f"inside : {_quoted(word)}*"]
        root = stem(word)
        if root is not None:
            either.append(f"words : {_quoted(root)}*")
        parts.append("(" + " OR ".join(either) + ")")
    return " AND ".join(parts)


@dataclass(frozen=True)
class Found:
    hits: tuple[Hit, ...]
    capped: bool  # more names matched than were ranked: the count is a lower bound


class PageIndex:
    """One open index (read-only when opened from a release). Thread-safe: one query at a time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> PageIndex:
        """The release's index, read-only; `immutable`: a sealed release never changes, so SQLite takes
        no locks and many workers share the file through the page cache."""
        uri = f"file:{path.resolve().as_posix()}?mode=ro&immutable=1"
        return cls(sqlite3.connect(uri, uri=True, check_same_thread=False))

    @classmethod
    def of(cls, names: Iterable[Name]) -> PageIndex:
        """An index in memory (a store without a release: tests, tools)."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(db, names)
        return cls(db)

    @classmethod
    def of_store(cls, store: ox.Store) -> PageIndex:
        labels = statements(store, t.LABEL)
        index = cls.of(entity_names(store, labels))
        _fill_pages(index._db, store, labels)
        return index

    def hub(self, iri: str) -> dict[str, int]:
        """How many links of each property point to `iri`, if it is a hub; empty if it is not."""
        with self._lock:
            rows = self._db.execute("SELECT predicate, links FROM hubs WHERE object = ?", (iri,)).fetchall()
        return {str(p): int(n) for p, n in rows}

    def graph_size(self, iri: str) -> tuple[int, int] | None:
        """How many facts the named graph holds and how many entities they are about."""
        with self._lock:
            row = self._db.execute("SELECT facts, entities FROM graphs WHERE graph = ?", (iri,)).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def class_page(self, cls: str, sort: Sort, lang: str, offset: int, limit: int) -> ClassPage | None:
        """`limit` instances of the class from `offset` in the order asked for, and how many there are;
        None when the index has no order for the class (it has no instances)."""
        with self._lock:
            row = self._db.execute(
                "SELECT size, substr(ids, ?, ?) FROM class_order WHERE class = ? AND sort = ? "
                "AND lang IN (?, 'en') ORDER BY lang = 'en' LIMIT 1",
                (offset * _ID_BYTES + 1, limit * _ID_BYTES, cls, sort_name(sort), lang),
            ).fetchone()
            if row is None:
                return None
            ids = array(_ID_TYPE, bytes(row[1] or b"")).tolist()
            marks = ",".join("?" * len(ids))
            sql = f"SELECT id, iri FROM subjects WHERE id IN ({marks})"  # noqa: S608  # placeholders only
            found = dict(self._db.execute(sql, ids).fetchall())
        return [ox.NamedNode(found[i]) for i in ids], int(row[0])

    def _kept(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM counts WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def graph_counts(self) -> GraphCounts | None:
        kept = self._kept("graph")
        return counts_from_json(kept) if kept is not None else None

    def home(self) -> HomeChoice | None:
        """The members and missions the home page shows, with their totals, as the build chose them."""
        kept = self._kept("home")
        return chosen_from_json(kept) if kept is not None else None

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[tuple[int, str, str, str | None, str]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def search(self, query: str, limit: int = CANDIDATES) -> Found:
        """The subjects whose names match, best first (name_search's order), from at most `limit`
        candidates besides the exact and starting matches."""
        words = query_words(query)
        if not words:
            return Found((), capped=False)
        joined = " ".join(words)
        rows = self._rows("SELECT id, subject, text, lang, folded FROM names WHERE folded = ?", (joined,))
        # Names that start with the query ("luna 2" starts "luna 2 lander", not "luna 25": a number ends at
        # a word's end), by the index on `folded`.
        start = joined + " " if joined[-1].isdigit() else joined
        starting = self._rows(
            "SELECT id, subject, text, lang, folded FROM names WHERE folded > ? AND folded < ? "
            "ORDER BY folded LIMIT ?",
            (start, start + "\U0010ffff", limit),
        )
        matched = self._rows(
            "SELECT id, subject, text, lang, folded FROM names WHERE id IN "
            "(SELECT rowid FROM name_words WHERE name_words MATCH ? ORDER BY rowid LIMIT ?)",
            (fts_query(words), limit),
        )
        capped = len(starting) >= limit or len(matched) >= limit
        best: dict[str, tuple[int, int, str, Name]] = {}
        for _id, subject, text, lang, folded in (*rows, *starting, *matched):
            found = rank(words, folded)
            if found is None:
                continue
            key = (found, len(folded), folded, Name(subject, text, lang))
            current = best.get(subject)
            if current is None or key[:3] < current[:3]:
                best[subject] = key
        ordered = sorted(best.items(), key=lambda item: (*item[1][:3], item[0]))
        return Found(tuple(Hit(subject, key[3], key[0]) for subject, key in ordered), capped)

    def close(self) -> None:
        with self._lock:
            self._db.close()
