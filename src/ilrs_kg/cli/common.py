"""What every subcommand shares: the Settings its arguments make, the root arguments, progress lines, and
how `serve --backend` and `publish` reach a remote store.

A remote store's password never goes on the command line (where `ps` shows it): it comes from a file
(--password-file) or the ILRS_KG_BACKEND_PASSWORD environment variable."""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
from pathlib import Path

from ilrs_kg.settings import Settings
from ilrs_kg.sparql.remote import Remote
from ilrs_kg.validation import VALIDATORS

PASSWORD_VARIABLE = "ILRS_KG_BACKEND_PASSWORD"  # noqa: S105  # the variable's name, not a password


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


def add_credential_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument(f"--{prefix}user", metavar="NAME", help="user to authenticate as at the remote store")
    parser.add_argument(
        f"--{prefix}password-file",
        metavar="FILE",
        help=f"file holding that user's password (default: the {PASSWORD_VARIABLE} environment variable)",
    )
    parser.add_argument(
        f"--{prefix}auth",
        choices=("digest", "basic"),
        default="digest",
        help="HTTP authentication scheme (default: %(default)s, as Virtuoso's /sparql-auth asks)",
    )


def endpoint_url(text: str, option: str) -> str:
    parsed = urllib.parse.urlsplit(text)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SystemExit(f"error: {option}: {text!r} is not an http:// or https:// URL")
    return text


def credentials(
    url: str, user: str | None, password_file: str | None, auth: str, connections: int = Remote.connections
) -> Remote:
    password = None
    if password_file is not None:
        try:
            password = Path(password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SystemExit(
                f"error: cannot read the password file {password_file}: {exc.strerror}"
            ) from None
    elif user is not None:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            raise SystemExit(
                f"error: a user was given but no password: use --password-file or {PASSWORD_VARIABLE}"
            )
    return Remote(url, user, password, auth, connections)
