"""The store and its dumps are one unit: a build killed at any point (SIGKILL, a real subprocess) leaves the
previous unit whole and servable, and the next build or serve start leaves nothing behind; serve checks
the dumps against the manifest's digests and rebuilds what differs."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.releases import current_release, verify
from ilrs_kg.settings import Settings
from ilrs_kg.store import load_in_memory
from tests.conftest import copy_project
from tests.fixtures.lifecycle.support import (
    PID_FILE_VARIABLE,
    alive,
    command_line,
    leftovers,
    observe,
    project,
    rename_luna,
    sha256,
)
from tests.fixtures.sparql.support import serving

# Runs `ilrs-kg build` with one function replaced by one that SIGKILLs the process at a chosen point.
_KILLED_BUILD = r"""
import os, signal, sys
import ilrs_kg.build as build, ilrs_kg.exports.produce as produce, ilrs_kg.releases as releases
import ilrs_kg.swap as swap
from ilrs_kg.cli import main

def die():
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[1]
if point == "store":  # the quads are in the new store, not yet compacted or closed
    load = build.fill_store
    def load_then_die(store, sources):
        load(store, sources)
        store.flush()
        die()
    build.fill_store = load_then_die
elif point == "dumps":  # four dumps written, the fifth half written
    write, calls = produce.write_format, []
    def write_some_then_die(fmt, inputs, out):
        calls.append(fmt)
        if len(calls) == 5:
            out.write(b"half a file")
            out.flush()
            die()
        write(fmt, inputs, out)
    produce.write_format = write_some_then_die
elif point == "index":  # the page index's second process still writing, four dumps written, the fifth half
    import time
    from pathlib import Path
    from tests.fixtures.lifecycle.support import PID_FILE_VARIABLE, slow_page_index
    build.INDEX_BESIDE_ABOVE = -1  # the tiny fixture's index beside its dumps too
    build._write_index = slow_page_index
    write, calls = produce.write_format, []
    def write_some_then_die(fmt, inputs, out):
        calls.append(fmt)
        if len(calls) == 5:
            while not Path(os.environ[PID_FILE_VARIABLE]).exists():
                time.sleep(0.01)
            die()
        write(fmt, inputs, out)
    produce.write_format = write_some_then_die
elif point == "manifest":  # half the manifest in its temporary file
    def die_writing(path, text):
        path.with_name("." + path.name + ".1234.tmp").write_text(text[: len(text) // 2])
        die()
    releases._write_atomically = die_writing
elif point == "staged":  # staged for the running servers, which are loading it
    stage = swap.stage
    def stage_then_die(settings, release):
        stage(settings, release)
        if release is not None:
            die()
    swap.stage = stage_then_die
elif point == "swap":  # the new unit is current; the old one not yet cleaned up
    publish = swap.publish
    def swap_then_die(settings, release):
        publish(settings, release)
        die()
    swap.publish = swap_then_die
sys.exit(main(["build", *sys.argv[2:]]))
"""


def killed_build(root: Path, build_dir: Path, point: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _KILLED_BUILD, point, "--root", str(root), "--store", str(build_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def served_unit(settings: Settings) -> tuple[str, dict[str, str]]:
    """What `serve` would serve now: the current data version and the digest of each dump."""
    release = current_release(settings)
    assert release is not None
    assert verify(release) == []
    assert len(load_in_memory(settings)) == release.triples
    return release.data_version, {p.name: sha256(p) for p in sorted(settings.dumps_dir.iterdir())}


@pytest.mark.parametrize("point", ["store", "dumps", "manifest", "swap"])
def test_a_build_killed_at_any_point_leaves_a_whole_unit_and_no_leftovers(tmp_path: Path, point: str) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    settings = Settings(root=root, build_dir=build_dir)
    build_store(settings)
    before = served_unit(settings)
    rename_luna(root, "Luna 25 (second build)")

    finished = killed_build(root, build_dir, point)
    assert finished.returncode == -signal.SIGKILL, finished.stderr

    after = served_unit(settings)  # whole, by the manifest's digests, and loadable
    if point == "swap":
        assert after[0] != before[0]  # the new unit, complete, dumps and store together
        assert "Luna 25 (second build)" in (settings.dumps_dir / "ilrs.nt").read_text(encoding="utf-8")
    else:
        assert after == before  # the previous unit, untouched
        assert leftovers(build_dir)  # the kill did leave a half-written unit for the next start to clean
        rename_luna(root, "Luna 25")  # back to the sources the current unit was built from
    outcome = build_store(settings, reuse=True)  # what `ilrs-kg serve` does first
    assert outcome.reused
    assert leftovers(build_dir) == []
    assert served_unit(settings) == after


def test_a_build_killed_while_its_second_process_writes_the_index_takes_that_process_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SIGKILL runs no cleanup: only the kernel can end the index writer, which would otherwise run on
    # for minutes at 10M triples, writing into a unit the next build removes.
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    pid_file = tmp_path / "index-writer.pid"
    monkeypatch.setenv(PID_FILE_VARIABLE, str(pid_file))

    finished = killed_build(root, build_dir, "index")

    assert finished.returncode == -signal.SIGKILL, finished.stderr
    writer = int(pid_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 10
    while alive(writer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(writer), command_line(writer)


def test_builds_killed_at_random_moments_never_leave_a_broken_current_unit(tmp_path: Path) -> None:
    root, build_dir = copy_project(tmp_path), tmp_path / "build"
    settings = Settings(root=root, build_dir=build_dir)
    build_store(settings)
    data = root / "data" / "countries.trig"
    rng = random.Random(8)
    for attempt in range(5):
        data.write_text(data.read_text(encoding="utf-8") + f"\n# edit {attempt}\n", encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "ilrs_kg", "build", "--root", str(root), "--store", str(build_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 3.0))
        process.kill()
        process.wait()
        served_unit(settings)  # the old unit or the new one, whole: never a mix or a half
    build_store(settings)
    assert leftovers(build_dir) == []


def test_serve_rebuilds_dumps_whose_digest_differs_from_the_manifest(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    settings = Settings(root=root, build_dir=build_dir)
    build_store(settings)
    first = current_release(settings)
    assert first is not None
    version, good = served_unit(settings)
    store_files = {p.name: p.stat().st_ino for p in first.store_dir.iterdir()}
    # Same size, other bytes: a count or a size check would not see it.
    damaged = first.dumps_dir / "ilrs.nt"
    original = damaged.read_bytes()
    damaged.write_bytes(original[:-2] + b"X\n")
    (first.dumps_dir / "ilrs.cyjs").unlink()

    outcome = build_store(settings, reuse=True)

    second = current_release(settings)
    assert second is not None and second.name != first.name
    assert outcome.reused and outcome.data_version == version
    assert served_unit(settings) == (version, good)
    # The sound store was kept (the same files, linked, not rebuilt); the damaged unit is gone.
    assert {p.name: p.stat().st_ino for p in second.store_dir.iterdir()} == store_files
    assert not first.path.exists()
    assert leftovers(build_dir) == []


def test_a_damaged_store_is_rebuilt_from_the_sources(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    settings = Settings(root=root, build_dir=build_dir)
    build_store(settings)
    first = current_release(settings)
    assert first is not None
    sst = next(p for p in sorted(first.store_dir.iterdir()) if p.suffix == ".sst")
    sst.write_bytes(b"\0" * sst.stat().st_size)

    outcome = build_store(settings, reuse=True)

    assert not outcome.reused
    assert served_unit(settings)[0] == first.data_version
    assert leftovers(build_dir) == []


def test_an_up_to_date_build_is_reused(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    settings = Settings(root=root, build_dir=build_dir)
    first = build_store(settings)
    again = build_store(settings, reuse=True)
    assert again.reused and again.release == first.release


def test_a_running_server_keeps_serving_through_killed_builds(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    with serving(build_dir, "--http-processes", "1", "--workers", "1", root=root) as server:
        old = observe(server.url, "sparql").version
        rename_luna(root, "Luna 25 (second build)")
        for point in ("store", "dumps", "manifest", "staged"):
            assert killed_build(root, build_dir, point).returncode == -signal.SIGKILL
            replies = [observe(server.url, kind) for kind in ("sparql", "page", "dump")]
            assert {(r.status, r.version, r.label) for r in replies} == {(200, old, "Luna 25")}, point
        assert killed_build(root, build_dir, "swap").returncode == -signal.SIGKILL
        deadline = time.monotonic() + 60
        while observe(server.url, "page").label != "Luna 25 (second build)" and time.monotonic() < deadline:
            time.sleep(0.2)
        replies = [observe(server.url, kind) for kind in ("sparql", "page", "dump")]
        assert {(r.status, r.label) for r in replies} == {(200, "Luna 25 (second build)")}
        # The server dropped the old release and cleaned up after the builds it outlived.
        while leftovers(build_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert leftovers(build_dir) == []


# Holds a shared lock on one release directory, as a server does, until killed.
_HOLDER = r"""
import sys, time
from pathlib import Path
from ilrs_kg.releases import ReleaseLock
lock = ReleaseLock.take(Path(sys.argv[1]))
print("held" if lock else "gone", flush=True)
time.sleep(120)
"""


def test_cleanup_keeps_a_release_another_process_holds_and_removes_it_once_that_process_dies(
    tmp_path: Path,
) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    settings = Settings(root=root, build_dir=build_dir)
    build_store(settings)
    first = current_release(settings)
    assert first is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(first.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        rename_luna(root, "Luna 25 (second build)")
        build_store(settings)  # cleans up at its start and end, and may not touch the held release
        assert first.path.is_dir() and verify(first) == []
        assert leftovers(build_dir) == [f"releases/{first.name}"]
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    build_store(settings, reuse=True)
    assert leftovers(build_dir) == []


def test_a_build_directory_of_the_older_layout_is_taken_over(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    (build_dir / "store-0123456789abcdef-00000000").mkdir(parents=True)
    (build_dir / "store").symlink_to("store-0123456789abcdef-00000000")
    (build_dir / "dumps").mkdir()
    (build_dir / "dumps" / ".ilrs.nt.x1.tmp").write_text("left by a killed build", encoding="utf-8")
    settings = Settings(root=root, build_dir=build_dir)
    build_store(settings, reuse=True)
    assert leftovers(build_dir) == []
    served_unit(settings)
    assert (build_dir / "store").resolve() == current_release(settings).store_dir  # type: ignore[union-attr]
