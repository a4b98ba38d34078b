"""schema.org JSON-LD for search engines, embedded in each entity page.

Every IRI in it is public (https://w3id.org/ilrs/…): the node's `@id`, its `url` (the canonical
document), its `additionalType`s and the entities it links to; never the address the server answers on.

Types: schema.org has no type for a space mission. A mission is dated (launch), organised (its operator)
and placed (its landing site), which is what schema.org's `Event` (startDate, organizer, location) says
and what search engines read; `CreativeWork` or `Project` would drop the dates. Phases and stages are
periods of the programme (`Event`, with start and end); the programme is a `ResearchProject`; lunar
sites are `Landform`s; vehicles and spacecraft `Product`s; a membership claim an `OrganizationRole`.
Every class of the ontology has a type here, so no page of ours says `Thing`.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description, Term
from ilrs_kg.linked_data.naming import pick_literal
from ilrs_kg.linked_data.values import date_of, earliest_date, span_of
from ilrs_kg.namespaces import ID_NS
from ilrs_kg.statement_graphs import Provenance
from ilrs_kg.web.iris import IriMap

ILRS = t.ILRS
SCHEMA_TYPES = {
    ILRS + "Programme": "ResearchProject",
    ILRS + "Agency": "GovernmentOrganization",
    ILRS + "Organization": "Organization",
    ILRS + "Country": "Country",
    ILRS + "Person": "Person",
    ILRS + "Place": "Place",
    ILRS + "LunarSite": "Landform",
    ILRS + "Mission": "Event",
    ILRS + "Spacecraft": "Product",
    ILRS + "LaunchVehicle": "Product",
    ILRS + "Phase": "Event",
    ILRS + "Stage": "Event",
    ILRS + "Event": "Event",
    ILRS + "Agreement": "Event",
    ILRS + "MissionEvent": "Event",
    ILRS + "Membership": "OrganizationRole",
    ILRS + "Involvement": "Role",
    ILRS + "Post": "OrganizationRole",
    ILRS + "Participation": "Role",
    ILRS + "SourceDocument": "CreativeWork",
    ILRS + "Disagreement": "CreativeWork",
    ILRS + "Objective": "DefinedTerm",
    ILRS + "ScientificObjective": "DefinedTerm",
    ILRS + "Facility": "DefinedTerm",
    ILRS + "StatementGraph": "Dataset",
    ILRS + "SourcedStatements": "Dataset",
    ILRS + "EditorialStatements": "Dataset",
    ILRS + "DerivedStatements": "Dataset",
    ILRS + "DerivationRule": "SoftwareSourceCode",
    t.SKOS + "Concept": "DefinedTerm",
    t.SKOS + "ConceptScheme": "DefinedTermSet",
}
# Most specific first: an agency is also an organisation, a scientific objective an objective.
_PRECEDENCE = (
    ILRS + "Agency",
    ILRS + "ScientificObjective",
    ILRS + "LunarSite",
    ILRS + "Agreement",
    ILRS + "MissionEvent",
)


def _type_of(types: list[str]) -> str:
    for cls in (*_PRECEDENCE, *sorted(types)):
        if cls in types and cls in SCHEMA_TYPES:
            return SCHEMA_TYPES[cls]
    return "Thing"  # only for a node with no class of ours


def _ref(description: Description, node: Term, lang: str) -> dict[str, Any] | str:
    """A linked entity by its public IRI and name (a literal stays a string)."""
    if isinstance(node, ox.Literal):
        return node.value
    ref: dict[str, Any] = {"@id": node.value}
    name = pick_literal(_literals(description, t.LABEL, node), lang)
    if name is not None:
        ref["name"] = name.value
    return ref


def _refs(description: Description, prop: str, lang: str) -> list[dict[str, Any] | str]:
    return [_ref(description, o, lang) for o in description.objects(description.node, prop)]


def _first_date(description: Description, *props: str) -> str | None:
    for prop in props:
        dates = sorted(
            o.value for o in description.objects(description.node, prop) if isinstance(o, ox.Literal)
        )
        if dates:
            return dates[0]
    return None


def _class_facts(description: Description, schema_type: str, types: list[str], lang: str) -> dict[str, Any]:
    """What each kind of page adds: dates, organiser, place, identifiers, memberships."""
    node = description.node
    data: dict[str, Any] = {}
    if ILRS + "Mission" in types:
        start = _first_date(description, ILRS + "launchDate", ILRS + "plannedLaunchDate")
        if start:
            data["startDate"] = start
        if description.objects(node, ILRS + "operator"):
            data["organizer"] = _refs(description, ILRS + "operator", lang)
        landing = ox.NamedNode(ID_NS + "event-type/landing")
        landings = [
            site
            for claim in description.owned_claims()
            if landing in description.objects(claim, ILRS + "eventType")
            for site in description.objects(claim, ILRS + "site")
        ]
        if landings:
            data["location"] = [{"@type": "Place", **_ref_dict(description, s, lang)} for s in landings]
    elif ILRS + "Phase" in types or ILRS + "Stage" in types:
        begins, ends = span_of(description, node)
        if begins:
            data["startDate"] = begins.iso()
        if ends:
            data["endDate"] = ends.iso()
        parent = _refs(description, ILRS + "phaseOf", lang) + _refs(description, ILRS + "stageOf", lang)
        if parent:
            data["superEvent" if ILRS + "Stage" in types else "about"] = parent
    elif schema_type == "Event":
        instants = description.objects(node, t.HAS_TIME)
        date = date_of(description, instants[0]) if instants else earliest_date(description, node)
        if date is not None:
            data["startDate"] = date.iso()
        if description.objects(node, t.PROV + "atLocation"):
            data["location"] = _refs(description, t.PROV + "atLocation", lang)
    if ILRS + "Country" in types:
        codes = [
            {"@type": "PropertyValue", "propertyID": name, "value": o.value}
            for prop, name in (
                (ILRS + "iso3166Alpha2", "ISO 3166-1 alpha-2"),
                (ILRS + "iso3166Alpha3", "ISO 3166-1 alpha-3"),
            )
            for o in description.objects(node, prop)
        ]
        if codes:
            data["identifier"] = codes
    if ILRS + "Person" in types:
        titles = _refs(description, ILRS + "positionTitle", lang)
        if titles:
            data["jobTitle"] = titles[0]
    if description.objects(node, t.ORG + "memberOf"):
        data["memberOf"] = _refs(description, t.ORG + "memberOf", lang)
    return data


def _ref_dict(description: Description, node: Term, lang: str) -> dict[str, Any]:
    ref = _ref(description, node, lang)
    return ref if isinstance(ref, dict) else {"name": ref}


def _literals(description: Description, prop: str, node: Term | None = None) -> list[ox.Literal]:
    subject = description.node if node is None else node
    return [o for o in description.objects(subject, prop) if isinstance(o, ox.Literal)]


def schema_org(description: Description, iris: IriMap, lang: str, provenance: Provenance) -> dict[str, Any]:
    types = description.types(description.node)
    schema_type = _type_of(types)
    ref = iris.ref_of(description.iri)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": description.iri,
        "url": iris.document(ref, "html", canonical=True) if ref is not None else description.iri,
    }
    name = pick_literal(_literals(description, t.LABEL) or _literals(description, t.TITLE), lang)
    if name is not None:
        data["name"] = name.value
    others = sorted(
        {lit.value for lit in [*_literals(description, t.LABEL), *_literals(description, t.ALT_LABEL)]}
        - {data.get("name", "")}
    )
    if others:
        data["alternateName"] = others
    lead = pick_literal(_literals(description, t.DESCRIPTION), lang)
    if lead is not None:
        data["description"] = lead.value
    if types:
        data["additionalType"] = sorted(types)  # the classes' own (public) IRIs
    data.update(_class_facts(description, schema_type, types, lang))
    url = next((o.value for o in description.objects(description.node, t.URL)), None)
    if url:
        data["sameAs"] = url
    # The page as a whole is based on the documents that state the facts about the entity (each row of
    # the page cites its own; this is their union, which is what schema.org's isBasedOn means).
    documents = sorted(
        {d for g in description.node_graphs(description.node) for d in provenance.graph(g).sources}
    )
    sources = []
    for iri in documents:
        entry: dict[str, Any] = {"@type": "CreativeWork", "@id": iri}
        document = provenance.documents.get(iri)
        if document is not None:
            title = pick_literal(document.labels, lang) or pick_literal(document.titles, lang)
            if title is not None:
                entry["name"] = title.value
            if document.url:
                entry["url"] = document.url
        sources.append(entry)
    if sources:
        data["isBasedOn"] = sources
    data["license"] = "https://creativecommons.org/licenses/by/4.0/"
    return data
