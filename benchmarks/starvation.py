"""Starvation benchmark: how long a cheap query waits while other clients run runaway queries.

    python benchmarks/starvation.py [--root DIR] [--runaways 8] [--duration 20] [-- serve options...]

Starts `ilrs-kg serve` on a free loopback port (one HTTP process, defaults otherwise; options after
`--` go to serve), then for `--duration` seconds:
- `--runaways` clients, each from its own loopback address (127.0.0.2, 127.0.0.3, ...), each sending
  one runaway query after another (a cross join that never finishes; a new query every time, so no
  cache or request merging helps), as an attacker would;
- one cheap client from 127.0.0.100 sending a small distinct query every 50 ms, timing each.
It prints the cheap query's count, p50/p99/max latency and statuses, and the runaways' statuses.
Bounded: everything stops after the duration plus the server's query timeout.
"""

from __future__ import annotations

import argparse
import http.client
import signal
import statistics
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from serving import start_ilrs, stop

FIXTURE_ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sparql" / "root"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p . ?q ?r ?t }}"
    " # {n}"
)
CHEAP = "SELECT ?s WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }} LIMIT 3 # {n}"


def post(port: int, source: str, query: str, timeout: float) -> tuple[int, float]:
    """(status, seconds) of one POSTed query from the given source address; status 0 if it failed."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        body = urllib.parse.urlencode({"query": query})
        connection.request(
            "POST",
            "/sparql",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--root", type=Path, default=FIXTURE_ROOT, help="project to serve (default: test fixture)"
    )
    parser.add_argument("--runaways", type=int, default=8, help="runaway clients (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default: %(default)s)")
    parser.add_argument("serve_options", nargs="*", help="options for ilrs-kg serve (after --)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ilrs-starvation-") as work:
        log = Path(work) / "serve.log"
        served = start_ilrs(
            args.root, Path(work) / "build", "--http-processes", "1", *args.serve_options, log=log
        )
        process, port = served.process, served.port
        # Which protection keeps the workers off the network, as the server reported it.
        print(*(line for line in log.read_text().splitlines() if "query workers started" in line), sep="\n")
        done = threading.Event()
        runaway_statuses: Counter[int] = Counter()
        cheap: list[tuple[int, float]] = []
        sent_at: list[float] = []  # seconds into the run, for each cheap query
        began = time.monotonic()
        counter = iter(range(10**9))

        def runaway(source: str) -> None:
            while not done.is_set():
                status, _ = post(port, source, RUNAWAY.format(n=next(counter)), timeout=120)
                runaway_statuses[status] += 1

        def cheap_client() -> None:
            while not done.is_set():
                sent_at.append(time.monotonic() - began)
                cheap.append(post(port, "127.0.0.100", CHEAP.format(n=next(counter)), timeout=120))
                time.sleep(0.05)

        threads = [threading.Thread(target=runaway, args=(f"127.0.0.{2 + i}",)) for i in range(args.runaways)]
        threads.append(threading.Thread(target=cheap_client))
        try:
            for thread in threads:
                thread.start()
            time.sleep(args.duration)
        finally:
            done.set()
            for thread in threads:
                thread.join(150)
            stop(process, signal.SIGTERM)

    latencies = sorted(seconds * 1000 for _status, seconds in cheap)
    statuses = Counter(status for status, _seconds in cheap)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    print(
        f"runaway clients: {args.runaways}, duration {args.duration:g} s, serve options: {args.serve_options}"
    )
    print(f"cheap queries: {len(latencies)}, statuses {dict(statuses)}")
    if latencies:
        p50 = statistics.median(latencies)
        print(f"cheap latency ms: p50 {p50:.1f}  p99 {p99:.1f}  max {latencies[-1]:.1f}")
    slowest = sorted(zip(cheap, sent_at, strict=True), key=lambda pair: -pair[0][1])[:5]
    print("slowest cheap queries: " + ", ".join(f"{s * 1000:.0f} ms at {at:.1f} s" for (_, s), at in slowest))
    print(f"runaway statuses: {dict(runaway_statuses)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
