"""A query worker process: `python -m ilrs_kg.sparql.worker_main --fd N ...`.

It first cuts itself off from any network (ilrs_kg.sparql.sandbox: the socket its parent passed it
was made before, so it keeps working), opens the store directory it was started for (one release's,
never re-resolved): read-only on disk, shared through the page cache with every other worker, or as its
own in-memory copy (`--store-mode`, chosen by the pool). It reads its page site (the first frame: a
PageSite, or None; opened by the first page job), says it is ready and which protection holds, then
answers one job at a time over that socket, until the parent closes it. Its parent (WorkerPool) kills
it when a job runs past the time limit; a query or page that crashes the engine kills only it.

Frames are a 4-byte big-endian length and a pickle: the parent sends the page site, then QueryJob and
PageJob objects, and receives ("ready", store mode, protection, cpu), ("ok", QueryResult or Reply, cpu) or
("error", error class name, message, cpu). The parent also sends "ping" to an idle worker, which answers
("pong", cpu): a worker that does not is hung. `cpu` (last, in nanoseconds) is the CPU time the worker
has used so far: where its next job starts, so the parent can tell a job that burns CPU from one that
waits for a core (ilrs_kg.sparql.workers).
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import resource
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.errors import IlrsKgError, PageFailed, StoreError
from ilrs_kg.sparql.execution import execute
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.page_jobs import PageJob, PageRenderer, PageSite
from ilrs_kg.sparql.sandbox import SandboxError, enter
from ilrs_kg.store import load_store_dir, open_store_dir

HEADER = struct.Struct("!I")
# "disk": the release's store opened read-only (one copy on disk, shared through the OS page cache by
# every worker); "memory": the worker's own in-memory copy (faster joins, memory per worker).
STORE_MODES = ("disk", "memory")


def encode(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def _answer(*message: object) -> bytes:
    """An answer to the parent, ending with the CPU time used so far."""
    return encode((*message, time.process_time_ns()))


def _receive(stream: io.BufferedIOBase) -> bytes | None:
    """The next frame's payload, or None at the end of the stream (the parent is gone)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    size = HEADER.unpack(header)[0]
    payload = stream.read(size)
    return payload if len(payload) == size else None


def _open(store_dir: Path, mode: str) -> ox.Store:
    return load_store_dir(store_dir) if mode == "memory" else open_store_dir(store_dir)


class _Pages:
    """The worker's page site, opened by its first page job: importing and opening the pages (templates,
    vocabulary) would add about 0.6 s to every worker's start, and a replacement's start is how long
    the fast lane stays short after a runaway query's worker is killed."""

    def __init__(self, setup: bytes, store: ox.Store) -> None:
        self.setup: bytes | None = setup
        self.store = store
        self.renderer: PageRenderer | None = None

    def get(self) -> PageRenderer | None:
        if self.setup is not None:
            site = pickle.loads(self.setup)  # noqa: S301  # written by our own parent process
            self.setup = None
            self.renderer = site.over(self.store) if isinstance(site, PageSite) else None
        return self.renderer


def _render(site: _Pages, job: PageJob) -> tuple[object, ...]:
    try:
        pages = site.get()
        if pages is None:
            return ("error", StoreError.__name__, "this worker was started without pages")
        return ("ok", pages(job))
    except IlrsKgError as exc:
        return ("error", type(exc).__name__, str(exc))
    except Exception as exc:  # a bug in a page: the page fails, the worker and its other jobs go on
        traceback.print_exc(file=sys.stderr)
        return ("error", PageFailed.__name__, f"rendering this page failed ({type(exc).__name__})")


def serve(channel: socket.socket, store_dir: Path, limits: Limits, protection: str, mode: str) -> None:
    # Buffered: when the parent has queued several jobs, one read fetches them all.
    stream = io.BufferedReader(socket.SocketIO(channel, "rb"), buffer_size=1 << 16)
    store = _open(store_dir, mode)
    setup = _receive(stream)
    if setup is None:
        return
    pages = _Pages(setup, store)
    channel.sendall(_answer("ready", mode, protection))
    while (payload := _receive(stream)) is not None:
        job = pickle.loads(payload)  # noqa: S301  # written by our own parent process
        reply: tuple[object, ...]
        if job == "ping":
            channel.sendall(_answer("pong"))
            continue
        if isinstance(job, PageJob):
            channel.sendall(_answer(*_render(pages, job)))
            continue
        assert isinstance(job, QueryJob)
        try:
            reply = ("ok", execute(store, job, limits))
        except IlrsKgError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        channel.sendall(_answer(*reply))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ilrs_kg.sparql.worker_main")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--store-dir", required=True, help="the release's store (never re-resolved)")
    parser.add_argument("--limits", required=True, help="Limits as JSON")
    parser.add_argument("--memory-mb", type=int, default=0, help="address-space limit; 0: none")
    parser.add_argument("--sandbox", default="auto", help="network policy (ilrs_kg.sparql.sandbox)")
    parser.add_argument("--store-mode", choices=STORE_MODES, default="disk", help="how to hold the store")
    args = parser.parse_args(argv)
    # Ctrl-C reaches the whole process group: the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args.memory_mb > 0:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    channel = socket.socket(fileno=args.fd)
    try:
        protection = enter(args.sandbox)  # before the store or any job is read
    except SandboxError as exc:
        channel.sendall(encode(("error", "SandboxRefused", str(exc))))
        return 1
    try:
        serve(channel, Path(args.store_dir), Limits(**json.loads(args.limits)), protection, args.store_mode)
    except IlrsKgError as exc:  # the store or the pages could not be opened: tell the parent why
        channel.sendall(encode(("error", type(exc).__name__, str(exc))))
        return 1
    except (BrokenPipeError, ConnectionResetError):  # the parent went away
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
