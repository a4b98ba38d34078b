"""The Jinja2 environment for the linked-data pages: autoescaping on for everything."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from ilrs_kg.linked_data.naming import LANGUAGE_NAMES
from ilrs_kg.linked_data.strings import translate


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ilrs_kg.linked_data", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def render(template: str, **context: Any) -> str:
    """Render a template with its view-model; `meta.lang` becomes the page language macros compare to."""
    meta = context.get("meta")
    page_lang = getattr(meta, "lang", "en")
    return (
        environment()
        .get_template(template)
        .render(page_lang=page_lang, t=lambda text: translate(text, page_lang), **context)
    )
