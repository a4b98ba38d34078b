"""What the pages call properties and classes: labels from the ontology graph, and plain-English names
for the reused W3C terms that the ontology declares without labels."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.namespaces import ONTOLOGY_GRAPH

_BUILTIN: dict[str, str] = {
    t.TYPE: "type",
    t.LABEL: "name",
    t.ALT_LABEL: "also known as",
    t.PREF_LABEL: "preferred name",
    t.DEFINITION: "definition",
    t.SKOS + "note": "note",
    t.SKOS + "editorialNote": "editorial note",
    t.SKOS + "example": "example",
    t.SKOS + "inScheme": "in scheme",
    t.SKOS + "topConceptOf": "top concept of",
    t.SKOS + "hasTopConcept": "top concept",
    t.SKOS + "broader": "broader",
    t.SKOS + "exactMatch": "exact match",
    t.TITLE: "title",
    t.DESCRIPTION: "description",
    t.DCTERMS + "publisher": "publisher",
    t.DCTERMS + "isPartOf": "part of",
    t.DCTERMS + "references": "references",
    t.DCTERMS + "source": "source",
    t.DCTERMS + "date": "date",
    t.URL: "web address",
    t.DERIVED_FROM: "source",
    t.PROV + "wasInfluencedBy": "influenced by",
    t.PROV + "wasAssociatedWith": "associated with",
    t.PROV + "actedOnBehalfOf": "acted on behalf of",
    t.PROV + "atLocation": "location",
    t.ORG + "member": "member",
    t.ORG + "organization": "organization",
    t.ORG + "role": "role",
    t.ORG + "memberDuring": "member during",
    t.ORG + "memberOf": "member of",
    t.HAS_TIME: "date",
    t.HAS_BEGINNING: "beginning",
    t.HAS_END: "end",
    t.IN_DATE: "date",
    t.IN_YEAR_MONTH: "month",
    t.IN_YEAR: "year",
    t.IN_DATE_TIME: "date and time",
    t.HAS_GEOMETRY: "position",
    t.AS_WKT: "coordinates (WKT)",
    t.GEO + "sfWithin": "within",
    t.OWL + "sameAs": "same as",
    t.RDFS + "seeAlso": "see also",
    t.RDFS + "comment": "comment",
    t.FOAF + "homepage": "homepage",
    t.TIME + "Instant": "Instant",
    t.TIME + "Interval": "Interval",
    t.TIME + "ProperInterval": "Interval",
    t.GEO + "Geometry": "Geometry",
    t.GEO + "Feature": "Feature",
    t.SKOS + "Concept": "Concept",
    t.SKOS + "ConceptScheme": "Concept scheme",
    t.ORG + "Role": "Role",
    t.ORG + "Organization": "Organization",
    t.OWL + "Class": "Class",
}

# How a link reads from the entity it points to: "China — country of: CNSA".
_INVERSE: dict[str, str] = {
    t.DERIVED_FROM: "cited by",
    t.ILRS + "citedIn": "cites",
    t.ORG + "organization": "membership claims",
    t.ORG + "member": "membership claims",
    t.ILRS + "involvedAgent": "involvement claims",
    t.ILRS + "involvedIn": "involvement claims",
    t.ILRS + "ofMission": "mission events",
    t.GEO + "sfWithin": "contains",
    t.HAS_GEOMETRY: "position of",
    t.HAS_TIME: "date of",
    t.HAS_BEGINNING: "beginning of",
    t.HAS_END: "end of",
    t.SKOS + "inScheme": "concepts",
    t.SKOS + "topConceptOf": "top concepts",
    t.SKOS + "hasTopConcept": "in scheme",
    t.TYPE: "instances",
    t.ILRS + "phase": "missions in this phase",
    t.ILRS + "stage": "missions in this stage",
    t.ILRS + "stageOf": "stages",
    t.ILRS + "phaseOf": "phases",
    t.ILRS + "partOfMission": "spacecraft",
    t.ILRS + "variantOf": "variants",
    t.ILRS + "partOfEvent": "events within it",
    t.ILRS + "concerns": "events about it",
    t.ILRS + "party": "party to",
    t.ILRS + "signedBy": "signed",
    t.ILRS + "establishedBy": "established",
    t.ILRS + "throughEvent": "involvements through it",
    t.ILRS + "site": "events here",
}


def humanize(iri: str) -> str:
    """A readable fallback from an IRI's last segment: '.../mission-status/planned' -> 'planned'."""
    tail = iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]
    return tail.replace("-", " ").replace("_", " ") or iri


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, str]
    definitions: dict[str, str]

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _BUILTIN.get(iri) or humanize(iri)

    def knows(self, iri: str) -> bool:
        return iri in self.labels or iri in _BUILTIN

    def inverse_label(self, iri: str) -> str:
        return _INVERSE.get(iri) or f"{self.label(iri)} of"

    def definition(self, iri: str) -> str | None:
        return self.definitions.get(iri)


def load_vocabulary(store: ox.Store) -> Vocabulary:
    """English labels and definitions of the ontology's terms."""
    labels: dict[str, str] = {}
    definitions: dict[str, str] = {}
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    for quad in store.quads_for_pattern(None, ox.NamedNode(t.LABEL), None, graph):
        obj = quad.object
        if (
            isinstance(quad.subject, ox.NamedNode)
            and isinstance(obj, ox.Literal)
            and obj.language in ("en", None)
        ):
            labels[quad.subject.value] = obj.value
    for quad in store.quads_for_pattern(None, ox.NamedNode(t.DEFINITION), None, graph):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            definitions[quad.subject.value] = quad.object.value
    return Vocabulary(labels, definitions)
