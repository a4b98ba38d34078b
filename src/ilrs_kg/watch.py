"""`ilrs-kg serve --watch`: rebuild when data/, ontology/ or shapes/ change, and swap the result in.

A thread of the serving parent process waits for changes (watchfiles: the OS's file events via a
maintained Rust watcher, with its own debounce, instead of polling mtimes), then builds in a child
process (`ilrs-kg build --if-changed --incremental`: validation rechecks only the focus nodes the edit
can affect, ilrs_kg.revalidation), so neither the event loop nor the GIL of an HTTP process is held
by validation or serialization. A build that fails (syntax error, SHACL violation) changes nothing: the
report is logged and the old release stays served. A build that succeeds is swapped in as any build under
a running server is (ilrs_kg.swap): once every HTTP process has loaded it, for all of them at once; the
old release is removed when its last in-flight request is done.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from ilrs_kg.releases import current_release
from ilrs_kg.settings import Settings

Log = Callable[[str], None]


# An editor's swap, backup and lock files are not a change to the graph; any other file may be (and a
# change that leaves the data version as it was swaps nothing).
_SOURCES = watchfiles.DefaultFilter()


class Watcher:
    def __init__(self, settings: Settings, log: Log, *, debounce_ms: int = 400) -> None:
        self.settings = settings
        self.log = log
        self.debounce_ms = debounce_ms
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
        """Build in a child process; True when a new release went live."""
        before = current_release(self.settings)
        built = subprocess.run(  # noqa: S603  # our own CLI, arguments we built
            [
                sys.executable,
                "-m",
                "ilrs_kg",
                "build",
                "--if-changed",
                # One edited file rechecks the nodes it can affect, not the whole graph.
                "--incremental",
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
        after = current_release(self.settings)
        if after is None or (before is not None and after.name == before.name):
            self.log("the sources are unchanged in substance; nothing to swap")
            return False
        self.log(f"now serving data version {after.data_version} (release {after.name})")
        return True
