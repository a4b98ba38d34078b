"""SPARQL endpoint benchmark: `ilrs-kg serve` against `oxigraph serve` and rdflib-endpoint.

    python benchmarks/sparql_bench.py [--root DIR] [--duration 10] [--connections 16] [--rounds 2]
                                      [--single NAME] [--skip-rdflib] [--compare-src OTHER/src]

In one run on this machine it builds the graph into a fresh directory and times the cold start of
`ilrs-kg serve` (validate + build + first answer), then serves the same data with all three servers
(oxigraph in memory and rdflib-endpoint on a Dataset, both from our N-Quads, whose default graph is the
merge our endpoint queries: neither needs a union setting, which would count a fact once per graph), checks
that they agree on every query, and drives each in turn with wrk: the same query mix (queries/*.rq,
rotated by a Lua script, GET with an Accept header), the same connections and threads, runs
alternating between servers round after round. Three mixes: "repeated" (the .rq files as they are,
rotating; a result cache may help), "single" (one of them, --single, over and over) and "distinct"
(each request's query made unique by a trailing comment, so no cache can). Beside them, "pages":
entity pages of `ilrs-kg serve` (HTML, rotating over a few hundred entities), which oxigraph has none
of. It prints req/s, p50 and p99 per server and mix (median over rounds), each with the load average
(1 min) at the end of its runs, and the targets of issue 14 as ratios against oxigraph, PASS or MISS:
distinct >= 0.6x, repeated >= 1.5x, single >= 1.0x its req/s, and p99 <= its p99 in each mix.
--compare-src also serves the same data with `ilrs-kg serve` from another checkout's package (say,
main before a change), alternated with the rest, to measure what a change costs. Needs wrk (Debian's,
/usr/bin/wrk), the oxigraph CLI and rdflib-endpoint (unless --skip-rdflib).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from serving import free_port, wait_answering
from serving import start_ilrs as start_ilrs_serve
from serving import stop as stop_server

from ilrs_kg.settings import Settings, default_root
from ilrs_kg.store import load_in_memory

ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
PAGE_ACCEPT = "text/html"
# Issue 14's targets: req/s as a multiple of oxigraph serve's, per mix; and p99 no worse than its.
TARGETS = {"distinct": 0.6, "repeated": 1.5, "single": 1.0}
MIXES = ("repeated", "single", "distinct")
RDFLIB_TARGET = 25.0
P99_TARGET_MS = 20.0
COLD_START_TARGET_S = 5.0


@dataclass
class Server:
    name: str
    url: str  # the query endpoint
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class Run:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: float  # the load average (1 min) at the end of the run


def get(url: str, query: str, timeout: float = 30.0) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": ACCEPT}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_ilrs(root: Path, build_dir: Path, log: Path, src: Path | None = None) -> tuple[Server, float]:
    """`ilrs-kg serve`, with the package from `src` if given (named "ilrs-kg serve (other)")."""
    served = start_ilrs_serve(root, build_dir, log=log, src=src, limit=120)
    name = "ilrs-kg serve" if src is None else "ilrs-kg serve (other)"
    return Server(name, served.endpoint, served.process), served.cold_start_s


def start_oxigraph(dump: Path, log: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(
        ["oxigraph", "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.perf_counter() + 30
    while True:
        try:
            request = urllib.request.Request(
                base + "/store",
                data=dump.read_bytes(),
                method="POST",
                headers={"Content-Type": "application/n-quads"},
            )
            with urllib.request.urlopen(request, timeout=30):
                break
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.1)
    server = Server("oxigraph serve", base + "/query", process)
    wait_answering(server.url, process, 120)
    return server


def start_rdflib(dump: Path, log: Path) -> Server:
    port = free_port()
    script = textwrap.dedent(f"""
        import uvicorn
        from rdflib import Dataset
        from rdflib_endpoint import SparqlEndpoint
        dataset = Dataset()
        dataset.parse({str(dump)!r}, format="nquads")
        app = SparqlEndpoint(graph=dataset, path="/sparql", public_url="http://127.0.0.1:{port}/sparql")
        uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    server = Server("rdflib-endpoint", f"http://127.0.0.1:{port}/sparql", process)
    wait_answering(server.url, process, 120)
    return server


def answer_size(body: bytes) -> int | str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return "non-JSON"
    if "boolean" in parsed:
        return f"boolean {parsed['boolean']}"
    return len(parsed["results"]["bindings"])


def check_agreement(servers: list[Server], queries: dict[str, str]) -> list[str]:
    problems = []
    for name, query in queries.items():
        sizes = {}
        for server in servers:
            status, body = get(server.url, query)
            sizes[server.name] = answer_size(body) if status == 200 else f"HTTP {status}"
        if len(set(map(str, sizes.values()))) > 1 or any(str(v).startswith("HTTP") for v in sizes.values()):
            problems.append(f"{name}: {sizes}")
    return problems


def lua_script(path: Path, endpoint_path: str, queries: list[str], distinct: bool) -> None:
    targets = [endpoint_path + "?query=" + urllib.parse.quote(q, safe="") for q in queries]
    lua_rotation(path, targets, ACCEPT, suffix='.. "%0A%23%20r" .. id .. "-" .. i' if distinct else "")


def lua_rotation(path: Path, targets: list[str], accept: str, suffix: str = "") -> None:
    """A wrk script sending GETs of `targets` in turn (each followed by the Lua expression `suffix`)."""
    quoted = ",\n".join("  " + json.dumps(target) for target in targets)
    path.write_text(
        textwrap.dedent("""\
            local paths = {
            %s
            }
            local counter = 0
            function setup(thread)
              counter = counter + 1
              thread:set("id", counter)
            end
            local i = 0
            request = function()
              i = i + 1
              local path = paths[(i %% #paths) + 1] %s
              return wrk.format("GET", path, {["Accept"] = "%s"})
            end
        """)
        % (quoted, suffix, accept),
        encoding="utf-8",
    )


def wrk(url: str, script: Path, duration: float, connections: int, threads: int) -> Run:
    parsed = urllib.parse.urlsplit(url)
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration:g}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"{parsed.scheme}://{parsed.netloc}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            raise SystemExit(f"cannot read the {label} latency from wrk:\n{output}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*?timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += int(socket_errors.group(1)) if socket_errors else 0
    assert rate is not None, output
    return Run(float(rate.group(1)), latency("50%"), latency("99%"), errors, load_average())


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def stop(server: Server) -> None:
    stop_server(server.process, signal.SIGINT if server.name.startswith("ilrs-kg") else signal.SIGTERM)


def rdflib_feasible(dump: Path, queries: dict[str, str], limit_s: int) -> dict[str, str]:
    """The queries rdflib answers, within limit_s seconds, in process (it cannot be stopped once serving)."""
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(str(dump), format="nquads")

    def give_up(_signum: int, _frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, give_up)
    feasible = {}
    for name, query in queries.items():
        signal.alarm(limit_s)
        try:
            list(dataset.query(query))
            feasible[name] = query
        except TimeoutError:
            print(f"  rdflib needs more than {limit_s} s for {name}: left out of the rdflib comparison")
        except Exception as exc:  # rdflib's own evaluation bugs (e.g. COUNT over an unbound variable)
            reason = f"{type(exc).__name__}: {exc}"
            print(f"  rdflib fails on {name} ({reason}): left out of the rdflib comparison")
        finally:
            signal.alarm(0)
    return feasible


def wrk_options(doc: str | None) -> argparse.ArgumentParser:
    """The options every wrk-driven benchmark here shares (this one and profile_sparql.py)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--root", type=Path, default=default_root(), help="project root (default: this checkout)"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    return parser


@dataclass(frozen=True)
class Mix:
    name: str
    servers: list[Server]
    queries: dict[str, str]  # rotated over; empty for the pages mix
    pages: tuple[str, ...] = ()  # paths, for the pages mix

    def script(self, path: Path, server: Server) -> Path:
        if self.pages:
            lua_rotation(path, list(self.pages), PAGE_ACCEPT)
        else:
            endpoint = urllib.parse.urlsplit(server.url).path
            lua_script(path, endpoint, list(self.queries.values()), distinct=self.name.startswith("distinct"))
        return path


ENTITIES = (
    "SELECT DISTINCT ?s WHERE { ?s a ?type FILTER(STRSTARTS(STR(?s), 'https://w3id.org/ilrs/id/')) } "
    "ORDER BY ?s LIMIT 300"
)


def entity_pages(server: Server) -> tuple[str, ...]:
    """Paths of entity pages (HTML) to rotate over, found with a query."""
    status, body = get(server.url, ENTITIES)
    if status != 200:
        raise SystemExit(f"the query for entities failed: HTTP {status}: {body[:200]!r}")
    rows = json.loads(body)["results"]["bindings"]
    base = "https://w3id.org/ilrs/id/"
    paths = tuple("/doc/" + row["s"]["value"].removeprefix(base) + ".html" for row in rows)
    origin = server.url.removesuffix("/sparql")
    for path in paths[:3]:  # they are pages, not errors
        with urllib.request.urlopen(
            urllib.request.Request(origin + path, headers={"Accept": PAGE_ACCEPT}), timeout=30
        ) as response:
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
    return paths


def main() -> int:
    parser = wrk_options(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds over all servers")
    parser.add_argument(
        "--single",
        metavar="NAME",
        help="the query (queries/NAME.rq) of the single-query mix (default: the first by name)",
    )
    parser.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out")
    parser.add_argument(
        "--compare-src",
        type=Path,
        metavar="DIR",
        help="also serve with the ilrs_kg package found in DIR (another checkout's src/)",
    )
    args = parser.parse_args()
    for tool in ("wrk", "oxigraph", "ilrs-kg"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not on PATH")
    root = args.root.resolve()
    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "queries").glob("*.rq"))}
    if not queries:
        raise SystemExit(f"no queries in {root / 'queries'}")
    single = args.single or next(iter(queries))
    if single not in queries:
        raise SystemExit(f"no query {single}.rq in {root / 'queries'}")

    with tempfile.TemporaryDirectory(prefix="sparql-bench-") as tmp:
        work = Path(tmp)
        servers: list[Server] = []
        try:
            ilrs, cold_start = start_ilrs(root, work / "build", work / "ilrs.log")
            servers.append(ilrs)
            print(f"cold start of ilrs-kg serve (validate + build + first answer): {cold_start:.2f} s")
            others: list[Server] = []
            if args.compare_src is not None:
                src = args.compare_src.resolve()
                other, _ = start_ilrs(root, work / "build-other", work / "other.log", src)
                servers.append(other)
                others.append(other)
            dump = work / "data.nq"
            load_in_memory(Settings(root=root, build_dir=work / "build")).dump(
                str(dump), format=ox.RdfFormat.N_QUADS
            )
            oxigraph = start_oxigraph(dump, work / "oxigraph.log")
            servers.append(oxigraph)
            subset: dict[str, str] = {}
            rdflib: Server | None = None
            if not args.skip_rdflib:
                subset = rdflib_feasible(dump, queries, limit_s=5)
                rdflib = start_rdflib(dump, work / "rdflib.log")
                servers.append(rdflib)
            problems = check_agreement([ilrs, *others, oxigraph], queries)
            if rdflib is not None:
                problems += check_agreement([ilrs, rdflib], subset)
            print(
                f"{len(queries)} queries ({len(subset)} for rdflib); answers differ (in result rows) for "
                f"{len(problems)}"
            )
            for problem in problems:
                print(f"  differs: {problem}")
            print(f"single-query mix: {single}")
            # The rdflib comparison runs on what rdflib can answer.
            with_rdflib = [rdflib] if rdflib is not None and subset == queries else []
            mixes = [
                Mix(
                    mode,
                    [ilrs, *others, oxigraph, *with_rdflib],
                    {single: queries[single]} if mode == "single" else queries,
                )
                for mode in MIXES
            ]
            if rdflib is not None and subset != queries:
                mixes += [Mix(f"{mode}/rdflib", [ilrs, rdflib], subset) for mode in ("repeated", "distinct")]
            mixes.append(Mix("pages", [ilrs, *others], {}, entity_pages(ilrs)))
            results = run_alternating(mixes, work, args)
        finally:
            for server in servers:
                stop(server)

    report(
        results,
        cold_start,
        args,
        rdflib_mix_suffix="" if subset == queries else "/rdflib",
        rdflib=rdflib is not None,
    )
    return 0


def run_alternating(
    mixes: list[Mix], work: Path, args: argparse.Namespace
) -> dict[tuple[str, str], list[Run]]:
    """Every (server, mix) run once per round; each round starts with a different server."""
    servers = list({id(s): s for mix in mixes for s in mix.servers}.values())
    results: dict[tuple[str, str], list[Run]] = {}
    warmed: set[str] = set()
    for round_number in range(args.rounds):
        shift = round_number % len(servers)
        for server in servers[shift:] + servers[:shift]:
            for mix in mixes:
                if server not in mix.servers:
                    continue
                script = mix.script(
                    work / f"{server.name}-{mix.name.replace('/', '-')}.lua".replace(" ", "-"), server
                )
                if server.name not in warmed:
                    wrk(server.url, script, 2, args.connections, args.threads)
                    warmed.add(server.name)
                run = wrk(server.url, script, args.duration, args.connections, args.threads)
                results.setdefault((server.name, mix.name), []).append(run)
                print(
                    f"  round {round_number + 1} {server.name:<16} {mix.name:<16} "
                    f"{run.requests_per_s:9.0f} req/s  p50 {run.p50_ms:7.2f} ms  "
                    f"p99 {run.p99_ms:7.2f} ms  errors {run.errors}  load {run.load:.1f}",
                    flush=True,
                )
    return results


def report(
    results: dict[tuple[str, str], list[Run]],
    cold_start: float,
    args: argparse.Namespace,
    rdflib_mix_suffix: str,
    *,
    rdflib: bool,
) -> None:
    def median(name: str, mix: str) -> Run:
        runs = results[(name, mix)]
        return Run(
            statistics.median(r.requests_per_s for r in runs),
            statistics.median(r.p50_ms for r in runs),
            statistics.median(r.p99_ms for r in runs),
            sum(r.errors for r in runs),
            statistics.median(r.load for r in runs),
        )

    def loads(*keys: tuple[str, str]) -> str:
        values = [r.load for key in keys for r in results[key]]
        return f"load {min(values):.1f}-{max(values):.1f}"

    print(
        f"\nmedian of {args.rounds} round(s), {args.duration:g} s each, {args.connections} connections, "
        f"{args.threads} wrk threads, GET with Accept: {ACCEPT} (pages: {PAGE_ACCEPT}); load: the load "
        f"average (1 min) on this {os.cpu_count()}-CPU machine at the end of each run"
    )
    print(f"{'server':<22}{'mix':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'load':>7}")
    for name, mix in results:
        run = median(name, mix)
        print(
            f"{name:<22}{mix:<18}{run.requests_per_s:>10.0f}{run.p50_ms:>10.2f}{run.p99_ms:>10.2f}"
            f"{run.errors:>8}{run.load:>7.1f}"
        )

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print("\ntargets (issue 14), against oxigraph serve in the same run:")
    ours, theirs = "ilrs-kg serve", "oxigraph serve"
    for mode, target in TARGETS.items():
        keys = ((ours, mode), (theirs, mode))
        mine, its = median(ours, mode), median(theirs, mode)
        ratio = mine.requests_per_s / its.requests_per_s
        print(
            f"  {mode:<9} req/s {ratio:5.2f}x ({mine.requests_per_s:,.0f} vs {its.requests_per_s:,.0f}; "
            f"target >= {target}x) {verdict(ratio >= target)}; "
            f"p99 {mine.p99_ms / its.p99_ms:5.2f}x ({mine.p99_ms:.1f} vs {its.p99_ms:.1f} ms; target <= 1x) "
            f"{verdict(mine.p99_ms <= its.p99_ms)}; {loads(*keys)}"
        )
    pages = median(ours, "pages")
    print(
        f"  pages     req/s {pages.requests_per_s:,.0f}, p50 {pages.p50_ms:.1f} ms, "
        f"p99 {pages.p99_ms:.1f} ms (entity pages in HTML; oxigraph serves none); {loads((ours, 'pages'))}"
    )
    print("earlier targets:")
    if rdflib:
        for mode in ("repeated", "distinct"):
            mix = mode + rdflib_mix_suffix
            ratio = median(ours, mix).requests_per_s / median("rdflib-endpoint", mix).requests_per_s
            print(
                f"  vs rdflib-endpoint, {mix:<16}: {ratio:6.1f}x (target >= {RDFLIB_TARGET:g}x) "
                f"{verdict(ratio >= RDFLIB_TARGET)}"
            )
    for mode in MIXES:
        p99 = median(ours, mode).p99_ms
        print(
            f"  p99 of ilrs-kg serve, {mode:<14}: {p99:6.2f} ms (target <= {P99_TARGET_MS:g} ms) "
            f"{verdict(p99 <= P99_TARGET_MS)}"
        )
    print(
        f"  cold start: {cold_start:.2f} s (target <= {COLD_START_TARGET_S:g} s) "
        f"{verdict(cold_start <= COLD_START_TARGET_S)}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
