"""`ilrs-kg serve`: validate and build the graph (or reuse an up-to-date store), then serve it.

One listening socket; one HTTP process by default (uvicorn, running the app of ilrs_kg.app), or several
sharing the socket (--http-processes), each with its own pool of query worker processes. The parent
restarts an HTTP process that dies and stops them all on SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ilrs_kg.build import build_store
from ilrs_kg.settings import Settings

if TYPE_CHECKING:
    from ilrs_kg.watch import Watcher

_DEFAULTS = Settings()


def _default_http_processes() -> int:
    """One per CPU the process may use, at most four: repeated queries are answered from each
    process's cache at the speed of its HTTP handling."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


@dataclass(frozen=True)
class ServeOptions:
    http_processes: int = 1
    worker_memory_mb: int = 4096
    access_log: bool = False
    log_level: str = "info"
    watch: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    d = _DEFAULTS
    parser.description = (
        "Validate and build the graph (or reuse a store built from the same sources), then serve it: "
        "linked-data pages, downloads and the SPARQL 1.1 endpoint at /sparql (read-only; SERVICE and "
        "LOAD refused). Limits apply per request."
    )
    parser.add_argument("--store", help="build directory (default: <root>/build)")
    parser.add_argument("--host", default=d.host, help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=d.port,
                        help="port to listen on; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--query-timeout", type=float, default=d.query_timeout, metavar="SECONDS",
                        help="hard limit on one query's evaluation; its worker is killed then, and "
                             "the client gets a 503 (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=d.workers, metavar="N",
                        help="query worker processes per HTTP process, each with its own copy of the graph "
                             "(default: %(default)s)")
    parser.add_argument("--http-processes", type=int, default=_default_http_processes(), metavar="N",
                        help="HTTP server processes sharing the port (default: one per CPU, at most 4; "
                             "here %(default)s)")
    parser.add_argument("--max-body-bytes", type=int, default=d.max_body_bytes, metavar="BYTES",
                        help="largest request body accepted; 413 beyond (default: %(default)s)")
    parser.add_argument("--max-query-chars", type=int, default=d.max_query_chars, metavar="CHARS",
                        help="longest query accepted; 413 beyond (default: %(default)s)")
    parser.add_argument("--max-query-nesting", type=int, default=d.max_query_nesting, metavar="DEPTH",
                        help="deepest bracket nesting accepted; 400 beyond, as deeper nesting "
                             "overflows the SPARQL parser's stack (default: %(default)s)")
    parser.add_argument("--max-result-bytes", type=int, default=d.max_result_bytes, metavar="BYTES",
                        help="largest serialized result returned; 422 beyond (default: %(default)s)")
    parser.add_argument("--result-cache-entries", type=int, default=d.result_cache_entries, metavar="N",
                        help="results kept in each HTTP process's cache; 0 disables it "
                             "(default: %(default)s)")
    parser.add_argument("--worker-memory-mb", type=int, default=ServeOptions.worker_memory_mb, metavar="MB",
                        help="address-space limit of each query worker; 0 for none (default: %(default)s)")
    parser.add_argument("--watch", action="store_true",
                        help="rebuild when data/, ontology/ or shapes/ change and swap the new data in "
                             "atomically; a change that fails validation is logged and not applied")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settings_and_options(args: argparse.Namespace) -> tuple[Settings, ServeOptions]:
    from ilrs_kg.cli import settings_from_args

    settings = settings_from_args(args).with_changes(
        host=args.host,
        port=args.port,
        query_timeout=args.query_timeout,
        workers=max(1, args.workers),
        max_body_bytes=args.max_body_bytes,
        max_query_chars=args.max_query_chars,
        max_query_nesting=args.max_query_nesting,
        max_result_bytes=args.max_result_bytes,
        result_cache_entries=args.result_cache_entries,
    )
    options = ServeOptions(
        max(1, args.http_processes), args.worker_memory_mb, args.access_log, args.log_level, args.watch
    )
    return settings, options


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_http(settings: Settings, options: ServeOptions, sock: socket.socket) -> None:
    """One HTTP process: the app on uvicorn, on an already listening socket (blocks until stopped)."""
    import uvicorn

    from ilrs_kg.app import create_app
    from ilrs_kg.live import LiveBackend

    backend = LiveBackend(settings, memory_mb=options.worker_memory_mb)
    config = uvicorn.Config(create_app(settings, backend), lifespan="on", access_log=options.access_log,
                            log_level=options.log_level, timeout_keep_alive=5, server_header=False)
    # The package's own messages (stopped queries, replaced workers) look like the server's.
    handler = logging.StreamHandler()
    handler.setFormatter(uvicorn.logging.DefaultFormatter("%(levelprefix)s %(message)s"))
    package_logger = logging.getLogger("ilrs_kg")
    package_logger.handlers[:] = [handler]
    package_logger.setLevel(options.log_level.upper())
    package_logger.propagate = False
    uvicorn.Server(config).run(sockets=[sock])


def _supervise(settings: Settings, options: ServeOptions, sock: socket.socket) -> None:
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def stop(_signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=serve_http, args=(settings, options, sock), daemon=False)
        process.start()
        return process

    processes = [start() for _ in range(options.http_processes)]
    watcher = _watcher(settings, options)
    while not stopping.wait(0.5):
        for index, process in enumerate(processes):
            if not process.is_alive():
                logging.getLogger(__name__).warning("HTTP process %s exited (%s); restarting it",
                                                    process.pid, process.exitcode)
                processes[index] = start()
    if watcher is not None:
        watcher.stop()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()


def _watcher(settings: Settings, options: ServeOptions) -> Watcher | None:
    if not options.watch:
        return None
    from ilrs_kg.watch import Watcher

    watcher = Watcher(settings, _progress)
    watcher.start()
    return watcher


def run(args: argparse.Namespace) -> int:
    settings, options = settings_and_options(args)
    outcome = build_store(settings, _progress, reuse=True)
    _progress(f"graph ready: {outcome.triples} triples (data version {outcome.data_version})")
    try:
        sock = _listen(settings.host, settings.port)
    except OSError as exc:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror}", file=sys.stderr)
        return 1
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    _progress(f"serving http://{host}:{sock.getsockname()[1]}/ (SPARQL endpoint at /sparql); Ctrl-C stops")
    with sock:
        if options.http_processes == 1:
            watcher = _watcher(settings, options)
            try:
                serve_http(settings, options, sock)
            finally:
                if watcher is not None:
                    watcher.stop()
        else:
            _supervise(settings, options, sock)
    return 0
