"""Page rendering at scale: entity pages (a sample and the biggest hubs), class pages, the home page and
search, rendered in-process over a built release's on-disk store opened read-only, as a page worker does.

    python benchmarks/pages_bench.py BUILD_DIR [--root ROOT] [--sample 50] [--repeat 3]

BUILD_DIR is an `ilrs-kg build --store` directory (its `current` release is read, never written). Each page
is rendered `--repeat` times after one warm-up; the figures are wall-clock and CPU milliseconds (p50,
p99 over the sample) and the bytes of the reply. The machine is shared: figures are as measured, with the
load average printed beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from ilrs_kg.linked_data.pages import open_pages
from ilrs_kg.settings import Settings, default_root
from ilrs_kg.web.reply import Request

ID = "https://w3id.org/ilrs/id/"
HUBS = (
    "event-type/planned-launch",
    "launch-vehicle/long-march-5",
    "programme/ilrs",
    "membership-role/member",
    "mission-status/planned",
    "instant/2028",
    "source/synthetic-0",
)


FIRST: list[float] = []


def timed(render: object, repeat: int) -> tuple[list[float], list[float], int, int]:
    """Wall and CPU ms of each of `repeat` renders after a warm-up (its time kept in FIRST), and the
    reply's status and bytes."""
    assert callable(render)
    w = time.perf_counter()
    reply = render()
    FIRST.append((time.perf_counter() - w) * 1000)
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        reply = render()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return walls, cpus, reply.status, len(reply.body)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--root", type=Path, default=default_root())
    parser.add_argument("--index", type=Path, help="the page index (default: the release's, if any)")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--search", default="synthetic mission 12,Long March,嫦娥,chang'e 4,Россия")
    args = parser.parse_args()
    release = (args.build / "current").resolve()
    started = time.perf_counter()
    store = ox.Store.read_only(str(release / "store"))
    settings = Settings(root=args.root, build_dir=args.build)
    index = args.index or release / "index" / "pages.sqlite"  # page_index.PAGE_INDEX_FILE
    files = {"page_index": index} if index.is_file() else {}
    pages = open_pages(settings, store, datetime.now(UTC), **files)
    print(f"page index: {index if files else 'none'}", flush=True)
    print(f"release {release}; pages opened in {time.perf_counter() - started:.2f} s", flush=True)

    def page(handler: str, path: str, query: bytes = b"", **params: str) -> object:
        request = Request(
            path=path, query_string=query, headers=(("host", "localhost"), ("accept", "text/html"))
        )
        return lambda: pages.render(handler, request, **params)

    rng = random.Random(13)
    kinds = ("country", "agency", "mission", "membership", "event")
    sample = []
    for n in range(args.sample):
        kind = kinds[n % len(kinds)]
        i = rng.randrange(1000)
        slug = f"synthetic-{i}-planned-launch" if kind == "event" else f"synthetic-{i}"
        sample.append(f"{kind}/{slug}")
    walls: list[float] = []
    cpus: list[float] = []
    for path in sample:
        kind, slug = path.split("/")
        w, c, status, size = timed(page("document", f"/doc/{path}.html", kind=kind, name=slug + ".html"), 1)
        walls += w
        cpus += c
    print(
        f"entity sample ({len(sample)}): wall p50 {pct(walls, 0.5):.1f} p99 {pct(walls, 0.99):.1f} ms; "
        f"CPU p50 {pct(cpus, 0.5):.1f} ms",
        flush=True,
    )
    for path in HUBS:
        kind, slug = path.split("/")
        w, c, status, size = timed(
            page("document", f"/doc/{path}.html", kind=kind, name=slug + ".html"), args.repeat
        )
        print(
            f"hub {path}: {status}, {size:,} bytes, wall p50 {statistics.median(w):.0f} ms, "
            f"CPU {statistics.median(c):.0f} ms",
            flush=True,
        )
    for path, prop, query in (
        ("event-type/planned-launch", "https://w3id.org/ilrs/ontology#eventType", b""),
        ("event-type/planned-launch", "https://w3id.org/ilrs/ontology#eventType", b"&page=700"),
        ("launch-vehicle/long-march-5", "https://w3id.org/ilrs/ontology#launchVehicle", b"&page=2"),
    ):
        kind, slug = path.split("/")
        q = urlencode({"property": prop}).encode() + query
        w, c, status, size = timed(
            page("incoming", f"/incoming/{path}", q, kind=kind, slug=slug), args.repeat
        )
        print(
            f"incoming {path}?{query.decode()}: {status}, {size:,} bytes, first {FIRST[-1]:.0f} ms, "
            f"wall p50 {statistics.median(w):.0f} ms",
            flush=True,
        )
    for name, query in (
        ("Mission", b""),
        ("Mission", b"page=2000"),
        ("Mission", b"sort=launch&order=desc"),
        ("Country", b""),
        ("Membership", b"page=3"),
    ):
        w, c, status, size = timed(page("class_index", f"/class/{name}", query, name=name), args.repeat)
        print(
            f"class {name}?{query.decode()}: {status}, {size:,} bytes, "
            f"wall p50 {statistics.median(w):.0f} ms",
            flush=True,
        )
    w, c, status, size = timed(page("home", "/"), 1)
    print(f"home: {status}, {size:,} bytes, first {FIRST[-1]:.0f} ms (memoised after)", flush=True)
    for words in args.search.split(","):
        w, c, status, size = timed(page("search", "/search", urlencode({"q": words}).encode()), args.repeat)
        print(
            f"search {words!r}: {status}, {size:,} bytes, first {FIRST[-1]:.0f} ms, "
            f"wall p50 {statistics.median(w):.0f} ms",
            flush=True,
        )
    print(f"load average {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
