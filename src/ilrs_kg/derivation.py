"""Derived statements: the build's rules (rules/*.rq, one SPARQL CONSTRUCT each) and where their output goes.

Each rule's output is its own statement graph, `graph/derived/<rule>`, described in the provenance graph as
ilrs:DerivedStatements with its rule and the statement graphs it was computed from (docs/provenance.md).
Those inputs are computed, not declared: the rule's WHERE clause is run again as SELECT *, each of its triple
patterns is filled in with every solution, and the graphs holding the resulting triples are the inputs.

The output is written as one TriG file per rule under the build directory and then treated exactly like a
data file: validated with the shapes and the provenance gate (so a rule producing malformed statements fails
the build, naming its file) and loaded into the store with the default graph's merge.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.paths import AlternativePath, InvPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from ilrs_kg.errors import RuleError
from ilrs_kg.namespaces import BASE, DATA_GRAPH, DERIVED_GRAPH_NS, ONTOLOGY_NS, PREFIXES, PROVENANCE_GRAPH
from ilrs_kg.scratch import in_scratch_store, is_large
from ilrs_kg.settings import Settings
from ilrs_kg.sorted_lines import sort_unique
from ilrs_kg.sources import SourceFile, data_version, rule_files
from ilrs_kg.store import fill_store

RULE_NS = BASE + "rule/"
_TITLE_MARK = "# rule:"
_STATEMENT_KINDS = tuple(
    ox.NamedNode(ONTOLOGY_NS + kind)
    for kind in ("SourcedStatements", "EditorialStatements", "DerivedStatements")
)
_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_PROVENANCE = ox.NamedNode(PROVENANCE_GRAPH)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Rule:
    """One rule file: rules/<name>.rq, whose first line is `# rule: <title>` and whose comment says why."""

    name: str
    path: Path
    title: str
    comment: str
    text: str

    @property
    def iri(self) -> str:
        return RULE_NS + self.name

    @property
    def graph(self) -> str:
        return DERIVED_GRAPH_NS + self.name


@dataclass(frozen=True)
class Statements:
    """A rule's output: its distinct statements in an N-Triples file, sorted (the same data gives the same
    file), read back as often as needed while the derivation's spill directory lives."""

    path: Path
    count: int

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ox.Triple]:
        return (quad.triple for quad in ox.parse(path=self.path, format=ox.RdfFormat.N_TRIPLES, lenient=True))


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    statements: Statements
    inputs: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class DerivationReport:
    outcomes: tuple[RuleOutcome, ...]
    seconds: float

    @property
    def statements(self) -> int:
        return sum(len(o.statements) for o in self.outcomes)


@dataclass(frozen=True)
class DerivedSources:
    """The source files plus one generated TriG file per rule: what the build validates and loads."""

    files: list[SourceFile]
    report: DerivationReport
    # Loading the sources, running the rules and writing their files.
    seconds: float

    def share_line(self, build_seconds: float) -> str:
        share = 100 * self.seconds / build_seconds if build_seconds > 0 else 0.0
        return f"derivation took {self.seconds:.2f} s of {build_seconds:.2f} s ({share:.0f}% of the build)"


def read_rule(path: Path) -> Rule:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or not lines[0].startswith(_TITLE_MARK):
        raise RuleError(
            path, 1, f"a rule file starts with '{_TITLE_MARK} <title>', then a comment saying why"
        )
    comment = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        comment.append(line[1:].strip())
    if not comment:
        raise RuleError(path, 2, "the rule has no comment saying what it derives and why")
    return Rule(path.stem, path, lines[0][len(_TITLE_MARK) :].strip(), " ".join(comment), text)


def as_select(rule: Rule) -> str:
    """The rule's WHERE clause as `SELECT *`: the CONSTRUCT template replaced, everything else kept."""
    text = rule.text
    start = _find_construct(text)
    if start is None:
        raise RuleError(rule.path, None, "a rule is one SPARQL CONSTRUCT { template } WHERE { … } query")
    opening = text.index("{", start)
    closing = _matching_brace(text, opening)
    if closing is None:
        raise RuleError(rule.path, None, "the CONSTRUCT template's braces do not close")
    return text[:start] + "SELECT *" + text[closing + 1 :]


def _code_positions(text: str) -> Iterator[int]:
    """Positions of characters outside comments, strings and IRIs (enough for a prologue and a template)."""
    i = 0
    while i < len(text):
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if char in "\"'":
            i += 1
            while i < len(text) and text[i] != char:
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if char == "<":
            end = text.find(">", i)
            i = len(text) if end < 0 else end + 1
            continue
        yield i
        i += 1


def _find_construct(text: str) -> int | None:
    for i in _code_positions(text):
        if text[i : i + 9].upper() == "CONSTRUCT" and (i == 0 or not text[i - 1].isalnum()):
            return i
    return None


def _matching_brace(text: str, opening: int) -> int | None:
    depth = 0
    for i in _code_positions(text):
        if i < opening:
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


# Subject, predicate, object and the graph the pattern is matched in: a `GRAPH ?g { … }` clause's term, or
# None for the default graph (the merge, whose facts any statement graph holding them states).
_Pattern = tuple[object, object, object, object]


def triple_patterns(rule: Rule) -> list[_Pattern]:
    """Every triple pattern of the rule's WHERE clause a solution can fill in (rdflib terms), with its graph.

    Paths of one step (`a|b`, `^a`) become their plain patterns; longer paths are left out: the facts they
    walk (the ontology's class hierarchy, for instance) are not instance statements.
    """
    try:
        algebra = prepareQuery(rule.text).algebra
    except Exception as exc:  # pyparsing's ParseException and rdflib's own: both mean "does not parse"
        raise RuleError(rule.path, None, f"does not parse as SPARQL: {exc}") from exc
    patterns: list[_Pattern] = []
    _collect(algebra.get("p"), patterns, None)
    return patterns


def _collect(node: object, patterns: list[_Pattern], graph: object) -> None:
    if isinstance(node, CompValue):
        if node.name in ("BGP", "TriplesBlock"):
            for s, p, o in node.get("triples") or ():
                patterns.extend((*pattern, graph) for pattern in _plain(s, p, o))
        inner = node.get("term") if node.name == "Graph" else graph
        for value in node.values():
            _collect(value, patterns, inner)
    elif isinstance(node, list | tuple):
        for item in node:
            _collect(item, patterns, graph)


def _plain(s: object, p: object, o: object) -> list[tuple[object, object, object]]:
    if isinstance(p, rdflib.URIRef | rdflib.Variable):
        return [(s, p, o)]
    if isinstance(p, AlternativePath):
        return [pattern for alternative in p.args for pattern in _plain(s, alternative, o)]
    if isinstance(p, InvPath):
        return _plain(o, p.arg, s)
    return []


def _term(
    value: object, solution: ox.QuerySolution
) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None:
    if isinstance(value, rdflib.Variable):
        bound = solution[str(value)]
        return bound if isinstance(bound, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) else None
    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        datatype = ox.NamedNode(str(value.datatype)) if value.datatype else None
        return ox.Literal(str(value), datatype=datatype)
    return None  # a blank node of the pattern: nothing to look up


# Bumped when what a cached pattern holds changes (2: the graph each pattern is matched in).
_CACHE_FORMAT = 2


class PatternCache:
    """Each rule's triple patterns, kept on disk by the rule text's digest.

    rdflib's SPARQL parser takes most of the derivation's time (tenths of a second per rule); a rule's
    patterns change only when its text does, so a build parses only new or edited rules.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def patterns(self, rule: Rule) -> list[_Pattern]:
        if self.directory is None:
            return triple_patterns(rule)
        key = f"{_CACHE_FORMAT}\0{rdflib.__version__}\0{rule.text}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        path = self.directory / f"{rule.name}-{digest}.json"
        try:
            rows = json.loads(path.read_text("utf-8"))
            return [(_decode(s), _decode(p), _decode(o), _decode(g)) for s, p, o, g in rows]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        found = triple_patterns(rule)
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
        temporary.write_text(json.dumps([[_encode(term) for term in row] for row in found]), "utf-8")
        os.replace(temporary, path)
        return found


def _encode(term: object) -> list[str | None]:
    if term is None:
        return ["default", ""]
    if isinstance(term, rdflib.Variable):
        return ["var", str(term)]
    if isinstance(term, rdflib.URIRef):
        return ["iri", str(term)]
    if isinstance(term, rdflib.Literal):
        return ["lit", str(term), str(term.datatype) if term.datatype else None, term.language]
    return ["blank", str(term)]


def _decode(encoded: list[str | None]) -> object:
    kind, value = encoded[0], str(encoded[1])
    if kind == "default":
        return None
    if kind == "var":
        return rdflib.Variable(value)
    if kind == "iri":
        return rdflib.URIRef(value)
    if kind == "lit":
        return rdflib.Literal(value, datatype=encoded[2], lang=encoded[3])
    if kind == "blank":
        return rdflib.BNode(value)
    raise KeyError(kind)


_SEEN_BOUND = 100_000


def input_graphs(store: ox.Store, rule: Rule, cache: PatternCache | None = None) -> tuple[str, ...]:
    """The statement graphs that hold a triple some solution of the rule's WHERE clause matched."""
    patterns = (cache or PatternCache(None)).patterns(rule)
    statement_graphs = _statement_graphs(store)
    # The triples looked up already, forgotten past a bound: they grow with the data, the inputs do not.
    seen: set[tuple[object, object, object, object]] = set()
    inputs: set[str] = set()
    solutions = store.query(as_select(rule))
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        for s, p, o, g in patterns:
            terms = (_term(s, solution), _term(p, solution), _term(o, solution))
            # A pattern inside GRAPH ?g matched in that one graph; one outside, in any graph holding it.
            graph = None if g is None else _term(g, solution)
            matched = (*terms, graph)
            if None in terms or (g is not None and graph is None) or matched in seen:
                continue
            if len(seen) >= _SEEN_BOUND:
                seen.clear()
            seen.add(matched)
            for quad in store.quads_for_pattern(*matched):  # type: ignore[arg-type]
                name = quad.graph_name
                if isinstance(name, ox.NamedNode) and name.value in statement_graphs:
                    inputs.add(name.value)
    return tuple(sorted(inputs))


def _statement_graphs(store: ox.Store) -> set[str]:
    return {
        quad.subject.value
        for kind in _STATEMENT_KINDS
        for quad in store.quads_for_pattern(None, _TYPE, kind, _PROVENANCE)
        if isinstance(quad.subject, ox.NamedNode)
    }


def run_rule(store: ox.Store, rule: Rule, spill: Path, cache: PatternCache | None = None) -> RuleOutcome:
    """Run one rule; its output goes to a file in `spill`, never a Python list (it grows with the data)."""
    started = time.perf_counter()
    try:
        result = store.query(rule.text)
    except SyntaxError as exc:
        raise RuleError(rule.path, exc.lineno, f"does not parse as SPARQL: {exc.msg}") from exc
    if not isinstance(result, ox.QueryTriples):
        raise RuleError(rule.path, None, "a rule is a CONSTRUCT query (this one is SELECT or ASK)")
    statements = _sorted_statements(result, spill)
    if not statements:
        raise RuleError(
            rule.path, None, "derived nothing from the data: its patterns no longer match anything"
        )
    for statement in statements:
        if isinstance(statement.subject, ox.BlankNode) or isinstance(statement.object, ox.BlankNode):
            raise RuleError(
                rule.path, None, f"derived a blank node ({statement}): derived facts name their nodes"
            )
    inputs = input_graphs(store, rule, cache)
    if not inputs:
        raise RuleError(rule.path, None, "derived statements from no statement graph (only plumbing)")
    return RuleOutcome(rule, statements, inputs, time.perf_counter() - started)


def _sorted_statements(result: ox.QueryTriples, spill: Path) -> Statements:
    """The CONSTRUCT's statements, each once, sorted by their N-Triples text (= `sorted(key=str)`), so the
    generated file is the same for the same data: written out, sorted by ilrs_kg.sorted_lines."""
    with tempfile.TemporaryFile(dir=spill) as raw:
        result.serialize(raw, ox.RdfFormat.N_TRIPLES)
        raw.seek(0)
        handle, name = tempfile.mkstemp(dir=spill, suffix=".nt")
        with os.fdopen(handle, "wb") as output:
            count = sort_unique(raw, output, spill)
    return Statements(Path(name), count)


def derive(
    store: ox.Store, rules: Iterable[Rule], spill: Path, cache: PatternCache | None = None
) -> DerivationReport:
    """Run the rules in order over the store (named graphs plus their merge as default graph); their
    outputs are files in `spill`, which must outlive the report's use.

    Each rule's output goes into its graph and the default graph, with its description in the provenance
    graph, so a later rule may build on an earlier one and cite it as an input.
    """
    started = time.perf_counter()
    outcomes = []
    for rule in rules:
        outcome = run_rule(store, rule, spill, cache)
        # The bulk loader streams (a transaction would hold it all); the store is a scratch one.
        store.bulk_extend(_quads(outcome, include_default=True))
        outcomes.append(outcome)
    return DerivationReport(tuple(outcomes), time.perf_counter() - started)


def _quads(outcome: RuleOutcome, *, include_default: bool = False) -> Iterator[ox.Quad]:
    graph, default = ox.NamedNode(outcome.rule.graph), ox.DefaultGraph()
    # One pass: the statements are read back from their file each time they are iterated.
    for t in outcome.statements:
        yield ox.Quad(t.subject, t.predicate, t.object, graph)
        if include_default:
            yield ox.Quad(t.subject, t.predicate, t.object, default)
    yield from _description(outcome)


def _description(outcome: RuleOutcome) -> list[ox.Quad]:
    rule, graph = outcome.rule, ox.NamedNode(outcome.rule.graph)
    rule_node = ox.NamedNode(rule.iri)
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    derived_from = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (graph, _TYPE, ox.NamedNode(ONTOLOGY_NS + "DerivedStatements")),
        (graph, label, ox.Literal(f"Derived: {rule.title}", language="en")),
        (graph, ox.NamedNode(ONTOLOGY_NS + "derivationRule"), rule_node),
        *((graph, derived_from, ox.NamedNode(source)) for source in outcome.inputs),
        (rule_node, _TYPE, ox.NamedNode(ONTOLOGY_NS + "DerivationRule")),
        (rule_node, label, ox.Literal(rule.title, language="en")),
        (rule_node, ox.NamedNode(PREFIXES["skos"] + "definition"), ox.Literal(rule.comment, language="en")),
        (rule_node, ox.NamedNode(ONTOLOGY_NS + "ruleFile"), ox.Literal(f"rules/{rule.path.name}")),
    ]
    return [ox.Quad(s, p, o, _PROVENANCE) for s, p, o in triples]


def derived_dir(settings: Settings) -> Path:
    return settings.output_dir / "derived"


def with_derived(settings: Settings, sources: list[SourceFile], progress: Progress) -> DerivedSources:
    """The sources plus the rules' output, one TriG file per rule under build/derived/<data version>/.

    Each file is replaced by rename, so a concurrent build of the same version (same rules, same data,
    same output) never reads a half-written file.
    """
    rules = [read_rule(path) for path in rule_files(settings)]
    if not rules:
        return DerivedSources(sources, DerivationReport((), 0.0), 0.0)
    started = time.perf_counter()
    cache = PatternCache(derived_dir(settings) / "patterns")

    directory = derived_dir(settings) / data_version(settings)
    directory.mkdir(parents=True, exist_ok=True)
    # The rules' outputs are spilled beside the derived files: the same disk, never a small /tmp.
    with tempfile.TemporaryDirectory(dir=directory, prefix=".spill-") as spill:

        def run(store: ox.Store) -> DerivationReport:
            # Streamed by the build's own loader (the same graphs and merge as the store it writes), not
            # parsed into a list first: memory is the store's, and on disk for large data (ilrs_kg.scratch).
            fill_store(store, sources)
            return derive(store, rules, Path(spill), cache)

        report = in_scratch_store(is_large(sources), run)
        files = [_write(directory, outcome) for outcome in report.outcomes]
    seconds = time.perf_counter() - started
    progress(f"derived {report.statements} statement(s) with {len(rules)} rule(s) ({seconds:.2f} s)")
    return DerivedSources(sources + files, report, seconds)


def _write(directory: Path, outcome: RuleOutcome) -> SourceFile:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{outcome.rule.name}.trig"
    header = (
        f"# Generated by the build from rules/{outcome.rule.path.name} ({outcome.rule.title}); do not edit.\n"
    ).encode()
    temporary = directory / f".{target.name}.{uuid.uuid4().hex[:8]}"
    with temporary.open("wb") as output:
        output.write(header)
        prefixes = {k: v for k, v in PREFIXES.items() if k != "id"}
        ox.serialize(_quads(outcome), output, ox.RdfFormat.TRIG, prefixes=prefixes)
    os.replace(temporary, target)
    return SourceFile(target, DATA_GRAPH)
