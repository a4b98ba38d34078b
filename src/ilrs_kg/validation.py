"""SHACL validation of the ontology + data against the shapes, with a report a person can act on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from ilrs_kg import provenance_gate, revalidation, scratch, shacl_core, shacl_sparql
from ilrs_kg.namespaces import DATA_GRAPH
from ilrs_kg.sources import SourceFile, parse_file, rdf_format


@dataclass(frozen=True)
class Finding:
    """What a rule says is wrong with one node: the node, the property, the rule and its message."""

    focus_node: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None


@dataclass(frozen=True)
class Violation(Finding):
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

# Which validator checks the SHACL core constraints: "sparql" compiles them to SPARQL run by Oxigraph
# (shacl_core.py, linear in the graph and without an rdflib copy of it); "pyshacl" is the reference
# implementation the tests compare it with.
VALIDATORS = ("sparql", "pyshacl")


def _quad_key(subject: object, predicate: object, obj: object, graph: object) -> _QuadKey:
    return (str(subject), str(predicate), str(obj), str(graph))


def _load(sources: list[SourceFile]) -> ox.Store:
    """The files in a new in-memory store (`_fill`)."""
    store = ox.Store()
    _fill(store, sources, bulk=False)
    return store


def _fill(store: ox.Store, sources: list[SourceFile], *, bulk: bool) -> ox.Store:
    """All the files in one Oxigraph store, each file's named graphs as written (statements outside GRAPH
    blocks in the file's graph, for the provenance gate). Oxigraph parses the files itself: no Python
    object per triple. SHACL sees the merge of the graphs as the union default graph (`_UNION`), which
    costs neither a second copy of every triple nor the time to make it: its constraints ask whether a
    value exists or count distinct values, and a triple two graphs repeat changes neither.

    `bulk` (an on-disk store): by the bulk loader, which writes sorted runs to disk as it parses, so memory
    stays bounded whatever the size; then compacted, since one bulk load per file leaves as many runs and
    each of validation's lookups would read them all (1M triples: checks 57 s instead of 85 s, for about
    3 s of compaction)."""
    add = store.bulk_load if bulk else store.load
    for source in sources:
        graph = ox.NamedNode(source.graph) if source.graph is not None else ox.DefaultGraph()
        try:
            add(path=source.path, format=_format(source), to_graph=graph)
        except SyntaxError:
            list(parse_file(source))  # raises SourceSyntaxError naming file, line and column
            raise
    if bulk:
        store.optimize()
    return store


def _format(source: SourceFile) -> ox.RdfFormat:
    return rdf_format(source.path)


def _files_stating(
    sources: list[SourceFile], subjects: set[str], quads: set[_QuadKey]
) -> tuple[dict[str, set[Path]], dict[_QuadKey, set[Path]]]:
    """For the few nodes and quads a report names, the files that state them: one more parse of the
    files, paid only when something is wrong, instead of an index of every triple's file kept for all."""
    subject_files: dict[str, set[Path]] = defaultdict(set)
    quad_files: dict[_QuadKey, set[Path]] = defaultdict(set)
    if not subjects and not quads:
        return subject_files, quad_files
    for source in sources:
        for quad in parse_file(source):
            subject = str(quad.subject)
            if subject in subjects:
                subject_files[subject].add(source.path)
            if quads:
                key = _quad_key(quad.subject, quad.predicate, quad.object, quad.graph_name)
                if key in quads:
                    quad_files[key].add(source.path)
    return subject_files, quad_files


@dataclass(frozen=True)
class _Found(Finding):
    """A violation before its files are known; `quad` names the gate's offending statement."""

    quad: _QuadKey | None = None


def _gate_violations(dataset: ox.Store) -> list[_Found]:
    found = []
    for result in provenance_gate.evaluate(dataset, DATA_GRAPH):
        key = _quad_key(result.subject, result.predicate, result.object, result.graph)
        graph = f" [graph <{result.graph.value}>]" if result.graph is not None else ""
        found.append(
            _Found(
                focus_node=str(result.subject),
                path=str(result.predicate) if result.predicate is not None else None,
                message=result.message,
                severity="Violation",
                shape=f"provenance gate: {result.rule}",
                value=f"{result.object}{graph}" if result.object is not None else graph.strip() or None,
                quad=key,
            )
        )
    return found


def to_rdflib(sources: list[SourceFile]) -> rdflib.Graph:
    """The files' merged graph in rdflib (for the shapes, and for pyshacl as the reference)."""
    return _as_rdflib(_load(sources))


def _as_rdflib(store: ox.Store) -> rdflib.Graph:
    """Every graph's triples in one rdflib graph (which keeps each triple once)."""
    graph = rdflib.Graph()
    triples = ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=triples.decode("utf-8") if triples else "", format="nt")
    return graph


def _pyshacl_violations(store: ox.Store, shapes_graph: rdflib.Graph) -> list[_Found]:
    _conforms, results_graph, _text = pyshacl.validate(
        _as_rdflib(store),
        shacl_graph=shacl_sparql.strip_sparql_constraints(shapes_graph),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    found = []
    # The report's own results: nested sh:detail results (inside sh:node, sh:xone …) are part of those.
    reports = list(results_graph.subjects(RDF.type, SH.ValidationReport))
    for result in (r for report in reports for r in results_graph.objects(report, SH.result)):
        focus = results_graph.value(result, SH.focusNode)
        path = results_graph.value(result, SH.resultPath)
        message = results_graph.value(result, SH.resultMessage)
        severity = results_graph.value(result, SH.resultSeverity)
        shape = results_graph.value(result, SH.sourceShape)
        value = results_graph.value(result, SH.value)
        found.append(
            _Found(
                focus_node=focus.n3() if focus is not None else "(unknown node)",
                path=_path_text(path, results_graph, shapes_graph),
                message=str(message) if message is not None else "(no message)",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                shape=shape.n3() if isinstance(shape, rdflib.URIRef) else None,
                value=value.n3() if value is not None else None,
            )
        )
    return found


def _path_text(
    path: rdflib.term.Node | None, results_graph: rdflib.Graph, shapes_graph: rdflib.Graph
) -> str | None:
    """A result's path as the compiled validator writes it: an IRI, or a complex path as SPARQL path text
    (a blank node's label would say nothing to the reader)."""
    if path is None:
        return None
    if not isinstance(path, rdflib.BNode):
        return path.n3()
    for graph in (results_graph, shapes_graph):
        try:
            return shacl_core.sparql_path(graph, path)
        except shacl_core.UnsupportedShape:
            continue
    return path.n3()


def _compiled_violations(
    store: ox.Store, shapes_graph: rdflib.Graph, focus: Sequence[str] | None = None, *, on_disk: bool = False
) -> list[_Found]:
    return [
        _Found(
            focus_node=str(result.focus_node),
            path=result.path,
            message=result.message,
            severity=result.severity,
            shape=result.shape,
            value=str(result.value) if result.value is not None else None,
        )
        for result in shacl_core.evaluate(store, shapes_graph, union=True, focus=focus, scans=on_disk)
    ]


def core_violations(
    store: ox.Store, shapes_graph: rdflib.Graph, validator: str, *, on_disk: bool = False
) -> list[_Found]:
    """The SHACL core constraints' violations, by the chosen validator (VALIDATORS); `on_disk`: the store
    is, and the compiled queries scan rather than look up (shacl_core.compile_shapes)."""
    if validator == "pyshacl":
        return _pyshacl_violations(store, shapes_graph)
    if validator == "sparql":
        return _compiled_violations(store, shapes_graph, on_disk=on_disk)
    raise ValueError(f"unknown validator {validator!r}: choose one of {', '.join(VALIDATORS)}")


def validate(
    graph_sources: list[SourceFile],
    shape_sources: list[SourceFile],
    validator: str = "sparql",
    *,
    on_disk: bool | None = None,
    state_dir: Path | None = None,
    log: Callable[[str], None] = lambda _message: None,
) -> ValidationReport:
    """The report over the graph files; `on_disk` None chooses the store by size (ilrs_kg.scratch).

    `state_dir` (the compiled validator only): revalidate incrementally from the state the last such
    validation left there (ilrs_kg.revalidation), which gives the same report; `log` says which nodes
    were rechecked, or why everything was.

    Not the draft release's store: the gate needs each file's graph as written, which the build's store
    merges into its default graph."""
    shapes_graph = _as_rdflib(_load(shape_sources))
    disk = scratch.is_large(graph_sources) if on_disk is None else on_disk

    def work(store: ox.Store) -> list[_Found]:
        _fill(store, graph_sources, bulk=disk)
        if state_dir is None or validator != "sparql":
            return _violations(store, shapes_graph, validator, on_disk=disk)
        return _incremental(store, shapes_graph, graph_sources, shape_sources, state_dir, log, on_disk=disk)

    return _report(graph_sources, scratch.in_scratch_store(disk, work))


def _incremental(
    store: ox.Store,
    shapes_graph: rdflib.Graph,
    graph_sources: list[SourceFile],
    shape_sources: list[SourceFile],
    state_dir: Path,
    log: Callable[[str], None],
    *,
    on_disk: bool,
) -> list[_Found]:
    """Findings of the nodes an edit can affect, rechecked, and the others' from the saved state; the
    gate, whose rules read only the provenance graph, the graph list and the loose statements, in full."""
    state = revalidation.State(state_dir)
    loaded = state.load()
    shapes = revalidation.shapes_digest(shape_sources)
    reads = revalidation.reads_for(loaded, shapes, shapes_graph)
    files = revalidation.digests(graph_sources)
    try:
        if loaded is None:
            raise revalidation.FullValidation("no earlier validation state to start from")
        if loaded.get("shapes") != shapes:
            raise revalidation.FullValidation("the shapes changed")
        if isinstance(reads, str):
            raise revalidation.FullValidation(reads)
        edit = revalidation.change(state, loaded, files)
        nodes = revalidation.affected(store, reads, edit)
    except revalidation.FullValidation as why:
        log(f"validating every focus node: {why}")
        found = _violations(store, shapes_graph, "sparql", on_disk=on_disk)
    else:
        kept = [
            _Found(**f)  # type: ignore[arg-type]  # the fields _Found wrote
            for f in revalidation.saved_findings(loaded)
            if f["quad"] is None and f["focus_node"] not in nodes
        ]
        rechecked = _shape_violations(store, shapes_graph, "sparql", sorted(nodes))
        found = kept + rechecked + _gate_violations(store)
        changed = ", ".join(edit.files) or "no file"
        log(f"revalidated {len(nodes)} focus node(s) that the change to {changed} can affect")
    state.save(graph_sources, files, shapes, reads, (asdict(f) for f in found))
    return found


def _violations(
    store: ox.Store, shapes_graph: rdflib.Graph, validator: str, *, on_disk: bool
) -> list[_Found]:
    """Every finding over the loaded data: core constraints, SHACL-SPARQL constraints, provenance gate."""
    return _shape_violations(store, shapes_graph, validator, on_disk=on_disk) + _gate_violations(store)


def _shape_violations(
    store: ox.Store,
    shapes_graph: rdflib.Graph,
    validator: str,
    focus: Sequence[str] | None = None,
    *,
    on_disk: bool = False,
) -> list[_Found]:
    """The shapes' findings (core and SHACL-SPARQL), of the `focus` nodes only when given."""
    if focus is None:
        found = core_violations(store, shapes_graph, validator, on_disk=on_disk)
    else:
        found = _compiled_violations(store, shapes_graph, focus)
    for result in shacl_sparql.evaluate(store, shapes_graph, union=True, focus=focus):
        found.append(
            _Found(
                focus_node=str(result.focus_node),
                path=f"<{result.path}>" if result.path else None,
                message=result.message,
                severity="Violation",
                shape=result.shape,
                value=result.value,
            )
        )
    return found


def _report(graph_sources: list[SourceFile], found: list[_Found]) -> ValidationReport:
    subject_files, quad_files = _files_stating(
        graph_sources, {f.focus_node for f in found}, {f.quad for f in found if f.quad is not None}
    )
    violations = [
        Violation(
            focus_node=f.focus_node,
            path=f.path,
            message=f.message,
            severity=f.severity,
            shape=f.shape,
            value=f.value,
            files=tuple(
                sorted((quad_files.get(f.quad) if f.quad else None) or subject_files.get(f.focus_node, set()))
            ),
        )
        for f in found
    ]
    violations.sort(key=lambda v: (v.files, v.focus_node, v.message, v.path or "", v.value or ""))
    blocking = [v for v in violations if v.severity == "Violation"]
    return ValidationReport(conforms=not blocking, violations=tuple(violations))
