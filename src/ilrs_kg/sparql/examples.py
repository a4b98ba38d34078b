"""Example queries for the query UI: the competency questions in <root>/queries/*.rq.

Each file starts with a comment line, `# title: ...` (or `# ...`); the file's whole text is the query.
Read once, when the app is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    name: str  # the file's stem, e.g. 01-members-by-date
    title: str
    query: str


def _title(text: str, fallback: str) -> str:
    """The first line's comment (`# title: ...` or `# ...`), or the fallback."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if not first.startswith("#"):
        return fallback
    title = first.lstrip("#").strip()
    if title.lower().startswith("title:"):
        title = title[len("title:") :].strip()
    return title or fallback


def load_examples(directory: Path) -> tuple[Example, ...]:
    if not directory.is_dir():
        return ()
    examples = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        examples.append(Example(path.stem, _title(text, path.stem), text))
    return tuple(examples)
