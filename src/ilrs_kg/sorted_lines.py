"""Sorting more lines than memory should hold: sorted runs spilled to disk, then merged.

For the rules' output (ilrs_kg.derivation), which grows with the data: a Python list of its statements
was the derivation's peak (1.7 GB at a million triples). N-Triples lines sort bytewise in the order of
their text (UTF-8 keeps code-point order, and the ` .` that ends a line sorts before any character that
could continue a term), so sorting the lines sorts the statements as `sorted(..., key=str)` would.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

# Lines per sorted run: about 150 bytes each, so a run holds some 100 MB in memory.
RUN_LINES = 500_000


def sort_unique(lines: Iterable[bytes], target: BinaryIO, spill: Path, run_lines: int = RUN_LINES) -> int:
    """Write `lines` (each ending in a newline) to `target` sorted bytewise, each distinct line once;
    returns how many were written. Runs of `run_lines` are sorted in memory and spilled into `spill`."""
    source = iter(lines)
    with contextlib.ExitStack() as runs:
        sorted_runs: list[BinaryIO] = []
        while chunk := list(itertools.islice(source, run_lines)):
            run = runs.enter_context(tempfile.TemporaryFile(dir=spill))
            run.writelines(sorted(set(chunk)))
            run.seek(0)
            sorted_runs.append(run)
        written, last = 0, None
        for line in heapq.merge(*sorted_runs):
            if line != last:
                target.write(line)
                written += 1
                last = line
    return written
