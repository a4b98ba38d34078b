"""The /sparql handler's own cost per request, in process: no sockets, no HTTP parsing, no other server.

    python benchmarks/handler_bench.py [--rounds 2] [CHECKOUT ...]

For each checkout given (default: this one), in its own Python process with that checkout's `src/` and
`tests/fixtures`, it calls `SparqlEndpoint.handle` on the test fixture's store: a repeated query (answered
from the result cache: what parsing, negotiation, the cache lookup and building the reply cost) and
distinct queries (each evaluated in process). Checkouts alternate, round after round, so a change's cost
shows without the noise wrk runs over loopback suffer on a shared machine (benchmarks/sparql_bench.py
measures the whole server).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent

_SCRIPT = textwrap.dedent("""
    import asyncio, statistics, sys, tempfile, time, urllib.parse
    from pathlib import Path
    from tests.fixtures.sparql.support import endpoint, settings
    try:
        from ilrs_kg.web.reply import Request
    except ImportError:  # a checkout from before the web core
        from ilrs_kg.sparql.http import HttpRequest as Request

    LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    HEADERS = {"accept": "application/sparql-results+json, text/turtle;q=0.9", "host": "127.0.0.1:8000"}

    async def run(ep, n, distinct):
        times = []
        for i in range(n):
            query = LABELS + (f"\\n# r{i}" if distinct else "")
            request = Request("GET", urllib.parse.urlencode({"query": query}).encode(), HEADERS)
            started = time.perf_counter()
            reply = await ep.handle(request)
            times.append(time.perf_counter() - started)
            assert reply.status == 200, reply.body
        return sorted(times)

    ep = endpoint(settings(Path(tempfile.mkdtemp())))
    for mode, n in (("repeated", int(sys.argv[1])), ("distinct", int(sys.argv[1]) // 6)):
        asyncio.run(run(ep, 500, mode == "distinct"))
        times = asyncio.run(run(ep, n, mode == "distinct"))
        median, p99 = statistics.median(times) * 1e6, times[int(len(times) * 0.99)] * 1e6
        print(f"{mode:<9}{len(times) / sum(times):9.0f} req/s  median {median:7.1f} us  p99 {p99:8.1f} us")
""")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("checkouts", nargs="*", type=Path, default=[HERE.parent])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=20_000, help="repeated requests per run")
    args = parser.parse_args()
    for round_number in range(1, args.rounds + 1):
        for checkout in args.checkouts:
            root = checkout.resolve()
            out = subprocess.run(
                [sys.executable, "-c", _SCRIPT, str(args.requests)],
                cwd=root,
                env={"PYTHONPATH": f"{root / 'src'}:{root}", "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for line in out.splitlines():
                print(f"round {round_number}  {root}  {line}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
