"""Pages and queries over Virtuoso at scale: `ilrs-kg serve --backend` against the embedded store, on the
same build, in the same run.

    python benchmarks/remote_scale.py --root /work/scale-1m/root --store /work/scale-1m/build
                                      [--work DIR] [--buffers 340000] [--seconds 3600]

It takes a build that benchmarks/scale.py kept (`--keep`: a generated root and its build), starts Debian's
Virtuoso on 127.0.0.1 (tests/fixtures/virtuoso.py: killed by `timeout` after --seconds whatever happens,
a read-only SPARQL user and a writer), times `ilrs-kg publish --to` into it (wall and CPU), then serves the
build twice, embedded and over Virtuoso, and measures in each: cold start, point lookups through /sparql,
entity pages, a mission page, the hub (Long March 5, which every synthetic mission points to), the first
home page, a class page and a search. Each figure over Virtuoso is printed as a ratio to the embedded one:
the anchor is this build, on this machine, in this run. A median is over the answers that succeeded; the
pages that failed (503 at the page time limit) are counted below the table. Figures from a shared machine
are noisy; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from scale import Measured, get, lookup_query, p50_ms, sparql_url
from serving import start_ilrs, stop

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project's root: its test fixtures
from tests.fixtures.virtuoso import READER, WRITER, Virtuoso, virtuoso_server

START_LIMIT_S = 900.0


@dataclass
class Figures:
    """What one server measured: milliseconds unless the name says otherwise."""

    cold_start_s: float = 0.0
    lookup_ms: float = 0.0
    country_ms: float = 0.0
    mission_ms: float = 0.0
    hub_ms: float = 0.0
    home_first_s: float = 0.0
    class_ms: float = 0.0
    search_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


def units_of(root: Path) -> int:
    """How many synthetic units the root holds (the generator numbers them from 0)."""
    text = max(sorted((root / "data").glob("zz-synthetic-*.trig"))).read_text(encoding="utf-8")
    last = text.rsplit("country:synthetic-", 1)[1]
    return int(last.split(" ", 1)[0]) + 1


def publish(root: Path, store: Path, virtuoso: Virtuoso, secrets: Path, log: Path) -> tuple[float, float]:
    """`ilrs-kg publish --to` as the writer: (wall seconds, CPU seconds of our side)."""
    argv = [sys.executable, "-m", "ilrs_kg", "publish", "--root", str(root), "--store", str(store)]
    argv += ["--to", virtuoso.graph_store_auth, "--user", WRITER[0], "--password-file", str(secrets)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("ab") as out:
        subprocess.run([*argv, "--wkt-as-string"], stdout=out, stderr=subprocess.STDOUT, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu


def probe(root: Path, store: Path, units: int, options: list[str], log: Path) -> Figures:
    found = Figures()
    failures = Measured(0)  # p50_ms counts the pages that failed (503 at the page limit) in its notes
    served = start_ilrs(root, store, "--http-processes", "1", *options, log=log, limit=START_LIMIT_S)
    base = served.base
    try:
        found.cold_start_s = served.cold_start_s
        rng = random.Random(units)
        lookups = [sparql_url(base + "/sparql", lookup_query(units, n)) for n in range(100)]
        found.lookup_ms = p50_ms(lookups, m=failures, what="point lookups")
        html = "text/html"

        def pages(paths: list[str], what: str) -> float:
            return p50_ms([base + path for path in paths], accept=html, m=failures, what=what)

        found.country_ms = pages(
            [f"/doc/country/synthetic-{rng.randrange(units)}.html" for _ in range(30)], "country pages"
        )
        found.mission_ms = pages(
            [f"/doc/mission/synthetic-{rng.randrange(units)}.html" for _ in range(30)], "mission pages"
        )
        found.hub_ms = pages(["/doc/launch-vehicle/long-march-5.html"] * 3, "hub page")
        started = time.perf_counter()
        status, _ = get(base + "/", timeout=START_LIMIT_S, accept=html)
        found.home_first_s = time.perf_counter() - started if status == 200 else 0.0
        if status != 200:
            found.notes.append(f"home page: HTTP {status}")
        found.class_ms = pages(["/class/Country", "/class/Mission?page=3", "/class/Agency"], "class pages")
        found.search_ms = pages([f"/search?q=synthetic+{rng.randrange(units)}" for _ in range(5)], "search")
    finally:
        stop(served.process)
    found.notes += failures.notes
    return found


def ratio(remote: float, local: float) -> str:
    return f"{remote / local:.1f}×" if local > 0 and remote > 0 else "—"


def report(local: Figures, remote: Figures, publish_s: float, publish_cpu_s: float) -> str:
    rows = [
        ("cold start (s)", local.cold_start_s, remote.cold_start_s),
        ("point lookup p50 (ms)", local.lookup_ms, remote.lookup_ms),
        ("country page p50 (ms)", local.country_ms, remote.country_ms),
        ("mission page p50 (ms)", local.mission_ms, remote.mission_ms),
        ("hub page p50 (ms)", local.hub_ms, remote.hub_ms),
        ("home page, first (s)", local.home_first_s, remote.home_first_s),
        ("class page p50 (ms)", local.class_ms, remote.class_ms),
        ("search p50 (ms)", local.search_ms, remote.search_ms),
    ]
    lines = [
        f"publish --to Virtuoso: {publish_s:.1f} s wall, {publish_cpu_s:.1f} s CPU on our side",
        "",
        "| figure | embedded | over Virtuoso | ratio |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {a:.1f} | {b:.1f} | {ratio(b, a)} |" for name, a, b in rows]
    for label, served in (("embedded", local), ("over Virtuoso", remote)):
        lines += [f"{label}: {note}" for note in served.notes]
    load = os.getloadavg()
    lines.append(f"load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="a root scale.py generated and kept")
    parser.add_argument("--store", type=Path, required=True, help="its build directory")
    parser.add_argument("--work", type=Path, help="where Virtuoso's database goes (default: a temporary one)")
    parser.add_argument("--buffers", type=int, default=340_000, help="Virtuoso's NumberOfBuffers (8 KB each)")
    parser.add_argument("--seconds", type=float, default=3600.0, help="Virtuoso is killed after this")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ilrs-remote-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, work)
    finally:
        if args.work is None:  # Virtuoso's database and the passwords: nothing left in /tmp
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    log = work / "log.txt"
    units = units_of(args.root)
    print(f"{units:,} synthetic units; log in {log}", flush=True)
    local = probe(args.root, args.store, units, [], log)
    print(f"embedded: {local}", flush=True)
    secrets = {user: work / user for user, _ in (READER, WRITER)}
    for user, password in (READER, WRITER):
        secrets[user].write_text(password + "\n", encoding="utf-8")
    (work / "virtuoso").mkdir(exist_ok=True)
    with virtuoso_server(work / "virtuoso", lifetime=args.seconds, buffers=args.buffers) as virtuoso:
        publish_s, publish_cpu_s = publish(args.root, args.store, virtuoso, secrets[WRITER[0]], log)
        print(f"published in {publish_s:.1f} s ({publish_cpu_s:.1f} s CPU)", flush=True)
        options = ["--backend", virtuoso.sparql_auth, "--backend-user", READER[0]]
        options += ["--backend-password-file", str(secrets[READER[0]])]
        remote = probe(args.root, args.store, units, options, log)
    print(report(local, remote, publish_s, publish_cpu_s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
