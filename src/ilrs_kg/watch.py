"""`ilrs-kg serve --watch`: rebuild when data/, ontology/ or shapes/ change, and swap the result in.

A thread of the serving parent process waits for changes (watchfiles: the OS's file events via a
maintained Rust watcher, with its own debounce, instead of polling mtimes), then builds in a child
process (`ilrs-kg build --stage`), so neither the event loop nor the GIL of an HTTP process is held by
validation or serialization. A build that fails (syntax error, SHACL violation) changes nothing: the
report is logged and the old release stays served. A build that succeeds is staged; every HTTP process
loads it beside the one it serves and says so (a ready marker); then one rename of `current` switches them
all at once, and the old release is removed when its last in-flight request is done.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from ilrs_kg.live import ready_marker
from ilrs_kg.releases import (
    build_lock,
    current_release,
    linked_name,
    named_release,
    publish,
    remove_unused,
    stage,
    staged_link,
)
from ilrs_kg.settings import Settings

Log = Callable[[str], None]


# An editor's swap, backup and lock files are not a change to the graph; any other file may be (and a
# change that leaves the data version as it was swaps nothing).
_SOURCES = watchfiles.DefaultFilter()


class Watcher:
    def __init__(
        self,
        settings: Settings,
        http_pids: Callable[[], list[int]],
        log: Log,
        *,
        debounce_ms: int = 400,
        ready_timeout: float = 120.0,
    ) -> None:
        self.settings = settings
        self.http_pids = http_pids
        self.log = log
        self.debounce_ms = debounce_ms
        self.ready_timeout = ready_timeout
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ilrs-kg-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        folders = [
            d
            for d in (self.settings.data_dir, self.settings.ontology_dir, self.settings.shapes_dir)
            if d.is_dir()
        ]
        self.log(f"watching {', '.join(str(d) for d in folders)} for changes")
        for changes in watchfiles.watch(
            *folders,
            watch_filter=_SOURCES,
            debounce=self.debounce_ms,
            stop_event=self._stop,
            raise_interrupt=False,
            rust_timeout=500,
        ):
            names = sorted({Path(path).relative_to(self.settings.root).as_posix() for _, path in changes})
            self.log(f"changed: {', '.join(names)}; rebuilding in the background")
            try:
                self.rebuild()
            except Exception as exc:  # the watcher must outlive any one failed rebuild
                self.log(f"rebuild failed ({exc}); still serving the previous data")

    def rebuild(self) -> bool:
        """Build, stage, wait for every HTTP process to load it, swap. True when a new release went live."""
        before = current_release(self.settings)
        built = subprocess.run(  # noqa: S603  # our own CLI, arguments we built
            [
                sys.executable,
                "-m",
                "ilrs_kg",
                "build",
                "--stage",
                "--root",
                str(self.settings.root),
                "--store",
                str(self.settings.output_dir),
            ],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if built.returncode != 0:
            old = f"data version {before.data_version}" if before is not None else "the previous data"
            self.log(f"the change was not applied (still serving {old}):\n{built.stderr.strip()}")
            return False
        name = linked_name(staged_link(self.settings))
        release = named_release(self.settings, name) if name is not None else None
        if release is None:
            self.log("the sources are unchanged in substance; nothing to swap")
            return False
        self._wait_until_loaded(release.path.name)
        with build_lock(self.settings):
            if linked_name(staged_link(self.settings)) != name:
                return False  # another build staged something newer meanwhile
            publish(self.settings, release)
            stage(self.settings, None)
        self.log(f"now serving data version {release.data_version} (release {release.name})")
        self._clean_later()
        return True

    def _wait_until_loaded(self, name: str) -> None:
        deadline = time.monotonic() + self.ready_timeout
        release = named_release(self.settings, name)
        while release is not None and time.monotonic() < deadline and not self._stop.is_set():
            waiting = [pid for pid in self.http_pids() if not ready_marker(release, pid).exists()]
            if not waiting:
                return
            time.sleep(0.1)
        self.log(
            f"HTTP processes did not load release {name} within {self.ready_timeout:g} s; "
            "swapping anyway (each switches once it has)"
        )

    def _clean_later(self) -> None:
        """Old releases go once their last request is done; the HTTP processes also clean as they retire
        theirs, this catches the last one."""

        def clean() -> None:
            for _attempt in range(60):
                if self._stop.wait(1.0):
                    return
                with build_lock(self.settings):
                    remove_unused(self.settings)
                    left = len(list((self.settings.output_dir / "releases").iterdir()))
                if left <= 1:
                    return

        threading.Thread(target=clean, name="ilrs-kg-clean", daemon=True).start()
