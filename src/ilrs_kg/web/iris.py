"""Where an IRI lives on the running server, and back.

Data IRIs keep the canonical base (ilrs_kg.namespaces.BASE, https://w3id.org/ilrs/): a promise, not a
setting, since the data, the shapes, the rules and every published dump spell it. The server answers
for that base wherever it runs, so `{base}id/mission/change-6` is `{server}id/mission/change-6`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import quote

from ilrs_kg.namespaces import BASE, ID_NS

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


@dataclass(frozen=True)
class EntityRef:
    kind: str
    slug: str

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.slug}"


def is_valid_segment(text: str) -> bool:
    return bool(_SEGMENT.match(text))


@dataclass(frozen=True)
class IriMap:
    """Maps between canonical IRIs (under BASE) and URLs on one running server (under `server`)."""

    server: str
    base: ClassVar[str] = BASE

    def __post_init__(self) -> None:
        if not self.server.endswith("/"):
            raise ValueError(f"the server base {self.server!r} must end with '/'")

    def entity_iri(self, ref: EntityRef) -> str:
        return f"{ID_NS}{ref.path}"

    def ref_of(self, iri: str) -> EntityRef | None:
        """The kind and slug of an entity IRI under the canonical base, else None."""
        if not iri.startswith(ID_NS):
            return None
        kind, _, slug = iri[len(ID_NS) :].partition("/")
        if not is_valid_segment(kind) or not is_valid_segment(slug):
            return None
        return EntityRef(kind, slug)

    def local(self, iri: str) -> str:
        """The server URL for an IRI under the base; other IRIs are returned unchanged."""
        if iri.startswith(self.base):
            return self.server + iri[len(self.base) :]
        return iri

    def canonical(self, path: str) -> str:
        """The canonical IRI for a server path such as 'doc/mission/change-6.ttl'."""
        return self.base + path.lstrip("/")

    def page(self, iri: str, extension: str = "html") -> str:
        """Where a person reads about an IRI: the HTML document of an entity, the ontology entry of a
        term, or the IRI itself when it is not ours."""
        ref = self.ref_of(iri)
        if ref is not None:
            return f"{self.server}doc/{ref.path}.{extension}"
        return self.local(iri)

    def document(self, ref: EntityRef, extension: str, *, canonical: bool = False) -> str:
        root = self.base if canonical else self.server
        return f"{root}doc/{ref.path}.{extension}"

    def incoming(
        self, entity_path: str, prop: str, kind: str = "", *, canonical: bool = False, **query: str
    ) -> str:
        """The paged list of the links of one property (from things of class `kind`) to an entity
        (`query`: page, lang); its canonical IRI names the list in RDF documents."""
        root = self.base if canonical else self.server
        chosen = {"property": prop, **({"type": kind} if kind else {}), **query}
        return _with_query(f"{root}incoming/{entity_path}", chosen)

    def url(self, path: str, **query: str) -> str:
        """A server URL for a path, with query parameters."""
        return _with_query(self.server + path.lstrip("/"), query)


def _with_query(address: str, query: dict[str, str]) -> str:
    if not query:
        return address
    return address + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
