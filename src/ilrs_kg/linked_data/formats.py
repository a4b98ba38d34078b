"""The formats the linked-data documents come in (offers from the one registry, ilrs_kg.web.formats),
and how a request picks one: `?format=`, else the URL's extension, else Accept. A request without a
preference (no Accept, or only `*/*`) gets HTML from a browser and Turtle otherwise, which is what
`curl` users expect."""

from __future__ import annotations

from ilrs_kg.web.formats import DATASET_FORMATS, GRAPH_FORMATS, HTML, TURTLE, Format, Offer, choose
from ilrs_kg.web.reply import Request

# Descriptions of the whole graph (ontology, VoID) and of one entity; entity descriptions also come as
# datasets, each fact in the statement graphs it sits in; a statement graph keeps its graph.
DOCUMENT = Offer((HTML, *GRAPH_FORMATS))
ENTITY = Offer((*DOCUMENT.formats, *DATASET_FORMATS))
GRAPH = Offer((HTML, *DATASET_FORMATS, *GRAPH_FORMATS[:2]))
ENTITY_RDF_FORMATS = (*GRAPH_FORMATS, *DATASET_FORMATS)
# Class indexes, search and incoming-link lists exist as HTML only.
PAGE = Offer((HTML,))


def is_browser(user_agent: str | None) -> bool:
    """Browsers (and search-engine crawlers) announce themselves as Mozilla; RDF clients and curl don't."""
    return user_agent is not None and "mozilla/" in user_agent.lower()


def pick(request: Request, offer: Offer = DOCUMENT, extension: str | None = None) -> Format:
    """The format to answer `request` in; raises UnknownFormat or NotAcceptable (406) naming the offer."""
    preferred = HTML if is_browser(request.user_agent) else TURTLE
    default = preferred if preferred in offer.formats else None
    return choose(offer, request.accept, request.query.get("format") or extension, default)


def require_html(request: Request) -> None:
    """For a page that exists only as HTML: a `?format=` naming anything else is UnknownFormat (406), as
    everywhere. The Accept header is not consulted (the page is the one representation, so it does not
    vary by Accept)."""
    choose(PAGE, None, request.query.get("format") or None)
