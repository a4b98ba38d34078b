"""The frame every HTML page shares, whichever front renders it: the site's links, the page's metadata
(title, language, alternates, embedded JSON-LD) and the one Jinja2 environment that knows the frame
template (`base.html`, with the one site header).

A front renders its pages with `environment("ilrs_kg.<front>")`: its own templates first, then the
frame's, so every page `{% extends "base.html" %}` and gets the same header, search and language switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from ilrs_kg.web.iris import IriMap
from ilrs_kg.web.languages import LANGUAGE_NAMES, SUPPORTED_LANGUAGES
from ilrs_kg.web.strings import translate


@dataclass(frozen=True)
class Alternate:
    name: str
    media_type: str
    href: str


@dataclass(frozen=True)
class SiteLinks:
    home: str
    sparql: str
    ontology: str
    dumps: str
    void: str
    css: str

    @property
    def search(self) -> str:
        """The header's search form submits here: /search beside the home page, on every front."""
        return self.home + "search"


def site_links(iris: IriMap) -> SiteLinks:
    """The site's links on the server `iris` maps to."""
    return SiteLinks(
        home=iris.url(""),
        sparql=iris.url("sparql"),
        ontology=iris.url("ontology"),
        dumps=iris.url("dumps/"),
        void=iris.url(".well-known/void"),
        css=iris.url("static/ld/ld.css"),
    )


@dataclass(frozen=True)
class PageMeta:
    """What every page's frame needs: title, language, alternates, embedded schema.org JSON-LD."""

    title: str
    lang: str
    site: SiteLinks
    canonical: str | None = None
    alternates: tuple[Alternate, ...] = ()
    json_ld: dict[str, Any] | None = None
    languages: tuple[tuple[str, str, bool], ...] = ()  # (code, href, current)
    description: str | None = None


@cache
def environment(front_package: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader(front_package, "templates"),
                jinja2.PackageLoader("ilrs_kg.web", "templates"),
            ]
        ),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def render(front_package: str, template: str, **context: Any) -> str:
    """Render a template with its view-model; `meta.lang` becomes the page language macros compare to."""
    meta = context.get("meta")
    page_lang = getattr(meta, "lang", "en")
    return (
        environment(front_package)
        .get_template(template)
        .render(page_lang=page_lang, t=lambda text: translate(text, page_lang), **context)
    )


def language_links(page: str, query: Mapping[str, str], current: str) -> tuple[tuple[str, str, bool], ...]:
    """The language switch for the page at `page` (a path or URL): the same page, its other parameters
    kept, `lang` set."""
    return tuple(
        (code, f"{page}?{urlencode({**query, 'lang': code}, quote_via=quote)}", code == current)
        for code in SUPPORTED_LANGUAGES
    )
