"""`ilrs-kg publish --to URL`: load the current (validated) release into a remote SPARQL store.

By the SPARQL 1.1 Graph Store Protocol, one named graph at a time: our data is a dataset of statement
graphs, and GSP is the standard, remote way to replace one graph whole. It needs no access to the
engine's file system (Virtuoso's bulk loader reads files from its DirsAllowed, by SQL; that is the dumps'
recipe in docs/using-the-data.md, for an operator on that machine), and works the same with Virtuoso
(`/sparql-graph-crud-auth`, digest authentication), Fuseki, GraphDB or Oxigraph's server.

- Each graph is written as N-Triples from the release's store and sent in batches: the first by PUT,
  which replaces whatever the graph held, the rest by POST, which adds. So publishing again replaces,
  never duplicates. The default graph (the merge) goes to MERGE_GRAPH.
- Graphs in our namespace that the release no longer has are deleted.
- The record (ilrs_kg.publication) is deleted first and written last, after the counts were checked:
  the remote's statements per graph, counted by SPARQL, must equal the release's.

Virtuoso before 7.2.10 refuses a `geo:wktLiteral` whose CRS it does not know (the lunar sites': "RDFGE");
`wkt_as_string` loads those literals as plain strings, their text unchanged, as the dumps' recipe does.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from ilrs_kg import publication
from ilrs_kg.errors import StoreError
from ilrs_kg.namespaces import GRAPH_NS
from ilrs_kg.releases import hold_current
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.formats import QueryForm
from ilrs_kg.sparql.remote import MERGE_GRAPH, PUBLICATION_GRAPH, Ask, Dataset, Remote, exchange, rows
from ilrs_kg.store import open_store_dir

BATCH_LINES = 100_000
REQUEST_SECONDS = 600.0
_WKT = re.compile(
    rb'"(<http://www\.opengis\.net/def/crs/[^>\n]*> [^"\n]*)"\^\^<http://www\.opengis\.net/ont/geosparql#wktLiteral>'
)


class PublishFailed(StoreError):
    pass


@dataclass(frozen=True)
class Target:
    graph_store: Remote  # the Graph Store Protocol endpoint (with the credentials that may write)
    sparql: Remote  # a SPARQL endpoint on the same store, to count what arrived
    wkt_as_string: bool = False
    batch_lines: int = BATCH_LINES


@dataclass(frozen=True)
class Published:
    graph: str  # MERGE_GRAPH for the default graph
    statements: int  # in the release
    remote: int  # counted on the remote after the load


@dataclass(frozen=True)
class Report:
    data_version: str
    graphs: list[Published]
    removed: list[str]


@dataclass(frozen=True)
class _Session:
    graph_store: httpx.Client
    sparql: httpx.Client


def publish(settings: Settings, target: Target, progress: Callable[[str], None] = lambda _m: None) -> Report:
    release, lock = hold_current(settings)
    try:
        store = open_store_dir(release.store_dir)
        with (
            httpx.Client(auth=target.graph_store.auth(), follow_redirects=False) as client,
            httpx.Client(auth=target.sparql.auth(), follow_redirects=False) as sparql,
        ):
            return _publish(store, release.data_version, target, _Session(client, sparql), progress)
    finally:
        lock.release()


def _publish(
    store: ox.Store, version: str, target: Target, session: _Session, progress: Callable[[str], None]
) -> Report:
    client = session.graph_store
    _delete(client, target, PUBLICATION_GRAPH)
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.DefaultGraph(),
        *sorted(store.named_graphs(), key=str),
    ]
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="ilrs-publish-") as scratch:
        for graph in graphs:
            name = graph.value if isinstance(graph, ox.NamedNode) else MERGE_GRAPH
            path = Path(scratch) / "graph.nt"
            store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            counts[name] = _upload(client, target, name, path)
            progress(f"published {name}: {counts[name]} statements")
    removed = sorted(set(_our_graphs(session.sparql, target)) - set(counts))
    for name in removed:
        _delete(client, target, name)
        progress(f"removed {name}: the release no longer has it")
    theirs = _counts(session.sparql, target, tuple(counts))
    wrong = [f"{g}: {n} here, {theirs.get(g, 0)} there" for g, n in counts.items() if theirs.get(g, 0) != n]
    if wrong:
        raise PublishFailed(
            "the remote does not hold what was sent (no record written, so no server will use it): "
            + "; ".join(wrong)
        )
    record = publication.Publication(version, counts)
    written = ox.serialize(record.triples(), None, ox.RdfFormat.N_TRIPLES) or b""
    _put(client, target, PUBLICATION_GRAPH, written, replace=True)
    return Report(version, [Published(g, n, theirs[g]) for g, n in counts.items()], removed)


def _upload(client: httpx.Client, target: Target, name: str, path: Path) -> int:
    sent = 0
    for index, batch in enumerate(_batches(path, target)):
        body = b"".join(batch)
        # Once a batch, not a line: a quarter of the CPU (100k lines: 36 against 139 ms).
        if target.wkt_as_string:
            body = _WKT.sub(rb'"\1"', body)
        _put(client, target, name, body, replace=index == 0)
        sent += len(batch)
    return sent


def _batches(path: Path, target: Target) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    with path.open("rb") as lines:
        for line in lines:  # the N-Triples writer puts one statement on each line
            batch.append(line)
            if len(batch) >= target.batch_lines:
                yield batch
                batch = []
    if batch:
        yield batch


def _put(client: httpx.Client, target: Target, graph: str, body: bytes, replace: bool) -> None:
    response = _call(
        client,
        "PUT" if replace else "POST",
        target,
        graph,
        content=body,
        headers={"Content-Type": "application/n-triples"},
    )
    if response.status_code not in (200, 201, 204):
        raise PublishFailed(
            f"the graph store refused {graph} (HTTP {response.status_code}): {_said(response)}"
        )


def _delete(client: httpx.Client, target: Target, graph: str) -> None:
    response = _call(client, "DELETE", target, graph)
    if response.status_code not in (200, 204, 404):
        raise PublishFailed(
            f"the graph store did not delete {graph} (HTTP {response.status_code}): {_said(response)}"
        )


def _call(client: httpx.Client, method: str, target: Target, graph: str, **kwargs: object) -> httpx.Response:
    url = target.graph_store.url
    try:
        response = client.request(method, url, params={"graph": graph}, timeout=REQUEST_SECONDS, **kwargs)  # type: ignore[arg-type]
    except httpx.TransportError as exc:
        raise PublishFailed(f"the graph store at {url} is not answering: {exc}") from exc
    if response.status_code == 401:
        raise PublishFailed(
            f"the graph store at {url} did not accept the credentials (--user, --password-file)"
        )
    return response


def _said(response: httpx.Response) -> str:
    text = re.sub(r"<[^>]*>", " ", response.text[:2000])
    said = " ".join(text.split())[:300] or "no message"
    if "RDFGE" in said:
        said += (
            " (this Virtuoso cannot hold the lunar sites' geo:wktLiteral values; publish with "
            "--wkt-as-string to load them as plain strings, as docs/using-the-data.md does for the dumps)"
        )
    return said


def _ask(sparql: httpx.Client, target: Target, query: str, dataset: Dataset | None) -> list[dict[str, str]]:
    """The rows' IRIs and literals by their text."""
    ask = Ask(query, dataset, QueryForm.SELECT)
    answer = exchange(
        sparql, target.sparql, ask, seconds=REQUEST_SECONDS, max_bytes=1 << 30, what="query"
    ).answer()
    return [
        {k: v.value for k, v in row.items() if isinstance(v, ox.NamedNode | ox.Literal)}
        for row in rows(answer)
    ]


def _our_graphs(client: httpx.Client, target: Target) -> list[str]:
    """The graphs on the remote that a publication of ours wrote: in our namespace, or the merge."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPH_NS}") || ?g = <{MERGE_GRAPH}>) }}'
    )
    return [row["g"] for row in _ask(client, target, query, None) if "g" in row]


def _counts(client: httpx.Client, target: Target, graphs: tuple[str, ...]) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    found = _ask(client, target, query, Dataset((), graphs))
    return {row["g"]: int(row["n"]) for row in found if "g" in row and "n" in row}
