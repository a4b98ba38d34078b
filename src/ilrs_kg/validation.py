"""SHACL validation of the ontology + data against the shapes, with a report a person can act on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from ilrs_kg import provenance_gate, shacl_sparql
from ilrs_kg.namespaces import DATA_GRAPH
from ilrs_kg.sources import SourceFile, parse_file


@dataclass(frozen=True)
class Violation:
    focus_node: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None
    files: tuple[Path, ...]

    def render(self, root: Path) -> str:
        where = ", ".join(_relative(f, root) for f in self.files) or "(no file states this node)"
        lines = [f"{self.severity}: {self.focus_node}", f"  file:    {where}"]
        if self.path:
            lines.append(f"  path:    {self.path}")
        if self.value:
            lines.append(f"  value:   {self.value}")
        lines.append(f"  message: {self.message}")
        if self.shape:
            lines.append(f"  rule:    {self.shape}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]

    def render(self, root: Path) -> str:
        if self.conforms:
            return "The graph conforms to the shapes."
        body = "\n\n".join(v.render(root) for v in self.violations)
        return f"{body}\n\n{len(self.violations)} violation(s)."


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


_QuadKey = tuple[str, str, str, str]


@dataclass
class _LoadedGraph:
    rdflib_graph: rdflib.Graph
    store: ox.Store
    dataset: ox.Store
    subject_files: dict[str, set[Path]]
    quad_files: dict[_QuadKey, set[Path]]


def _quad_key(subject: object, predicate: object, obj: object, graph: object) -> _QuadKey:
    return (str(subject), str(predicate), str(obj), str(graph))


def _load(sources: list[SourceFile]) -> _LoadedGraph:
    """All the files three ways: flattened into one graph (rdflib for pyshacl, Oxigraph for the SPARQL
    rules), and as the dataset with its named graphs (for the provenance gate); and for each subject and
    each quad the files that state it, so a violation can name its file."""
    store = ox.Store()
    dataset = ox.Store()
    subject_files: dict[str, set[Path]] = defaultdict(set)
    quad_files: dict[_QuadKey, set[Path]] = defaultdict(set)
    nt_lines = []
    for source in sources:
        for quad in parse_file(source):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            nt_lines.append(f"{triple} .")
            store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
            dataset.add(quad)
            subject_files[str(quad.subject)].add(source.path)
            quad_files[_quad_key(quad.subject, quad.predicate, quad.object, quad.graph_name)].add(source.path)
    graph = rdflib.Graph()
    graph.parse(data="\n".join(nt_lines), format="nt")
    return _LoadedGraph(graph, store, dataset, subject_files, quad_files)


def _gate_violations(data: _LoadedGraph) -> list[Violation]:
    violations = []
    for result in provenance_gate.evaluate(data.dataset, DATA_GRAPH):
        key = _quad_key(result.subject, result.predicate, result.object, result.graph)
        files = data.quad_files.get(key) or data.subject_files.get(str(result.subject), set())
        graph = f" [graph <{result.graph.value}>]" if result.graph is not None else ""
        violations.append(
            Violation(
                focus_node=str(result.subject),
                path=str(result.predicate) if result.predicate is not None else None,
                message=result.message,
                severity="Violation",
                shape=f"provenance gate: {result.rule}",
                value=f"{result.object}{graph}" if result.object is not None else graph.strip() or None,
                files=tuple(sorted(files)),
            )
        )
    return violations


def to_rdflib(sources: list[SourceFile]) -> rdflib.Graph:
    return _load(sources).rdflib_graph


def validate(graph_sources: list[SourceFile], shape_sources: list[SourceFile]) -> ValidationReport:
    data = _load(graph_sources)
    shapes_graph = to_rdflib(shape_sources)
    subject_files = data.subject_files
    conforms, results_graph, _text = pyshacl.validate(
        data.rdflib_graph,
        shacl_graph=shacl_sparql.strip_sparql_constraints(shapes_graph),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    violations = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(result, SH.focusNode)
        path = results_graph.value(result, SH.resultPath)
        message = results_graph.value(result, SH.resultMessage)
        severity = results_graph.value(result, SH.resultSeverity)
        shape = results_graph.value(result, SH.sourceShape)
        value = results_graph.value(result, SH.value)
        focus_text = focus.n3() if focus is not None else "(unknown node)"
        violations.append(
            Violation(
                focus_node=focus_text,
                path=path.n3() if isinstance(path, rdflib.term.Node) else None,
                message=str(message) if message is not None else "(no message)",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                shape=shape.n3() if isinstance(shape, rdflib.URIRef) else None,
                value=value.n3() if value is not None else None,
                files=tuple(sorted(subject_files.get(focus_text, ()))),
            )
        )
    for result in shacl_sparql.evaluate(data.store, shapes_graph):
        focus_text = str(result.focus_node)
        violations.append(
            Violation(
                focus_node=focus_text,
                path=f"<{result.path}>" if result.path else None,
                message=result.message,
                severity="Violation",
                shape=result.shape,
                value=result.value,
                files=tuple(sorted(subject_files.get(focus_text, ()))),
            )
        )
    violations.extend(_gate_violations(data))
    violations.sort(key=lambda v: (v.files, v.focus_node, v.message, v.path or "", v.value or ""))
    blocking = [v for v in violations if v.severity == "Violation"]
    return ValidationReport(conforms=bool(conforms) and not blocking, violations=tuple(violations))
