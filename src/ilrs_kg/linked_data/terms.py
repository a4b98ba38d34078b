"""IRIs of the terms the linked-data pages treat specially."""

from __future__ import annotations

from typing import Final

from ilrs_kg.namespaces import PREFIXES

RDF: Final = PREFIXES["rdf"]
RDFS: Final = PREFIXES["rdfs"]
OWL: Final = PREFIXES["owl"]
XSD: Final = PREFIXES["xsd"]
SKOS: Final = PREFIXES["skos"]
ORG: Final = PREFIXES["org"]
PROV: Final = PREFIXES["prov"]
TIME: Final = PREFIXES["time"]
GEO: Final = PREFIXES["geo"]
DCTERMS: Final = PREFIXES["dcterms"]
SCHEMA: Final = PREFIXES["schema"]
ILRS: Final = PREFIXES["ilrs"]
VOID: Final = PREFIXES["void"]
FOAF: Final = PREFIXES["foaf"]
# Not a prefix of the data: only the RDF documents use it, to say which lists of links they hold in part.
HYDRA: Final = "http://www.w3.org/ns/hydra/core#"

TYPE: Final = RDF + "type"
LABEL: Final = RDFS + "label"
ALT_LABEL: Final = SKOS + "altLabel"
PREF_LABEL: Final = SKOS + "prefLabel"
TITLE: Final = DCTERMS + "title"
DESCRIPTION: Final = DCTERMS + "description"
DEFINITION: Final = SKOS + "definition"
DERIVED_FROM: Final = PROV + "wasDerivedFrom"
URL: Final = SCHEMA + "url"
HAS_GEOMETRY: Final = GEO + "hasGeometry"
AS_WKT: Final = GEO + "asWKT"
HAS_TIME: Final = TIME + "hasTime"
HAS_BEGINNING: Final = TIME + "hasBeginning"
HAS_END: Final = TIME + "hasEnd"
IN_DATE: Final = TIME + "inXSDDate"
IN_YEAR_MONTH: Final = TIME + "inXSDgYearMonth"
IN_YEAR: Final = TIME + "inXSDgYear"
IN_DATE_TIME: Final = TIME + "inXSDDateTimeStamp"
UTC_TIME_OF_DAY: Final = ILRS + "utcTimeOfDay"
DATE_PROPERTIES: Final = (IN_DATE, IN_YEAR_MONTH, IN_YEAR, IN_DATE_TIME)

MEMBERSHIP: Final = ILRS + "Membership"
INVOLVEMENT: Final = ILRS + "Involvement"
MISSION_EVENT: Final = ILRS + "MissionEvent"
SOURCE_DOCUMENT: Final = ILRS + "SourceDocument"

# A claim node belongs to the entity it is about: the description of that entity inlines it.
CLAIM_OWNER_LINKS: Final = {
    MEMBERSHIP: ORG + "member",
    INVOLVEMENT: ILRS + "involvedAgent",
    MISSION_EVENT: ILRS + "ofMission",
}
# Within a claim group, claims with the same value here are about the same thing and can disagree.
CLAIM_KEYS: Final = {
    MEMBERSHIP: (ORG + "organization",),
    INVOLVEMENT: (ILRS + "involvedIn", ILRS + "involvementRole"),
    MISSION_EVENT: (ILRS + "eventType",),
}
# Nodes that exist only to carry a value of another node (a date, an interval, a position): their
# triples travel with the node that uses them.
DEPENDENT_KINDS: Final = ("instant", "interval", "geometry")
