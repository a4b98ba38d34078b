"""Scale benchmark: the whole service over synthetic data of 10k, 100k, 1M and 10M triples.

    python benchmarks/scale.py [--min-size 10000] [--max-size 1000000] [--seconds 3000] [--probe-seconds 5]
                               [--work DIR] [--serve-args "--http-processes 1"] [--validator sparql]

Per size it generates the data (ilrs_kg.synthetic: the real project plus generated claims that pass the
shapes, every fact in a described statement graph), then measures, each in its own process:
validate (time, peak RSS), build (validate + store + dumps; time, peak RSS of its processes together,
CPU time, and the build's own figures for writing the store and the dumps), the cold start of
`ilrs-kg serve` on the prebuilt store (spawn to first SPARQL answer), its memory (RSS of the whole
process tree after the probes), point-lookup latency (p50 of distinct one-subject SELECTs), entity-page
latency (p50 of distinct /doc/… pages; and the hub page, Long March 5, that every synthetic mission
points to), the home page (first answer's time and bytes), and distinct-query throughput (four clients
for --probe-seconds, every query made unique so no cache helps). The anchor: `oxigraph load` of the
build's N-Quads dump and `oxigraph serve-read-only` on it, with the same point lookups and throughput.

It is bounded in time: before each size it projects the size's cost from the previous one (linear
growth, times two for safety) and skips it, with a message, when the projection passes what is left of
--seconds, or when the projected validate/build memory passes the memory available. Each figure is printed as
soon as it is measured, and SIGTERM (`timeout`) stops the size under way, its children with it, and still
prints the table. At the end it prints the table and a table of growth exponents between consecutive sizes
(log(y2/y1) / log(n2/n1) of each figure over the triples: 1 is linear, 0 flat).
Every server listens on 127.0.0.1 and is stopped before the next size. Figures from a shared machine are
noisy; the script says so beside the table.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from serving import free_port, start_ilrs, stop, wait_answering

from ilrs_kg import synthetic
from ilrs_kg.settings import default_root

SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
REAL_TRIPLES = 2_704  # the real data's default graph (the merge), which the generated units add to
START_LIMIT_S = 900.0
ACCEPT = "application/sparql-results+json"
ID = "https://w3id.org/ilrs/id/"


@dataclass
class Measured:
    size: int
    triples: int = 0
    generate_s: float = 0.0
    validate_s: float = 0.0
    validate_mb: float = 0.0
    build_s: float = 0.0
    build_mb: float = 0.0
    build_cpu_s: float = 0.0
    store_s: float = 0.0
    dumps_s: float = 0.0
    cold_start_s: float = 0.0
    server_mb: float = 0.0
    lookup_ms: float = 0.0
    page_ms: float = 0.0
    hub_ms: float = 0.0
    home_first_s: float = 0.0
    home_bytes: int = 0
    distinct_qps: float = 0.0
    ox_load_s: float = 0.0
    ox_cold_start_s: float = 0.0
    ox_mb: float = 0.0
    ox_lookup_ms: float = 0.0
    ox_qps: float = 0.0
    notes: list[str] = field(default_factory=list)


def timed_child(argv: list[str], log: Path, limit: float) -> tuple[float, float, int]:
    """Run a command; (wall seconds, peak RSS in MB of it and its descendants, exit status)."""
    wall, peak, status, _cpu = timed_child_cpu(argv, log, limit)
    return wall, peak, status


def timed_child_cpu(argv: list[str], log: Path, limit: float) -> tuple[float, float, int, float]:
    """`timed_child` plus the CPU seconds (user + system) the command used: on a shared machine the wall
    time says how loaded it was as much as what the command costs."""
    started = time.perf_counter()
    tree_peak, sampled = 0.0, 0.0
    with log.open("ab") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        deadline = started + limit
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - sampled > 1.0:
                    # Processes running at once add up (the build writes its page index beside the dumps),
                    # which ru_maxrss, the largest single process, does not show.
                    tree_peak, sampled = max(tree_peak, tree_rss_mb(process.pid)), time.perf_counter()
                if time.perf_counter() > deadline:
                    process.kill()
                    pid, status, usage = os.wait4(process.pid, 0)
                    break
                time.sleep(0.05)
        except BaseException:
            process.kill()  # stopped (Stopped, ^C): the child must not outlive the benchmark
            process.wait()
            raise
    # ru_maxrss of a reaped child is the largest RSS of it or its reaped descendants, in KiB.
    cpu = usage.ru_utime + usage.ru_stime
    peak = max(usage.ru_maxrss / 1024, tree_peak)
    return time.perf_counter() - started, peak, os.waitstatus_to_exitcode(status), cpu


def step_seconds(log: Path, since: int, step: str) -> float:
    """The seconds the build reported for a step (`validated`, `wrote store at`, `wrote dumps to`) after
    byte `since`."""
    text = log.read_bytes()[since:].decode("utf-8", "replace")
    found = re.findall(rf"\b{step}(?: .*)? \(([0-9.]+) s\)", text)
    return float(found[-1]) if found else 0.0


def tree_rss_mb(root_pid: int) -> float:
    """RSS of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 1024


def get(url: str, timeout: float = 60.0, accept: str = ACCEPT) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sparql_url(endpoint: str, query: str) -> str:
    return endpoint + "?" + urllib.parse.urlencode({"query": query})


def p50_ms(urls: list[str], accept: str = ACCEPT, m: Measured | None = None, what: str = "") -> float:
    """The median time of the answers that succeeded; failures (a page stopped at its time limit, 503) are
    counted in `m`'s notes rather than ending the probes that follow."""
    times, failed = [], []
    for url in urls:
        started = time.perf_counter()
        try:
            status, _ = get(url, accept=accept)
        except OSError as exc:  # a client timeout, a reset
            failed.append(f"{exc}")
            continue
        if status == 200:
            times.append((time.perf_counter() - started) * 1000)
        else:
            failed.append(f"HTTP {status}")
    if failed and m is not None:
        m.notes.append(f"{what}: {len(failed)} of {len(urls)} failed ({', '.join(sorted(set(failed))[:3])})")
    return statistics.median(times) if times else 0.0


def throughput(make_url: object, seconds: float, clients: int = 4) -> float:
    """Requests per second answered 200 by `clients` threads, each query distinct."""
    assert callable(make_url)
    done = [0] * clients
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**9))
    lock = threading.Lock()

    def client(index: int) -> None:
        while time.perf_counter() < stop_at:
            with lock:
                n = next(counter)
            if get(make_url(n))[0] == 200:
                done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def lookup_query(units: int, n: int) -> str:
    # A distinct subject each time (and a distinct comment), so neither a result cache nor a page cache helps.
    return f"SELECT ?p ?o WHERE {{ <{ID}mission/synthetic-{(n * 7919) % units}> ?p ?o }} # {n}"


def probe_ilrs(m: Measured, root: Path, build: Path, units: int, args: argparse.Namespace, log: Path) -> None:
    options = ["--validator", args.validator, *shlex.split(args.serve_args)]
    served = start_ilrs(root, build, *options, log=log, limit=START_LIMIT_S)
    process, base = served.process, served.base
    try:
        m.cold_start_s = served.cold_start_s
        rng = random.Random(m.size)
        lookups = [sparql_url(base + "/sparql", lookup_query(units, n)) for n in range(200)]
        m.lookup_ms = p50_ms(lookups, m=m, what="point lookups")
        pages = [f"{base}/doc/country/synthetic-{rng.randrange(units)}.html" for _ in range(50)]
        m.page_ms = p50_ms(pages, accept="text/html", m=m, what="entity pages")
        hub = [f"{base}/doc/launch-vehicle/long-march-5.html"] * 3
        m.hub_ms = p50_ms(hub, accept="text/html", m=m, what="hub page")
        first = time.perf_counter()
        status, body = get(base + "/", timeout=START_LIMIT_S, accept="text/html")
        m.home_first_s = time.perf_counter() - first
        m.home_bytes = len(body) if status == 200 else -status
        if status != 200:
            m.notes.append(f"home page: HTTP {status}")
        m.distinct_qps = throughput(
            lambda n: sparql_url(base + "/sparql", lookup_query(units, n + 1000)), args.probe_seconds
        )
        m.server_mb = tree_rss_mb(process.pid)
    finally:
        stop(process)


def probe_oxigraph(m: Measured, build: Path, work: Path, units: int, seconds: float, log: Path) -> None:
    dump = build / "dumps" / "ilrs.nq"
    if shutil.which("oxigraph") is None or not dump.is_file():
        m.notes.append("oxigraph anchor skipped (no oxigraph CLI or no N-Quads dump)")
        return
    location = work / "oxigraph"
    shutil.rmtree(location, ignore_errors=True)
    m.ox_load_s, _, status = timed_child(
        ["oxigraph", "load", "--location", str(location), "--file", str(dump)], log, START_LIMIT_S
    )
    if status != 0:
        m.notes.append(f"oxigraph load failed ({status})")
        return
    port = free_port()
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["oxigraph", "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        wait_answering(endpoint, process, START_LIMIT_S)
        m.ox_cold_start_s = time.perf_counter() - started
        lookups = [sparql_url(endpoint, lookup_query(units, n)) for n in range(200)]
        m.ox_lookup_ms = p50_ms(lookups, m=m, what="oxigraph point lookups")
        m.ox_qps = throughput(lambda n: sparql_url(endpoint, lookup_query(units, n + 1000)), seconds)
        m.ox_mb = tree_rss_mb(process.pid)
    finally:
        stop(process, signal.SIGTERM)
        shutil.rmtree(location, ignore_errors=True)


def count_triples(build: Path) -> int:
    nt = build / "dumps" / "ilrs.nt"
    if not nt.is_file():
        return 0
    with nt.open("rb") as handle:
        return sum(1 for _ in handle)


def say(m: Measured, step: str, **figures: float) -> None:
    """Figures as soon as they are measured: a run stopped by its time bound still shows how far it got."""
    shown = ", ".join(f"{name} {value:,.2f}" for name, value in figures.items())
    print(f"[{m.size:,}] {step} at {time.strftime('%H:%M:%S')}: {shown}", flush=True)


def measure(size: int, args: argparse.Namespace, work: Path) -> Measured:
    m = Measured(size)
    root, build, log = work / f"root-{size}", work / f"build-{size}", work / f"log-{size}.txt"
    log.touch()  # the build's offsets are taken from it, whether or not validate ran alone first
    print(f"[{size:,}] generating …", flush=True)
    started = time.perf_counter()
    generated = synthetic.generate(root, size, args.root, REAL_TRIPLES)
    m.generate_s = time.perf_counter() - started
    ilrs = [sys.executable, "-m", "ilrs_kg"]
    alone = size <= args.validate_alone_up_to
    if alone:
        print(f"[{size:,}] validating …", flush=True)
        m.validate_s, m.validate_mb, status = timed_child(
            [*ilrs, "validate", "--root", str(root), "--validator", args.validator], log, args.step_limit
        )
        if status != 0:
            m.notes.append(f"validate exited {status} (see {log})")
            return m
        say(m, "validated", validate_s=m.validate_s, validate_mb=m.validate_mb)
    else:
        m.notes.append("validate: the build's own validation step (not run alone: --validate-alone-up-to)")
    print(f"[{size:,}] building …", flush=True)
    load = os.getloadavg()
    m.notes.append(f"load average before the build: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    since = log.stat().st_size
    m.build_s, m.build_mb, status, m.build_cpu_s = timed_child_cpu(
        [*ilrs, "build", "--root", str(root), "--store", str(build), "--validator", args.validator],
        log,
        args.step_limit,
    )
    if status != 0:
        m.notes.append(f"build exited {status} (see {log})")
        return m
    m.store_s = step_seconds(log, since, "wrote store at")
    if not alone:
        m.validate_s = step_seconds(log, since, "validated")
    m.dumps_s = step_seconds(log, since, "wrote dumps to")
    m.triples = count_triples(build)
    say(m, "built", build_s=m.build_s, build_cpu_s=m.build_cpu_s, build_mb=m.build_mb, triples=m.triples)
    say(m, "built", store_s=m.store_s, dumps_s=m.dumps_s, load_average=os.getloadavg()[0])
    print(f"[{size:,}] serving …", flush=True)
    try:
        probe_ilrs(m, root, build, generated.units, args, log)
    except (RuntimeError, OSError) as exc:
        m.notes.append(f"ilrs-kg serve: {exc}")
    say(m, "served", cold_start_s=m.cold_start_s, server_mb=m.server_mb, lookup_ms=m.lookup_ms)
    say(m, "served", page_ms=m.page_ms, hub_ms=m.hub_ms, home_first_s=m.home_first_s)
    say(m, "served", home_bytes=m.home_bytes, distinct_qps=m.distinct_qps)
    print(f"[{size:,}] oxigraph anchor …", flush=True)
    try:
        probe_oxigraph(m, build, work, generated.units, args.probe_seconds, log)
    except (RuntimeError, OSError) as exc:
        m.notes.append(f"oxigraph: {exc}")
    say(m, "oxigraph", ox_load_s=m.ox_load_s, ox_cold_start_s=m.ox_cold_start_s, ox_mb=m.ox_mb)
    say(m, "oxigraph", ox_lookup_ms=m.ox_lookup_ms, ox_qps=m.ox_qps)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(build, ignore_errors=True)
    return m


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


COLUMNS = (
    ("triples", "triples", "{:,}"),
    ("validate s", "validate_s", "{:.1f}"),
    ("validate MB", "validate_mb", "{:.0f}"),
    ("build s", "build_s", "{:.1f}"),
    ("build MB", "build_mb", "{:.0f}"),
    ("build CPU s", "build_cpu_s", "{:.1f}"),
    ("  store s", "store_s", "{:.1f}"),
    ("  dumps s", "dumps_s", "{:.1f}"),
    ("cold start s", "cold_start_s", "{:.2f}"),
    ("server MB", "server_mb", "{:.0f}"),
    ("lookup ms", "lookup_ms", "{:.1f}"),
    ("page ms", "page_ms", "{:.1f}"),
    ("hub page ms", "hub_ms", "{:.0f}"),
    ("home first s", "home_first_s", "{:.2f}"),
    ("home bytes", "home_bytes", "{:,}"),
    ("distinct q/s", "distinct_qps", "{:.0f}"),
    ("oxigraph load s", "ox_load_s", "{:.1f}"),
    ("oxigraph cold s", "ox_cold_start_s", "{:.2f}"),
    ("oxigraph MB", "ox_mb", "{:.0f}"),
    ("oxigraph lookup ms", "ox_lookup_ms", "{:.1f}"),
    ("oxigraph q/s", "ox_qps", "{:.0f}"),
)


def report(results: list[Measured]) -> str:
    head = "| | " + " | ".join(f"{m.size:,}" for m in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]
    for label, attr, fmt in COLUMNS:
        cells = [fmt.format(getattr(m, attr)) if getattr(m, attr) else "—" for m in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    notes = [f"{m.size:,}: {note}" for m in results for note in m.notes]
    return "\n".join([*lines, "", *growth(results), *notes])


# The columns whose growth with the data says whether a stage scales: 1 is linear, 0 flat.
GROWTH = (
    ("validate s", "validate_s"),
    ("validate MB", "validate_mb"),
    ("build s", "build_s"),
    ("build CPU s", "build_cpu_s"),
    ("build MB", "build_mb"),
    ("store s", "store_s"),
    ("dumps s", "dumps_s"),
    ("cold start s", "cold_start_s"),
    ("server MB", "server_mb"),
    ("lookup ms", "lookup_ms"),
    ("page ms", "page_ms"),
    ("hub page ms", "hub_ms"),
    ("home bytes", "home_bytes"),
    ("distinct q/s", "distinct_qps"),
    ("oxigraph load s", "ox_load_s"),
    ("oxigraph MB", "ox_mb"),
)


def exponent(x: float, y: float, n1: int, n2: int) -> float | None:
    """log(y/x) / log(n2/n1): how a figure grows with the data between two sizes (None: one is missing)."""
    if x <= 0 or y <= 0 or n1 <= 0 or n2 <= n1:
        return None
    return math.log(y / x) / math.log(n2 / n1)


def growth(results: list[Measured]) -> list[str]:
    """A table of growth exponents between consecutive sizes measured (by triples actually generated)."""
    pairs = [(a, b) for a, b in itertools.pairwise(results) if a.triples and b.triples]
    if not pairs:
        return []
    head = "| growth exponent | " + " | ".join(f"{a.size:,} → {b.size:,}" for a, b in pairs) + " |"
    lines = ["", head, "|---" * (len(pairs) + 1) + "|"]
    for label, attr in GROWTH:
        found = [exponent(getattr(a, attr), getattr(b, attr), a.triples, b.triples) for a, b in pairs]
        if any(e is not None for e in found):
            lines.append(f"| {label} | " + " | ".join("—" if e is None else f"{e:.2f}" for e in found) + " |")
    return lines


class Stopped(Exception):
    """SIGTERM (e.g. from `timeout`): stop the size under way, print what was measured."""


def _stop(_signum: int, _frame: object) -> None:
    raise Stopped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root(), help="the real project to extend")
    parser.add_argument("--min-size", type=int, default=SIZES[0], help="smallest size to try (triples)")
    parser.add_argument("--max-size", type=int, default=SIZES[-1], help="largest size to try (triples)")
    parser.add_argument("--seconds", type=float, default=3600.0, help="time budget for the whole run")
    parser.add_argument("--step-limit", type=float, default=3600.0, help="kill validate/build beyond this")
    parser.add_argument("--probe-seconds", type=float, default=5.0, help="seconds per throughput probe")
    parser.add_argument("--serve-args", default="--http-processes 1", help="extra `ilrs-kg serve` options")
    parser.add_argument("--validator", default="sparql", choices=("sparql", "pyshacl"))
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep each size's root and build")
    parser.add_argument(
        "--validate-alone-up-to",
        type=int,
        default=SIZES[-1],
        help="above this size, take validate's time from the build's own validation step instead of "
        "running it alone first (saves one validation's time at the largest sizes; no validate MB then)",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ilrs-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    deadline = time.perf_counter() + args.seconds
    signal.signal(signal.SIGTERM, _stop)
    results: list[Measured] = []
    for size in (s for s in SIZES if args.min_size <= s <= args.max_size):
        if results:
            last = results[-1]
            factor = size / last.size
            spent = last.generate_s + last.validate_s + last.build_s + last.cold_start_s + last.ox_load_s
            projected = 2 * factor * spent + 4 * args.probe_seconds + 60
            left = deadline - time.perf_counter()
            if projected > left:
                print(f"[{size:,}] skipped: projected {projected:.0f} s, {left:.0f} s left of --seconds")
                break
            memory = factor * max(last.validate_mb, last.build_mb)
            if memory > available_mb():
                print(f"[{size:,}] skipped: projected {memory:.0f} MB, {available_mb():.0f} MB available")
                break
        try:
            results.append(measure(size, args, work))
        except Stopped:
            print(f"[{size:,}] stopped by SIGTERM at {time.strftime('%H:%M:%S')}: its figures so far above")
            break
        print(report(results), flush=True)
    print("\nFigures from a shared 2-core machine (other sessions running): noisy, as measured.")
    print(report(results))
    if args.work is None and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
