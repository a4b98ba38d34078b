"""schema.org JSON-LD for search engines, embedded in each entity page."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description
from ilrs_kg.linked_data.naming import pick_literal
from ilrs_kg.linked_data.values import earliest_date
from ilrs_kg.statement_graphs import Provenance
from ilrs_kg.web.iris import IriMap

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


def schema_org(description: Description, iris: IriMap, lang: str, provenance: Provenance) -> dict[str, Any]:
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
