"""`ilrs-kg export`: arguments and entry point (being built; see the export issue)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("ilrs-kg export is not built yet")
