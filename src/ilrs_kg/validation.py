"""SHACL validation of the ontology + data against the shapes, with a report a person can act on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

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


def to_rdflib(sources: list[SourceFile]) -> tuple[rdflib.Graph, dict[str, set[Path]]]:
    """One rdflib graph of all the files, and for each subject IRI the files that state it."""
    graph = rdflib.Graph()
    subject_files: dict[str, set[Path]] = defaultdict(set)
    for source in sources:
        nt_lines = []
        for quad in parse_file(source):
            nt_lines.append(f"{quad.subject} {quad.predicate} {quad.object} .")
            subject_files[str(quad.subject)].add(source.path)
        graph.parse(data="\n".join(nt_lines), format="nt")
    return graph, subject_files


def validate(graph_sources: list[SourceFile], shape_sources: list[SourceFile]) -> ValidationReport:
    data_graph, subject_files = to_rdflib(graph_sources)
    shapes_graph, _ = to_rdflib(shape_sources)
    conforms, results_graph, _text = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
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
    violations.sort(key=lambda v: (v.files, v.focus_node, v.message))
    blocking = [v for v in violations if v.severity == "Violation"]
    return ValidationReport(conforms=bool(conforms) and not blocking, violations=tuple(violations))
