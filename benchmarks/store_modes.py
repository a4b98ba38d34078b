"""How query workers hold the store: each its own in-memory copy, or the release's on-disk store read-only.

    python benchmarks/store_modes.py --build DIR [--root DIR] [--workers 2] [--seconds 5]
                                     [--modes memory,disk]

For each mode it starts the worker pool `ilrs-kg serve` runs (WorkerPool with the linked-data pages) over
the build's current release, forcing the mode, and measures: the pool's cold start (until every worker is
ready, pages opened), each worker's memory after the probes (RSS, and its anonymous part: what is not page
cache), the p50 of distinct point lookups, distinct-query throughput (four concurrent clients, every
query distinct, for --seconds), the p50 of a join-heavy query (queries/01-countries-joined-2023.rq), and
the p50 of entity pages rendered by the workers. Nothing listens on a socket. Figures from a shared
machine are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import IlrsKgError
from ilrs_kg.linked_data.pages import page_site
from ilrs_kg.linked_data.replies import Request
from ilrs_kg.releases import require_current
from ilrs_kg.settings import Settings, default_root
from ilrs_kg.sparql.backend import select
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.page_jobs import PageJob
from ilrs_kg.sparql.workers import WorkerPool

ID = "https://w3id.org/ilrs/id/"
BROWSER = Request(server="http://127.0.0.1:8000/", accept="text/html")
ALWAYS, NEVER = sys.maxsize, 0  # in_memory_below: every store in memory / none


@dataclass
class Figures:
    mode: str
    cold_start_s: float = 0.0
    rss_mb: tuple[float, ...] = ()
    anon_mb: tuple[float, ...] = ()
    lookup_ms: float = 0.0
    qps: float = 0.0
    join_ms: float = 0.0
    page_ms: float = 0.0
    note: str = ""


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, anonymous RSS) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["RssAnon"]


async def p50_ms(pool: WorkerPool, jobs: list[QueryJob]) -> float:
    times = []
    for job in jobs:
        started = time.perf_counter()
        await pool.run(job)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def throughput(pool: WorkerPool, subjects: list[str], seconds: float, clients: int = 4) -> float:
    done = 0
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            n = next(counter)
            await pool.run(lookup(subjects, n), client=f"127.0.0.{n % clients + 2}")
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


def lookup(subjects: list[str], n: int) -> QueryJob:
    return QueryJob(f"SELECT ?p ?o WHERE {{ <{subjects[(n * 7919) % len(subjects)]}> ?p ?o }} # {n}")


def page_job(iri: str) -> PageJob:
    kind, slug = iri.removeprefix(ID).split("/", 1)
    return PageJob("document", BROWSER, (("kind", kind), ("name", slug + ".html")))


async def measure(settings: Settings, mode: str, seconds: float, join_query: str) -> Figures:
    figures = Figures(mode)
    release = require_current(settings)
    pool = WorkerPool.from_settings(
        settings,
        memory_mb=0,
        pages=page_site(settings, release.built_at),
        in_memory_below=ALWAYS if mode == "memory" else NEVER,
    )
    # Loading a large in-memory copy on a busy machine may take longer than the server's 60 s.
    pool.spec = replace(pool.spec, start_timeout=900.0)
    started = time.perf_counter()
    await pool.start()
    figures.cold_start_s = time.perf_counter() - started
    try:
        rows = await select(
            pool, f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}")) }} LIMIT 5000'
        )
        subjects = [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]
        figures.lookup_ms = await p50_ms(pool, [lookup(subjects, n) for n in range(200)])
        figures.qps = await throughput(pool, subjects, seconds)
        # Before the join: a query past 0.1 s moves its worker out of the fast lane, and it may retire.
        measured = [memory_mb(worker.pid) for worker in pool._workers]
        figures.rss_mb = tuple(rss for rss, _ in measured)
        figures.anon_mb = tuple(anon for _, anon in measured)
        try:
            times = []
            for iri in subjects[:: max(1, len(subjects) // 30)][:30]:
                begun = time.perf_counter()
                reply = await pool.page(page_job(iri))
                if reply.status != 200:
                    raise RuntimeError(f"{iri}: HTTP {reply.status}")
                times.append((time.perf_counter() - begun) * 1000)
            figures.page_ms = statistics.median(times)
            # Last: each run of it passes 0.1 s, so its worker leaves the fast lane and is replaced.
            figures.join_ms = await p50_ms(pool, [QueryJob(f"{join_query}\n# {n}") for n in range(5)])
        except IlrsKgError as exc:  # e.g. no worker free while replacements load their copies
            figures.note = f"{type(exc).__name__}: {exc}"
    finally:
        await pool.close()
    return figures


def report(release_triples: int, results: list[Figures]) -> str:
    lines = [
        f"{release_triples:,} quads in the release; figures from a shared 2-core machine (noisy)",
        "| mode | cold start | RSS per worker (anon) | lookup p50 | distinct q/s | join p50 | page p50 |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in results:
        rss = ", ".join(f"{r:.0f} ({a:.0f})" for r, a in zip(f.rss_mb, f.anon_mb, strict=True))
        lines.append(
            f"| {f.mode} | {f.cold_start_s:.2f} s | {rss} MB | {f.lookup_ms:.1f} ms | {f.qps:.0f} | "
            f"{f.join_ms:.0f} ms | {f.page_ms:.1f} ms |"
        )
        if f.note:
            lines.append(f"|   {f.mode}: {f.note} |||||||")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True, help="build directory with a current release")
    parser.add_argument("--root", type=Path, default=default_root(), help="the project built")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of the throughput probe")
    parser.add_argument("--timeout", type=float, default=60.0, help="query time limit")
    parser.add_argument("--modes", default="memory,disk")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings(root=args.root, build_dir=args.build).with_changes(
        workers=args.workers, query_timeout=args.timeout
    )
    join_query = (default_root() / "queries" / "01-countries-joined-2023.rq").read_text()
    modes = args.modes.split(",")
    results = [asyncio.run(measure(settings, mode, args.seconds, join_query)) for mode in modes]
    print(report(require_current(settings).triples, results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
