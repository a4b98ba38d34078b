"""The linked-data pages render through the shared frame (ilrs_kg.web.frame), autoescaped."""

from __future__ import annotations

from typing import Any

from ilrs_kg.web.frame import render as render_in_frame

TEMPLATES = "ilrs_kg.linked_data"  # the package whose templates/ the pages use


def render(template: str, **context: Any) -> str:
    return render_in_frame(TEMPLATES, template, **context)
