"""`ilrs-kg publish --to URL`: validate and build (or reuse) the graph, then load it into a remote store by
the SPARQL 1.1 Graph Store Protocol (ilrs_kg.publish), and print the statements per graph there.

Credentials never go on the command line (where `ps` shows them): ilrs_kg.cli.common.credentials.
"""

from __future__ import annotations

import argparse

from ilrs_kg.build import build_store
from ilrs_kg.cli.common import add_credential_arguments, credentials, endpoint_url, settings_from_args
from ilrs_kg.cli.common import progress as _progress
from ilrs_kg.publish import Target, publish
from ilrs_kg.sparql.remote import MERGE_GRAPH

# Virtuoso's pair: its Graph Store Protocol endpoint and its SPARQL endpoint, both with digest auth.
_VIRTUOSO_GSP = "/sparql-graph-crud-auth"
_VIRTUOSO_SPARQL = "/sparql-auth"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Validate and build the graph (or reuse an up-to-date build), then load it into a remote SPARQL "
        "store by the Graph Store Protocol, one named graph at a time (the default graph, the merge, as "
        f"<{MERGE_GRAPH}>). Publishing again replaces what an earlier publication wrote. Serve it with "
        "`ilrs-kg serve --backend URL`."
    )
    parser.add_argument("--store", help="build directory (default: <root>/build)")
    parser.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help=f"the Graph Store Protocol endpoint, such as Virtuoso's http://HOST:8890{_VIRTUOSO_GSP}",
    )
    parser.add_argument(
        "--sparql",
        metavar="URL",
        help="a SPARQL endpoint on the same store, used to check the counts (default: for a --to ending in "
        f"{_VIRTUOSO_GSP}, {_VIRTUOSO_SPARQL} on the same server)",
    )
    add_credential_arguments(parser)
    parser.add_argument(
        "--wkt-as-string",
        action="store_true",
        help="load geo:wktLiteral values as plain strings (text unchanged): Virtuoso before 7.2.10 refuses "
        "the lunar sites' coordinates otherwise",
    )


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    to = endpoint_url(args.to, "--to")
    sparql = args.sparql
    if sparql is None:
        if not to.endswith(_VIRTUOSO_GSP):
            raise SystemExit("error: --sparql is needed: the endpoint to count the published statements with")
        sparql = to.removesuffix(_VIRTUOSO_GSP) + _VIRTUOSO_SPARQL
    sparql = endpoint_url(sparql, "--sparql")
    outcome = build_store(settings, _progress, reuse=True)
    _progress(f"graph ready: {outcome.triples} triples (data version {outcome.data_version})")
    graph_store = credentials(to, args.user, args.password_file, args.auth)
    target = Target(
        graph_store, credentials(sparql, args.user, args.password_file, args.auth), args.wkt_as_string
    )
    report = publish(settings, target, _progress)
    width = max(len(p.graph) for p in report.graphs)
    print(f"{'graph':<{width}}  statements  remote")
    for published in report.graphs:
        print(f"{published.graph:<{width}}  {published.statements:>10}  {published.remote:>6}")
    total = sum(p.statements for p in report.graphs)
    print(f"{len(report.graphs)} graphs, {total} statements, data version {report.data_version}")
    for name in report.removed:
        print(f"removed {name} (no longer in the build)")
    return 0
