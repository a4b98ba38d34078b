"""`ilrs-kg export --format FORMAT [--output FILE]`: write one dump or export, or all of them.

Without --output a single format goes to standard output (binary formats refuse a terminal);
`--format all` writes every file into the directory --output names (made if missing, as a user naming a
new folder expects); without it, the build's own dumps (written with the store, checked against its
manifest) are already there and are not rewritten.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

import pyoxigraph as ox

from ilrs_kg.build import build_store
from ilrs_kg.cli.common import progress as _progress
from ilrs_kg.cli.common import settings_from_args
from ilrs_kg.exports import ExportError, dump_formats, export_format, export_to_file, list_dumps, produce_all
from ilrs_kg.exports.catalog import FORMATS_BY_KEY
from ilrs_kg.exports.files import check_output_path
from ilrs_kg.settings import Settings
from ilrs_kg.store import open_current

ALL = "all"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    described = ", ".join(f"{f.key} ({f.name})" for f in dump_formats())
    parser.add_argument(
        "--format",
        required=True,
        choices=[*FORMATS_BY_KEY, ALL],
        metavar="FORMAT",
        help=f"one of: {described}; or {ALL} for every file",
    )
    parser.add_argument(
        "--output",
        help="file to write (default: standard output); with --format all, a directory "
        "(default: the build's dumps directory)",
    )
    parser.add_argument("--store", help="build directory (default: <root>/build)")


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    output = Path(args.output) if args.output else None
    if args.format == ALL:
        if output is not None:
            if output.exists() and not output.is_dir():
                raise ExportError(f"cannot write into {output}: it is a file, not a directory")
            output.mkdir(parents=True, exist_ok=True)
    elif output is not None:
        check_output_path(output)  # before the build, so a typo fails at once
    elif (
        FORMATS_BY_KEY[args.format].media_type in ("application/zip", "application/gzip")
        and sys.stdout.isatty()
    ):
        raise ExportError(f"--format {args.format} is binary: give --output FILE or redirect the output")
    build_store(settings, _progress, reuse=True)
    if args.format == ALL and output is None:
        # A release is never written to after its manifest: the build made and verified these files.
        print(f"{len(list_dumps(settings))} files in {settings.dumps_dir}")
        return 0
    with open_current(settings) as store:
        return _export(args.format, settings, store, output)


def _export(key: str, settings: Settings, store: ox.Store, output: Path | None) -> int:
    if key == ALL:
        assert output is not None
        written = produce_all(settings, store, _progress, directory=output)
        print(f"wrote {len(written)} files to {output}")
    elif output is not None:
        export_to_file(key, settings, store, output)
        print(f"wrote {output} ({output.stat().st_size:,} bytes)", file=sys.stderr)
    else:
        try:
            export_format(key, settings, store, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): exit quietly, as `cat` does, with SIGPIPE's status.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 128 + signal.SIGPIPE
    return 0
