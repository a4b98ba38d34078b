"""Starting, probing and stopping the servers the benchmarks measure: one way for every script, so each
measures `ilrs-kg serve` started alike and counts its cold start alike (until a query is answered)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROBE = "ASK { ?s ?p ?o }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(endpoint: str, timeout: float) -> bool:
    request = urllib.request.Request(
        endpoint + "?" + urllib.parse.urlencode({"query": PROBE}),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status) == 200
    except (urllib.error.HTTPError, OSError):
        return False


class NoAnswer(RuntimeError):
    """The server exited, or did not answer within the limit."""


def wait_answering(endpoint: str, process: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until `endpoint` answers a query; NoAnswer if the server exits or stays silent."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise NoAnswer(f"{endpoint}: the server exited with status {process.returncode}")
        if answers(endpoint, timeout=5):
            return time.perf_counter() - started
        time.sleep(0.05)
    process.kill()
    raise NoAnswer(f"{endpoint}: no answer within {limit:g} s")


@dataclass(frozen=True)
class Served:
    process: subprocess.Popen[bytes]
    port: int
    cold_start_s: float  # from launch (validate + build + start) to the first answer

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + "/sparql"


def start_ilrs(
    root: Path, build_dir: Path, *options: str, log: Path, src: Path | None = None, limit: float = 180.0
) -> Served:
    """`ilrs-kg serve` on a free loopback port, its output in `log`; with `src`, that checkout's package."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(src)} if src is not None else None
    argv = [sys.executable, "-m", "ilrs_kg", "serve", "--root", str(root), "--store", str(build_dir)]
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*argv, "--host", "127.0.0.1", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_answering(f"http://127.0.0.1:{port}/sparql", process, limit)
    except BaseException:
        stop(process)  # never left running by a caller that gave up (NoAnswer, SIGTERM, ^C)
        raise
    return Served(process, port, time.perf_counter() - started)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGINT) -> None:
    """`sig` (SIGINT: ilrs-kg serve's orderly stop), then SIGKILL if it is not gone within 30 s."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
