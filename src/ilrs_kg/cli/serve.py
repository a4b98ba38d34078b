"""`ilrs-kg serve`: validate and build the graph (or reuse an up-to-date store), then serve it.

One listening socket; one HTTP process by default (uvicorn with its httptools protocol and the connection
limits of ilrs_kg.http_server, running the app of ilrs_kg.app), or several sharing the socket
(--http-processes), each with its own pool of query worker processes. The parent restarts an HTTP
process that dies and stops them all on SIGINT/SIGTERM.

With --backend URL the queries and pages are answered by a remote SPARQL endpoint that holds this build
(`ilrs-kg publish`) instead of worker processes: the same front, limits and dumps
(ilrs_kg.sparql.remote_backend; docs/remote-backend.md).
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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ilrs_kg.build import build_store
from ilrs_kg.cli.common import add_credential_arguments, credentials, endpoint_url, settings_from_args
from ilrs_kg.cli.common import progress as _progress
from ilrs_kg.edge import PublicBase
from ilrs_kg.heartbeat import Heartbeat
from ilrs_kg.settings import Settings
from ilrs_kg.sparql.remote import Remote

if TYPE_CHECKING:
    from ilrs_kg.live import PoolFactory
    from ilrs_kg.releases import Release
    from ilrs_kg.watch import Watcher

_DEFAULTS = Settings()
# Addresses that listen on every interface, hence name none a client could use in a link.
_WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104
# How long a new HTTP process may take to start beating (its workers load the store meanwhile).
_STARTUP_SECONDS = 120.0


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
    # An HTTP process whose event loop has not beaten for this long is killed and restarted.
    http_hang_seconds: float = 30.0
    watch: bool = False
    # A remote SPARQL endpoint answering instead of worker processes (serve --backend).
    backend: Remote | None = None


# Options that set a Settings field of the same name: option, type, unit, what it limits and what
# happens beyond. The query limits apply per request; the connection limits are ilrs_kg.http_server's.
_LIMITS: tuple[tuple[str, type, str, str], ...] = (
    (
        "--query-timeout",
        float,
        "SECONDS",
        "hard limit on one query's evaluation; its worker is killed then, and the client gets a 503",
    ),
    (
        "--workers",
        int,
        "N",
        "query and page worker processes per HTTP process (sharing the on-disk store above 200k quads)",
    ),
    ("--max-body-bytes", int, "BYTES", "largest request body accepted; 413 beyond"),
    ("--max-query-chars", int, "CHARS", "longest query accepted; 413 beyond"),
    (
        "--max-query-nesting",
        int,
        "DEPTH",
        "deepest bracket nesting accepted; 400 beyond, as deeper nesting overflows the SPARQL parser's stack",
    ),
    ("--max-result-bytes", int, "BYTES", "largest serialized result returned; 422 beyond"),
    ("--result-cache-entries", int, "N", "results kept in each HTTP process's cache; 0 disables it"),
    (
        "--max-query-operators",
        int,
        "N",
        "most operators (!, +, ||, comparisons, UNION, ...) in one query; 400 beyond, as long chains "
        "overflow the SPARQL parser's stack",
    ),
    ("--max-client-queries", int, "N", "queries one client address may have in flight; 429 beyond"),
    (
        "--max-long-queries",
        int,
        "N",
        "queries that may run past 0.1 s of CPU time at once, each in its own worker at idle priority; "
        "one more is stopped with 503",
    ),
    ("--max-url-bytes", int, "BYTES", "longest request target (path and query); 414 beyond, saying to POST"),
    ("--max-header-bytes", int, "BYTES", "largest header block; 431 beyond"),
    ("--max-header-count", int, "N", "most header fields in a request; 431 beyond"),
    (
        "--header-timeout",
        float,
        "SECONDS",
        "time for a request's head to arrive after its first byte; 408 beyond",
    ),
    ("--body-timeout", float, "SECONDS", "time for a request's body to arrive after its head; 408 beyond"),
    ("--keep-alive-timeout", int, "SECONDS", "an idle connection is closed after this long"),
    ("--max-connections", int, "N", "open connections per HTTP process; 503 at once beyond"),
)


def _field(flag: str) -> str:
    return flag.removeprefix("--").replace("-", "_")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    d = _DEFAULTS
    parser.description = (
        "Validate and build the graph (or reuse a store built from the same sources), then serve it: "
        "linked-data pages, downloads and the SPARQL 1.1 endpoint at /sparql (read-only; SERVICE and "
        "LOAD refused). Limits apply per request."
    )
    parser.add_argument("--store", help="build directory (default: <root>/build)")
    parser.add_argument("--host", default=d.host, help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port",
        type=int,
        default=d.port,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--http-processes",
        type=int,
        default=_default_http_processes(),
        metavar="N",
        help="HTTP server processes sharing the port (default: one per CPU, at most 4; here %(default)s)",
    )
    parser.add_argument(
        "--public-base",
        metavar="URL",
        help="origin that links, Location headers and the endpoint's IRI are made from, such as "
        "https://ilrs.example.org/ behind a proxy; never the request's Host header "
        "(default: http://HOST:PORT/ as listened on)",
    )
    for flag, kind, metavar, text in _LIMITS:
        default = getattr(d, _field(flag))
        parser.add_argument(
            flag, type=kind, default=default, metavar=metavar, help=f"{text} (default: {default})"
        )
    parser.add_argument(
        "--worker-memory-mb",
        type=int,
        default=ServeOptions.worker_memory_mb,
        metavar="MB",
        help="address-space limit of each query worker; 0 for none (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-network-in-queries",
        action="store_true",
        help="run query workers even where neither a network namespace nor a seccomp "
        "filter can keep them off the network (unsafe; refused otherwise)",
    )
    parser.add_argument(
        "--http-hang-seconds",
        type=float,
        default=ServeOptions.http_hang_seconds,
        metavar="SECONDS",
        help="with several HTTP processes, restart one whose event loop has not run for this long "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="rebuild when data/, ontology/ or shapes/ change and swap the new data in atomically; "
        "a change that fails validation is logged and not applied",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="before reusing a built store, hash every file against its manifest (slow on large "
        "builds; by default a file is hashed only when its size or modification time changed)",
    )
    parser.add_argument(
        "--backend",
        metavar="URL",
        help="answer queries and pages from this SPARQL 1.1 endpoint, which must hold this build "
        "(`ilrs-kg publish`), such as Virtuoso's http://HOST:8890/sparql-auth queried as a read-only "
        "user; --workers then counts the threads rendering pages (default: worker processes over the "
        "local store)",
    )
    add_credential_arguments(parser, "backend-")
    parser.add_argument(
        "--backend-connections",
        type=int,
        default=Remote.connections,
        metavar="N",
        help="requests in flight to the backend from each HTTP process (default: %(default)s)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def settings_and_options(args: argparse.Namespace) -> tuple[Settings, ServeOptions]:
    settings = (
        settings_from_args(args)
        .with_changes(
            host=args.host,
            port=args.port,
            public_base=_public_base(args.public_base),
            query_sandbox="off" if args.allow_network_in_queries else "auto",
            **{_field(flag): getattr(args, _field(flag)) for flag, *_ in _LIMITS},
        )
        .with_changes(
            workers=max(1, args.workers),
            max_client_queries=max(1, args.max_client_queries),
            max_long_queries=max(0, args.max_long_queries),
        )
    )
    options = ServeOptions(
        max(1, args.http_processes),
        args.worker_memory_mb,
        args.access_log,
        args.log_level,
        args.http_hang_seconds,
        args.watch,
        _backend(args),
    )
    return settings, options


def _backend(args: argparse.Namespace) -> Remote | None:
    if args.backend is None:
        return None
    url = endpoint_url(args.backend, "--backend")
    connections = max(1, args.backend_connections)
    return credentials(url, args.backend_user, args.backend_password_file, args.backend_auth, connections)


def _remote_pool(remote: Remote) -> PoolFactory:
    """Each release is answered by the remote endpoint, checked at start to hold that release."""
    from ilrs_kg.live import release_pages
    from ilrs_kg.sparql.remote_backend import RemoteBackend

    def make(settings: Settings, release: Release) -> RemoteBackend:
        # The local release's page index (search, hubs, class orders) describes the same data version
        # the remote was checked to hold, so pages over the remote read no whole class or name list.
        return RemoteBackend(settings, release.data_version, remote, release_pages(settings, release))

    return make


def _public_base(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return PublicBase.parse(text).url
    except ValueError as exc:
        raise SystemExit(f"error: --public-base: {exc}") from None


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_http(
    settings: Settings, options: ServeOptions, sock: socket.socket, heartbeat: Heartbeat | None = None
) -> None:
    """One HTTP process: the app on uvicorn, on an already listening socket (blocks until stopped)."""
    import uvicorn

    from ilrs_kg.app import create_app
    from ilrs_kg.http_server import ConnectionLimits, LimitedHttpProtocol
    from ilrs_kg.live import LiveBackend

    backend = LiveBackend(
        settings,
        memory_mb=options.worker_memory_mb,
        pool_factory=_remote_pool(options.backend) if options.backend is not None else None,
        on_tick=heartbeat.beat if heartbeat is not None else None,
    )
    protocol = LimitedHttpProtocol.with_limits(ConnectionLimits.from_settings(settings))
    config = uvicorn.Config(
        create_app(settings, backend),
        http=protocol,
        lifespan="on",
        access_log=options.access_log,
        log_level=options.log_level,
        timeout_keep_alive=settings.keep_alive_timeout,
        server_header=False,
        ws="none",  # the app serves no WebSocket: an Upgrade: websocket request is read as HTTP/1.1 too
    )
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

    def start() -> tuple[multiprocessing.process.BaseProcess, Heartbeat]:
        heartbeat = Heartbeat(context)
        process = context.Process(target=serve_http, args=(settings, options, sock, heartbeat), daemon=False)
        process.start()
        return process, heartbeat

    started = [start() for _ in range(options.http_processes)]
    watcher = _watcher(settings, options)
    while not stopping.wait(0.5):
        for index, (process, heartbeat) in enumerate(started):
            if process.is_alive() and heartbeat.stale(options.http_hang_seconds, _STARTUP_SECONDS):
                logging.getLogger(__name__).warning(
                    "HTTP process %s has not beaten for %.0f s; killing it", process.pid, heartbeat.age()
                )
                process.kill()
                process.join(5)
            if not process.is_alive():
                logging.getLogger(__name__).warning(
                    "HTTP process %s exited (%s); restarting it", process.pid, process.exitcode
                )
                started[index] = start()
    if watcher is not None:
        watcher.stop()
    processes = [process for process, _heartbeat in started]
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
    outcome = build_store(settings, _progress, reuse=True, thorough=args.verify)
    _progress(f"graph ready: {outcome.triples} triples (data version {outcome.data_version})")
    try:
        sock = _listen(settings.host, settings.port)
    except OSError as exc:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror}", file=sys.stderr)
        return 1
    settings = settings.with_changes(port=sock.getsockname()[1])
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    _progress(f"serving http://{host}:{settings.port}/ (SPARQL endpoint at /sparql); Ctrl-C stops")
    if options.backend is not None:
        _progress(f"queries and pages answered by the SPARQL backend at {options.backend.url}")
    if settings.public_base is None and settings.host in _WILDCARDS:
        _progress(
            f"warning: links will point at {settings.link_base}; give --public-base for the address "
            "clients use"
        )
    with sock:
        if options.http_processes == 1:
            watcher = _watcher(settings, options)
            try:
                serve_http(settings, options, sock)
            except KeyboardInterrupt:
                # uvicorn stops in order on Ctrl-C, then raises the signal again for its caller: here, the
                # end of a normal stop, not an error to print.
                pass
            finally:
                if watcher is not None:
                    watcher.stop()
        else:
            _supervise(settings, options, sock)
    return 0
