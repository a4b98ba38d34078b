"""The small HTTP vocabulary of the endpoint, and the raw ASGI reading and writing around it.

`HttpRequest` and `Reply` are plain values, so the endpoint's handler can be called in tests without
sockets; `read_request` and `send_reply` are the only code that speaks ASGI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from ilrs_kg.errors import QueryTooLarge

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class HttpRequest:
    method: str
    query_string: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names; repeats joined by ", "
    body: bytes = b""
    scheme: str = "http"
    path: str = "/sparql"
    client: str | None = None  # the peer's address, which per-client limits count by

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def request_headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


async def read_request(scope: Scope, receive: Receive, max_body_bytes: int) -> HttpRequest:
    """The request with its whole body; raises QueryTooLarge as soon as the body passes the limit."""
    headers = request_headers(scope)
    method = scope["method"]
    body = b""
    if method == "POST":
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body_bytes:
            raise _too_large(int(declared), max_body_bytes)
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_body_bytes:
                raise _too_large(size, max_body_bytes)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
    peer = scope.get("client")
    return HttpRequest(
        method,
        scope.get("query_string", b""),
        headers,
        body,
        scope.get("scheme", "http"),
        scope.get("path", "/sparql"),
        peer[0] if peer else None,
    )


def _too_large(size: int, limit: int) -> QueryTooLarge:
    return QueryTooLarge(f"the request body has {size:,} bytes or more; the limit is {limit:,}")


async def send_reply(send: Send, reply: Reply, *, head: bool = False) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in reply.headers]
    if reply.status not in (204, 304):
        headers.append((b"content-length", str(len(reply.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})
