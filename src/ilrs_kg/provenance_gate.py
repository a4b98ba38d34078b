"""The build gate on provenance: rules over the quads, which the SHACL shapes cannot see.

SHACL validates the union of all graphs, where a statement's graph is lost. These rules run in Oxigraph over
the dataset as loaded, so they can refuse a fact that sits outside a statement graph (a data file's triples
outside any GRAPH block, a graph nobody described) and plumbing that strays out of the provenance graph.
Each rule is one SPARQL SELECT binding ?s ?p ?o ?g: the offending quad (or, for a graph-level rule, the
graph as ?s) so the report can name entity, property and file.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.namespaces import ID_NS, ONTOLOGY_GRAPH, ONTOLOGY_NS, PROVENANCE_GRAPH, sparql_prefix_block

_KINDS = "ilrs:SourcedStatements ilrs:EditorialStatements ilrs:DerivedStatements"
# A derivation rule is described beside the derived graphs it made (ilrs:derivationRule).
_PLUMBING = f"ilrs:SourceDocument ilrs:DerivationRule {_KINDS}"


@dataclass(frozen=True)
class GateRule:
    name: str
    message: str
    select: str


@dataclass(frozen=True)
class GateResult:
    rule: str
    message: str
    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode | None
    object: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
    graph: ox.NamedNode | None


RULES: tuple[GateRule, ...] = (
    GateRule(
        "outside-any-graph",
        "Stated outside any GRAPH block: every fact sits in the statement graph of the source (or editorial"
        " set) that states it, e.g. GRAPH <https://w3id.org/ilrs/graph/source/wikipedia-ilrs/history> { … }.",
        """SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g = $file_graph) }""",
    ),
    GateRule(
        "undescribed-graph",
        "Sits in a graph the provenance graph does not describe: give <{?g}> a description there (a"
        " ilrs:SourcedStatements, ilrs:EditorialStatements or ilrs:DerivedStatements), or move the fact into"
        " a described statement graph.",
        # The graphs first (GRAPH ?g {} lists them without reading a quad), then the quads of the
        # undescribed ones only: scanning every quad for its graph's description cost 9.5 s of CPU at
        # 1M triples on disk.
        f"""SELECT ?s ?p ?o ?g WHERE {{
              {{ SELECT ?g WHERE {{
                  GRAPH ?g {{ }}
                  FILTER(?g NOT IN ($file_graph, <{ONTOLOGY_GRAPH}>, <{PROVENANCE_GRAPH}>))
                  FILTER NOT EXISTS {{
                      GRAPH <{PROVENANCE_GRAPH}> {{ ?g a ?kind VALUES ?kind {{ {_KINDS} }} }} }}
              }} }}
              GRAPH ?g {{ ?s ?p ?o }}
              # A fact about this dataset's instances: an id/ IRI, or anything typed with an ILRS class.
              # (Foreign test data in graphs of its own, such as the W3C protocol suite's, is not ours.)
              FILTER(STRSTARTS(STR(?s), "{ID_NS}")
                     || EXISTS {{ GRAPH ?typed {{ ?s a ?class }}
                                  FILTER(STRSTARTS(STR(?class), "{ONTOLOGY_NS}")) }})
            }}""",
    ),
    GateRule(
        "fact-in-provenance-graph",
        "A fact about an instance in the provenance graph, which holds only source documents and"
        " statement-graph descriptions: move it into the statement graph of the source that states it.",
        f"""SELECT ?s ?p ?o ?g WHERE {{
              BIND(<{PROVENANCE_GRAPH}> AS ?g)
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER NOT EXISTS {{ GRAPH ?g {{ ?s a ?kind VALUES ?kind {{ {_PLUMBING} }} }} }}
            }}""",
    ),
    GateRule(
        "plumbing-outside-provenance-graph",
        "Describes a source document or statement graph outside the provenance graph: such descriptions"
        " belong in GRAPH <https://w3id.org/ilrs/graph/provenance>.",
        f"""SELECT ?s ?p ?o ?g WHERE {{
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER(?g NOT IN ($file_graph, <{PROVENANCE_GRAPH}>))
              GRAPH ?any {{ ?s a ?kind VALUES ?kind {{ {_PLUMBING} }} }}
            }}""",
    ),
    GateRule(
        "source-not-declared",
        "The statement graph's source <{?o}> is not a source document declared in the provenance graph"
        " (a ilrs:SourceDocument with its title and URL).",
        f"""SELECT ?s ?p ?o ?g WHERE {{
              BIND(<{PROVENANCE_GRAPH}> AS ?g) BIND(prov:wasDerivedFrom AS ?p)
              GRAPH ?g {{ ?s a ?kind ; ?p ?o }}
              VALUES ?kind {{ ilrs:SourcedStatements ilrs:EditorialStatements }}
              FILTER NOT EXISTS {{ GRAPH ?g {{ ?o a ilrs:SourceDocument }} }}
            }}""",
    ),
    GateRule(
        "graph-outside-its-namespace",
        "A statement graph's IRI says its kind: sourced graphs live under"
        " https://w3id.org/ilrs/graph/source/, editorial ones under …/graph/editorial/, derived ones under"
        " …/graph/derived/.",
        f"""SELECT ?s ?p ?o ?g WHERE {{
              BIND(<{PROVENANCE_GRAPH}> AS ?g) BIND(rdf:type AS ?p)
              GRAPH ?g {{ ?s ?p ?o }}
              VALUES (?o ?ns) {{ (ilrs:SourcedStatements "source/") (ilrs:EditorialStatements "editorial/")
                                (ilrs:DerivedStatements "derived/") }}
              FILTER(!STRSTARTS(STR(?s), CONCAT("https://w3id.org/ilrs/graph/", ?ns)))
            }}""",
    ),
)


def evaluate(dataset: ox.Store, file_graph: str) -> list[GateResult]:
    """Every rule over the dataset; `file_graph` is where statements outside GRAPH blocks were put."""
    results = []
    prefixes = sparql_prefix_block(("ilrs", "prov", "rdf"))
    for rule in RULES:
        query = prefixes + rule.select.replace("$file_graph", f"<{file_graph}>")
        solutions = dataset.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            subject, predicate, obj, graph = row["s"], row["p"], row["o"], row["g"]
            if not isinstance(subject, ox.NamedNode | ox.BlankNode):
                continue
            graph_name = graph if isinstance(graph, ox.NamedNode) else None
            message = rule.message.replace("{?g}", graph.value if graph_name else "")
            message = message.replace("{?o}", str(obj.value) if obj is not None else "")
            results.append(
                GateResult(
                    rule=rule.name,
                    message=message,
                    subject=subject,
                    predicate=predicate if isinstance(predicate, ox.NamedNode) else None,
                    object=obj,
                    graph=graph_name,
                )
            )
    return results
