"""Swapping a release in under running servers, for all of their HTTP processes at once.

Each HTTP process serving a build directory registers itself (`servers/<pid>`, exclusively flocked for its
lifetime, so a killed process's entry is recognisably stale). A build that finds live servers stages its
release (the `staged` link), waits until every one of them has loaded it beside the release it serves and
said so (`releases/<name>/ready/<pid>`), and only then moves `current`. Each process switches on its first
request after that rename, so no client can get the new data from one process and then the old from
another. A server that does not load the release in time (hung, or dying) does not hold the build up for
longer than `ready_timeout`: it switches once it has loaded it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from ilrs_kg.releases import Release, publish, stage
from ilrs_kg.settings import Settings

READY_DIR = "ready"


def servers_dir(settings: Settings) -> Path:
    return settings.output_dir / "servers"


def ready_marker(release: Release, pid: int) -> Path:
    return release.path / READY_DIR / str(pid)


def mark_ready(release: Release) -> None:
    """This process has loaded the release and can switch to it at once."""
    marker = ready_marker(release, os.getpid())
    marker.parent.mkdir(exist_ok=True)
    marker.touch()


class Registration:
    """This process serves the build directory: an exclusive flock on servers/<pid>, until close()."""

    def __init__(self, settings: Settings) -> None:
        directory = servers_dir(settings)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / str(os.getpid())
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                # A build may have taken the file for a dead process's (same pid) and removed it.
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        self._fd: int | None = fd

    def close(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


def live_servers(settings: Settings) -> list[int]:
    """The pids of the HTTP processes serving this build directory now; stale entries are removed."""
    directory = servers_dir(settings)
    live = []
    for entry in sorted(directory.iterdir()) if directory.is_dir() else []:
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            live.append(int(entry.name))
        else:
            entry.unlink(missing_ok=True)  # its process is gone: the OS dropped its lock
        finally:
            os.close(fd)
    return live


def swap_in(
    settings: Settings, release: Release, progress: Callable[[str], None], ready_timeout: float = 60.0
) -> None:
    """Make `release` current; with servers running, once all of them have loaded it (the caller holds the
    build lock)."""
    servers = live_servers(settings)
    if servers:
        stage(settings, release)
        progress(f"waiting for {len(servers)} serving process(es) to load the new release")
        deadline = time.monotonic() + ready_timeout
        waiting = servers
        while waiting and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = set(live_servers(settings))
            waiting = [pid for pid in waiting if pid in alive and not ready_marker(release, pid).exists()]
        if waiting:
            progress(
                f"process(es) {', '.join(map(str, waiting))} did not load the release within "
                f"{ready_timeout:g} s; swapping anyway (they switch once they have)"
            )
    publish(settings, release)
    stage(settings, None)
