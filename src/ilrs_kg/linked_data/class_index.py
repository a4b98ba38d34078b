"""Class index pages: every instance of one class, by name."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.entity_page import PageFrame
from ilrs_kg.linked_data.naming import as_text, name_of, pick_literal
from ilrs_kg.linked_data.source_list import source_entries
from ilrs_kg.linked_data.values import Citations
from ilrs_kg.linked_data.viewmodel import Link, PageMeta, SourceEntry, Text
from ilrs_kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from ilrs_kg.statement_graphs import fact_graphs


@dataclass(frozen=True)
class IndexEntry:
    link: Link
    note: Text | None


@dataclass(frozen=True)
class ClassIndexPage:
    meta: PageMeta
    class_iri: str
    label: str
    definition: str | None
    documentation: str
    entries: tuple[IndexEntry, ...]
    sources: tuple[SourceEntry, ...] = ()


RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def class_iri(name: str) -> str | None:
    """`Mission` names ilrs:Mission; a CURIE such as `skos:Concept` names a reused class."""
    prefix, sep, local = name.partition(":")
    if not sep:
        prefix, local = "ilrs", name
    namespace = PREFIXES.get(prefix)
    if namespace is None or not local.replace("_", "").isalnum():
        return None
    return namespace + local


def build_class_index(store: ox.Store, cls: str, frame: PageFrame, meta: PageMeta) -> ClassIndexPage | None:
    # Instances of subclasses belong on the page too: an agreement is an event. Instances are what the
    # statement graphs (and, for source documents, the provenance graph) type, never the ontology.
    query = f"""CONSTRUCT {{ ?s a <{cls}> . ?s a ?type . ?s ?p ?o }} WHERE {{
        ?type <{RDFS_SUBCLASS_OF}>* <{cls}>
        GRAPH ?g {{ ?s a ?type }}
        FILTER(?g != <{ONTOLOGY_GRAPH}> && STRSTARTS(STR(?s), "{frame.iris.base}id/"))
        OPTIONAL {{ ?s ?p ?o VALUES ?p {{ <{t.LABEL}> <{t.PREF_LABEL}> <{t.TITLE}> <{t.DESCRIPTION}>
                    <{t.ORG}member> <{t.ILRS}ofMission> <{t.ILRS}involvedAgent> }} }}
    }}"""
    result = store.query(query)
    assert isinstance(result, ox.QueryTriples)
    triples = list(result)
    graph = Description(cls, triples, graphs=fact_graphs(store, triples))
    citations = Citations(graph, frame.provenance)
    instances = {
        s for s, p in graph.incoming(ox.NamedNode(cls)) if p == t.TYPE and isinstance(s, ox.NamedNode)
    }
    if not instances:
        return None
    rows = []
    for node in instances:
        name = name_of(graph, node, frame.lang, frame.vocabulary)
        note = pick_literal(
            [o for o in graph.objects(node, t.DESCRIPTION) if isinstance(o, ox.Literal)], frame.lang
        )
        # The row says the entity is of this class (or a subclass) and shows its description: it cites
        # the graphs stating those.
        stated = [g for o in graph.objects(node, t.TYPE) for g in graph.graphs_of(node, t.TYPE, o)]
        if note is not None:
            stated += graph.graphs_of(node, t.DESCRIPTION, note)
        rows.append((Link(frame.iris.page(node.value), name, node.value), note, stated))
    rows.sort(key=lambda row: (row[0].text.value.casefold(), row[0].href))
    # Numbered in reading order.
    entries = [
        IndexEntry(
            replace(link, citations=citations.cite_graphs(stated)),
            as_text(note) if note is not None else None,
        )
        for link, note, stated in rows
    ]
    local = cls.removeprefix(t.ILRS)
    documentation = frame.iris.url("ontology") + (f"#{local}" if cls.startswith(t.ILRS) else "")
    return ClassIndexPage(
        meta,
        cls,
        frame.vocabulary.label(cls),
        frame.vocabulary.definition(cls),
        documentation,
        tuple(entries),
        source_entries(citations.numbers, frame.provenance, frame.iris, frame.lang),
    )
