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

What the orders need is read in whole passes: the instances of each type the statement graphs use,
every label, every value of each column's properties. The store turns each term it returns into text
by a lookup of its own, so the cost is the number of terms read: reading node by node (per instance,
per class above it, per property) read each several times and cost three times more at 1M triples. An
instance is a position in one list of them all, in IRI order, so that sorting positions by their keys
keeps ties in IRI order and no IRI is looked up again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.class_index import COLUMNS, RDFS_SUBCLASS_OF, Column, Sort
from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH
from ilrs_kg.web.languages import SUPPORTED_LANGUAGES

Value = ox.NamedNode | ox.BlankNode | ox.Literal
# A node's labels (the merged graph): (text, language tag in lower case).
Labels = list[tuple[str, str]]
# A value of a column: a literal's text in lower case, or a node's IRI or blank node id (True).
Cell = tuple[str, bool]
_STATED = f"GRAPH ?g {{ ?s a ?type }} FILTER(?g != <{ONTOLOGY_GRAPH}>)"


def sort_name(sort: Sort) -> str:
    return f"{sort.key}:{'desc' if sort.descending else 'asc'}"


def _langmatches(tag: str, lang: str) -> bool:
    return tag == lang or tag.startswith(lang + "-")


def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return rows


def _stated_types(store: ox.Store) -> dict[Value, list[str]]:
    """Each type a statement graph gives something, with every class it is (itself and the classes
    above it)."""
    rows = _rows(
        store,
        f"""SELECT ?type ?c WHERE {{ {{ SELECT DISTINCT ?type WHERE {{ {_STATED} }} }}
              ?type <{RDFS_SUBCLASS_OF}>* ?c }}""",
    )
    above: dict[Value, list[str]] = {}
    for kind, cls in rows:
        if isinstance(kind, Value):
            found = above.setdefault(kind, [])
            if isinstance(cls, ox.NamedNode):
                found.append(cls.value)
    return above


def classes_with_instances(store: ox.Store) -> list[str]:
    """Every class a statement graph types something with, and every class above those."""
    return sorted({c for cs in _stated_types(store).values() for c in cs})


def _typed(store: ox.Store, kinds: list[Value]) -> Iterator[tuple[Value, str]]:
    """(type, instance under id/) for everything a statement graph types, one query per type: each
    instance's IRI is read once per type it has, not once per class above it."""
    for kind in kinds:
        if isinstance(kind, ox.NamedNode):
            query = f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{kind.value}> }}
                          FILTER(?g != <{ONTOLOGY_GRAPH}>) }}"""
            for (s,) in _rows(store, query):
                if isinstance(s, ox.NamedNode) and s.value.startswith(ID_NS):
                    yield kind, s.value
    # A blank node can be no query's constant: what blank types type is read in one query.
    for kind, s in _rows(store, f"SELECT DISTINCT ?type ?s WHERE {{ {_STATED} FILTER(isBLANK(?type)) }}"):
        if isinstance(kind, ox.BlankNode) and isinstance(s, ox.NamedNode) and s.value.startswith(ID_NS):
            yield kind, s.value


@dataclass(frozen=True)
class Instances:
    """Every instance under id/ of every class a statement graph types something with (or a class
    above those), once, in IRI order; and each class's, as ascending positions in that list."""

    iris: list[str]
    of_class: dict[str, list[int]]


def instances_by_class(store: ox.Store) -> Instances:
    above = _stated_types(store)
    by_type: dict[Value, list[str]] = {kind: [] for kind in above}
    for kind, instance in _typed(store, list(above)):
        by_type[kind].append(instance)
    iris = sorted({iri for found in by_type.values() for iri in found})
    position = {iri: i for i, iri in enumerate(iris)}
    classes: dict[str, set[int]] = {cls: set() for cls in sorted({c for cs in above.values() for c in cs})}
    for kind, found in by_type.items():
        positions = [position[iri] for iri in found]
        for cls in above[kind]:
            classes[cls].update(positions)
    return Instances(iris, {cls: sorted(found) for cls, found in classes.items()})


# Statements of one property: (subject, object), in the store's order.
Statements = list[tuple[object, object]]


def statements(store: ox.Store, prop: str) -> Statements:
    """Every statement of the property in the merged graph, as (subject, object)."""
    return [(s, o) for s, o in _rows(store, f"SELECT ?s ?o WHERE {{ ?s <{prop}> ?o }}")]


def _labels(statements: Statements) -> dict[str, Labels]:
    """Every node's labels, by its IRI or blank node id."""
    found: dict[str, Labels] = {}
    for node, label in statements:
        if isinstance(node, ox.NamedNode | ox.BlankNode) and isinstance(label, ox.Literal):
            found.setdefault(node.value, []).append((label.value, (label.language or "").lower()))
    return found


def _key(labels: Labels, own: str, lang: str) -> str:
    """The label in `lang`, else in English, else the term's own text; lower case; the lowest."""
    for wanted in (lang, "en"):
        below = wanted + "-"  # LANGMATCHES, written out: this runs for every instance
        matching = [text.lower() for text, tag in labels if tag == wanted or tag.startswith(below)]
        if matching:
            return min(matching)
    return own.lower()


@dataclass
class _Keys:
    """Sort keys by language: every instance's (by position) and every value's, each made once for the
    whole build (an instance is in its class's table and in every class's above it)."""

    labels: dict[str, Labels]
    instances: list[str]
    names: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # The nodes with a label in each language (LANGMATCHES), and the instances among them.
    named_in: dict[str, set[str]] = field(default_factory=dict)
    instances_named_in: dict[str, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_tag: dict[str, set[str]] = {}
        for node, found in self.labels.items():
            for _, tag in found:
                by_tag.setdefault(tag, set()).add(node)
        for lang in SUPPORTED_LANGUAGES:
            named = set().union(*(nodes for tag, nodes in by_tag.items() if _langmatches(tag, lang)))
            self.named_in[lang] = named
            self.instances_named_in[lang] = {i for i, iri in enumerate(self.instances) if iri in named}
            self.values[lang] = {}

    def of_instances(self, lang: str) -> list[str]:
        """Every instance's name key in `lang`, by position."""
        names = self.names.get(lang)
        if names is None:
            labels = self.labels
            if lang == "en":
                names = [_key(labels.get(iri, []), iri, lang) for iri in self.instances]
            else:  # an instance without a label in the language is named as in English
                names = list(self.of_instances("en"))
                for i in self.instances_named_in[lang]:
                    names[i] = _key(labels[self.instances[i]], self.instances[i], lang)
            self.names[lang] = names
        return names

    def of(self, value: Cell, lang: str) -> str:
        text, node = value
        if not node:
            return text
        made = self.values[lang]
        key = made.get(text)
        if key is None:
            key = made[text] = _key(self.labels.get(text, []), text, lang)
        return key

    def any_named_in(self, lang: str, instances: list[int], values: Iterator[Cell]) -> bool:
        """Whether any of the instances, or any value that is no literal, has a label in `lang`."""
        named = self.named_in[lang]
        return not self.instances_named_in[lang].isdisjoint(instances) or any(
            text in named for text, node in values if node
        )


def _values(store: ox.Store, prop: str) -> dict[str, list[Cell]]:
    """Every subject's values of the property (the merged graph), in one pass."""
    found: dict[str, list[Cell]] = {}
    for node, value in _rows(store, f"SELECT ?s ?v WHERE {{ ?s <{prop}> ?v }}"):
        if isinstance(node, ox.NamedNode):
            if isinstance(value, ox.Literal):
                found.setdefault(node.value, []).append((value.value.lower(), False))
            elif isinstance(value, ox.NamedNode | ox.BlankNode):
                found.setdefault(node.value, []).append((value.value, True))
    return found


def _column(values: dict[str, dict[str, list[Cell]]], column: Column, node: str) -> list[Cell]:
    """The values of the first of the column's properties the instance has."""
    for prop in column.props:
        found = values[prop].get(node)
        if found:
            return found
    return []


# (sort, language, positions of the instances in that order): every order holds every instance.
Order = tuple[str, str, list[int]]


def orders_of(
    cls: str, instances: list[int], values: dict[str, dict[str, list[Cell]]], keys: _Keys
) -> list[Order]:
    """Every order of the class's table; `instances`: its instances' ascending positions; `values`: every
    value of the columns' properties, by property and subject."""
    columns = COLUMNS.get(cls, ())
    cells = [[_column(values, c, keys.instances[i]) for i in instances] for c in columns]
    english: dict[str, list[int]] = {}
    kept: list[Order] = []
    for lang in SUPPORTED_LANGUAGES:
        # Which languages any name or value has decides which orders are made.
        every_value = (v for column in cells for vs in column for v in vs)
        if lang != "en" and not keys.any_named_in(lang, instances, every_value):
            continue  # no label in this language: its orders are the English ones
        # Positions are in IRI order and sorting is stable: by name, then by IRI.
        by_name = sorted(instances, key=keys.of_instances(lang).__getitem__)
        orders = {sort_name(Sort()): by_name, sort_name(Sort(descending=True)): by_name[::-1]}
        for column, found in zip(columns, cells, strict=True):
            cell_keys = {
                i: keys.of(vs[0], lang) if len(vs) == 1 else min(keys.of(v, lang) for v in vs)
                for i, vs in zip(instances, found, strict=True)
                if vs
            }
            valued = [i for i in by_name if i in cell_keys]
            unvalued = [i for i in by_name if i not in cell_keys]
            for descending in (False, True):
                # Stable either way round (reverse=True keeps equal keys in their order): ties by name.
                ordered = sorted(valued, key=cell_keys.__getitem__, reverse=descending)
                orders[sort_name(Sort(column.key, descending))] = ordered + unvalued
        for sort, order in orders.items():
            if lang == "en":
                english[sort] = order
            if lang == "en" or order != english[sort]:
                kept.append((sort, lang, order))
    return kept


def class_orders(
    store: ox.Store, labels: Statements | None = None
) -> tuple[list[str], Iterator[tuple[str, list[Order]]]]:
    """Every instance of a class, in IRI order; and (class, its orders as positions in that list) for
    every class with instances, by class. `labels`: the rdfs:label statements, if the caller has read
    them (`statements`)."""
    instances = instances_by_class(store)
    props = sorted({p for cls in instances.of_class for c in COLUMNS.get(cls, ()) for p in c.props})
    values = {prop: _values(store, prop) for prop in props}
    keys = _Keys(_labels(labels if labels is not None else statements(store, t.LABEL)), instances.iris)
    found = ((cls, orders_of(cls, positions, values, keys)) for cls, positions in instances.of_class.items())
    return instances.iris, found
