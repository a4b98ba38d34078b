"""The downloadable dumps the dataset description advertises as void:dataDump.

The list itself lives with the exports (`ilrs_kg.exports.catalog.DUMP_FORMATS`); this picks the files that
hold the whole dataset as RDF, served under /dumps/.
"""

from __future__ import annotations

from dataclasses import dataclass

from ilrs_kg.exports.catalog import DUMP_FORMATS, Scope


@dataclass(frozen=True)
class Dump:
    file_name: str
    media_type: str
    title: str

    @property
    def path(self) -> str:
        return f"dumps/{self.file_name}"


SHAPES_FILE = next(fmt.name for fmt in DUMP_FORMATS if fmt.scope is Scope.SHAPES)
DUMPS: tuple[Dump, ...] = tuple(
    Dump(fmt.name, fmt.media_type, fmt.description) for fmt in DUMP_FORMATS if fmt.is_dataset_dump
)
