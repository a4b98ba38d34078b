"""No query opens a connection, whatever it says: the workers' sandbox holds with the screen switched
off, under each protection the machine offers; with the screen on, every spelling gets a clear 400."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.errors import IlrsKgError, QueryRefused
from ilrs_kg.settings import Settings
from ilrs_kg.sparql import sandbox
from ilrs_kg.sparql.jobs import QueryJob
from ilrs_kg.sparql.limits import Limits
from ilrs_kg.sparql.screen import screen
from ilrs_kg.sparql.workers import WorkerPool
from tests.fixtures.sparql.evasions import evasions
from tests.fixtures.sparql.listener import loopback_listener
from tests.fixtures.sparql.support import settings

SECRET = b"db_password=hunter2"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = settings(tmp_path_factory.mktemp("build"), query_timeout=5.0, workers=1)
    build_store(base)
    return base


@pytest.fixture
def remote() -> Iterator[tuple[str, list[bytes]]]:
    """A fake admin page on loopback that counts connections and answers 500 with a secret."""
    page = b"HTTP/1.1 500 Oops\r\nContent-Length: %d\r\n\r\n%s" % (len(SECRET), SECRET)
    with loopback_listener(reply=page) as (port, seen):
        yield f"http://127.0.0.1:{port}/x", seen


def answers(base: Settings, queries: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """(the pool's protection, each query's answer or error text) from a pool over base."""

    async def main() -> tuple[str | None, dict[str, str]]:
        pool = WorkerPool.from_settings(base)
        await pool.start()
        replies: dict[str, str] = {}
        try:
            for name, query in queries.items():
                try:
                    result = await pool.run(QueryJob(query))
                    replies[name] = result.body.decode()
                except IlrsKgError as exc:
                    replies[name] = f"{type(exc).__name__}: {exc}"
        finally:
            await pool.close()
        return pool.protection, replies

    return asyncio.run(main())


@pytest.mark.parametrize("policy", ["auto", "seccomp"])
def test_with_the_screen_off_no_spelling_of_service_reaches_the_remote(
    built: Settings, remote: tuple[str, list[bytes]], policy: str
) -> None:
    url, seen = remote
    unscreened = built.with_changes(screen_service=False, query_sandbox=policy)
    protection, replies = answers(unscreened, evasions(url))
    assert protection is not None and (
        "seccomp" in protection if policy == "seccomp" else "namespace" in protection
    )
    assert seen == []
    for name, reply in replies.items():
        assert "hunter2" not in reply, name
        assert "root:" not in reply, name  # nothing of /etc/passwd
    # Proof that the screen was really off: the plain form reached pyoxigraph, which failed to connect.
    assert "QueryRefused" not in replies["plain"]
    assert "QueryFailed" in replies["plain"]


def test_with_the_screen_on_every_spelling_is_refused_clearly(remote: tuple[str, list[bytes]]) -> None:
    url, _seen = remote
    limits = Limits(max_query_chars=100_000, max_query_nesting=200, max_result_bytes=1_000_000)
    for name, query in evasions(url).items():
        with pytest.raises(QueryRefused, match="SERVICE is refused"):
            screen(query, limits)
        assert name


def test_the_workers_refuse_to_start_unprotected_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if on a machine that grants neither (and in a single-threaded process): nothing changes here.
    monkeypatch.setattr(sandbox, "_unshare_network", lambda: None)
    monkeypatch.setattr(sandbox, "_install_seccomp", lambda: None)
    monkeypatch.setattr(sandbox, "_threads", lambda: 1)
    with pytest.raises(sandbox.SandboxError, match="--allow-network-in-queries"):
        sandbox.enter("auto")
    with pytest.raises(sandbox.SandboxError, match="cannot install a seccomp filter"):
        sandbox.enter("seccomp")
    assert sandbox.enter("off").startswith("none")
    with pytest.raises(sandbox.SandboxError, match="unknown sandbox policy"):
        sandbox.enter("maybe")


def test_the_sandbox_is_entered_before_any_thread_or_not_at_all() -> None:
    started = threading.Event()
    stop = threading.Event()

    def wait() -> None:
        started.set()
        stop.wait()

    thread = threading.Thread(target=wait)
    thread.start()
    started.wait()
    try:
        with pytest.raises(sandbox.SandboxError, match="before the process starts any thread"):
            sandbox.enter("auto")  # refused before it changes anything in the test process
    finally:
        stop.set()
        thread.join()


def test_a_pool_whose_workers_cannot_be_sandboxed_does_not_start(tmp_path: Path) -> None:
    base = settings(tmp_path, query_sandbox="bogus")
    build_store(base)

    async def main() -> None:
        with pytest.raises(IlrsKgError, match="unknown sandbox policy 'bogus'"):
            await WorkerPool.from_settings(base).start()

    asyncio.run(main())


def test_service_cannot_reach_a_unix_socket_or_a_file(built: Settings, tmp_path: Path) -> None:
    path = tmp_path / "admin.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    server.settimeout(0.5)
    quoted = str(path).replace("/", "%2F")
    queries = {
        f"{scheme}": f"SELECT * WHERE {{ SERVICE <{scheme}> {{ ?s ?p ?o }} }}"
        for scheme in (
            f"file://{path}",
            f"unix://{path}",
            f"http+unix://{quoted}/sparql",
            "file:///etc/passwd",
        )
    }
    _protection, replies = answers(built.with_changes(screen_service=False), queries)
    try:
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
    for name, reply in replies.items():
        assert "root:" not in reply, name


UNPRIVILEGED = """
import encodings.idna, os, socket, sys  # imported while the interpreter's files are readable
from ilrs_kg.sparql import sandbox
if os.getuid() == 0:  # as a developer's account would be: no CAP_SYS_ADMIN
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
print(sandbox.enter("auto"))
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
    print("connected")
except OSError as exc:
    print("refused:", exc)
"""


def test_without_root_the_workers_are_still_kept_off_the_network(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    try:
        shown = subprocess.run(
            [sys.executable, "-c", UNPRIVILEGED, str(listener.getsockname()[1])],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    protection, outcome = shown.splitlines()
    assert "namespace" in protection or "seccomp" in protection
    assert outcome.startswith("refused:")
