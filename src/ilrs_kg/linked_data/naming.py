"""Which of a thing's names to show a reader: their language first, then English, then any."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import Description, Term
from ilrs_kg.linked_data.viewmodel import Text
from ilrs_kg.linked_data.vocabulary import Vocabulary, humanize

NAME_PROPERTIES = (t.LABEL, t.PREF_LABEL, t.TITLE)


def pick_literal(literals: Iterable[ox.Literal], lang: str) -> ox.Literal | None:
    """The literal in `lang`, else English, else untagged, else the first in a stable order."""
    ordered = sorted(literals, key=lambda lit: (lit.language or "", lit.value))
    for wanted in (lang, "en", None):
        for literal in ordered:
            if literal.language == wanted or (wanted and (literal.language or "").startswith(wanted + "-")):
                return literal
    return ordered[0] if ordered else None


def as_text(literal: ox.Literal) -> Text:
    return Text(literal.value, literal.language)


def _literals(values: Sequence[Term]) -> list[ox.Literal]:
    return [v for v in values if isinstance(v, ox.Literal)]


def name_of(description: Description, node: Term, lang: str, vocabulary: Vocabulary) -> Text:
    """A readable name for a node of the description."""
    if isinstance(node, ox.Literal):
        return as_text(node)
    for prop in NAME_PROPERTIES:
        literal = pick_literal(_literals(description.objects(node, prop)), lang)
        if literal is not None:
            return as_text(literal)
    claim = _claim_name(description, node, lang, vocabulary)
    if claim is not None:
        return claim
    if isinstance(node, ox.NamedNode):
        return Text(vocabulary.label(node.value))
    return Text("(unnamed node)")


def _claim_name(description: Description, node: Term, lang: str, vocabulary: Vocabulary) -> Text | None:
    """'Membership claim: Venezuela' for a claim node that has no label of its own."""
    for claim_type, link in t.CLAIM_OWNER_LINKS.items():
        if claim_type not in description.types(node):
            continue
        owners = description.objects(node, link)
        if not owners:
            return Text(vocabulary.label(claim_type), "en")
        owner = owners[0]
        owner_name = pick_literal(_literals(description.objects(owner, t.LABEL)), lang)
        suffix = owner_name.value if owner_name is not None else humanize(owner.value)
        return Text(f"{vocabulary.label(claim_type)}: {suffix}")
    return None
