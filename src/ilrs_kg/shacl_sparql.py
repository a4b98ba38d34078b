"""SHACL-SPARQL constraints (SHACL §5), evaluated by Oxigraph over all focus nodes at once.

pyshacl evaluates a SPARQL constraint once per focus node with rdflib's query engine, about 0.1 s a
node here: minutes for the whole graph. The semantics are the same when $this is bound by the shape's
target pattern inside the query and the query runs once in Oxigraph, which takes milliseconds. (Not by
a VALUES block of the focus nodes: Oxigraph joins that in time growing as N^1.83.) The core constraints
are compiled the same way in shacl_core.py; only sh:sparql constraints run here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ilrs_kg.shacl_core import target_pattern

_WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_UNSUPPORTED = re.compile(r"\$(PATH|currentShape|shapesGraph)\b")


@dataclass(frozen=True)
class SparqlResult:
    shape: str
    focus_node: ox.NamedNode | ox.BlankNode
    message: str
    path: str | None
    value: str | None


@dataclass(frozen=True)
class SparqlConstraint:
    shape: rdflib.term.Node
    select: str
    messages: tuple[str, ...]
    prefixes: str


def strip_sparql_constraints(shapes: rdflib.Graph) -> rdflib.Graph:
    """A copy of the shapes without their sh:sparql constraints, for the core validator."""
    copy = rdflib.Graph()
    for triple in shapes:
        copy.add(triple)
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        copy.remove((shape, SH.sparql, constraint))
    return copy


def _prefix_block(shapes: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines) + "\n"


def collect(shapes: rdflib.Graph) -> list[SparqlConstraint]:
    constraints = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if shapes.value(constraint, SH.deactivated) == rdflib.Literal(True):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ValueError(f"SPARQL constraint of {shape.n3()} has no sh:select")
        if _UNSUPPORTED.search(str(select)):
            raise ValueError(f"SPARQL constraint of {shape.n3()} uses a pre-bound variable other than $this")
        messages = tuple(str(m) for m in shapes.objects(constraint, SH.message))
        constraints.append(SparqlConstraint(shape, str(select), messages, _prefix_block(shapes, constraint)))
    return constraints


def _term(node: rdflib.term.Node) -> str:
    return node.n3()


def _bind_this(select: str, targets: str) -> str:
    match = _WHERE_BRACE.search(select)
    if match is None:
        raise ValueError("SPARQL constraint has no WHERE { … } clause to bind $this in")
    return select[: match.end()] + "\n" + targets + "\n" + select[match.end() :]


def _text(term: object) -> str:
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return str(term.value)
    return str(term)


def _fill_template(template: str, bound: dict[str, object]) -> str:
    """Replace {?var} and {$var} with the solution's values (SHACL §5.2.2)."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        return _text(bound[name]) if name in bound else ""

    return _TEMPLATE_VAR.sub(value_of, template)


def evaluate(
    store: ox.Store, shapes: rdflib.Graph, *, union: bool = False, focus: Sequence[str] | None = None
) -> list[SparqlResult]:
    """Every violation of the shapes' SPARQL constraints; `union`: the data is the union of the store's
    graphs, where a triple two graphs hold can give a row twice (one result is kept); `focus`: of those
    focus nodes only."""
    results = []
    for constraint in collect(shapes):
        targets = target_pattern(shapes, constraint.shape, focus)
        if targets is None:
            continue
        query = constraint.prefixes + _bind_this(constraint.select, targets)
        solutions = store.query(query, use_default_graph_as_union=union)
        assert isinstance(solutions, ox.QuerySolutions)
        variables = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {name: row[name] for name in variables if row[name] is not None}
            node = bound.get("this")
            if not isinstance(node, ox.NamedNode | ox.BlankNode):
                continue
            template = constraint.messages[0] if constraint.messages else "SPARQL constraint violated"
            message = _fill_template(template, bound)
            path = bound.get("path")
            value = bound.get("value")
            results.append(
                SparqlResult(
                    shape=_term(constraint.shape),
                    focus_node=node,
                    message=message,
                    path=str(path) if path is not None else None,
                    value=str(value) if value is not None else None,
                )
            )
    return list(dict.fromkeys(results))
