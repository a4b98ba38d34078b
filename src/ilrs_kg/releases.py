"""Releases: the store and its dumps as one unit, written together and swapped in together.

Layout under the build directory:
    releases/<version>-<nonce>/   one unit: store/ (Oxigraph), dumps/, and MANIFEST.json, written last,
                                  naming every file with its size, SHA-256 and modification time
    current -> releases/<name>    the unit being served; replaced by one atomic rename
    staged  -> releases/<name>    during a build under running servers: the unit they load before
                                  `current` moves (ilrs_kg.swap)
    store -> current/store, dumps -> current/dumps
                                  fixed links, so paths under them always name one unit's files
    servers/<pid>                 one per HTTP process serving the directory (ilrs_kg.swap)

A process that reads a release holds a shared flock on its directory for as long as it does; a release is
removed only by whoever gets the exclusive lock, and never while it is current or staged. The OS drops a
killed process's locks, so nothing a killed build or server leaves can block the next cleanup. Builds,
swaps and cleanups take the build lock (`.build.lock`), one at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from ilrs_kg.errors import StoreError
from ilrs_kg.settings import Settings

MANIFEST = "MANIFEST.json"
STORE, DUMPS = "store", "dumps"
# What the pages read besides the store (linked_data.page_index), written by the build like the dumps.
INDEX = "index"
_TEMP_LINK, _TRASH = ".link-", ".trash-"


class _Unit:
    """Where a unit's parts are, whether complete (Release) or being written (Draft)."""

    path: Path

    @property
    def store_dir(self) -> Path:
        return self.path / STORE

    @property
    def dumps_dir(self) -> Path:
        return self.path / DUMPS

    @property
    def index_dir(self) -> Path:
        return self.path / INDEX


class Entry(NamedTuple):
    """One file as the manifest records it when the unit is sealed."""

    size: int
    sha256: str
    mtime_ns: int | None  # None in manifests written before it was recorded: such a file is hashed


@dataclass(frozen=True)
class Release(_Unit):
    path: Path  # releases/<name>, resolved
    data_version: str
    triples: int
    built_at: datetime
    files: dict[str, Entry]  # path relative to the release

    @property
    def name(self) -> str:
        return self.path.name


def releases_dir(settings: Settings) -> Path:
    return settings.output_dir / "releases"


def current_link(settings: Settings) -> Path:
    return settings.output_dir / "current"


def staged_link(settings: Settings) -> Path:
    return settings.output_dir / "staged"


def linked_name(link: Path) -> str | None:
    """The release a link names (one readlink, no resolution of anything else), or None."""
    try:
        return Path(os.readlink(link)).name
    except OSError:
        return None


def read_release(path: Path) -> Release | None:
    """The release at `path`, or None when it is not a complete one (no readable manifest)."""
    try:
        raw = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = {str(name): _entry(entry) for name, entry in raw["files"].items()}
        return Release(
            path,
            str(raw["data_version"]),
            int(raw["triples"]),
            datetime.fromisoformat(raw["built_at"]),
            files,
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _entry(raw: list[object]) -> Entry:
    mtime = raw[2] if len(raw) > 2 else None
    return Entry(int(str(raw[0])), str(raw[1]), None if mtime is None else int(str(mtime)))


def named_release(settings: Settings, name: str) -> Release | None:
    return read_release(releases_dir(settings) / name)


def current_release(settings: Settings) -> Release | None:
    """The release `current` names now, or None when there is no complete one."""
    name = linked_name(current_link(settings))
    return named_release(settings, name) if name is not None else None


def require_current(settings: Settings) -> Release:
    release = current_release(settings)
    if release is None:
        raise StoreError(f"no built store at {settings.output_dir}: run `ilrs-kg build` first")
    return release


# Hashing -------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
        os.fsync(stream.fileno())  # the manifest is written last and must not promise unwritten bytes
    return digest.hexdigest()


def _unit_files(path: Path) -> Iterator[Path]:
    for part in (STORE, DUMPS, INDEX):
        yield from sorted(p for p in (path / part).rglob("*") if p.is_file())


def verify(release: Release, *, thorough: bool = True) -> list[str]:
    """What in the release differs from its manifest (missing, changed or stray files); empty when sound.

    `thorough` hashes every file (`ilrs-kg verify`, `serve --verify`: it also finds what no size or time
    shows, a disk's silent corruption or an edit that put the time back). Otherwise only a file whose size
    or modification time is not the manifest's is hashed, and that is enough for reuse at every start: the
    hash's first job, to refuse a half-written release (a build killed while writing), is done already by
    the manifest, written last, and the atomic rename of `current`, which only ever names a sealed unit.
    What is left is a file changed after sealing, and any write to a file, a truncation included, sets its
    modification time (and a truncation its size); only a deliberate `touch -d` hides an edit, and a user
    who distrusts the disk runs the thorough check. A file whose time changed but whose digest still
    matches (a `touch`, a copy) has its new time recorded, so it is hashed once, not at every start.
    """
    problems, restamped = [], {}
    for name, entry in release.files.items():
        file = release.path / name
        try:
            stat = file.stat()
            if stat.st_size != entry.size:
                problems.append(f"{name}: size differs from the manifest")
            elif thorough or stat.st_mtime_ns != entry.mtime_ns:
                if _sha256(file) != entry.sha256:
                    problems.append(f"{name}: content differs from the manifest")
                elif stat.st_mtime_ns != entry.mtime_ns:
                    restamped[name] = entry._replace(mtime_ns=stat.st_mtime_ns)
        except OSError:
            problems.append(f"{name}: missing")
    for file in _unit_files(release.path):
        name = file.relative_to(release.path).as_posix()
        if name not in release.files:
            problems.append(f"{name}: not in the manifest")
    if restamped and not problems:
        release.files.update(restamped)
        _write_manifest(release.path, release.data_version, release.triples, release.built_at, release.files)
    return problems


# Writing ---------------------------------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with temp.open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temp, path)
    _fsync_dir(path.parent)


def _write_manifest(
    path: Path, data_version: str, triples: int, built_at: datetime, files: dict[str, Entry]
) -> None:
    _write_atomically(
        path / MANIFEST,
        json.dumps(
            {
                "data_version": data_version,
                "triples": triples,
                "built_at": built_at.isoformat(),
                "files": {name: list(entry) for name, entry in files.items()},
            },
            indent=1,
        ),
    )


@dataclass
class Draft(_Unit):
    """A release being written: its directory exists and is locked (shared) by this process."""

    path: Path
    data_version: str
    lock: ReleaseLock

    def seal(self, triples: int) -> Release:
        """Hash every file into the manifest, written last: from then on the unit is complete."""
        files = {}
        for file in _unit_files(self.path):
            digest = _sha256(file)
            stat = file.stat()
            files[file.relative_to(self.path).as_posix()] = Entry(stat.st_size, digest, stat.st_mtime_ns)
        for directory in (self.store_dir, self.dumps_dir, self.index_dir, self.path):
            if directory.is_dir():
                _fsync_dir(directory)
        built_at = datetime.now(UTC).replace(microsecond=0)
        _write_manifest(self.path, self.data_version, triples, built_at, files)
        return Release(self.path, self.data_version, triples, built_at, files)


@contextlib.contextmanager
def draft(settings: Settings, data_version: str) -> Iterator[Draft]:
    """A fresh release directory; removed again if the block fails (a kill leaves it to `remove_unused`)."""
    parent = releases_dir(settings)
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f"{data_version}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    (path / DUMPS).mkdir()
    lock = ReleaseLock.take(path)
    assert lock is not None
    try:
        yield Draft(path, data_version, lock)
    except BaseException:
        lock.release()
        shutil.rmtree(path, ignore_errors=True)
        raise
    lock.release()


def _point(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` in one rename: readers see the old target or the new one."""
    temp = link.with_name(f"{_TEMP_LINK}{uuid.uuid4().hex[:8]}")
    os.symlink(target, temp)
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # an older layout's real directory where a link now goes
    os.replace(temp, link)


def publish(settings: Settings, release: Release) -> None:
    """Make `release` the current one: one atomic rename of `current` (the caller holds the build lock)."""
    _point(current_link(settings), f"releases/{release.name}")
    for part in (STORE, DUMPS):
        fixed = settings.output_dir / part
        if not fixed.is_symlink() or os.readlink(fixed) != f"current/{part}":
            _point(fixed, f"current/{part}")
    _fsync_dir(settings.output_dir)


def stage(settings: Settings, release: Release | None) -> None:
    """Name the release the servers should load next (None: clear the name)."""
    if release is None:
        staged_link(settings).unlink(missing_ok=True)
    else:
        _point(staged_link(settings), f"releases/{release.name}")


# Locks -----------------------------------------------------------------------------------------------------


class ReleaseLock:
    """A shared flock on a release directory: it is in use, so no cleanup removes it."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def take(cls, path: Path) -> ReleaseLock | None:
        """Lock the directory at `path`, or None when it is gone (removed or being removed)."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return None
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits out a cleanup that holds it exclusively
        try:
            # A cleanup may have renamed it to the trash between our open and our lock.
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return cls(fd)
        except OSError:
            pass
        os.close(fd)
        return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def hold(settings: Settings, name: str) -> tuple[Release, ReleaseLock] | None:
    """Lock the named release for reading; None when it is gone or incomplete."""
    lock = ReleaseLock.take(releases_dir(settings) / name)
    if lock is None:
        return None
    release = named_release(settings, name)
    if release is None:
        lock.release()
        return None
    return release, lock


def hold_current(settings: Settings) -> tuple[Release, ReleaseLock]:
    """Lock whatever release is current (retrying if a build swaps it meanwhile)."""
    for _attempt in range(20):
        name = linked_name(current_link(settings))
        if name is None:
            break
        held = hold(settings, name)
        if held is not None:
            return held
    raise StoreError(f"no built store at {settings.output_dir}: run `ilrs-kg build` first")


@contextlib.contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build, swap or cleanup at a time in a build directory."""
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.output_dir / ".build.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# Cleanup ---------------------------------------------------------------------------------------------------


def _try_remove(path: Path) -> bool:
    """Remove a release directory nobody holds: lock it exclusively, move it aside, delete it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        trash = path.with_name(f"{_TRASH}{path.name}-{uuid.uuid4().hex[:8]}")
        os.rename(path, trash)
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)
    return True


def remove_unused(settings: Settings) -> list[str]:
    """Delete what no one can use (caller holds the build lock): releases neither current nor locked by
    a live process, half-written ones, a killed build's staged link, temporary links, older layouts.

    Returns the names removed.
    """
    output = settings.output_dir
    if not output.is_dir():
        return []
    # Only a build stages, and it holds the build lock until it has swapped: a staged link seen here is
    # what a killed build left.
    staged_link(settings).unlink(missing_ok=True)
    current = linked_name(current_link(settings))
    removed = []
    parent = releases_dir(settings)
    for entry in sorted(parent.iterdir()) if parent.is_dir() else []:
        if entry.name.startswith(_TRASH):
            shutil.rmtree(entry, ignore_errors=True)  # moved aside under an exclusive lock: nobody's
            removed.append(entry.name)
        elif entry.name != current and entry.is_dir() and _try_remove(entry):
            removed.append(entry.name)
    for entry in output.iterdir():
        if entry.name.startswith((_TEMP_LINK, ".store-link-")):
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
        elif current is not None and entry.name.startswith("store-") and not entry.is_symlink():
            # An older layout's store: kept until a release is current, as the only data there is.
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed
