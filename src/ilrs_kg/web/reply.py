"""Requests and replies as plain values: what every front's handlers take and give.

    handler(Request, **path_params) -> Reply

Both are frozen and made of bytes, strings and tuples only, so they pickle (a handler may run in a page
worker process) and a handler can be called in tests without sockets. ilrs_kg.web.asgi is the only code
that turns ASGI messages into these values and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl

Headers = tuple[tuple[str, str], ...]


def _find(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Request:
    """One HTTP request. Header names are lower-case, repeats joined by ", " (a Mapping given for
    `headers` is taken as such pairs, which keeps tests short)."""

    method: str = "GET"
    query_string: bytes = b""
    headers: Headers = ()
    body: bytes = b""
    scheme: str = "http"
    path: str = "/"
    client: str | None = None  # the peer's address, which per-client limits count by

    def __post_init__(self) -> None:
        if isinstance(self.headers, Mapping):
            pairs = tuple((str(k).lower(), str(v)) for k, v in self.headers.items())
            object.__setattr__(self, "headers", pairs)

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)

    @cached_property
    def query(self) -> Mapping[str, str]:
        """The query parameters, the last of a repeated one winning (strict parsers read
        `query_string` themselves)."""
        return dict(parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True))

    @property
    def server(self) -> str:
        """The origin links are made from, ending in '/': the Host the edge set (ilrs_kg.edge makes it
        the configured public base, never what the client sent)."""
        return f"{self.scheme}://{self.header('host') or 'localhost'}/"

    @property
    def accept(self) -> str | None:
        return self.header("accept")

    @property
    def user_agent(self) -> str | None:
        return self.header("user-agent")

    @property
    def accept_language(self) -> str | None:
        return self.header("accept-language")

    @property
    def if_none_match(self) -> str | None:
        return self.header("if-none-match")

    @property
    def if_modified_since(self) -> str | None:
        return self.header("if-modified-since")


@dataclass(frozen=True)
class Reply:
    """One HTTP reply: status, headers and body; or, for a large file, the file's path instead of the
    body (sent in chunks, with range requests)."""

    status: int
    headers: Headers = ()
    body: bytes = b""
    file: str | None = None

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)
