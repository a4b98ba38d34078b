"""The HTTP/1.1 server protocol: uvicorn's h11 implementation, with the connection limits it lacks.

h11 rather than httptools: with httptools, uvicorn drops the body of any request that offers an
upgrade it declines (Kludex/uvicorn#2722, MagicStack/httptools#124), and the JDK's HTTP client, hence
Jena, offers `Upgrade: h2c` on every http:// request. h11 reads the request as HTTP/1.1 and goes on.

Limits, each refused with a plain-text reply saying what was wrong, then the connection closed:
- the request target over `max_url_bytes`: 414, telling the client to POST the query;
- the header block over `max_header_bytes`, or more than `max_header_count` fields: 431. h11 buffers at
  most the sum of the two limits, so an endless header costs that much memory, not more;
- a head that has not arrived whole `header_timeout` seconds after its first byte: 408 (slow-header
  clients hold a connection for that long at most);
- more than `max_connections` open connections in this process: 503 with Retry-After, at once.
An idle keep-alive connection, a new one included, is closed after `keep_alive_timeout` seconds, and
a connection whose reply went out before its request body was in is closed (not drained for ever).
The body's own deadline is the app's (ilrs_kg.edge), so every route answers it in the same way.

A reply leaves in one write: uvicorn writes the status and headers, then the body, then the end of the
message, each as soon as the app hands it over, and on loopback each write costs a system call and a
wake-up of the reader (the largest single cost of an answered query, docs/performance.md). The
protocol's transport (`OneWrite`) holds what is written until the reply is complete, or until the end
of the event loop's turn for a reply sent in parts (a streamed download), or until 64 KiB are held.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from ilrs_kg.edge import EVERY_REPLY, OTHER_POLICY
from ilrs_kg.errors import (
    BadRequest,
    HeadersTooLarge,
    IlrsKgError,
    RequestTimeout,
    TooManyConnections,
    UrlTooLong,
)
from ilrs_kg.settings import Settings
from ilrs_kg.web.statuses import headers_for, status_for

# Room for the method, the HTTP version and line ends around the target, in the buffer h11 keeps.
_REQUEST_LINE_SLACK = 64
# How long a refused connection stays half-open, so the client reads the refusal before the close.
_LINGER_S = 1.0
# Held writes leave at once past this size: a large body needs no company.
_HOLD_BYTES = 64 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    max_url_bytes: int
    max_header_bytes: int
    max_header_count: int
    header_timeout: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            settings.max_url_bytes,
            settings.max_header_bytes,
            settings.max_header_count,
            settings.header_timeout,
            settings.max_connections,
        )

    @property
    def max_head_bytes(self) -> int:
        return self.max_url_bytes + self.max_header_bytes + _REQUEST_LINE_SLACK

    def url_too_long(self) -> UrlTooLong:
        return UrlTooLong(
            f"the URL is longer than {self.max_url_bytes:,} bytes; send a long query with POST instead "
            "(a body of Content-Type application/sparql-query, or a form with query=...)"
        )

    def check(self, request: h11.Request) -> IlrsKgError | None:
        """Why a parsed head is refused, or None."""
        if len(request.target) > self.max_url_bytes:
            return self.url_too_long()
        if len(request.headers) > self.max_header_count:
            return HeadersTooLarge(
                f"the request has {len(request.headers)} header fields; the limit is {self.max_header_count}"
            )
        size = sum(len(name) + len(value) + 4 for name, value in request.headers)
        if size > self.max_header_bytes:
            return self.headers_too_large()
        return None

    def headers_too_large(self) -> HeadersTooLarge:
        return HeadersTooLarge(f"the request headers are larger than {self.max_header_bytes:,} bytes")

    def classify(self, buffered: bytes) -> IlrsKgError:
        """Why h11 gave up on the head in `buffered`: an overlong URL, overlong headers, or bad syntax."""
        if len(buffered) >= self.max_head_bytes:
            line_end = buffered.find(b"\n", 0, self.max_url_bytes + _REQUEST_LINE_SLACK)
            return self.url_too_long() if line_end < 0 else self.headers_too_large()
        return BadRequest("the request is not valid HTTP/1.1")


def refusal_bytes(error: IlrsKgError) -> bytes:
    """A whole HTTP/1.1 reply for an error, closing the connection; with the edge's security headers."""
    status = status_for(error)
    body = f"{error}\n".encode()
    lines = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode("ascii"),
        b"content-type: text/plain; charset=utf-8",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
        b"cache-control: no-store",
        b"content-security-policy: " + OTHER_POLICY.encode("ascii"),
    ]
    lines += [name + b": " + value for name, value in EVERY_REPLY]
    lines += [
        f"{name}: {value}".encode("latin-1")
        for name, value in headers_for(error).items()
        if name.lower() != "connection"
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class OneWrite(asyncio.Transport):
    """A connection's transport that joins the writes made while a reply is under way into one.

    Held bytes leave on `flush()` (the protocol calls it when a reply is complete), at the end of the
    event loop's turn in which they were written, past _HOLD_BYTES, and before a close or an EOF; an
    abort drops them with the connection."""

    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.inner = inner
        self.loop = loop
        self.held: list[bytes | bytearray | memoryview] = []
        self.held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self.held:
            self.loop.call_soon(self.flush)
        self.held.append(data)
        self.held_bytes += len(data)
        if self.held_bytes >= _HOLD_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.held:
            return
        data = self.held[0] if len(self.held) == 1 else b"".join(self.held)
        self.held.clear()
        self.held_bytes = 0
        self.inner.write(data)

    def write_eof(self) -> None:
        self.flush()
        self.inner.write_eof()

    def can_write_eof(self) -> bool:
        return self.inner.can_write_eof()

    def close(self) -> None:
        self.flush()
        self.inner.close()

    def abort(self) -> None:
        self.held.clear()
        self.held_bytes = 0
        self.inner.abort()

    def is_closing(self) -> bool:
        return self.inner.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.inner.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self.inner.pause_reading()

    def resume_reading(self) -> None:
        self.inner.resume_reading()

    def is_reading(self) -> bool:
        return self.inner.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.inner.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self.inner.get_write_buffer_size() + self.held_bytes

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self.inner.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.inner.set_write_buffer_limits(high, low)


class _Connection(h11.Connection):
    """h11's connection, remembering why it refused the last head."""

    def __init__(self, limits: ConnectionLimits) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=limits.max_head_bytes)
        self.limits = limits
        self.refusal: IlrsKgError | None = None

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError:
            self.refusal = self.limits.classify(self.trailing_data[0])
            raise
        if isinstance(event, h11.Request):
            self.refusal = self.limits.check(event)
            if self.refusal is not None:
                raise h11.RemoteProtocolError(str(self.refusal))
        return event


class LimitedH11Protocol(H11Protocol):
    limits: ClassVar[ConnectionLimits]
    conn: _Connection

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.conn = _Connection(self.limits)
        self.limit_concurrency = None  # this class refuses whole connections instead, before reading
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False

    @classmethod
    def with_limits(cls, limits: ConnectionLimits) -> type[LimitedH11Protocol]:
        return type("LimitedH11Protocol", (cls,), {"limits": limits})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.out = OneWrite(transport, self.loop)
        self.transport = self.out  # uvicorn's flow control keeps the socket's own
        if len(self.connections) > self.limits.max_connections:
            self.connections.discard(self)
            self.refuse(
                TooManyConnections(
                    f"this server process holds {self.limits.max_connections:,} connections, its limit; "
                    "retry shortly"
                )
            )
            return
        # uvicorn starts its keep-alive timer only after a first reply: a connection that never sends
        # anything would be held for ever.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if self.head_timer is None and self.conn.their_state is h11.IDLE:
            self.head_timer = self.loop.call_later(self.limits.header_timeout, self.head_timed_out)
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self.cancel_head_timer()

    def send_400_response(self, msg: str) -> None:
        """Called by uvicorn for any head h11 refuses: answer with the reason the connection recorded."""
        self.refuse(self.conn.refusal or BadRequest("the request is not valid HTTP/1.1"))

    def on_response_complete(self) -> None:
        self.out.flush()
        super().on_response_complete()
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            # Answered without reading the whole body (a route that takes none, a 413): the rest would
            # be read and dropped for as long as the client cares to send it. Close instead.
            self._unset_keepalive_if_required()
            self.linger_and_close()

    def head_timed_out(self) -> None:
        self.head_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.refuse(
                RequestTimeout(f"the request headers did not arrive within {self.limits.header_timeout:g} s")
            )

    def refuse(self, error: IlrsKgError) -> None:
        self.refused = True
        self.cancel_head_timer()
        self._unset_keepalive_if_required()
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # A request in progress (a body h11 could not parse): its app hears a disconnect, and writes
            # nothing more; a reply already under way cannot be followed by another.
            self.cycle.disconnected = True
            self.cycle.message_event.set()
            if self.cycle.response_started:
                self.transport.close()
                return
        self.transport.write(refusal_bytes(error))
        self.linger_and_close()

    def linger_and_close(self) -> None:
        """Stop reading, finish writing, close a moment later: closing at once with unread input would
        reset the connection, and the client might lose the reply."""
        self.refused = True
        self.transport.pause_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(_LINGER_S, self.transport.close)
        else:
            self.transport.close()

    def cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_head_timer()
        super().connection_lost(exc)
