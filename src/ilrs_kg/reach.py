"""Which triples a shape reads for one focus node, as paths from it: what incremental revalidation needs to
know which focus nodes a change can affect.

A `Read` says: validating focus node x reads triples whose subject (`forward`) or object (not `forward`)
is reached from x by the SPARQL path `prefix` ("" for x itself), with `predicate` (None: any). If a
triple (s, p, o) is added or removed, the only focus nodes whose result can change are those x with
`x prefix s` (forward reads of p) or `x prefix o` (backward reads), evaluated in the NEW graph: when the
path from x ran through another changed triple, x reaches that triple's end by a shorter prefix, which
is itself a read. So the reads are found once per shape, and the affected nodes by one query per read.

Paths come from the shapes (SHACL paths, sh:class's rdf:type/rdfs:subClassOf*, nested shapes) and from the
SHACL-SPARQL queries (their triple patterns, connected to $this through shared variables). What cannot
be bounded that way (a pattern not connected to $this, a GRAPH block, a sub-select) raises `Unbounded`,
and the caller validates everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql import algebra, prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from ilrs_kg.shacl_core import NOT_CONSTRAINTS
from ilrs_kg.shacl_paths import Tree, UnsupportedShape, path_tree, subtree, subtrees, text


class Unbounded(ValueError):
    """A shape's reads cannot be bounded by paths from its focus node."""


@dataclass(frozen=True)
class Read:
    prefix: str
    forward: bool
    predicate: str | None


def _join(prefix: str, step: str) -> str:
    return step if not prefix else (prefix if not step else f"{prefix}/{step}")


def inverse(tree: Tree) -> Tree:
    """^tree with the inverse pushed to the leaves, so reads say which end of each triple is reached."""
    kind = tree[0]
    if kind == "iri":
        return ("inv", tree)
    if kind == "any":
        return ("any", not tree[1])
    if kind == "inv":
        return subtree(tree[1])
    if kind == "seq":
        return ("seq", [inverse(t) for t in reversed(subtrees(tree[1]))])
    if kind == "alt":
        return ("alt", [inverse(t) for t in subtrees(tree[1])])
    return (kind, inverse(subtree(tree[1])))


def path_reads(tree: Tree, prefix: str = "") -> list[Read]:
    """The triples evaluating `tree` from the node at `prefix` reads."""
    kind = tree[0]
    if kind == "iri":
        return [Read(prefix, True, str(tree[1]))]
    if kind == "any":
        return [Read(prefix, bool(tree[1]), None)]
    if kind == "inv":
        inner = subtree(tree[1])
        if inner[0] != "iri":
            return path_reads(inverse(inner), prefix)
        return [Read(prefix, False, str(inner[1]))]
    if kind == "seq":
        reads: list[Read] = []
        for step in subtrees(tree[1]):
            reads += path_reads(step, prefix)
            prefix = _join(prefix, text(step))
        return reads
    if kind == "alt":
        return [r for step in subtrees(tree[1]) for r in path_reads(step, prefix)]
    inner = subtree(tree[1])
    if kind == "opt":
        return path_reads(inner, prefix)
    # p* and p+: the triples read from every node the repetition reaches.
    return path_reads(inner, _join(prefix, f"({text(inner)})*"))


# ---- SHACL paths and shapes


def shacl_tree(shapes: rdflib.Graph, path: rdflib.term.Node) -> Tree:
    try:
        return path_tree(shapes, path)
    except UnsupportedShape as exc:
        raise Unbounded(str(exc)) from exc


_INSTANCE = ("seq", [("iri", str(RDF.type)), ("star", ("iri", str(RDFS.subClassOf)))])
# Constraints whose value nodes are checked by their own term only (datatype, pattern …) or by counting
# them: they read the path's triples and nothing beyond.
_TERM_ONLY = {
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.pattern,
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.hasValue,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
_IGNORED = NOT_CONSTRAINTS - {SH.property}
_NESTED_ONE = {SH.node, SH["not"], SH.qualifiedValueShape}
_NESTED_LIST = {SH["and"], SH["or"], SH.xone}


def target_reads(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[Read]:
    reads: list[Read] = []
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, rdflib.OWL.Class) in shapes:
        classes.append(shape)
    if classes:
        reads += path_reads(_INSTANCE)
    reads += [Read("", True, str(p)) for p in shapes.objects(shape, SH.targetSubjectsOf)]
    reads += [Read("", False, str(p)) for p in shapes.objects(shape, SH.targetObjectsOf)]
    return reads


def constraint_reads(
    shapes: rdflib.Graph, shape: rdflib.term.Node, prefix: str = "", depth: int = 0
) -> list[Read]:
    """What checking `shape`'s constraints (not its targets) on the node at `prefix` reads."""
    if depth > 16:
        raise Unbounded(f"shapes nest more than 16 deep at {shape.n3()} (recursive shapes?)")
    path_node = shapes.value(shape, SH.path)
    reads: list[Read] = []
    value = prefix
    if path_node is not None:
        tree = shacl_tree(shapes, path_node)
        reads += path_reads(tree, prefix)
        value = _join(prefix, text(tree))
    for key, arg in shapes.predicate_objects(shape):
        if key in _IGNORED or key in _TERM_ONLY:
            continue
        if key == SH["class"]:
            reads += path_reads(_INSTANCE, value)
        elif key in _NESTED_ONE:
            reads += constraint_reads(shapes, arg, value, depth + 1)
        elif key in _NESTED_LIST:
            for member in Collection(shapes, arg):
                reads += constraint_reads(shapes, member, value, depth + 1)
        elif key == SH.property:
            if shapes.value(arg, SH.deactivated) != rdflib.Literal(True):
                reads += constraint_reads(shapes, arg, prefix, depth + 1)
        else:
            raise Unbounded(f"{shape.n3()} uses {key.n3()}, whose reach is not known")
    return reads


# ---- SHACL-SPARQL constraints


def _rdflib_tree(predicate: object) -> Tree:
    if isinstance(predicate, rdflib.Variable):
        return ("any", True)
    if isinstance(predicate, rdflib.URIRef):
        return ("iri", str(predicate))
    if isinstance(predicate, SequencePath):
        return ("seq", [_rdflib_tree(p) for p in predicate.args])
    if isinstance(predicate, AlternativePath):
        return ("alt", [_rdflib_tree(p) for p in predicate.args])
    if isinstance(predicate, InvPath):
        return inverse(_rdflib_tree(predicate.arg))
    if isinstance(predicate, MulPath):
        kind = {"*": "star", "+": "plus", "?": "opt"}[predicate.mod]
        return (kind, _rdflib_tree(predicate.path))
    if isinstance(predicate, NegatedPath):
        members = [_rdflib_tree(p) for p in predicate.args]
        forward = any(m[0] != "inv" for m in members)
        backward = any(m[0] == "inv" for m in members)
        both: list[Tree] = [("any", True), ("any", False)]
        return ("alt", both) if forward and backward else ("any", forward)
    if isinstance(predicate, Path):
        raise Unbounded(f"unsupported SPARQL path {predicate!r}")
    raise Unbounded(f"unsupported predicate {predicate!r}")


def _patterns(node: object) -> Iterator[tuple[object, object, object]]:
    """Every triple pattern anywhere in the algebra (EXISTS, OPTIONAL, UNION, MINUS included)."""
    if isinstance(node, CompValue):
        if node.name in ("Graph", "ToMultiSet", "ServiceGraphPattern"):
            raise Unbounded(f"the query uses {node.name}, whose reach is not bounded here")
        if node.name == "GroupGraphPatternSub":
            node = algebra.translateGroupGraphPattern(node)
            yield from _patterns(node)
            return
        for key, value in node.items():
            if key == "triples" and isinstance(value, list):
                for triple in value:
                    yield from _split(triple)
            elif key != "_vars":
                yield from _patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _patterns(item)


def _split(triple: Iterable[object]) -> Iterator[tuple[object, object, object]]:
    items = list(triple)
    for i in range(0, len(items) - 2, 3):
        yield items[i], items[i + 1], items[i + 2]


def _nested_selects(node: object, top: bool = True) -> bool:
    if isinstance(node, CompValue):
        if node.name in ("SubSelect", "ToMultiSet") or (node.name == "Project" and not top):
            return True
        return any(_nested_selects(v, False) for k, v in node.items() if k != "_vars")
    if isinstance(node, list | tuple):
        return any(_nested_selects(v, False) for v in node)
    return False


def sparql_reads(query: str) -> list[Read]:
    """The reads of a SHACL-SPARQL SELECT from $this: its triple patterns walked out from $this along
    shared variables (a solution's triples connect each variable's value to $this that way)."""
    try:
        parsed = prepareQuery(query)
    except Exception as exc:  # rdflib's parser raises its own exception types
        raise Unbounded(f"the query does not parse for reach analysis ({exc})") from exc
    tree = parsed.algebra
    if _nested_selects(tree["p"]):
        raise Unbounded("the query has a sub-select, whose variables are scoped apart")
    patterns = list(dict.fromkeys(_patterns(tree)))
    reached: dict[object, str] = {rdflib.Variable("this"): ""}
    reads: list[Read] = []
    pending = patterns
    while pending:
        left = []
        for subject, predicate, obj in pending:
            step = _rdflib_tree(predicate)
            if subject in reached:
                reads += path_reads(step, reached[subject])
                if isinstance(obj, rdflib.Variable) and obj not in reached:
                    reached[obj] = _join(reached[subject], text(step))
            elif obj in reached:
                back = inverse(step)
                reads += path_reads(back, reached[obj])
                if isinstance(subject, rdflib.Variable):
                    reached[subject] = _join(reached[obj], text(back))
            else:
                left.append((subject, predicate, obj))
        if len(left) == len(pending):
            raise Unbounded(f"the pattern {left[0]} is not connected to $this")
        pending = left
    return reads
