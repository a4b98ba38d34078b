"""GET /graph/{…}: a statement graph dereferences to what it is and what it holds.

Every citation on the pages, and every fact's graph in the documents and exports, is a graph IRI under
the base; opened, it describes itself (its source and part, or its editorial note, or its rule) and lists
the entities its facts are about (HTML), or gives its facts with that description (RDF: TriG and N-Quads
keep the graph, Turtle and N-Triples hold its facts in one graph).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.errors import NotAcceptable
from ilrs_kg.linked_data import formats as f
from ilrs_kg.linked_data.documents import serialize
from ilrs_kg.linked_data.iris import is_valid_segment
from ilrs_kg.linked_data.render import render
from ilrs_kg.linked_data.replies import Reply, Request, plain_reply, redirect
from ilrs_kg.linked_data.service import LinkedData
from ilrs_kg.linked_data.source_list import graph_name, source_entry
from ilrs_kg.linked_data.source_page import statement_set
from ilrs_kg.linked_data.viewmodel import SourceEntry, StatementSet, Text
from ilrs_kg.namespaces import ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from ilrs_kg.statement_graphs import graph_descriptions
from ilrs_kg.web.frame import PageMeta

GRAPH_FORMATS: tuple[f.DocFormat, ...] = (f.HTML, f.TRIG, f.N_QUADS, f.TURTLE, f.N_TRIPLES)
MAX_SEGMENTS = 4


@dataclass(frozen=True)
class GraphPage:
    meta: PageMeta
    iri: str
    heading: Text
    entry: SourceEntry
    statements: StatementSet


class GraphPages:
    def __init__(self, service: LinkedData) -> None:
        self.service = service

    def rule(self, request: Request, name: str) -> Reply:
        """GET /rule/{name}: a derivation rule is described with the derived graph it fills (303 there)."""
        ctx = self.service.context(request)
        graph = f"{self.service.base}graph/derived/{name}"
        if not is_valid_segment(name) or graph not in ctx.snapshot.provenance.graphs:
            return plain_reply(404, "No such derivation rule.")
        return redirect(ctx.iris.local(graph), vary="Accept")

    def graph(self, request: Request, path: str) -> Reply:
        segments = path.split("/")
        if len(segments) > MAX_SEGMENTS or not all(is_valid_segment(s) for s in segments):
            return plain_reply(404, "No such statement graph.")
        ctx = self.service.context(request)
        iri = f"{self.service.base}graph/{path}"
        provenance = ctx.snapshot.provenance
        if iri == ONTOLOGY_GRAPH:
            # The ontology graph has its own documentation, in every format, at /ontology.
            return redirect(ctx.site.ontology, vary="Accept")
        if iri not in provenance.graphs:
            return plain_reply(404, f"No statement graph <{iri}> is described here. See {ctx.site.sparql}.")
        try:
            fmt = self.service.pick_format(request, GRAPH_FORMATS)
        except f.UnknownFormat as exc:
            return self.service.unknown_format(exc)
        except NotAcceptable:
            return self.service.not_acceptable(GRAPH_FORMATS)
        store = ctx.snapshot.store
        graph = provenance.graph(iri)
        if fmt is f.HTML:
            heading = graph_name(provenance, graph, ctx.lang)
            view = GraphPage(
                meta=PageMeta(title=heading.value, lang=ctx.lang, site=ctx.site, canonical=iri),
                iri=iri,
                heading=heading,
                entry=source_entry(provenance, ctx.iris, ctx.lang, iri, 1),
                statements=statement_set(store, ctx.frame, graph),
            )
            body = render("graph.html", page=view, meta=view.meta).encode()
        else:
            node = ox.NamedNode(iri)
            facts = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
            described = graph_descriptions(store, [iri])
            if fmt in f.DATASET_FORMATS:
                quads = [ox.Quad(tr.subject, tr.predicate, tr.object, node) for tr in facts]
                quads += [
                    ox.Quad(tr.subject, tr.predicate, tr.object, ox.NamedNode(PROVENANCE_GRAPH))
                    for tr in described
                ]
                body = serialize(quads, fmt, self.service.base)
            else:
                body = serialize([*facts, *described], fmt, self.service.base)
        return self.service.negotiated_reply(request, ctx, body, fmt, [])
