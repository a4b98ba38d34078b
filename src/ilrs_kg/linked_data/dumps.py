"""The downloadable dumps the dataset description advertises, in one place.

Agreed with the exports work: whole-graph files served under /dumps/.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dump:
    file_name: str
    media_type: str
    title: str

    @property
    def path(self) -> str:
        return f"dumps/{self.file_name}"


DUMPS: tuple[Dump, ...] = (
    Dump("ilrs.ttl", "text/turtle", "The whole graph (ontology and data) as Turtle"),
    Dump("ilrs.nt", "application/n-triples", "The whole graph (ontology and data) as N-Triples"),
)
