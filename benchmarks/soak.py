"""Soak test of `ilrs-kg serve`: mixed traffic on 16 keep-alive connections for minutes, on loopback.

    python benchmarks/soak.py [--seconds 180] [--connections 16] [--runaway-every 4] [--root DIR]

It builds the graph into a fresh directory, starts `ilrs-kg serve` on a free 127.0.0.1 port and drives
it with the example SPARQL queries (queries/*.rq, each made unique now and then so the cache does not
answer everything), entity documents in every format (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), the
dumps, the /dumps/ listing, and, every few seconds, a runaway query that the server must stop at its time
limit (503, expected). It prints the requests, errors (anything else than 200/304 for normal traffic and
503 for runaways, or a failed connection), p50/p99 latency per kind, and the resident memory of the
server's whole process tree (HTTP processes and query workers) after a warm-up and at the end.
Exit status 0 when there were no errors and memory grew less than 20 %.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from serving import start_ilrs, stop

from ilrs_kg.settings import default_root

DOC_FORMATS = ("html", "ttl", "jsonld", "nt", "rdf")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} # {n}"
ENTITIES = 'SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{base}id/")) }} LIMIT 300'
MEMORY_GROWTH_LIMIT = 0.20


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    runaways: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # status -> count
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 10_000:
                self.errors.append(message)


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(fields["PPid"])].append(int(entry.name))
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, frontier = 0, [pid]
    while frontier:
        current = frontier.pop()
        total += rss.get(current, 0)
        frontier.extend(parents.get(current, []))
    return total


class Client:
    """One keep-alive connection; reconnects after a failure (which counts as an error)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str, accept: str) -> tuple[int, int]:
        try:
            self.connection.request("GET", path, headers={"Accept": accept})
            response = self.connection.getresponse()
            body = response.read()
            if response.getheader("connection", "").lower() == "close":
                self.reset()
            return response.status, len(body)
        except (OSError, http.client.HTTPException):
            self.reset()
            raise

    def reset(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)


@dataclass(frozen=True)
class Mix:
    queries: list[str]
    documents: list[str]  # /doc/<kind>/<slug> without extension
    dumps: list[str]

    def pick(self, rng: random.Random, serial: int) -> tuple[str, str, str]:
        """(kind, path, accept) of one normal request."""
        roll = rng.random()
        if roll < 0.45:
            query = rng.choice(self.queries)
            if serial % 4 == 0:  # distinct: past the result cache, evaluated by a worker
                query += f"\n# {serial}"
            return (
                "sparql",
                "/sparql?" + urllib.parse.urlencode({"query": query}),
                "application/sparql-results+json",
            )
        if roll < 0.90:
            extension = rng.choice(DOC_FORMATS)
            return f"page.{extension}", f"{rng.choice(self.documents)}.{extension}", "*/*"
        if roll < 0.98:
            return "dump", f"/dumps/{rng.choice(self.dumps)}", "*/*"
        return "listing", "/dumps/", "application/json"


def discover(port: int, root: Path, base: str) -> Mix:
    client = Client(port)
    queries = [p.read_text(encoding="utf-8") for p in sorted((root / "queries").glob("*.rq"))]
    status, _ = client.get("/sparql?" + urllib.parse.urlencode({"query": queries[0]}), "application/json")
    assert status == 200, status
    conn = client.connection
    conn.request(
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": ENTITIES.format(base=base)}),
        headers={"Accept": "application/sparql-results+json"},
    )
    rows = json.loads(conn.getresponse().read())["results"]["bindings"]
    documents = ["/doc/" + row["s"]["value"].removeprefix(base + "id/") for row in rows]
    conn.request("GET", "/dumps/", headers={"Accept": "application/json"})
    dumps = [entry["url"].rsplit("/", 1)[1] for entry in json.loads(conn.getresponse().read())]
    conn.close()
    return Mix(queries, documents, dumps)


def drive(
    port: int,
    mix: Mix,
    tally: Tally,
    stop_at: float,
    runaway_due: list[float],
    runaway_every: float,
    seed: int,
    schedule: threading.Lock,
) -> None:
    rng = random.Random(seed)
    client = Client(port)
    serial = seed * 1_000_000
    while (now := time.monotonic()) < stop_at:
        serial += 1
        with schedule:
            runaway = now >= runaway_due[0]
            if runaway:
                runaway_due[0] = now + runaway_every
        if runaway:
            path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY.format(n=serial)})
            kind, accept = "runaway", "application/sparql-results+json"
        else:
            kind, path, accept = mix.pick(rng, serial)
        started = time.perf_counter()
        try:
            status, _size = client.get(path, accept)
        except (OSError, http.client.HTTPException) as exc:
            tally.error(f"{kind} {path[:80]}: {exc!r}")
            continue
        elapsed = time.perf_counter() - started
        if kind == "runaway":
            with tally.lock:
                tally.runaways[status] += 1
            if status != 503:
                tally.error(f"runaway answered {status}, not 503")
        elif status in (200, 304):
            tally.record(kind, elapsed)
        else:
            tally.error(f"{kind} {path[:80]}: HTTP {status}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the soak (default: 180)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--runaway-every",
        type=float,
        default=4.0,
        metavar="SECONDS",
        help="one runaway query this often, on whichever connection is free (default: 4)",
    )
    parser.add_argument("--query-timeout", type=float, default=3.0, help="the server's limit (default: 3)")
    parser.add_argument(
        "--warm-up",
        type=float,
        default=None,
        metavar="SECONDS",
        help="traffic before the first memory reading (default: a tenth of --seconds)",
    )
    parser.add_argument("--root", type=Path, default=default_root())
    args = parser.parse_args()
    warm_up = args.warm_up if args.warm_up is not None else min(30.0, args.seconds / 10)
    from ilrs_kg.namespaces import BASE

    with tempfile.TemporaryDirectory(prefix="ilrs-soak-") as work:
        log = Path(work) / "serve.log"
        served = start_ilrs(
            args.root, Path(work) / "build", "--query-timeout", str(args.query_timeout), log=log
        )
        process, port = served.process, served.port
        try:
            mix = discover(port, args.root, BASE)
            tally, schedule = Tally(), threading.Lock()
            began = time.monotonic()
            stop_at = began + args.seconds
            runaway_due = [began + args.runaway_every]
            threads = [
                threading.Thread(
                    target=drive,
                    daemon=True,
                    args=(port, mix, tally, stop_at, runaway_due, args.runaway_every, seed + 1, schedule),
                )
                for seed in range(args.connections)
            ]
            for thread in threads:
                thread.start()
            time.sleep(warm_up)
            memory_start = tree_rss_kib(process.pid)
            samples = [memory_start]
            while time.monotonic() < stop_at:
                time.sleep(min(5.0, max(0.0, stop_at - time.monotonic())))
                samples.append(tree_rss_kib(process.pid))
            for thread in threads:
                thread.join(args.query_timeout + 60)
            memory_end = tree_rss_kib(process.pid)
            elapsed = time.monotonic() - began
        finally:
            stop(process)
    return report(tally, elapsed, memory_start, memory_end, max(samples), args)


def report(
    tally: Tally,
    elapsed: float,
    memory_start: int,
    memory_end: int,
    memory_peak: int,
    args: argparse.Namespace,
) -> int:
    every = [v for values in tally.latencies.values() for v in values]
    runaways = sum(tally.runaways.values())
    total = len(every) + runaways + len(tally.errors)
    print(
        f"soak: {args.connections} connections, {elapsed:.0f} s, runaway every {args.runaway_every:g} s, "
        f"query timeout {args.query_timeout:g} s"
    )
    print(
        f"requests: {total} ({total / elapsed:.0f}/s); errors: {len(tally.errors)}; "
        f"runaways: {runaways} ({', '.join(f'{n} x {s}' for s, n in sorted(tally.runaways.items()))})"
    )
    print(
        f"latency of normal requests: p50 {percentile(every, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(every, 0.99) * 1000:.1f} ms"
    )
    for kind in sorted(tally.latencies):
        values = tally.latencies[kind]
        print(
            f"  {kind:12} {len(values):7} requests  p50 {percentile(values, 0.5) * 1000:7.1f} ms  "
            f"p99 {percentile(values, 0.99) * 1000:7.1f} ms  mean {statistics.fmean(values) * 1000:7.1f} ms"
        )
    growth = (memory_end - memory_start) / memory_start if memory_start else float("nan")
    print(
        f"server memory (RSS of its process tree): {memory_start / 1024:.0f} MiB after warm-up, "
        f"{memory_end / 1024:.0f} MiB at the end ({growth:+.1%}), peak {memory_peak / 1024:.0f} MiB"
    )
    for message in tally.errors[:10]:
        print(f"  error: {message}")
    ok = not tally.errors and growth < MEMORY_GROWTH_LIMIT
    print("PASS" if ok else "FAIL", f"(errors must be 0, memory growth under {MEMORY_GROWTH_LIMIT:.0%})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
