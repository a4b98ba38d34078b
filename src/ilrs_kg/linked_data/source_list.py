"""The numbered list of what a page cites: one entry per statement graph, read from the provenance graph."""

from __future__ import annotations

from collections.abc import Mapping

from ilrs_kg.linked_data.naming import as_text, pick_literal
from ilrs_kg.linked_data.viewmodel import Link, SourceEntry, Text
from ilrs_kg.statement_graphs import Kind, Provenance, StatementGraph
from ilrs_kg.web.iris import IriMap

# How an entry that is not a source reads; sourced entries name their document instead.
_KIND_WORDS = {
    Kind.EDITORIAL: "editorial",
    Kind.DERIVED: "derived",
    Kind.PROVENANCE: "catalogue",
    Kind.ONTOLOGY: "ontology",
    Kind.UNDESCRIBED: "undescribed",
}


def document_name(provenance: Provenance, iri: str, lang: str) -> Text:
    """A source document's label (which names its publisher too), else its title, else its IRI's end."""
    document = provenance.documents.get(iri)
    if document is not None:
        name = pick_literal(document.labels, lang) or pick_literal(document.titles, lang)
        if name is not None:
            return as_text(name)
    return Text(iri.rsplit("/", 1)[-1])


def document_link(provenance: Provenance, iris: IriMap, iri: str, lang: str) -> Link:
    return Link(iris.page(iri), document_name(provenance, iri, lang), iri)


def graph_name(provenance: Provenance, graph: StatementGraph, lang: str) -> Text:
    """'Wikipedia: International Lunar Research Station, members table', or the graph's own name."""
    if graph.kind is Kind.SOURCED and graph.sources:
        title = document_name(provenance, graph.sources[0], lang).value
        return Text(title + (f", {graph.part.value}" if graph.part is not None else ""))
    return Text(f"{_KIND_WORDS.get(graph.kind, graph.kind.value)}: {graph.iri.rsplit('/', 1)[-1]}")


def source_entry(provenance: Provenance, iris: IriMap, lang: str, graph_iri: str, number: int) -> SourceEntry:
    graph = provenance.graph(graph_iri)
    documents = tuple(
        document_link(provenance, iris, d, lang) for d in graph.derived_from if d in provenance.documents
    )
    url = None
    if graph.kind is Kind.SOURCED and graph.sources:
        document = provenance.documents.get(graph.sources[0])
        url = document.url if document is not None else None
    return SourceEntry(
        number=number,
        anchor=f"source-{number}",
        kind=graph.kind.value if graph.kind is not Kind.PROVENANCE else "catalogue",
        graph=graph.iri,
        graph_href=iris.page(graph.iri),
        documents=documents,
        url=url,
        part=as_text(graph.part) if graph.part is not None else None,
        references=tuple(document_link(provenance, iris, r, lang) for r in graph.references),
        note=as_text(graph.note) if graph.note is not None else None,
        rule=Link(graph.rule, Text(graph.rule.rsplit("/", 1)[-1]), graph.rule) if graph.rule else None,
        inputs=tuple(
            graph_name(provenance, provenance.graph(i), lang)
            for i in graph.derived_from
            if graph.kind is Kind.DERIVED
        ),
    )


def source_entries(
    numbers: Mapping[str, int], provenance: Provenance, iris: IriMap, lang: str
) -> tuple[SourceEntry, ...]:
    """The entries for every cited graph, in citation order."""
    return tuple(
        source_entry(provenance, iris, lang, graph, number)
        for graph, number in sorted(numbers.items(), key=lambda item: item[1])
    )
