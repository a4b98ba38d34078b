"""SHACL property paths (SHACL §2.3.1) as small trees, and their SPARQL text: one reading of a shapes
graph's paths, for the compiled constraints (shacl_core) and for the reads incremental revalidation
bounds (reach)."""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH


class UnsupportedShape(ValueError):
    """A shape uses a constraint this compiler does not implement; pyshacl can still validate it."""


# A path as a small tree: ("iri", iri) | ("inv", p) | ("seq", ps) | ("alt", ps) | ("star" | "plus" |
# "opt", p) | ("any", forward?) for a variable predicate or a negated property set.
Tree = tuple[object, ...]
# Any predicate, as a SPARQL path: a negated property set of an IRI no data uses.
_ANY = "!<urn:ilrs-kg:no-predicate>"


def text(tree: Tree) -> str:
    kind = tree[0]
    if kind == "iri":
        return f"<{tree[1]}>"
    if kind == "any":
        return _ANY if tree[1] else f"^{_ANY}"
    if kind == "inv":
        return f"^({text(subtree(tree[1]))})"
    if kind in ("seq", "alt"):
        parts = [text(t) for t in subtrees(tree[1])]
        return "(" + ("/" if kind == "seq" else "|").join(parts) + ")"
    mark = {"star": "*", "plus": "+", "opt": "?"}[str(kind)]
    return f"({text(subtree(tree[1]))}){mark}"


def subtree(value: object) -> Tree:
    assert isinstance(value, tuple)
    return value


def subtrees(value: object) -> list[Tree]:
    assert isinstance(value, list)
    return [subtree(v) for v in value]


def path_tree(shapes: rdflib.Graph, path: rdflib.term.Node) -> Tree:
    """The SHACL path as a tree; UnsupportedShape for a path form SHACL does not define."""
    if isinstance(path, rdflib.URIRef):
        return ("iri", str(path))
    if shapes.value(path, RDF.first) is not None:
        return ("seq", [path_tree(shapes, p) for p in Collection(shapes, path)])
    for key, kind in (
        (SH.inversePath, "inv"),
        (SH.zeroOrMorePath, "star"),
        (SH.oneOrMorePath, "plus"),
        (SH.zeroOrOnePath, "opt"),
    ):
        inner = shapes.value(path, key)
        if inner is not None:
            return (kind, path_tree(shapes, inner))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return ("alt", [path_tree(shapes, p) for p in Collection(shapes, alternatives)])
    raise UnsupportedShape(f"unsupported SHACL path {path!r}")
