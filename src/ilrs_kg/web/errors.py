"""Every error, rendered for whoever asked: an HTML page in the site's frame for a browser (an Accept
header preferring text/html), JSON for a program that asks for JSON, plain text otherwise (curl, SPARQL
clients). The status and headers come from the one table, ilrs_kg.web.statuses; the message is the
error's own, saying what was wrong.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus

from ilrs_kg.errors import IlrsKgError, NotAcceptable
from ilrs_kg.web.cors import CORS
from ilrs_kg.web.formats import HTML, JSON, Format, Offer, choose
from ilrs_kg.web.frame import PageMeta, language_links, render, site_links
from ilrs_kg.web.iris import IriMap
from ilrs_kg.web.languages import reader_language
from ilrs_kg.web.reply import Headers, Reply, Request
from ilrs_kg.web.statuses import headers_for, status_for

logger = logging.getLogger(__name__)

Handler = Callable[..., Reply]  # handler(Request, **path_params) -> Reply

TEXT = Format("text", "Plain text", "text/plain", "text/plain; charset=utf-8", "txt")
_FORMS = Offer((TEXT, JSON, HTML))


def reason(status: int) -> str:
    """The status's reason phrase: 'Not Found', 'Not Acceptable' ..."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_reply(
    request: Request, error: IlrsKgError, headers: Headers = (), page: str | None = None
) -> Reply:
    """The reply for `error`; `page` is an HTML page of the front's own to answer with instead of the
    generic one (the front has decided the reader wants HTML: the 404 with search suggestions)."""
    status = status_for(error)
    if status >= 500:
        logger.error("%s: %s", type(error).__name__, error)
    try:
        form = HTML if page is not None else choose(_FORMS, request.accept)
    except NotAcceptable:
        form = TEXT  # an error is said even to a client that accepts none of these (RFC 9110 §15.5.7)
    common = (
        ("Content-Type", form.content_type),
        ("Vary", "Accept, Accept-Language" if form is HTML else "Accept"),
        ("Cache-Control", "no-store"),
        *CORS,
        *headers_for(error).items(),
        *headers,
    )
    if form is HTML:
        body = (page if page is not None else error_page(request, status, str(error))).encode()
    elif form is JSON:
        body = json.dumps({"status": status, "error": reason(status), "message": str(error)}).encode()
    else:
        body = f"{error}\n".encode()
    return Reply(status, common, body)


def error_page(request: Request, status: int, message: str) -> str:
    """The error as a page in the site's frame, in the reader's language where the frame has one."""
    lang = reader_language(request.query, request.accept_language)
    meta = PageMeta(
        title=reason(status),
        lang=lang,
        site=site_links(IriMap(request.server)),
        languages=language_links(request.path, {}, lang),
    )
    return render("ilrs_kg.web", "error.html", meta=meta, status=status, message=message)


def answer(handler: Handler, request: Request, **path_params: str) -> Reply:
    """The handler's reply, or the reply for the client's mistake it raised: how every handler is called,
    in the HTTP process or a page worker."""
    try:
        return handler(request, **path_params)
    except IlrsKgError as exc:
        return error_reply(request, exc)
