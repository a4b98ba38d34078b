"""`ilrs-kg serve`: arguments and entry point (being built; see the serve issue)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("ilrs-kg serve is not built yet")
