"""The IRIs the product promises never to change: base, ontology, instances, shapes, named graphs."""

from __future__ import annotations

from typing import Final

BASE: Final = "https://w3id.org/ilrs/"
ONTOLOGY_IRI: Final = BASE + "ontology"
ONTOLOGY_NS: Final = ONTOLOGY_IRI + "#"
ID_NS: Final = BASE + "id/"
SHAPES_NS: Final = BASE + "shapes#"
GRAPH_NS: Final = BASE + "graph/"

# The store keeps the ontology and every statement graph apart so that a client can ask for any alone;
# queries without a GRAPH clause read the default graph, which the build writes as the merge of them all.
ONTOLOGY_GRAPH: Final = GRAPH_NS + "ontology"
# Where a data file's statements outside any GRAPH block land; the build gate refuses every one of them,
# since a fact's provenance is the statement graph it sits in.
DATA_GRAPH: Final = GRAPH_NS + "data"

# Provenance (docs/provenance.md): every fact about an instance sits in a statement graph, one per source
# (and part), editorial set or derivation rule; the provenance graph describes the source documents and
# each statement graph, and nothing else.
PROVENANCE_GRAPH: Final = GRAPH_NS + "provenance"
SOURCE_GRAPH_NS: Final = GRAPH_NS + "source/"
EDITORIAL_GRAPH_NS: Final = GRAPH_NS + "editorial/"
DERIVED_GRAPH_NS: Final = GRAPH_NS + "derived/"

PREFIXES: Final[dict[str, str]] = {
    "ilrs": ONTOLOGY_NS,
    "id": ID_NS,
    "sh": "http://www.w3.org/ns/shacl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
}


def sparql_prefix_block(names: tuple[str, ...] | None = None) -> str:
    """PREFIX declarations for SPARQL text, for all known prefixes or the ones named."""
    chosen = names if names is not None else tuple(PREFIXES)
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in chosen)


def curie(iri: str, *, instances: bool = True) -> str | None:
    """`prefix:local` for an IRI in one of the known namespaces, else None; with `instances=False` an
    instance IRI (under ID_NS) is left whole, where its full address is what a reader needs."""
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace) and (instances or name != "id"):
            return f"{name}:{iri[len(namespace) :]}"
    return None
