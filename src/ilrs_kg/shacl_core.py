"""SHACL core constraints (SHACL §4) compiled to SPARQL, evaluated by Oxigraph over all focus nodes at once.

pyshacl walks every focus node in Python over an rdflib copy of the graph: ≈ 0.2 ms and ≈ 2.8 KB a triple,
minutes and gigabytes at a million triples. Here each constraint of each shape becomes one SELECT whose
focus variable is bound by the target's own pattern (never by a VALUES list of nodes, whose join grows
as N^1.83 in Oxigraph), so a constraint costs one index scan over its targets.

Each constraint compiles to a group pattern that matches, for a bound `?this`, exactly when `?this`
violates it (optionally binding `?value`, the offending value node). Logical constraints (sh:xone,
sh:and, sh:or, sh:not, sh:node) reuse those patterns inside EXISTS. pyshacl stays the reference: the
tests run both on the real data and on every broken fixture and require the same violations.

Supported: targets (targetNode, targetClass with subclasses, targetSubjectsOf, targetObjectsOf, implicit
class targets), predicate/inverse/sequence/alternative/zero-or-more/one-or-more/zero-or-one paths, and
class, datatype, nodeKind, in, hasValue, minCount, maxCount, pattern, languageIn, uniqueLang,
minInclusive, maxInclusive, minExclusive, maxExclusive, minLength, maxLength, qualifiedValueShape with
qualifiedMinCount/qualifiedMaxCount, node, not, and, or, xone. A constraint outside this list is refused
by name, not skipped.

For an on-disk store the count, uniqueLang and class checks can be written to scan rather than look up
(shacl_scans.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from ilrs_kg import shacl_scans
from ilrs_kg.shacl_paths import UnsupportedShape as UnsupportedShape  # raised by the compiler too
from ilrs_kg.shacl_paths import path_tree, text

_TYPE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
# Datatypes whose lexical form Oxigraph's casts check: a literal of one of them is well formed when the
# cast of its text succeeds (SHACL's sh:datatype requires a well-formed literal).
_CASTABLE = {
    str(XSD[name])
    for name in (
        *("date", "dateTime", "time", "gYear", "gYearMonth", "boolean", "double", "float", "decimal"),
        *("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger"),
        *("negativeInteger", "nonPositiveInteger"),
    )
}
# Keys of a shape that are not constraints (or are handled with the shape itself).
NOT_CONSTRAINTS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.path,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.sparql,
    SH.prefixes,
    SH.order,
    SH.group,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.flags,
}


# A FILTER expression over one variable (a qualified value shape's conformance), or none.
_Condition = Callable[[str], str] | None
# A class's subclasses, itself included (rdfs:subClassOf*), in the data being validated.
# None when one of them is a blank node, which a query cannot name: then the path is walked.
Subclasses = Callable[[rdflib.term.Node], list[str] | None]


@dataclass(frozen=True)
class CoreResult:
    shape: str | None  # the shape's IRI; None for a blank-node (property) shape, as pyshacl's report
    focus_node: ox.NamedNode | ox.BlankNode
    path: str | None
    message: str
    severity: str
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None


@dataclass(frozen=True)
class CompiledConstraint:
    shape: rdflib.term.Node
    component: str
    query: str
    path: str | None
    message: str
    severity: str


def _n3(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.BNode):
        raise UnsupportedShape("a blank node cannot be a constant in a compiled constraint")
    return term.n3()


def _list(shapes: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(shapes, head))


def sparql_path(shapes: rdflib.Graph, path: rdflib.term.Node) -> str:
    """The SHACL path (§2.3.1) as a SPARQL property path."""
    return text(path_tree(shapes, path))


class _Compiler:
    """Turns shapes into violation patterns; fresh variable names keep nested patterns apart."""

    def __init__(self, shapes: rdflib.Graph, subclasses: Subclasses | None = None) -> None:
        self.shapes = shapes
        self.subclasses = subclasses
        self._counter = itertools.count()

    def instance_of(self, node: str, cls: rdflib.term.Node) -> str:
        return _instance_of(node, cls, self.subclasses, self.fresh("t"))

    def _class_scan(
        self, cls: rdflib.term.Node, costs: shacl_scans.Costs | None, scan: shacl_scans.Scans | None
    ) -> list[str] | None:
        """The class's subclasses when its check is cheaper as a scan of its instances than as a lookup of
        each value node's types (values of a predicate, or the focus nodes themselves); None otherwise,
        and for a complex path, whose values one pattern cannot count."""
        if costs is None or self.subclasses is None:
            return None
        if scan is None and self.shapes.value(self._holder, SH.path) is not None:
            return None
        known = self.subclasses(cls)
        if known is None:
            return None
        looked_up = scan.values() if scan is not None else costs.targets
        return known if costs.cheaper_to_scan(shacl_scans.instances(known, "?_s", "?_t"), looked_up) else None

    def violates(self, shape: rdflib.term.Node, v: str) -> str:
        """An expression true when the node `v` (bound outside) does not conform to `shape`.

        A shape of value conditions only (no path, no property shapes: a qualified value shape's
        sh:languageIn, say) is its conditions inline, as `EXISTS { BIND(v AS w) FILTER(...) }` would
        evaluate them; Oxigraph evaluates such an EXISTS as a join per value node (0.6 s in memory, 3.6 s
        on disk for the English-label rule at 1M triples), the expression as a test."""
        inline = self._inline_violation(shape, v)
        return inline if inline is not None else f"EXISTS {{ {self.node_violation(shape, v)} }}"

    def _inline_violation(self, shape: rdflib.term.Node, v: str) -> str | None:
        s = self.shapes
        if s.value(shape, SH.path) is not None or s.value(shape, SH.property) is not None:
            return None
        failures = []
        for key, arg in sorted(s.predicate_objects(shape), key=lambda kv: (str(kv[0]), str(kv[1]))):
            if key in NOT_CONSTRAINTS or key == SH.qualifiedValueShape:
                continue
            if key in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.hasValue):
                return None
            self._holder = shape
            failure = self._value_failure(key, arg, v)
            if failure is None:
                return None  # unsupported: node_violation refuses it by name
            # An error in the condition leaves FILTER's row out: no violation.
            failures.append(f"COALESCE({failure}, false)")
        return " || ".join(failures) if failures else "false"

    def fresh(self, stem: str) -> str:
        return f"?_{stem}{next(self._counter)}"

    # ---- value-node conditions: a FILTER expression true when the value node `v` fails the constraint
    def _value_failure(self, key: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str | None:
        s = self.shapes
        if key == SH["class"]:
            return f"NOT EXISTS {{ {self.instance_of(v, arg)} }}"
        if key == SH.datatype:
            if arg == RDF.langString:
                return f'!(isLiteral({v}) && LANG({v}) != "")'
            typed = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {_n3(arg)})"
            if str(arg) in _CASTABLE:
                typed += f" && COALESCE(BOUND({v}) && {_n3(arg)}(STR({v})) = {v}, false)"
            return f"!({typed})"
        if key == SH.nodeKind:
            kinds: dict[rdflib.term.Node, str] = {
                SH.IRI: f"isIRI({v})",
                SH.BlankNode: f"isBlank({v})",
                SH.Literal: f"isLiteral({v})",
                SH.BlankNodeOrIRI: f"(isIRI({v}) || isBlank({v}))",
                SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
                SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))",
            }
            if arg not in kinds:
                raise UnsupportedShape(f"unknown sh:nodeKind {arg!r}")
            return f"!{kinds[arg]}"
        if key == SH["in"]:
            members = " ".join(_n3(m) for m in _list(s, arg))
            return f"NOT EXISTS {{ VALUES {v}_in {{ {members} }} FILTER(sameTerm({v}, {v}_in)) }}"
        if key == SH.pattern:
            flags = s.value(self._holder, SH.flags)
            flag_arg = f", {rdflib.Literal(str(flags)).n3()}" if flags is not None else ""
            return f"(isBlank({v}) || !REGEX(STR({v}), {rdflib.Literal(str(arg)).n3()}{flag_arg}))"
        if key == SH.languageIn:
            tests = " || ".join(
                f"LANGMATCHES(LANG({v}), {rdflib.Literal(str(t)).n3()})" for t in _list(s, arg)
            )
            return f'!(isLiteral({v}) && LANG({v}) != "" && ({tests}))'
        comparisons: dict[rdflib.term.Node, str] = {
            SH.minInclusive: ">=",
            SH.maxInclusive: "<=",
            SH.minExclusive: ">",
            SH.maxExclusive: "<",
        }
        if key in comparisons:
            return f"!COALESCE({v} {comparisons[key]} {_n3(arg)}, false)"
        if key in (SH.minLength, SH.maxLength):
            op = ">=" if key == SH.minLength else "<="
            return f"(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {int(str(arg))}, false))"
        if key == SH.node:
            return self.violates(arg, v)
        if key == SH["not"]:
            return f"!({self.violates(arg, v)})"
        if key in (SH["and"], SH["or"], SH.xone):
            shapes = _list(s, arg)
            conforming = " + ".join(f"IF({self.violates(m, v)}, 0, 1)" for m in shapes)
            needs: dict[rdflib.term.Node, str] = {SH["and"]: f"= {len(shapes)}", SH["or"]: ">= 1"}
            needed = needs.get(key, "= 1")
            return f"!(({conforming}) {needed})"
        return None

    # ---- a shape's violation patterns for focus `this` (a variable), each binding {this}_value maybe
    def patterns(
        self,
        shape: rdflib.term.Node,
        this: str,
        *,
        nested: bool = True,
        costs: shacl_scans.Costs | None = None,
    ) -> Iterator[tuple[str, str, str | None]]:
        """(component, pattern, the variable it binds to the value node or None) for every constraint of
        `shape` on focus `this`; `nested`: and those of its property shapes; `costs` (a top-level query on
        an on-disk store only): a check scans where that is cheaper (shacl_scans)."""
        s = self.shapes
        path_node = s.value(shape, SH.path)
        path = sparql_path(s, path_node) if path_node is not None else None
        self._holder = shape
        value = f"{this}_v{next(self._counter)}"
        reach = f"{this} {path} {value} ." if path is not None else f"BIND({this} AS {value})"
        # Scanning a path with no end bound is cheap for a predicate, not for a complex path (p* from every
        # node): only predicates are scanned.
        by_predicate = costs is not None and isinstance(path_node, rdflib.URIRef)
        scan = shacl_scans.Scans(this, path, value) if by_predicate and path is not None else None
        # minCount's MINUS reads the whole property: for a few focus nodes, looking them up is cheaper.
        scan_missing = (
            scan is not None and costs is not None and costs.cheaper_to_scan(scan.values(), costs.targets)
        )
        for key, arg in sorted(s.predicate_objects(shape), key=lambda kv: (str(kv[0]), str(kv[1]))):
            if key in NOT_CONSTRAINTS or (key == SH.qualifiedValueShape and path is None):
                continue
            self._holder = shape
            component = str(key).removeprefix(str(SH))
            if key == SH.minCount and scan is not None and scan_missing and int(str(arg)) == 1:
                yield component, scan.missing(), None
            elif key == SH.minCount:
                yield component, self._min_count(this, path, value, int(str(arg)), None), None
            elif key == SH.maxCount and scan is not None and int(str(arg)) == 1:
                yield component, scan.two_values(self.fresh("o")), None
            elif key == SH.maxCount:
                yield component, self._max_count(this, path, value, int(str(arg)), None), None
            elif key == SH.uniqueLang:
                if arg == rdflib.Literal(True) and path is not None:
                    other = self.fresh("u")
                    same_language = f'LANG({value}) != "" && LANG({value}) = LANG({other})'
                    yield (
                        component,
                        (
                            scan.two_values(other, f" && {same_language}")
                            if scan is not None
                            else f"{this} {path} {value} , {other} . FILTER(!sameTerm({value}, {other}) && "
                            f"{same_language})"
                        ),
                        None,
                    )
            elif key == SH["class"] and (known := self._class_scan(arg, costs, scan)) is not None:
                yield component, f"{reach} {shacl_scans.not_instance(value, known, self.fresh('t'))}", value
            elif key == SH.hasValue:
                if path is None:
                    yield component, f"FILTER(!sameTerm({this}, {_n3(arg)}))", None
                else:
                    yield component, f"FILTER NOT EXISTS {{ {this} {path} {_n3(arg)} }}", None
            elif key == SH.qualifiedValueShape:
                yield from self._qualified(shape, this, path, value, arg, scan if scan_missing else None)
            else:
                failure = self._value_failure(key, arg, value)
                if failure is None:
                    raise UnsupportedShape(
                        f"{shape.n3()} uses {key.n3()}, which the compiler does not implement"
                    )
                yield component, f"{reach} FILTER({failure})", value
        for prop in s.objects(shape, SH.property) if nested else ():
            if s.value(prop, SH.deactivated) == rdflib.Literal(True):
                continue
            yield from self.patterns(prop, this)

    def _min_count(self, this: str, path: str | None, value: str, n: int, condition: _Condition) -> str:
        if path is None:
            return "FILTER(false)" if n <= 1 else "FILTER(true)"
        where = f"{this} {path} {value} ." + (f" FILTER({condition(value)})" if condition else "")
        if n == 1:
            return f"FILTER NOT EXISTS {{ {where} }}"
        count = self.fresh("c")
        return (
            f"{{ SELECT {this} (COUNT(DISTINCT {value}) AS {count}) WHERE {{ {where} }}"
            f" GROUP BY {this} }} FILTER({count} < {n})"
        )

    def _max_count(self, this: str, path: str | None, value: str, n: int, condition: _Condition) -> str:
        if path is None:
            return "FILTER(false)" if n >= 1 else "FILTER(true)"

        def cond(variable: str) -> str:
            return f" FILTER({condition(variable)})" if condition else ""

        if n == 0:
            return f"{this} {path} {value} .{cond(value)}"
        if n == 1:
            other = self.fresh("o")
            distinct = f"FILTER(!sameTerm({value}, {other}))"
            return f"{this} {path} {value} , {other} . {distinct}{cond(value)}{cond(other)}"
        count = self.fresh("c")
        return (
            f"{{ SELECT {this} (COUNT(DISTINCT {value}) AS {count})"
            f" WHERE {{ {this} {path} {value} .{cond(value)} }}"
            f" GROUP BY {this} }} FILTER({count} > {n})"
        )

    def _qualified(
        self,
        shape: rdflib.term.Node,
        this: str,
        path: str | None,
        value: str,
        qualified: rdflib.term.Node,
        scan: shacl_scans.Scans | None,
    ) -> Iterator[tuple[str, str, str | None]]:
        if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint) == rdflib.Literal(True):
            raise UnsupportedShape(f"{shape.n3()} uses sh:qualifiedValueShapesDisjoint")

        def conforms(variable: str) -> str:
            return f"!({self.violates(qualified, variable)})"

        low = self.shapes.value(shape, SH.qualifiedMinCount)
        high = self.shapes.value(shape, SH.qualifiedMaxCount)
        if low is not None and scan is not None and int(str(low)) == 1:
            yield "qualifiedMinCount", scan.missing(conforms(value)), None
        elif low is not None:
            yield "qualifiedMinCount", self._min_count(this, path, value, int(str(low)), conforms), None
        if high is not None:
            yield "qualifiedMaxCount", self._max_count(this, path, value, int(str(high)), conforms), None

    def node_violation(self, shape: rdflib.term.Node, focus: str) -> str:
        """A pattern matching when `focus` (bound outside) does not conform to `shape`."""
        alternatives = [f"{{ {pattern} }}" for _component, pattern, _value in self.patterns(shape, focus)]
        return " UNION ".join(alternatives) if alternatives else "FILTER(false)"


def _instance_of(node: str, cls: rdflib.term.Node, subclasses: Subclasses | None, var: str) -> str:
    """A pattern matching when `node` is an instance of `cls` (SHACL's rdf:type/rdfs:subClassOf*).

    With the subclasses known beforehand (found once in the data), one lookup of the node's types and a
    filter: on an on-disk store every step of the path is a RocksDB seek, and a class check runs once per
    value node (1M triples on disk: the class checks took 20 s of the 36 s of core CPU)."""
    known = subclasses(cls) if subclasses is not None else None
    if known is None:
        return f"{node} {_TYPE} {_n3(cls)}"
    return f"{node} <{RDF.type}> {var} FILTER({var} IN ({', '.join(known)}))"


def _target_parts(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[str]:
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, rdflib.OWL.Class) in shapes:
        classes.append(shape)
    # The path, not the subclasses inlined: walked backwards from the class it reads only the instances,
    # where a filter on the types would read every rdf:type triple.
    parts = [f"{{ ?this {_TYPE} {_n3(c)} }}" for c in classes]
    parts += [f"{{ ?this {_n3(p)} ?_any }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ ?_any {_n3(p)} ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    nodes = [_n3(n) for n in shapes.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}")
    return parts


def target_pattern(
    shapes: rdflib.Graph, shape: rdflib.term.Node, focus: Sequence[str] | None = None
) -> str | None:
    """A pattern binding ?this to each focus node of the shape (SHACL §2.1.3); None when it has no
    targets. Bound by the targets' own triple patterns, never by a VALUES list of the nodes found: Oxigraph
    joins a long VALUES block in time that grows as N^1.83 (30 s for 45k missions, against 0.65 s).

    `focus` (SPARQL terms): only those of the focus nodes, for incremental revalidation, where the list
    is short and each node's targeting is checked with it bound."""
    parts = _target_parts(shapes, shape)
    if not parts:
        return None
    if focus is not None:
        return f"VALUES ?this {{ {' '.join(focus)} }} FILTER EXISTS {{ {' UNION '.join(parts)} }}"
    # DISTINCT: a node targeted twice (two classes) is one focus node.
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"


def _message(shapes: rdflib.Graph, shape: rdflib.term.Node, component: str) -> str:
    messages = list(shapes.objects(shape, SH.message))
    english = [m for m in messages if isinstance(m, rdflib.Literal) and m.language in (None, "en")]
    chosen = english or messages
    if chosen:
        return str(chosen[0])
    # Without a message of its own, say what the constraint asks for, as pyshacl's defaults do.
    wanted = shapes.value(shape, SH[component])
    asked = f" {wanted}" if isinstance(wanted, rdflib.Literal) else ""
    asked = f" {wanted.n3()}" if isinstance(wanted, rdflib.URIRef) else asked
    return f"Value does not conform to the constraint sh:{component}{asked}."


def _severity(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    severity = shapes.value(shape, SH.severity)
    return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"


def compile_shapes(
    shapes: rdflib.Graph,
    subclasses: Subclasses | None = None,
    focus: Sequence[str] | None = None,
    *,
    rows: shacl_scans.Rows | None = None,
) -> list[CompiledConstraint]:
    """One SELECT ?this ?value per constraint of every targeted, active shape; `subclasses` (from the
    data: `subclass_finder`) inlines class membership instead of walking rdfs:subClassOf* per node;
    `focus`: only those focus nodes (target_pattern); `rows` (the store's, when it is on disk): checks
    scan where that reads less than the lookups it saves (shacl_scans), not with `focus` (a few nodes
    are looked up, not scanned for)."""
    compiler = _Compiler(shapes, subclasses)
    compiled = []
    for shape in sorted(
        set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None)), key=str
    ):
        if shapes.value(shape, SH.deactivated) == rdflib.Literal(True):
            continue
        targets = target_pattern(shapes, shape, focus)
        if targets is None:
            continue
        # Node-level constraints report at the node shape; each property shape reports at itself.
        holders: list[tuple[rdflib.term.Node, bool]] = [(shape, False)]
        holders += [(p, True) for p in shapes.objects(shape, SH.property)]
        for holder, is_property in holders:
            if shapes.value(holder, SH.deactivated) == rdflib.Literal(True):
                continue
            path_node = shapes.value(holder, SH.path)
            path = sparql_path(shapes, path_node) if path_node is not None else None
            costs = shacl_scans.Costs(rows, targets) if rows is not None and focus is None else None
            for component, pattern, value_var in compiler.patterns(
                holder, "?this", nested=False, costs=costs
            ):
                projection = f"?this ({value_var} AS ?value)" if value_var else "?this"
                compiled.append(
                    CompiledConstraint(
                        shape=holder,
                        component=component,
                        query=f"SELECT DISTINCT {projection} WHERE {{ {targets} {pattern} }}",
                        path=path if is_property else None,
                        message=_message(shapes, holder, component),
                        severity=_severity(shapes, holder),
                    )
                )
    return compiled


def subclass_finder(store: ox.Store, *, union: bool) -> Subclasses:
    """Each class's subclasses in the store (the class itself included, as rdfs:subClassOf* has it even
    for a class the data never names), each found once."""
    found: dict[rdflib.term.Node, list[str] | None] = {}

    def subclasses(cls: rdflib.term.Node) -> list[str] | None:
        if cls not in found:
            solutions = store.query(
                f"SELECT DISTINCT ?sub WHERE {{ ?sub <{RDFS.subClassOf}>* {_n3(cls)} }}",
                use_default_graph_as_union=union,
            )
            assert isinstance(solutions, ox.QuerySolutions)
            subs = [row["sub"] for row in solutions]
            named = {str(sub) for sub in subs if isinstance(sub, ox.NamedNode)}
            found[cls] = sorted(named | {_n3(cls)}) if len(named) == len(subs) else None
        return found[cls]

    return subclasses


def evaluate(
    store: ox.Store,
    shapes: rdflib.Graph,
    *,
    union: bool = False,
    focus: Sequence[str] | None = None,
    scans: bool = False,
) -> list[CoreResult]:
    """Every violation of the shapes' core constraints; `union`: the data is the union of the store's
    graphs (each query projects distinct rows, so a triple two graphs hold is seen once); `focus`: of
    those focus nodes only; `scans`: the store is on disk, where checks scan rather than look up when that
    is cheaper (shacl_scans), the same results."""
    results = []
    rows = shacl_scans.row_counter(store, union=union) if scans else None
    for constraint in compile_shapes(shapes, subclass_finder(store, union=union), focus, rows=rows):
        solutions = store.query(constraint.query, use_default_graph_as_union=union)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            focus = row["this"]
            if not isinstance(focus, ox.NamedNode | ox.BlankNode):
                continue
            value = row["value"] if "value" in [v.value for v in solutions.variables] else None
            results.append(
                CoreResult(
                    shape=constraint.shape.n3() if isinstance(constraint.shape, rdflib.URIRef) else None,
                    focus_node=focus,
                    path=constraint.path,
                    message=constraint.message,
                    severity=constraint.severity,
                    value=value if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal) else None,
                )
            )
    return results
