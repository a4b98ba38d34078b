"""GET /graph/{…}: a statement graph dereferences to what it is and what it holds.

Every citation on the pages, and every fact's graph in the documents and exports, is a graph IRI under
the base; opened, it describes itself (its source and part, or its editorial note, or its rule) and lists
the entities its facts are about (HTML), or gives its facts with that description (RDF: TriG and N-Quads
keep the graph, Turtle and N-Triples hold its facts in one graph).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.errors import NotFound
from ilrs_kg.linked_data import formats as f
from ilrs_kg.linked_data.documents import serialize
from ilrs_kg.linked_data.render import render
from ilrs_kg.linked_data.replies import redirect
from ilrs_kg.linked_data.service import LinkedData
from ilrs_kg.linked_data.source_list import graph_name, source_entry
from ilrs_kg.linked_data.source_page import statement_set
from ilrs_kg.linked_data.viewmodel import SourceEntry, StatementSet, Text
from ilrs_kg.namespaces import BASE, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from ilrs_kg.statement_graphs import graph_descriptions
from ilrs_kg.web.formats import DATASET_FORMATS, HTML
from ilrs_kg.web.frame import PageMeta
from ilrs_kg.web.iris import is_valid_segment
from ilrs_kg.web.reply import Reply, Request

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
        graph = f"{BASE}graph/derived/{name}"
        if not is_valid_segment(name) or graph not in ctx.snapshot.provenance.graphs:
            raise NotFound("No such derivation rule.")
        return redirect(ctx.iris.local(graph), vary="Accept")

    def graph(self, request: Request, path: str) -> Reply:
        segments = path.split("/")
        if len(segments) > MAX_SEGMENTS or not all(is_valid_segment(s) for s in segments):
            raise NotFound("No such statement graph.")
        ctx = self.service.context(request)
        iri = f"{BASE}graph/{path}"
        provenance = ctx.snapshot.provenance
        if iri == ONTOLOGY_GRAPH:
            # The ontology graph has its own documentation, in every format, at /ontology.
            return redirect(ctx.site.ontology, vary="Accept")
        if iri not in provenance.graphs:
            raise NotFound(f"No statement graph <{iri}> is described here. See {ctx.site.sparql}.")
        fmt = f.pick(request, f.GRAPH)
        store = ctx.snapshot.store
        graph = provenance.graph(iri)
        if fmt is HTML:
            heading = graph_name(provenance, graph, ctx.lang)
            view = GraphPage(
                meta=PageMeta(title=heading.value, lang=ctx.lang, site=ctx.site, canonical=iri),
                iri=iri,
                heading=heading,
                entry=source_entry(provenance, ctx.iris, ctx.lang, iri, 1),
                statements=statement_set(store, ctx.frame, graph, self.service.index(ctx).graph_size),
            )
            body = render("graph.html", page=view, meta=view.meta).encode()
        else:
            node = ox.NamedNode(iri)
            facts = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
            described = graph_descriptions(store, [iri])
            if fmt in DATASET_FORMATS:
                quads = [ox.Quad(tr.subject, tr.predicate, tr.object, node) for tr in facts]
                quads += [
                    ox.Quad(tr.subject, tr.predicate, tr.object, ox.NamedNode(PROVENANCE_GRAPH))
                    for tr in described
                ]
                body = serialize(quads, fmt)
            else:
                body = serialize([*facts, *described], fmt)
        return self.service.negotiated_reply(request, ctx, body, fmt, [])
