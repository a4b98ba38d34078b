"""Reusing a built release at start is cheap and still refuses a damaged one: a file whose size or
modification time is not the manifest's is hashed (and a mismatch rebuilt), the others are trusted;
`ilrs-kg verify` and `serve --verify` hash every file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ilrs_kg.build import build_store
from ilrs_kg.cli.main import main
from ilrs_kg.releases import MANIFEST, Release, current_release, verify
from ilrs_kg.settings import Settings
from tests.fixtures.lifecycle.support import built_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One sound build, copied by each test that damages it (a build costs seconds)."""
    settings, _release = built_project(tmp_path_factory.mktemp("reuse"))
    return settings.root, settings.output_dir


def copy_of(built: tuple[Path, Path], tmp_path: Path) -> tuple[Settings, Release]:
    """The built project and build directory copied with their times (as `cp -a` would)."""
    root, build_dir = built
    shutil.copytree(root, tmp_path / "project", symlinks=True)
    shutil.copytree(build_dir, tmp_path / "build", symlinks=True)
    settings = Settings(root=tmp_path / "project", build_dir=tmp_path / "build")
    release = current_release(settings)
    assert release is not None and verify(release) == []
    return settings, release


def largest_store_file(release: Release) -> Path:
    return max((p for p in release.store_dir.iterdir() if p.is_file()), key=lambda p: p.stat().st_size)


def test_a_sound_release_is_reused_without_reading_its_files(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    settings, release = copy_of(built, tmp_path)
    # Same size, same time, other bytes: only a digest sees this, and the start does not compute one.
    victim = largest_store_file(release)
    stat = victim.stat()
    victim.write_bytes(b"\0" * stat.st_size)
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert verify(release, thorough=False) == []
    outcome = build_store(settings, reuse=True)
    assert outcome.reused and outcome.release == release.name
    # The thorough check the user asks for does read them, and a thorough start rebuilds.
    assert verify(release) == [f"{victim.relative_to(release.path)}: content differs from the manifest"]
    rebuilt = build_store(settings, reuse=True, thorough=True)
    assert not rebuilt.reused and rebuilt.release != release.name


@pytest.mark.parametrize("damage", ["truncated", "edited in place", "removed", "added"])
def test_a_changed_file_is_caught_at_start_and_rebuilt(
    built: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    settings, release = copy_of(built, tmp_path)
    victim = largest_store_file(release)
    if damage == "truncated":
        with victim.open("r+b") as stream:
            stream.truncate(victim.stat().st_size // 2)
        expected = "size differs from the manifest"
    elif damage == "edited in place":  # same size: the modification time gives it away, the digest confirms
        with victim.open("r+b") as stream:
            stream.seek(victim.stat().st_size // 2)
            stream.write(b"\xff" * 16)
        expected = "content differs from the manifest"
    elif damage == "removed":
        victim.unlink()
        expected = "missing"
    else:
        victim = release.store_dir / "000999.sst"
        victim.write_bytes(b"stray")
        expected = "not in the manifest"
    assert verify(release, thorough=False) == [f"{victim.relative_to(release.path)}: {expected}"]

    outcome = build_store(settings, reuse=True)

    assert not outcome.reused and outcome.release != release.name
    fresh = current_release(settings)
    assert fresh is not None and verify(fresh) == []
    assert fresh.triples == release.triples


def test_a_touched_file_is_hashed_once_then_trusted(built: tuple[Path, Path], tmp_path: Path) -> None:
    settings, release = copy_of(built, tmp_path)
    victim = largest_store_file(release)
    os.utime(victim, ns=(victim.stat().st_atime_ns, victim.stat().st_mtime_ns + 10**9))

    outcome = build_store(settings, reuse=True)

    assert outcome.reused and outcome.release == release.name
    recorded = current_release(settings)
    assert recorded is not None
    assert recorded.files[str(victim.relative_to(release.path))].mtime_ns == victim.stat().st_mtime_ns


def test_a_manifest_without_times_is_verified_in_full_and_given_them(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    settings, release = copy_of(built, tmp_path)
    manifest = release.path / MANIFEST
    raw = json.loads(manifest.read_text(encoding="utf-8"))
    raw["files"] = {name: entry[:2] for name, entry in raw["files"].items()}  # as builds before wrote it
    manifest.write_text(json.dumps(raw), encoding="utf-8")

    outcome = build_store(settings, reuse=True)

    assert outcome.reused and outcome.release == release.name
    upgraded = current_release(settings)
    assert upgraded is not None
    assert all(entry.mtime_ns is not None for entry in upgraded.files.values())


def test_verify_command_names_the_damaged_file(
    built: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, release = copy_of(built, tmp_path)
    arguments = ["verify", "--root", str(settings.root), "--store", str(settings.output_dir)]
    assert main(arguments) == 0
    assert f"{len(release.files)} files" in capsys.readouterr().out
    victim = largest_store_file(release)
    stat = victim.stat()
    victim.write_bytes(b"\0" * stat.st_size)
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert main(arguments) == 1
    assert f"{victim}: content differs from the manifest" in capsys.readouterr().err
