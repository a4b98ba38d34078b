"""The `ilrs-kg` parser and the commands over the graph itself: validate, build, query, stats; serve and
export register their own arguments (ilrs_kg.cli.serve, ilrs_kg.cli.export)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ilrs_kg.build import build_store, run_validation
from ilrs_kg.cli import export, publish, serve
from ilrs_kg.cli.common import add_root_arguments, settings_from_args
from ilrs_kg.cli.common import progress as _progress
from ilrs_kg.errors import IlrsKgError, SourceSyntaxError, ValidationFailed
from ilrs_kg.releases import require_current, verify
from ilrs_kg.sparql.formats import write_results
from ilrs_kg.stats import compute
from ilrs_kg.store import open_current
from ilrs_kg.web.formats import GRAPH_FORMATS, RESULTS_FORMATS

# The formats' registry keys (ilrs_kg.web.formats), as ?format= takes them on the endpoint.
QUERY_RESULT_FORMATS = {f.key: f.results for f in RESULTS_FORMATS if f.results is not None}
GRAPH_RESULT_FORMATS = {f.key: f.rdf for f in GRAPH_FORMATS if f.rdf is not None}
F = TypeVar("F", ox.RdfFormat, ox.QueryResultsFormat)


def _cmd_validate(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    report = run_validation(settings, _progress)
    print(report.render(settings.root))
    return 0 if report.conforms else 1


def _cmd_build(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    # serve --watch rebuilds with --if-changed: a save that changes nothing swaps nothing.
    outcome = build_store(settings, _progress, reuse=args.if_changed, incremental=args.incremental)
    print(
        f"built store {settings.store_path} (data version {outcome.data_version}, "
        f"{outcome.triples} triples) in {outcome.seconds:.2f} s"
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    release = require_current(settings)
    problems = verify(release, thorough=True)
    for problem in problems:
        print(f"error: {release.path / problem}", file=sys.stderr)
    if problems:
        print("run `ilrs-kg build` to rebuild it", file=sys.stderr)
        return 1
    print(f"{release.path}: every file matches its manifest ({len(release.files)} files)")
    return 0


def _named(formats: Mapping[str, F], name: str | None, default: str, other_forms: str) -> F | None:
    """The format `--format` names among this query form's; None, after saying so, for another form's."""
    chosen = formats.get(name or default)
    if chosen is None:
        choices = ", ".join(formats)
        print(f"error: --format {name} is for {other_forms}; use one of {choices}", file=sys.stderr)
    return chosen


def _cmd_query(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    text = Path(args.sparql[1:]).read_text(encoding="utf-8") if args.sparql.startswith("@") else args.sparql
    build_store(settings, _progress, reuse=True)
    with open_current(settings) as store:
        return _answer(store, text, args.format)


def _answer(store: ox.Store, text: str, format_name: str | None) -> int:
    try:
        result = store.query(text)  # the default graph is the build's merge of all graphs
    except SyntaxError as exc:
        print(f"error: the query does not parse: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        fmt = _named(GRAPH_RESULT_FORMATS, format_name, "turtle", "SELECT/ASK")
        if fmt is None:
            return 2
        result.serialize(out, fmt)
    else:
        results_fmt = _named(QUERY_RESULT_FORMATS, format_name, "json", "CONSTRUCT/DESCRIBE")
        if results_fmt is None:
            return 2
        write_results(result, out, results_fmt)
    out.write(b"\n")
    out.flush()
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    build_store(settings, _progress, reuse=True)
    with open_current(settings) as store:
        print(compute(store).render())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ilrs-kg", description="Knowledge graph of the International Lunar Research Station."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_root(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        add_root_arguments(sub)
        return sub

    with_root(commands.add_parser("validate", help="check the graph against the SHACL shapes")).set_defaults(
        handler=_cmd_validate
    )

    def with_store(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--store", help="build directory holding the store (default: <root>/build)")
        return sub

    build = with_store(
        with_root(commands.add_parser("build", help="validate, then write the Oxigraph store"))
    )
    build.add_argument("--if-changed", action="store_true", help=argparse.SUPPRESS)
    build.add_argument(
        "--incremental",
        action="store_true",
        help="revalidate only the nodes the sources' changes can affect since the last --incremental build"
        " (serve --watch does; the same report as a full validation)",
    )
    build.set_defaults(handler=_cmd_build)
    with_store(
        with_root(
            commands.add_parser("verify", help="hash every file of the built store against its manifest")
        )
    ).set_defaults(handler=_cmd_verify)
    query = with_store(with_root(commands.add_parser("query", help="run a SPARQL query (text, or @file.rq)")))
    query.add_argument("sparql")
    query.add_argument("--format", choices=[*QUERY_RESULT_FORMATS, *GRAPH_RESULT_FORMATS])
    query.set_defaults(handler=_cmd_query)
    with_store(
        with_root(commands.add_parser("stats", help="entities per class, triples, sources, languages"))
    ).set_defaults(handler=_cmd_stats)
    for module, name, help_text in (
        (serve, "serve", "validate, build (or reuse) and serve the graph over HTTP"),
        (export, "export", "write a dump or export of the graph"),
        (publish, "publish", "load the graph into a remote SPARQL store (Graph Store Protocol)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        add_root_arguments(sub)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SourceSyntaxError as exc:
        print(f"syntax error: {exc}", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        print(exc.report_text, file=sys.stderr)
        print(f"validation failed: {exc.violation_count} violation(s); nothing was built", file=sys.stderr)
        return 1
    except IlrsKgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
