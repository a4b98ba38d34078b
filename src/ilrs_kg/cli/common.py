"""What every subcommand shares: the Settings its arguments make, the root arguments, progress lines."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ilrs_kg.settings import Settings
from ilrs_kg.validation import VALIDATORS


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settings_from_args(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "root", None) is not None:
        settings = settings.with_changes(root=Path(args.root).resolve())
    if getattr(args, "validator", None) is not None:
        settings = settings.with_changes(validator=args.validator)
    if getattr(args, "store", None) is not None:
        settings = settings.with_changes(build_dir=Path(args.store).resolve())
    return settings


def add_root_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--root", help="project directory holding ontology/, data/ and shapes/")
    sub.add_argument(
        "--validator",
        choices=VALIDATORS,
        help="which engine checks the SHACL core shapes: sparql (compiled, the default) or pyshacl"
        " (the reference)",
    )
