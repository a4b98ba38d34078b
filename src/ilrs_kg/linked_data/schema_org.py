"""schema.org JSON-LD for search engines, embedded in each entity page."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.iris import IriMap
from ilrs_kg.linked_data.naming import pick_literal
from ilrs_kg.linked_data.values import earliest_date

SCHEMA_TYPES = {
    t.ILRS + "Programme": "Project",
    t.ILRS + "Agency": "GovernmentOrganization",
    t.ILRS + "Organization": "Organization",
    t.ILRS + "Country": "Country",
    t.ILRS + "Person": "Person",
    t.ILRS + "Place": "Place",
    t.ILRS + "LunarSite": "Place",
    t.ILRS + "Event": "Event",
    t.ILRS + "Agreement": "Event",
    t.ILRS + "MissionEvent": "Event",
    t.ILRS + "SourceDocument": "CreativeWork",
    t.ILRS + "Objective": "DefinedTerm",
    t.ILRS + "ScientificObjective": "DefinedTerm",
    t.ILRS + "Facility": "DefinedTerm",
    t.SKOS + "Concept": "DefinedTerm",
    t.SKOS + "ConceptScheme": "DefinedTermSet",
}


def _literals(description: Description, prop: str) -> list[ox.Literal]:
    return [o for o in description.objects(description.node, prop) if isinstance(o, ox.Literal)]


def schema_org(description: Description, iris: IriMap, lang: str) -> dict[str, Any]:
    types = description.types(description.node)
    schema_type = next((SCHEMA_TYPES[c] for c in types if c in SCHEMA_TYPES), "Thing")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": description.iri,
        "url": iris.page(description.iri),
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
        data["additionalType"] = [iris.local(c) for c in types]
    if schema_type == "Event":
        date = earliest_date(description, description.node)
        if date is not None:
            data["startDate"] = date.iso()
    url = next((o.value for o in description.objects(description.node, t.URL)), None)
    if url:
        data["sameAs"] = url
    sources = []
    for source in description.objects(description.node, t.DERIVED_FROM):
        entry: dict[str, Any] = {"@type": "CreativeWork", "@id": source.value}
        title = pick_literal(
            [o for o in description.objects(source, t.LABEL) if isinstance(o, ox.Literal)], lang
        )
        if title is not None:
            entry["name"] = title.value
        address = next((o.value for o in description.objects(source, t.URL)), None)
        if address:
            entry["url"] = address
        sources.append(entry)
    if sources:
        data["isBasedOn"] = sources
    data["license"] = "https://creativecommons.org/licenses/by/4.0/"
    return data
