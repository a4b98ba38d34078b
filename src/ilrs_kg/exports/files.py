"""Atomic file writing for the exports: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ilrs_kg.errors import IlrsKgError


class ExportError(IlrsKgError):
    """An export cannot be written (the output path is unusable) or the graph cannot be exported."""


def check_output_path(path: Path) -> None:
    """Fail early, naming the path, when `path` cannot become a file."""
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"cannot write {path}: the directory {parent} does not exist")
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: {parent} is not a directory")


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces `path` in one rename when the block ends without error."""
    check_output_path(path)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
