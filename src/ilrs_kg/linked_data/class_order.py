"""The orders of the class tables, computed once at build time (kept in the page index, page_index).

A class page shows 200 of its instances in the order asked for (class_index: by name, or by a column,
either way round, in the reader's language). Choosing them at request time means sorting every
instance: 2.4-5.8 s at 1M triples, growing with the class. Here every order is computed once, in
Python, with class_index's rules (the SPARQL it would run orders the same way):
- by name: the instance's lowest label in the language (LANGMATCHES), else in English, else its IRI, in
  lower case; then by IRI; descending reverses both;
- by a column: the first of the column's properties the instance has; each value is named by its label
  in the language, else in English, else its own text, in lower case, the lowest counting; instances
  without a value last either way round; then by name ascending, then by IRI.
An order for another language is kept only where it differs from the English one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.class_index import COLUMNS, RDFS_SUBCLASS_OF, Sort, instances_where
from ilrs_kg.namespaces import ONTOLOGY_GRAPH
from ilrs_kg.web.languages import SUPPORTED_LANGUAGES

_DEFAULT = ox.DefaultGraph()
_LABEL = ox.NamedNode(t.LABEL)
Value = ox.NamedNode | ox.BlankNode | ox.Literal


def sort_name(sort: Sort) -> str:
    return f"{sort.key}:{'desc' if sort.descending else 'asc'}"


def _langmatches(tag: str, lang: str) -> bool:
    return tag == lang or tag.startswith(lang + "-")


@dataclass
class _Labels:
    """Labels by node, read once each for the whole build (an instance is in its class's table and in
    every class's above it), kept small: each label as (its text in lower case, its language tag)."""

    store: ox.Store
    known: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def of(self, term: Value) -> tuple[tuple[str, str], ...]:
        if isinstance(term, ox.Literal):
            return ()
        found = self.known.get(term.value)
        if found is None:
            found = tuple(
                (q.object.value.lower(), (q.object.language or "").lower())
                for q in self.store.quads_for_pattern(term, _LABEL, None, _DEFAULT)
                if isinstance(q.object, ox.Literal)
            )
            self.known[term.value] = found
        return found

    def key(self, term: Value, lang: str) -> str:
        """The label in `lang`, else in English, else the term's own text; lower case; the lowest."""
        labels = self.of(term)
        for wanted in (lang, "en"):
            matching = [text for text, tag in labels if _langmatches(tag, wanted)]
            if matching:
                return min(matching)
        return term.value.lower()


def classes_with_instances(store: ox.Store) -> list[str]:
    """Every class a statement graph types something with, and every class above those."""
    rows = store.query(
        f"""SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?s a ?type }} FILTER(?g != <{ONTOLOGY_GRAPH}>)
              ?type <{RDFS_SUBCLASS_OF}>* ?c }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    return sorted(row["c"].value for row in rows if isinstance(row["c"], ox.NamedNode))


def _instances(store: ox.Store, cls: str) -> list[ox.NamedNode]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ {instances_where(cls)} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return [row["s"] for row in rows if isinstance(row["s"], ox.NamedNode)]


def _column_values(store: ox.Store, node: ox.NamedNode, props: tuple[str, ...]) -> list[Value]:
    """The values of the first of the column's properties the instance has."""
    for prop in props:
        values = [
            q.object
            for q in store.quads_for_pattern(node, ox.NamedNode(prop), None, _DEFAULT)
            if not isinstance(q.object, ox.Triple)
        ]
        if values:
            return values
    return []


def orders_of(store: ox.Store, cls: str, labels: _Labels) -> Iterator[tuple[str, str, list[str]]]:
    """(sort, language, instance IRIs in that order) for every order of the class's table. Each value is
    read once; only the keys are made per language."""
    nodes = _instances(store, cls)
    columns = COLUMNS.get(cls, ())
    values = {c.key: {n.value: _column_values(store, n, c.props) for n in nodes} for c in columns}
    english: dict[str, list[str]] = {}
    # Which languages any name or value has decides which orders are made.
    named: list[Value] = [*nodes, *(v for found in values.values() for vs in found.values() for v in vs)]
    tags = {tag for term in named for _, tag in labels.of(term)}
    for lang in SUPPORTED_LANGUAGES:
        if lang != "en" and not any(_langmatches(tag, lang) for tag in tags):
            continue  # no label in this language: its orders are the English ones
        names = {n.value: labels.key(n, lang) for n in nodes}
        by_name = sorted(names, key=lambda s: (names[s], s))
        orders = {sort_name(Sort()): by_name, sort_name(Sort(descending=True)): by_name[::-1]}
        for column in columns:
            found = values[column.key]
            keys = {s: min(labels.key(v, lang) for v in found[s]) for s in by_name if found[s]}
            valued = [s for s in by_name if s in keys]
            unvalued = [s for s in by_name if s not in keys]
            for descending in (False, True):
                # Stable either way round (reverse=True keeps equal keys in their order): ties by name.
                ordered = sorted(valued, key=keys.__getitem__, reverse=descending)
                orders[sort_name(Sort(column.key, descending))] = ordered + unvalued
        for sort, order in orders.items():
            if lang == "en":
                english[sort] = order
            if lang == "en" or order != english[sort]:
                yield sort, lang, order


def class_orders(store: ox.Store) -> Iterator[tuple[str, str, str, list[str]]]:
    """(class, sort, language, instance IRIs in that order) for every class with instances."""
    labels = _Labels(store)
    for cls in classes_with_instances(store):
        for sort, lang, order in orders_of(store, cls, labels):
            yield cls, sort, lang, order
