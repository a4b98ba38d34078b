"""The only code that speaks ASGI: requests read into `Request` values, `Reply` values sent back, and
the glue that serves a plain handler as a Starlette route (or wherever a handler runs, a page worker
included, `ilrs_kg.web.errors.answer` calls it).

The SPARQL endpoint reads and sends raw ASGI (`read_request`, `send_reply`: nothing between the socket
and the handler); the other fronts' handlers sit behind Starlette routing (`endpoint`). Either way a
handler's IlrsKgError becomes the reply ilrs_kg.web.errors renders for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request as StarletteRequest
from starlette.responses import FileResponse, Response

from ilrs_kg.errors import QueryTooLarge
from ilrs_kg.web.errors import Handler, answer
from ilrs_kg.web.reply import Reply, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def request_headers(scope: Scope) -> tuple[tuple[str, str], ...]:
    """The scope's headers, names lower-cased, repeats joined by ", " (RFC 9110 §5.3)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return tuple(headers.items())


def scope_request(scope: Scope, body: bytes = b"") -> Request:
    peer = scope.get("client")
    return Request(
        scope["method"],
        scope.get("query_string", b""),
        request_headers(scope),
        body,
        scope.get("scheme", "http"),
        scope.get("path", "/"),
        peer[0] if peer else None,
    )


async def read_request(scope: Scope, receive: Receive, max_body_bytes: int) -> Request:
    """The request with its whole body; raises QueryTooLarge as soon as the body passes the limit."""
    body = b""
    if scope["method"] == "POST":
        declared = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), b"")
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
    return scope_request(scope, body)


def _too_large(size: int, limit: int) -> QueryTooLarge:
    return QueryTooLarge(f"the request body has {size:,} bytes or more; the limit is {limit:,}")


async def send_reply(send: Send, reply: Reply, *, head: bool = False) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in reply.headers]
    if reply.status not in (204, 304):
        headers.append((b"content-length", str(len(reply.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


def starlette_request(http: StarletteRequest) -> Request:
    """A routed request as a value (the routes served this way take no body)."""
    return scope_request(http.scope)


def response(reply: Reply) -> Response:
    headers = dict(reply.headers)
    if reply.file is not None:
        # Starlette's FileResponse answers HEAD and Range requests and streams the file.
        media_type = headers.pop("Content-Type", None)
        return FileResponse(reply.file, status_code=reply.status, headers=headers, media_type=media_type)
    return Response(content=reply.body, status_code=reply.status, headers=headers)


def endpoint(handler: Handler) -> Callable[[StarletteRequest], Awaitable[Response]]:
    """`handler(Request, **path_params) -> Reply` as a Starlette endpoint."""

    async def serve(http: StarletteRequest) -> Response:
        return response(answer(handler, starlette_request(http), **http.path_params))

    return serve
