"""Cold start and memory of `ilrs-kg serve` on a prebuilt store, for each checkout given.

    python benchmarks/serve_memory.py --build DIR [--root DIR] [--src DIR ...] [--pages 30] [--limit 600]

For each --src (a checkout's src/: before and after a change) it starts `ilrs-kg serve --http-processes 1`
(benchmarks/serving.py: spawn to the first SPARQL answer, the store reused, not rebuilt), fetches --pages
entity pages, and prints the cold start and the RSS of the HTTP process and of each query worker (and
their anonymous part, i.e. what is not file-backed). Everything listens on 127.0.0.1 and is stopped.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.parse
from pathlib import Path

from pages_under_runaway import request
from serving import NoAnswer, start_ilrs, stop
from store_modes import ID, memory_mb

from ilrs_kg.settings import default_root


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--root", type=Path, default=default_root())
    parser.add_argument("--src", type=Path, action="append")
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--limit", type=float, default=600.0, help="seconds to wait for the first answer")
    parser.add_argument("--log", type=Path, default=Path("serve_memory.log"))
    args = parser.parse_args()
    print("| src | cold start | HTTP process RSS (anon) | workers RSS (anon) | total |")
    print("|---|---|---|---|---|")
    for src in args.src or [Path(__file__).resolve().parents[1] / "src"]:
        started = time.perf_counter()
        try:
            served = start_ilrs(
                args.root, args.build, "--http-processes", "1", log=args.log, src=src, limit=args.limit
            )
        except NoAnswer as exc:
            print(f"| {src} | no answer in {time.perf_counter() - started:.0f} s ({exc}) | | | |", flush=True)
            continue
        try:
            query = f'SELECT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}")) }} LIMIT {args.pages}'
            _, body = request(
                served,
                "/sparql?" + urllib.parse.urlencode({"query": query}),
                "application/sparql-results+json",
            )
            for row in json.loads(body)["results"]["bindings"]:
                request(served, "/doc/" + row["s"]["value"].removeprefix(ID) + ".html", "text/html")
            http_rss, http_anon = memory_mb(served.process.pid)
            workers = [memory_mb(pid) for pid in children(served.process.pid)]
            shown = ", ".join(f"{rss:.0f} ({anon:.0f})" for rss, anon in workers)
            total = http_rss + sum(rss for rss, _ in workers)
            print(
                f"| {src} | {served.cold_start_s:.1f} s | {http_rss:.0f} ({http_anon:.0f}) MB | {shown} MB | "
                f"{total:.0f} MB |",
                flush=True,
            )
        finally:
            stop(served.process)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
