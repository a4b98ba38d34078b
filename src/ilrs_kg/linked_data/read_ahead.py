"""Telling a store which subjects (or links to which objects) a page reads next, where the page knows them
before it reads them.

A store over the network (ilrs_kg.sparql.remote_store.RemoteStore) reads them in a few requests instead
of one round trip each (a class page's 200 rows: 200 round trips, over 10 s at 10k triples); a local
store has nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import pyoxigraph as ox

Subject = ox.NamedNode | ox.BlankNode | None
Object = ox.NamedNode | ox.BlankNode | ox.Literal | None
GraphPattern = ox.NamedNode | ox.DefaultGraph | None


def read_ahead(store: ox.Store, subjects: Iterable[ox.NamedNode]) -> None:
    ahead = getattr(store, "read_ahead", None)
    if ahead is not None:
        ahead(list(subjects))


def read_ahead_links(store: ox.Store, predicate: ox.NamedNode, objects: Iterable[ox.NamedNode]) -> None:
    """The page looks up `?s predicate o` in the default graph for each of these objects next."""
    ahead = getattr(store, "read_ahead_links", None)
    if ahead is not None:
        ahead(predicate, list(objects))


def first_quads(
    store: ox.Store,
    subject: Subject,
    predicate: ox.NamedNode | None,
    obj: Object,
    graph: GraphPattern,
    limit: int | None,
) -> list[ox.Quad]:
    """The first `limit` quads of a pattern (all with None). A store over the network is asked for only
    those (a hub's links: 38k at 1M, 3 s a page over Virtuoso when all were fetched to keep 12)."""
    ahead = getattr(store, "first_quads", None)
    if ahead is not None:
        found: list[ox.Quad] = ahead(subject, predicate, obj, graph, limit)
        return found
    return list(islice(store.quads_for_pattern(subject, predicate, obj, graph), limit))
