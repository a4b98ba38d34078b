"""`ilrs-kg` command line: validate, build, query, stats, serve, export."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.build import build_store, run_validation
from ilrs_kg.errors import IlrsKgError, SourceSyntaxError, ValidationFailed
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.formats import write_results
from ilrs_kg.stats import compute
from ilrs_kg.store import load_in_memory
from ilrs_kg.validation import VALIDATORS

QUERY_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settings_from_args(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "root", None) is not None:
        settings = settings.with_changes(root=Path(args.root).resolve())
    if getattr(args, "validator", None) is not None:
        settings = settings.with_changes(validator=args.validator)
    if getattr(args, "store", None) is not None:
        settings = settings.with_changes(build_dir=Path(args.store).resolve())
    return settings


def _cmd_validate(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    report = run_validation(settings, _progress)
    print(report.render(settings.root))
    return 0 if report.conforms else 1


def _cmd_build(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    # serve --watch rebuilds with --if-changed: a save that changes nothing swaps nothing.
    outcome = build_store(settings, _progress, reuse=args.if_changed)
    print(
        f"built store {settings.store_path} (data version {outcome.data_version}, "
        f"{outcome.triples} triples) in {outcome.seconds:.2f} s"
    )
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    text = Path(args.sparql[1:]).read_text(encoding="utf-8") if args.sparql.startswith("@") else args.sparql
    build_store(settings, _progress, reuse=True)
    store = load_in_memory(settings)
    try:
        result = store.query(text)  # the default graph is the build's merge of all graphs
    except SyntaxError as exc:
        print(f"error: the query does not parse: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        fmt = GRAPH_FORMATS.get(args.format or "turtle")
        if fmt is None:
            print(
                f"error: --format {args.format} is for SELECT/ASK; use one of {', '.join(GRAPH_FORMATS)}",
                file=sys.stderr,
            )
            return 2
        result.serialize(out, fmt)
    else:
        results_fmt = QUERY_RESULT_FORMATS.get(args.format or "json")
        if results_fmt is None:
            print(
                f"error: --format {args.format} is for CONSTRUCT/DESCRIBE; use one of "
                f"{', '.join(QUERY_RESULT_FORMATS)}",
                file=sys.stderr,
            )
            return 2
        write_results(result, out, results_fmt)
    out.write(b"\n")
    out.flush()
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    build_store(settings, _progress, reuse=True)
    print(compute(load_in_memory(settings)).render())
    return 0


def _add_root_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--root", help="project directory holding ontology/, data/ and shapes/")
    sub.add_argument(
        "--validator",
        choices=VALIDATORS,
        help="which engine checks the SHACL core shapes: sparql (compiled, the default) or pyshacl"
        " (the reference)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ilrs-kg", description="Knowledge graph of the International Lunar Research Station."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_root(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        _add_root_arguments(sub)
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
    build.set_defaults(handler=_cmd_build)
    query = with_store(with_root(commands.add_parser("query", help="run a SPARQL query (text, or @file.rq)")))
    query.add_argument("sparql")
    query.add_argument("--format", choices=[*QUERY_RESULT_FORMATS, *GRAPH_FORMATS])
    query.set_defaults(handler=_cmd_query)
    with_store(
        with_root(commands.add_parser("stats", help="entities per class, triples, sources, languages"))
    ).set_defaults(handler=_cmd_stats)
    _add_optional_commands(commands, with_root)
    return parser


def _add_optional_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], with_root: object
) -> None:
    """serve and export live in their own modules, which register their own arguments."""
    from ilrs_kg import export_command, serve_command

    for module, name, help_text in (
        (serve_command, "serve", "validate, build (or reuse) and serve the graph over HTTP"),
        (export_command, "export", "write a dump or export of the graph"),
    ):
        sub = commands.add_parser(name, help=help_text)
        _add_root_arguments(sub)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)


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
