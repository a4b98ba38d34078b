"""What the pages call properties and classes: labels from the ontology graph, and plain-English names
for the reused W3C terms that the ontology declares without labels."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    t.ORG + "headOf": "head of",
    t.ORG + "heldBy": "held by",
    t.ORG + "postIn": "post in",
    t.ORG + "subOrganizationOf": "part of",
    t.PROV + "qualifiedAssociation": "who took part",
    t.PROV + "agent": "who",
    t.PROV + "hadRole": "role",
    t.FOAF + "page": "page about it",
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

# How a link reads from the entity it points to, where the ontology declares no inverse property with a
# label of its own: on CNSA's page, "operates: Chang'e 6" (not "operator of"), on Long March 5's, "launched".
_INVERSE: dict[str, str] = {
    t.DERIVED_FROM: "cited by",
    t.PROV + "atLocation": "events here",
    t.PROV + "actedOnBehalfOf": "represented by",
    t.PROV + "wasAssociatedWith": "activities associated with it",
    t.PROV + "wasInfluencedBy": "influenced",
    t.ORG + "organization": "membership claims",
    t.ORG + "member": "membership claims",
    t.ORG + "memberOf": "members",
    t.ORG + "role": "memberships in this role",
    t.ORG + "memberDuring": "period of",
    t.GEO + "sfWithin": "contains",
    t.HAS_GEOMETRY: "position of",
    t.HAS_TIME: "date of",
    t.HAS_BEGINNING: "beginning of",
    t.HAS_END: "end of",
    t.SKOS + "inScheme": "concepts",
    t.SKOS + "topConceptOf": "top concepts",
    t.SKOS + "hasTopConcept": "in scheme",
    t.SKOS + "broader": "narrower",
    t.DCTERMS + "isPartOf": "parts",
    t.DCTERMS + "references": "referenced by",
    t.URL: "web address of",
    t.TYPE: "instances",
    t.ILRS + "citedIn": "cites",
    t.ILRS + "claimedIn": "claims it states",
    t.ILRS + "datePrecision": "dates at this precision",
    t.ILRS + "firstToJoinAmong": "first to join",
    t.ILRS + "landedOnSide": "missions that landed on it",
    t.ILRS + "lunarSide": "sites on this side",
    t.ILRS + "omittedBy": "disagreements over claims it leaves out",
    t.ILRS + "conflictingStatements": "disagreements it takes a side in",
    t.ILRS + "conflictingClaim": "disagreements over it",
    t.ILRS + "disagreementAspect": "disagreements on this",
    t.ILRS + "disagreementAbout": "disagreements",
    t.ILRS + "derivationRule": "statements derived by it",
    t.ILRS + "memberIdentifiedBy": "memberships it identifies",
    t.ILRS + "involvedAgent": "involvement claims",
    t.ILRS + "involvedIn": "involvement claims",
    t.ILRS + "involvementRole": "involvements in this role",
    t.ILRS + "throughEvent": "involvements through it",
    t.ILRS + "partOfEvent": "events within it",
    t.ILRS + "facility": "planned by",
    t.ILRS + "objective": "objective of",
    t.ILRS + "missionCategory": "missions in this category",
    t.ILRS + "missionStatus": "missions with this status",
    t.ILRS + "phase": "missions in this phase",
    t.ILRS + "stage": "missions in this stage",
    t.ILRS + "stageOf": "stages",
    t.ILRS + "phaseOf": "phases",
    t.ILRS + "launchSite": "launches from here",
    t.ILRS + "targetSite": "missions aimed here",
    t.ILRS + "variantOf": "variants",
    t.ILRS + "candidateLaunchVehicle": "candidate vehicle for",
    t.ILRS + "launchVehicle": "launched",
    t.ILRS + "builtBy": "built",
    t.ILRS + "operator": "operates",
    t.ILRS + "carriedPayload": "carried by",
    t.ILRS + "partOfMission": "spacecraft",
    t.ILRS + "site": "events here",
    t.ILRS + "spacecraft": "events of this spacecraft",
    t.ILRS + "ofMission": "mission events",
    t.ILRS + "concerns": "events about it",
    t.ILRS + "eventType": "events of this type",
    t.ILRS + "agreementType": "agreements of this type",
    t.ILRS + "signedBy": "signed",
    t.ILRS + "party": "party to",
    t.ILRS + "signatoryBody": "signed for",
    t.ILRS + "establishedBy": "memberships it established",
    t.ILRS + "country": "of this country",
    t.ILRS + "foundingAgreement": "founding agreement of",
    t.ILRS + "leadAgency": "lead agency of",
    t.ILRS + "heldPost": "participations in this post",
    t.ILRS + "onBehalfOf": "participations on its behalf",
    t.ORG + "postIn": "posts",
    t.ORG + "heldBy": "posts held",
    t.ORG + "headOf": "heads",
    t.ORG + "subOrganizationOf": "sub-organizations",
    t.PROV + "qualifiedAssociation": "participation of",
    t.PROV + "agent": "took part in",
    t.PROV + "hadRole": "participations in this role",
    t.FOAF + "page": "page about",
}
# A label that already ends in a preposition ("built by") cannot take another "of".
_PREPOSITIONS = ("of", "by", "in", "to", "for", "from", "with", "on", "at", "among", "about")


def humanize(iri: str) -> str:
    """A readable fallback from an IRI's last segment: '.../mission-status/planned' -> 'planned'."""
    tail = iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]
    return tail.replace("-", " ").replace("_", " ") or iri


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, str]
    definitions: dict[str, str]
    # p -> q where the ontology says `p owl:inverseOf q` (either way round): p's inverse reads as q's label.
    inverses: dict[str, str] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _BUILTIN.get(iri) or humanize(iri)

    def knows(self, iri: str) -> bool:
        return iri in self.labels or iri in _BUILTIN

    def inverse_label(self, iri: str) -> str:
        """How a link of property `iri` reads from its object: the ontology's inverse property's label,
        else this module's table, else "<label> of", or "<label> (inverse)" after a preposition."""
        inverse = self.inverses.get(iri)
        if inverse is not None and inverse in self.labels:
            return self.labels[inverse]
        if iri in _INVERSE:
            return _INVERSE[iri]
        label = self.label(iri)
        if label.rsplit(" ", 1)[-1] in _PREPOSITIONS:
            return f"{label} (inverse)"
        return f"{label} of"

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
    inverses: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(t.OWL + "inverseOf"), None, graph):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            inverses[quad.subject.value] = quad.object.value
            inverses.setdefault(quad.object.value, quad.subject.value)
    return Vocabulary(labels, definitions, inverses)
