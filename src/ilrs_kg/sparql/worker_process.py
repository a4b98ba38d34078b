"""One query worker process seen from the HTTP process: start it, talk to it, lower its priority, end it.

The pool (ilrs_kg.sparql.workers) decides what each worker does; this module only knows processes,
their socket and their scheduling class. `spawn` is the one way a worker starts, so whatever a
worker must hold from birth (the store it serves, its limits, its sandbox) is decided here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar, cast

from ilrs_kg.errors import StoreError
from ilrs_kg.sparql.page_jobs import PageSite
from ilrs_kg.sparql.worker_main import HEADER, encode

Message = tuple[object, ...]
Job = TypeVar("Job")
# Signals that end a worker without its query being to blame: someone (an operator, the OOM killer,
# a supervisor) stopped it from outside.
EXTERNAL_SIGNALS = frozenset({signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
_STARTING_NICE = 10
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class _Channel(asyncio.Protocol):
    """The parent's end of a worker's socket: frames in, one callback per message."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.WriteTransport | None = None
        self.on_message: Callable[[Message], None] = lambda _message: None
        self.on_lost: Callable[[], None] = lambda: None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.WriteTransport, transport)  # a stream transport (uvloop's or not)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= HEADER.size:
            size = HEADER.unpack_from(buffer)[0]
            end = HEADER.size + size
            if len(buffer) < end:
                break
            message = pickle.loads(memoryview(buffer)[HEADER.size : end])  # noqa: S301  # our own worker
            del buffer[:end]
            self.on_message(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_lost()


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker is started with."""

    # One release's store directory, never re-resolved: replacements answer like the workers they replace.
    store_dir: Path
    limits_json: str
    memory_mb: int
    sandbox: str
    start_timeout: float = 60.0
    store_mode: str = "disk"  # ilrs_kg.sparql.worker_main.STORE_MODES
    pages: PageSite | None = None  # what the worker renders page jobs with; None: queries only


@dataclass(eq=False)
class WorkerProcess(Generic[Job]):
    process: subprocess.Popen[bytes]
    channel: _Channel
    protection: str = ""
    inflight: deque[Job] = field(default_factory=deque)  # in the order sent; the first is running
    long: bool = False  # running a query past the short threshold, at idle priority
    pages_open: bool = False  # has rendered a page, so its page site is open (worker_main._Pages)
    stop_reason: str | None = None  # why the pool stopped it ("timeout", "crowded", "hung", "retired")
    timer: asyncio.TimerHandle | None = None
    ping_sent: float | None = None
    outbox: list[bytes] = field(default_factory=list)
    # The CPU time (s) the worker had used when its current job began: what it reported with its last
    # answer (it goes from one answer straight to its next job).
    cpu_mark: float = 0.0
    since: float = 0.0  # loop time when its current job began

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, message: object) -> None:
        """Queue the message; messages queued in one turn of the event loop leave in one write."""
        if not self.outbox:
            asyncio.get_running_loop().call_soon(self.flush)
        self.outbox.append(encode(message))

    def flush(self) -> None:
        if self.outbox and self.channel.transport is not None and not self.channel.transport.is_closing():
            self.channel.transport.write(b"".join(self.outbox))
        self.outbox.clear()

    def stop(self, reason: str) -> None:
        self.stop_reason = self.stop_reason or reason
        if self.process.poll() is None:
            self.process.kill()

    def set_idle_priority(self, idle: bool) -> bool:
        """SCHED_IDLE (runs only when no other process wants the CPU) or back to normal; False if
        the kernel refuses (an unprivileged process may not raise its priority again)."""
        policy = os.SCHED_IDLE if idle else os.SCHED_OTHER
        try:
            for task in os.listdir(f"/proc/{self.pid}/task"):
                os.sched_setscheduler(int(task), policy, os.sched_param(0))
        except (PermissionError, FileNotFoundError, ProcessLookupError):
            return False
        return True

    def noted(self, message: Message) -> Message:
        """An answer of the worker's (ilrs_kg.sparql.worker_main), its CPU time noted and removed."""
        self.cpu_mark = cast(int, message[-1]) / 1e9
        return message[:-1]

    def cpu_time(self) -> float | None:
        """The CPU time (s) the process has used, all its threads (to the kernel's clock tick, 10 ms
        on most systems, rounded down); None once it is gone."""
        fields = self._stat()
        return None if fields is None else (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def stopped_by_signal(self) -> bool:
        """Stopped (SIGSTOP, a debugger): it will not answer until someone resumes it."""
        fields = self._stat()
        return fields is not None and fields[0] in (b"T", b"t")

    def _stat(self) -> list[bytes] | None:
        """The fields of /proc/PID/stat after the command name (state first); None once it is gone."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                # The name may hold spaces and parentheses: the fields start after its last ")".
                return stat.read().rsplit(b")", 1)[1].split() or None
        except (FileNotFoundError, ProcessLookupError):
            return None

    async def exit_status(self, wait: float = 5.0) -> int | None:
        """The process's exit status once it has ended (killing it if it lingers)."""
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.process.wait), wait)
        except TimeoutError:
            self.process.kill()
            return await asyncio.to_thread(self.process.wait)

    async def dispose(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.stop(self.stop_reason or "retired")
        if self.channel.transport is not None:
            self.channel.transport.close()
        await asyncio.to_thread(self.process.wait)


async def spawn(spec: WorkerSpec, *, low_priority: bool = False) -> WorkerProcess[Job]:
    """Start a worker and wait until it holds the store; raises StoreError if it cannot.

    With low_priority, starting (Python, imports, loading the store) runs niced, so it does not slow
    the workers already serving; only where the priority can be raised again once it is ready."""
    parent, child = socket.socketpair()
    try:
        process = subprocess.Popen(  # noqa: S603  # our own module, arguments we built
            [
                sys.executable,
                "-m",
                "ilrs_kg.sparql.worker_main",
                "--fd",
                str(child.fileno()),
                "--store-dir",
                str(spec.store_dir),
                "--limits",
                spec.limits_json,
                "--memory-mb",
                str(spec.memory_mb),
                "--sandbox",
                spec.sandbox,
                "--store-mode",
                spec.store_mode,
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
        )
    finally:
        child.close()
    starting_nice = _STARTING_NICE if low_priority and os.geteuid() == 0 else 0
    _renice(process.pid, starting_nice)
    transport: asyncio.BaseTransport | None = None
    try:
        loop = asyncio.get_running_loop()
        transport, channel = await loop.create_unix_connection(_Channel, sock=parent)
        worker: WorkerProcess[Job] = WorkerProcess(process, channel)
        ready: asyncio.Future[Message] = loop.create_future()

        def first_message(message: Message) -> None:
            if not ready.done():
                ready.set_result(message)

        def lost() -> None:
            if not ready.done():
                ready.set_exception(ConnectionError("the worker exited"))

        channel.on_message, channel.on_lost = first_message, lost
        cast(asyncio.WriteTransport, transport).write(encode(spec.pages))  # read once the store is open
        try:
            reply = await asyncio.wait_for(ready, spec.start_timeout)
        except (TimeoutError, ConnectionError) as exc:
            raise StoreError(f"a query worker did not start (exit status {process.poll()})") from exc
        if reply[0] != "ready":
            raise StoreError(f"a query worker did not start: {reply[-1]}")
        reply = worker.noted(reply)
    except BaseException:  # cancelled (the pool is closing) included: leave no process behind
        process.kill()
        process.wait()
        if transport is not None:
            transport.close()
        parent.close()
        raise
    if starting_nice:
        _renice(process.pid, 0)
    worker.protection = str(reply[2])
    return worker


def _renice(pid: int, nice: int) -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, nice)
