"""Entity pages while a runaway query runs: the median latency of the 20 largest entity pages, idle and
while another client's cross-product SELECT runs into the time limit, for each checkout given.

    python benchmarks/pages_under_runaway.py --build DIR [--root DIR] [--src DIR ...] [--rounds 5]

For each --src (a checkout's src/, e.g. main's and a branch's: before and after a change) it starts
`ilrs-kg serve --http-processes 1` on the prebuilt store (benchmarks/serving.py), finds the 20 entities
with the most triples (in or out), fetches their HTML pages --rounds times idle, then again while a
runaway query (resent as soon as the time limit stops it) runs from another loopback address, and prints
the medians. Everything listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

from serving import Served, start_ilrs, stop

from ilrs_kg.settings import default_root

ID = "https://w3id.org/ilrs/id/"
LARGEST = f"""SELECT ?s (COUNT(*) AS ?n) WHERE {{
  {{ ?s ?p ?o }} UNION {{ ?x ?p ?s }} FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))
}} GROUP BY ?s ORDER BY DESC(?n) LIMIT 20"""
# Never ends within any time limit: a four-way cross product of every triple.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def request(
    served: Served, path: str, accept: str, source: str = "127.0.0.1", timeout: float = 120.0
) -> tuple[int, bytes]:
    """GET from the given loopback source address (the server tells clients apart by address)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", served.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def largest_pages(served: Served) -> list[str]:
    status, body = request(
        served, "/sparql?" + urllib.parse.urlencode({"query": LARGEST}), "application/sparql-results+json"
    )
    if status != 200:
        raise RuntimeError(f"the query for the largest entities failed: HTTP {status}: {body[:200]!r}")
    rows = json.loads(body)["results"]["bindings"]
    return ["/doc/" + row["s"]["value"].removeprefix(ID) + ".html" for row in rows]


def median_ms(served: Served, pages: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        for page in pages:
            started = time.perf_counter()
            status, _ = request(served, page, "text/html")
            if status != 200:
                raise RuntimeError(f"{page}: HTTP {status}")
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def runaway(served: Served, stopping: threading.Event, outcomes: list[int]) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    n = 0
    while not stopping.is_set():
        n += 1  # distinct text, so no cache or merge answers it
        status, _ = request(served, f"{path}%0A%23{n}", "application/sparql-results+json", source="127.0.0.9")
        outcomes.append(status)


def measure(src: Path, root: Path, build: Path, rounds: int, log: Path) -> tuple[float, float, list[int]]:
    served = start_ilrs(root, build, "--http-processes", "1", log=log, src=src)
    try:
        pages = largest_pages(served)
        median_ms(served, pages, 1)  # warm: first renders, page cache
        idle = median_ms(served, pages, rounds)
        stopping, outcomes = threading.Event(), []
        thread = threading.Thread(target=runaway, args=(served, stopping, outcomes), daemon=True)
        thread.start()
        time.sleep(1.0)  # the runaway is evaluating
        busy = median_ms(served, pages, rounds)
        stopping.set()
        return idle, busy, outcomes
    finally:
        stop(served.process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True, help="build directory (a prebuilt store)")
    parser.add_argument("--root", type=Path, default=default_root())
    parser.add_argument("--src", type=Path, action="append", help="a checkout's src/ (repeatable)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--log", type=Path, default=Path("pages_under_runaway.log"))
    args = parser.parse_args()
    print("| src | 20 largest pages, median idle | while a runaway query runs | runaway answers |")
    print("|---|---|---|---|")
    for src in args.src or [Path(__file__).resolve().parents[1] / "src"]:
        idle, busy, outcomes = measure(src, args.root, args.build, args.rounds, args.log)
        answered = ", ".join(f"{outcomes.count(s)}× {s}" for s in sorted(set(outcomes))) or "still running"
        print(f"| {src} | {idle:.1f} ms | {busy:.1f} ms | {answered} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
