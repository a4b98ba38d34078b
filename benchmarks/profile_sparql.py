"""Where the CPU of an uncached /sparql request goes: `ilrs-kg serve` profiled under a wrk run of distinct
queries, beside `oxigraph serve` on the same data measured in the same run.

    python benchmarks/profile_sparql.py [--root DIR] [--duration 10] [--rounds 2] [--rate 100]
                                        [--profile-duration 20] [--keep STACKS.txt]

In one run it builds the graph into a fresh directory, serves it with `ilrs-kg serve` (defaults: HTTP
processes and workers as a deployment would have them) and with `oxigraph serve` (the N-Quads dump,
in memory, as benchmarks/sparql_bench.py does), and drives each with wrk on the "distinct" mix of
sparql_bench.py (each request's query made unique by a trailing comment, so no cache answers it).
Rounds alternate the servers; in each, the CPU time every process used (user + system, from
/proc/PID/stat) is divided by the requests wrk completed: CPU microseconds per request, per process
role (HTTP process, query worker, supervisor), robust to the other load on a shared machine in a way
req/s is not. A last run of `ilrs-kg serve` is recorded by py-spy (`--subprocesses --native`, raw
stacks with the Rust and C frames); each sample is put into the stage named by its deepest recognised
frame (rules below), samples waiting (epoll, a queue, the next job) are left out, and each stage's
share of a process's samples, times that process's CPU per request, gives the stage's microseconds.
It prints the tables in Markdown (docs/performance.md holds a run's).
Needs wrk, the oxigraph CLI and py-spy (the bench extra), and root or ptrace rights for py-spy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import uvicorn.protocols.http.h11_impl as uvicorn_h11
from serving import start_ilrs, stop
from sparql_bench import lua_script, start_oxigraph, wrk_options

import ilrs_kg.sparql.execution as execution
import ilrs_kg.sparql.worker_main as worker_main
import ilrs_kg.sparql.worker_process as worker_process
from ilrs_kg.settings import Settings
from ilrs_kg.store import load_in_memory

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")
IDLE = "idle (waiting for a job)"
START = "worker start-up (not per request)"


def source(module: object, src: Path | None) -> Path:
    """`module`'s file; for a module of this package with `src` given, that checkout's copy of it."""
    path = Path(str(getattr(module, "__file__", "")))
    if src is not None and "ilrs_kg" in path.parts:
        return src.joinpath(*path.parts[path.parts.index("ilrs_kg") :])
    return path


def lines_of(module: object, *texts: str, src: Path | None = None) -> list[int]:
    """The lines of `module`'s source holding the first of `texts` found in it: rules name call sites,
    which move as code changes (the alternatives: how other versions of the code spell the call)."""
    path = source(module, src)
    lines = path.read_text(encoding="utf-8").splitlines()
    for text in texts:
        found = [n for n, line in enumerate(lines, 1) if text in line]
        if found:
            return found
    raise SystemExit(f"{path} has no line with any of {texts!r}: update the stage rules")


def line_of(module: object, *texts: str, src: Path | None = None) -> int:
    return lines_of(module, *texts, src=src)[0]


def rules(src: Path | None = None) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Per process role, (stage, frame pattern) in priority order; a sample's stage is the one its
    deepest matching frame names (library internals match nothing, so they count for their caller).
    With `src`, call sites are looked up in that checkout's files."""
    # Main before speed14b served uvicorn's h11 protocol (since: httptools, whose frames the parsing
    # rule names too). uvicorn's h11 protocol writes twice per reply, the head, then the body; since
    # ilrs_kg.http_server's OneWrite, those writes are held and leave in one (OneWrite.flush).
    h11_write = "|".join(str(n) for n in lines_of(uvicorn_h11, "self.transport.write(output)"))
    unpickle_back = line_of(worker_process, "pickle.loads(", src=src)
    job_in = line_of(worker_main, "job = pickle.loads(payload)", src=src)
    reply_out = line_of(
        worker_main, "channel.sendall(_answer(*reply))", "channel.sendall(encode(reply))", src=src
    )
    query_call = line_of(execution, "store.query(", src=src)
    graph_out = line_of(execution, "result.serialize(sink", src=src)

    def rule(stage: str, pattern: str) -> tuple[str, re.Pattern[str]]:
        return stage, re.compile(pattern)

    http = [
        rule("hop out: socket write to the worker", r"^WorkerProcess\.flush "),
        rule("hop out: pickling the job", r"^encode \(ilrs_kg/sparql/worker_main\.py"),
        rule("hop back: unpickling the answer", rf"^_Channel\.data_received .*:{unpickle_back}\)"),
        rule("hop back: framing, waking the handler", r"^(_Channel\.data_received|WorkerPool\._answered) "),
        rule("scheduling: fairness queue, worker choice, timers", r"ilrs_kg/sparql/(workers|fairness)\.py"),
        rule(
            "scheduling: fairness queue, worker choice, timers", r"^(WorkerProcess\.send|LiveBackend\.run) "
        ),
        rule(
            "reply: socket writes (status + headers, body)",
            rf"^RequestResponseCycle\.send .*:({h11_write})\)",
        ),
        rule(
            "reply: HTTP/1.1 encoding (h11, uvicorn)",
            r"^(RequestResponseCycle\.send|\w+\.on_response_complete) ",
        ),
        rule("reply: socket writes (status + headers, body)", r"^OneWrite\.flush "),
        rule("reply: HTTP/1.1 encoding (h11, uvicorn)", r"^OneWrite\.write "),
        rule(
            "HTTP parsing (h11, uvicorn)",
            r"^(H11Protocol|LimitedH11Protocol|_Connection|HttpToolsProtocol|LimitedHttpProtocol)\.\w+ ",
        ),
        rule("HTTP parsing (h11, uvicorn)", r"\(ilrs_kg/http_server\.py"),
        rule("parameter parsing", r"\(ilrs_kg/sparql/params\.py"),
        rule("screen (parse-free check of the query)", r"\(ilrs_kg/sparql/screen\.py"),
        rule("content negotiation", r"\(ilrs_kg/(conneg|web/formats|sparql/formats)\.py"),
        rule("result cache + ETag", r"\(ilrs_kg/sparql/cache\.py|^SparqlEndpoint\._etag "),
        rule("endpoint handler (SparqlEndpoint)", r"\(ilrs_kg/sparql/protocol\.py"),
        rule("request/reply adaptation (web/asgi)", r"\(ilrs_kg/web/asgi\.py"),
        rule(
            "middleware: PinVersion (reads the release link)",
            r"^(PinVersion|LiveBackend)\.|\(ilrs_kg/releases\.py",
        ),
        rule("middleware: Edge (headers, deadlines)", r"\(ilrs_kg/edge\.py"),
        rule("middleware: CORS", r"\(ilrs_kg/web/cors\.py"),
        rule("middleware: Site/SparqlFirst (route to the endpoint)", r"^(SparqlFirst|Site)\."),
        rule("FastAPI/Starlette/uvicorn ASGI stack", r"\((fastapi|starlette|uvicorn)/"),
        # Waiting: the loop in epoll, pool threads on their queue, a thread reaping a stopped worker.
        rule(IDLE, r"^(epoll_p?wait|_queue_SimpleQueue_get_impl|os_waitpid) "),
        rule("socket reads (uvloop: clients and workers)", r"^(read|recv) \(libc"),
        rule("event loop (uvloop, C: callbacks, transports)", r"^Runner\.run \(asyncio/runners\.py"),
    ]
    worker = [
        rule(IDLE, r"^_receive \(ilrs_kg/sparql/worker_main\.py"),
        rule("hop in: unpickling the job", rf"^serve \(ilrs_kg/sparql/worker_main\.py:{job_in}\)"),
        rule("hop back: pickling the answer", r"^encode \(ilrs_kg/sparql/worker_main\.py"),
        rule("hop back: socket write", rf"^serve \(ilrs_kg/sparql/worker_main\.py:{reply_out}\)"),
        rule("screen again (guard, in the worker)", r"\(ilrs_kg/sparql/screen\.py"),
        # Rust frames (py-spy --native): the query is parsed and planned in store.query, evaluated
        # lazily while its results are serialized.
        rule("pyoxigraph: parse (spargebra)", r"spargebra.*(parser|parse_)"),
        rule(
            "pyoxigraph: serialize results (sparesults, JSON/Turtle)",
            r"json_event_parser|sparesults|oxttl|oxrdfio",
        ),
        rule("pyoxigraph: optimize (sparopt)", r"sparopt"),
        rule("pyoxigraph: evaluate (spareval, storage)", r"spareval|oxigraph\d+(storage|sparql)|dashmap"),
        rule(
            "pyoxigraph: rest of store.query (bindings, conversions)",
            rf"^execute \(ilrs_kg/sparql/execution\.py:{query_call}\)",
        ),
        rule(
            "pyoxigraph: rest of serialize (bindings, writes)",
            rf"^execute \(ilrs_kg/sparql/execution\.py:({graph_out})\)|^write_results ",
        ),
        rule("execute: dataset, result buffer, other", r"\(ilrs_kg/sparql/execution\.py"),
        rule("worker loop: other", r"\(ilrs_kg/sparql/worker_main\.py"),
    ]
    return {"HTTP process": http, "query worker": worker}


# Checked over the whole stack before the deepest frame: a worker loading its store runs pyoxigraph's
# storage code, which the rules above would count as evaluation.
OVERRIDES = {"query worker": [(START, re.compile(r"^(load_store_dir|open_store_dir|_open) |importlib"))]}


def role_of(cmdline: str) -> str:
    if "worker_main" in cmdline:
        return "query worker"
    if "spawn_main" in cmdline:
        return "HTTP process"
    if "resource_tracker" in cmdline:
        return "other"
    return "supervisor"


def children(pid: int) -> list[int]:
    """`pid`'s child processes, from each of its threads' /proc children list."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def descendants(root: int) -> dict[int, str]:
    """PID → role for `root` and every process below it."""
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if pid == root:  # ilrs-kg serve's parent, or the whole of oxigraph serve
            found[pid] = "supervisor" if "ilrs_kg" in cmdline else "server process"
        else:
            found[pid] = role_of(cmdline)
        todo.extend(children(pid))
    return found


def cpu_s(pid: int, *, children: bool = False) -> float:
    """User + system CPU seconds of `pid` (with `children`: of its children that have exited and been
    reaped instead, which is where replaced workers' time goes)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    first = 13 if children else 11  # cutime, cstime or utime, stime
    return (int(fields[first]) + int(fields[first + 1])) * TICK_S


def snapshot(root: int) -> tuple[dict[str, float], set[int]]:
    """CPU seconds so far per role for the tree under `root`, and its worker PIDs."""
    pids = descendants(root)
    totals: dict[str, float] = defaultdict(float)
    for pid, role in pids.items():
        totals[role] += cpu_s(pid)
        if role == "HTTP process":
            totals["query worker"] += cpu_s(pid, children=True)
    return totals, {pid for pid, role in pids.items() if role == "query worker"}


@dataclass(frozen=True)
class Measured:
    requests: int
    seconds: float
    cpu_us: dict[str, float]  # role → CPU µs per request
    replaced: int  # query workers that were replaced during the run

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def drive(url: str, script: Path, duration: float, connections: int, threads: int) -> tuple[int, int]:
    """wrk over `script`: (requests completed, non-2xx + socket errors)."""
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    done = re.search(r"(\d+) requests in", output)
    assert done is not None, output
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    timeouts = re.search(r"Socket errors:.*?timeout (\d+)", output)
    bad = sum(int(m.group(1)) for m in (non_2xx, timeouts) if m is not None)
    return int(done.group(1)), bad


def measure(
    root_pid: int, url: str, script: Path, args: argparse.Namespace, duration: float | None = None
) -> Measured:
    before, workers = snapshot(root_pid)
    started = time.perf_counter()
    requests, bad = drive(url, script, duration or args.duration, args.connections, args.threads)
    seconds = time.perf_counter() - started
    after, workers_after = snapshot(root_pid)
    if bad:
        raise SystemExit(f"{url}: {bad} failed requests: the profile would not be of answered queries")
    cpu = {role: (after[role] - before.get(role, 0.0)) * 1e6 / requests for role in after}
    return Measured(requests, seconds, cpu, len(workers - workers_after))


def record(root_pid: int, url: str, script: Path, args: argparse.Namespace, out: Path) -> Measured:
    profiler = subprocess.Popen(
        [
            "py-spy",
            "record",
            "--subprocesses",
            "--native",
            "--format",
            "raw",
            "--rate",
            str(args.rate),
            "--duration",
            str(int(args.profile_duration) + 2),
            "--output",
            str(out),
            "--pid",
            str(root_pid),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches to every process first
    measured = measure(root_pid, url, script, args, args.profile_duration)
    profiler.wait(timeout=args.profile_duration + 60)
    return measured


def stages(raw: Path, table: dict[str, list[tuple[str, re.Pattern[str]]]]) -> dict[str, Counter[str]]:
    """Role → stage → samples, from py-spy's raw stacks, by the rules in `table`."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        frames = stack.split(";")
        processes = [f for f in frames if f.startswith("process ")]
        role = role_of(processes[-1]) if processes else "other"
        python = [f for f in frames if not f.startswith("process ")]
        stage = next(
            (name for name, pattern in OVERRIDES.get(role, []) if any(pattern.search(f) for f in python)),
            "other",
        )
        for frame in reversed(python if stage == "other" else []):
            match = next((name for name, pattern in table.get(role, []) if pattern.search(frame)), None)
            if match is not None:
                stage = match
                break
        counts[role][stage] += int(number)
    return counts


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = wrk_options(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="alternating unprofiled rounds")
    parser.add_argument("--profile-duration", type=float, default=20.0, help="seconds of the profiled run")
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second per process")
    parser.add_argument("--keep", type=Path, help="copy py-spy's raw stacks here")
    parser.add_argument(
        "--src",
        type=Path,
        metavar="DIR",
        help="profile `ilrs-kg serve` from the ilrs_kg package in DIR (another checkout's src/, say main "
        "before a change), to compare under the same machine load",
    )
    args = parser.parse_args()
    src = args.src.resolve() if args.src is not None else None
    for tool in ("wrk", "oxigraph", "py-spy"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not on PATH")
    root = args.root.resolve()
    queries = [p.read_text(encoding="utf-8") for p in sorted((root / "queries").glob("*.rq"))]
    with tempfile.TemporaryDirectory(prefix="profile-sparql-") as tmp:
        work = Path(tmp)
        ilrs = start_ilrs(root, work / "build", log=work / "ilrs.log", src=src)
        try:
            dump = work / "data.nq"
            load_in_memory(Settings(root=root, build_dir=work / "build")).dump(
                str(dump), format=ox.RdfFormat.N_QUADS
            )
            oxigraph = start_oxigraph(dump, work / "oxigraph.log")
            try:
                ilrs_script, ox_script = work / "ilrs.lua", work / "oxigraph.lua"
                lua_script(ilrs_script, "/sparql", queries, distinct=True)
                lua_script(ox_script, "/query", queries, distinct=True)
                servers = [
                    ("oxigraph serve", oxigraph.process.pid, oxigraph.url.removesuffix("/query"), ox_script),
                    ("ilrs-kg serve", ilrs.process.pid, ilrs.base, ilrs_script),
                ]
                # Warm-up: every worker started (they load after the first answers) and every query seen once.
                time.sleep(5)
                for _name, _pid, url, script in servers:
                    drive(url, script, 3, args.connections, args.threads)
                runs: dict[str, list[Measured]] = defaultdict(list)
                loads = [load_average()]
                for _ in range(args.rounds):
                    for name, pid, url, script in servers:
                        runs[name].append(measure(pid, url, script, args))
                        loads.append(load_average())
                raw = work / "stacks.txt"
                profiled = record(ilrs.process.pid, ilrs.base, ilrs_script, args, raw)
                loads.append(load_average())
                if args.keep is not None:
                    shutil.copy(raw, args.keep)
                print(f"ilrs-kg serve from {src or 'this checkout'}")
                report(runs, profiled, stages(raw, rules(src)), loads, args)
            finally:
                oxigraph.process.terminate()
                oxigraph.process.wait(30)
        finally:
            stop(ilrs.process)
    return 0


def median_cpu(runs: list[Measured]) -> dict[str, float]:
    roles = {role for run in runs for role in run.cpu_us}
    return {role: statistics.median(run.cpu_us.get(role, 0.0) for run in runs) for role in roles}


def report(
    runs: dict[str, list[Measured]],
    profiled: Measured,
    counts: dict[str, Counter[str]],
    loads: list[str],
    args: argparse.Namespace,
) -> None:
    ours, theirs = median_cpu(runs["ilrs-kg serve"]), median_cpu(runs["oxigraph serve"])
    rate = {name: statistics.median(r.rate for r in rs) for name, rs in runs.items()}
    total_ours, total_theirs = sum(ours.values()), sum(theirs.values())
    print(f"load average (1, 5, 15 min) before and after each run: {'; '.join(loads)}")
    print(
        f"wrk: {args.connections} connections, {args.threads} threads, {args.duration:g} s per run, "
        f"{args.rounds} rounds alternating, distinct queries\n"
    )
    print("| server | req/s (median) | CPU µs/request | of which |")
    print("|---|---:|---:|---|")
    for name, cpu in (("oxigraph serve", theirs), ("ilrs-kg serve", ours)):
        split = ", ".join(
            f"{role} {us:.0f}" for role, us in sorted(cpu.items(), key=lambda kv: -kv[1]) if us >= 1
        )
        print(f"| {name} | {rate[name]:,.0f} | {sum(cpu.values()):.0f} | {split} |")
    print(
        f"\nquery workers replaced during each ilrs-kg run: {[r.replaced for r in runs['ilrs-kg serve']]}, "
        f"during the profiled one: {profiled.replaced}\n"
        f"ratio: {rate['ilrs-kg serve'] / rate['oxigraph serve']:.2f}× oxigraph's req/s; "
        f"{total_ours / total_theirs:.2f}× its CPU per request\n"
    )
    print(
        f"profiled run: {profiled.rate:,.0f} req/s under py-spy at {args.rate} Hz; "
        f"CPU µs/request then: {', '.join(f'{r} {us:.0f}' for r, us in profiled.cpu_us.items() if us >= 1)}\n"
    )
    for role in ("HTTP process", "query worker"):
        samples = counts.get(role, Counter())
        busy = {stage: n for stage, n in samples.items() if stage != IDLE}
        total = sum(busy.values()) or 1
        seen_cpu_s = total / args.rate
        proc_cpu_s = profiled.cpu_us.get(role, 0) * profiled.requests / 1e6
        print(
            f"**{role}**: {ours.get(role, 0):.0f} µs CPU per request; {total:,} busy samples "
            f"(≈ {seen_cpu_s:.1f} s CPU, /proc says {proc_cpu_s:.1f} s)"
            + (f"; left out: {samples[IDLE]:,} samples {IDLE}" if samples[IDLE] else "")
            + "\n"
        )
        print("| stage | µs/request | share |")
        print("|---|---:|---:|")
        for stage, n in sorted(busy.items(), key=lambda kv: -kv[1]):
            share = n / total
            print(f"| {stage} | {share * ours.get(role, 0):.0f} | {share:.0%} |")
        print()


if __name__ == "__main__":
    raise SystemExit(main())
