"""One frozen Settings object, built once at the edge (CLI or test) and passed explicitly.

Nothing here reads the environment at import time. The data's IRI base is not a setting: it is a
promise (ilrs_kg.namespaces.BASE) the data files, shapes, rules and dumps spell; the server maps it onto
wherever it runs (`public_base`, ilrs_kg.web.iris).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path


def default_root() -> Path:
    """The project's own checkout: the nearest parent of this file holding ontology/, data/ and shapes/.

    An editable install runs from the checkout, so this finds it; otherwise fall back to the working
    directory, which the user can override with --root.
    """
    here = Path(__file__).resolve()
    for candidate in here.parents:
        if all((candidate / name).is_dir() for name in ("ontology", "data", "shapes")):
            return candidate
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=default_root)
    # Where built artefacts go; None means <root>/build.
    build_dir: Path | None = None
    # Which engine checks the SHACL core shapes (validation.VALIDATORS): "sparql", compiled to SPARQL and
    # run by Oxigraph (linear, no rdflib copy of the graph), or "pyshacl", the reference it agrees with.
    validator: str = "sparql"
    host: str = "127.0.0.1"
    port: int = 8000
    # Hard limit on one query's evaluation, in seconds.
    query_timeout: float = 10.0
    # Query and page worker processes (a stuck query costs one worker; small data is copied into each, large
    # data is shared read-only on disk: sparql.workers chooses).
    workers: int = 2
    max_body_bytes: int = 1_000_000
    max_query_chars: int = 100_000
    # Bracket nesting beyond this is refused before the parser sees it: deep nesting overflows its stack.
    max_query_nesting: int = 200
    # Operators (!, +, ||, comparisons, UNION, ...) beyond this are refused: long chains of them overflow
    # the parser's stack too (at about 6,500 on an 8 MB stack).
    max_query_operators: int = 2000
    max_result_bytes: int = 50_000_000
    result_cache_entries: int = 1024
    # Where links, Location headers and the endpoint's own IRI point: an origin such as
    # https://ilrs.example.org/. None means http://{host}:{port}/. Never taken from a request's Host.
    public_base: str | None = None
    # Connection limits of the HTTP server (per HTTP process): the request line's target, the header
    # block, the number of header fields; seconds for the whole head to arrive, for the whole body, and
    # for an idle keep-alive connection; open connections.
    max_url_bytes: int = 32_768
    max_header_bytes: int = 32_768
    max_header_count: int = 100
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive_timeout: int = 5
    max_connections: int = 1024
    # How query workers are kept off the network (ilrs_kg.sparql.sandbox): auto, namespace, seccomp, off.
    query_sandbox: str = "auto"
    # The SERVICE/LOAD screen; only tests turn it off, to prove the sandbox alone holds.
    screen_service: bool = True
    # Queries one client (by address) may have in flight at once; more get 429.
    max_client_queries: int = 16
    # Workers that may hold a query running past the short threshold at once (each a process).
    max_long_queries: int = 8

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def output_dir(self) -> Path:
        return self.build_dir if self.build_dir is not None else self.root / "build"

    @property
    def store_path(self) -> Path:
        """A fixed link to the current release's store (`current/store`; ilrs_kg.releases)."""
        return self.output_dir / "store"

    @property
    def dumps_dir(self) -> Path:
        """A fixed link to the current release's dumps (`current/dumps`), once something is built."""
        return self.output_dir / "dumps"

    @property
    def link_base(self) -> str:
        """The origin absolute links are made from, ending in '/'."""
        if self.public_base is not None:
            return self.public_base
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
