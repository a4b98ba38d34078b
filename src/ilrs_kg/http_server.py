"""The HTTP/1.1 server protocol of `ilrs-kg serve`: uvicorn's httptools (llhttp, C) implementation, with
the connection limits a public server needs and the fixes uvicorn's version needs.

Why not uvicorn's h11 protocol (this module's protocol until issue 14): h11 reads and validates a
request, and writes its reply, in pure Python: a cached answer cost ~170 µs of the HTTP process's CPU
with h11 against ~70 µs with llhttp (docs/performance.md).

What this class changes in uvicorn's httptools protocol, and why:
- A declined upgrade goes on as HTTP/1.1. httptools tells llhttp that a request offering an upgrade
  has no body, so uvicorn lost the body of any POST offering one (Kludex/uvicorn#2722) and the rest of
  its read; the JDK's HTTP client, hence Jena, offers `Upgrade: h2c` on every http:// request. Here
  the parser is primed with the request's own framing (Content-Length or chunked, already validated
  by llhttp) and reads the body, then the next request, from where llhttp stopped.
- The limits, as the h11 protocol refused them (the same statuses and messages): the URL over
  `max_url_bytes` (414), more than `max_header_count` fields or more than `max_header_bytes` of them
  (431), a head not whole `header_timeout` seconds after its first byte (408), too many connections
  (503), a new or idle connection closed after the keep-alive timeout. llhttp keeps nothing, but
  httptools joins a header's parts in memory until its end: the bytes fed with no complete element
  (a header, a body part, the head's end) are bounded too, so an endless header or trailer is refused
  with 431 while it arrives, and costs a few times the head limit at most.
- HTTP/1.1 requests need exactly one Host (as h11 has it); header values lose their surrounding
  whitespace (as h11's do); trailer fields are counted against the limits and dropped (uvicorn added
  them to the request's headers after the app had read them).
- Pipelined requests are read one parser slice at a time: while a request waits for its reply, what
  follows it stays unparsed (bounded: reading is paused), so a read full of tiny requests cannot queue
  thousands of them.
- Anything llhttp refuses (Content-Length with Transfer-Encoding, a duplicate Content-Length, a bad
  chunk, an unknown transfer coding, obs-fold, control characters) gets a 400 with a plain-text
  reason, and the connection closes.

A reply leaves in one write: uvicorn writes the status and headers, then the body, each as soon as the
app hands it over, and on loopback each write costs a system call and a wake-up of the reader (the
largest single cost of an answered query, docs/performance.md). The protocol's transport (`OneWrite`)
holds what is written until the reply is complete, or until the end of the event loop's turn for a
reply sent in parts (a streamed download), or until 64 KiB are held.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
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

# Room for the method, the HTTP version and line ends around the target, in a head's size.
_REQUEST_LINE_SLACK = 64
# How long a refused connection stays half-open, so the client reads the refusal before the close.
_LINGER_S = 1.0
_WHITESPACE = b" \t"
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

    def headers_too_large(self) -> HeadersTooLarge:
        return HeadersTooLarge(f"the request headers are larger than {self.max_header_bytes:,} bytes")


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


class _Refused(Exception):
    """Raised from a parser callback to stop parsing; the protocol answers with `error`."""

    def __init__(self, error: IlrsKgError) -> None:
        super().__init__(str(error))
        self.error = error


class LimitedHttpProtocol(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limit_concurrency = None  # this class refuses whole connections instead, before reading
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False
        self.in_head = False  # between a request's first byte and the end of its head
        self.message_done = True  # the last request has been read whole (its body too)
        self.field_count = 0
        self.field_bytes = 0
        self.host_count = 0
        self.reprime: bytes | None = None  # the framing of a body llhttp skipped (declined upgrade)
        self.priming = False
        self.progress = False  # a parser callback completed something during the last feed
        self.stale = 0  # bytes fed since the last completed element, at most
        self.unparsed = bytearray()  # what follows a request whose reply is awaited
        # A parser slice: small enough that a slice of tiny pipelined requests queues a few hundred at
        # most, large enough that a head within the limits needs few slices.
        self.slice = self.limits.max_head_bytes

    @classmethod
    def with_limits(cls, limits: ConnectionLimits) -> type[LimitedHttpProtocol]:
        return type("LimitedHttpProtocol", (cls,), {"limits": limits})

    # Connection

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
        # uvicorn starts its keep-alive timer only after a first reply: a silent connection would stay.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        self._unset_keepalive_if_required()
        if self.unparsed or self.awaiting_reply():
            self.hold(data)
            return
        self.feed(memoryview(data))

    def awaiting_reply(self) -> bool:
        """Whether a request read whole waits for its reply: what follows can wait too."""
        if self.pipeline:  # queued requests: the parser has moved past the one being answered
            return True
        return self.message_done and self.cycle is not None and not self.cycle.response_complete

    def hold(self, data: memoryview | bytes) -> None:
        self.unparsed += data
        self.flow.pause_reading()
        # A head cut short by the hold is ours to finish reading, not the client's.
        self.cancel_head_timer()

    def feed(self, data: memoryview) -> None:
        """Parse `data` a slice at a time, keeping what follows a request whose reply is awaited."""
        if self.in_head and self.head_timer is None:
            self.start_head_timer()
        position = 0
        while position < len(data) and not self.refused:
            if self.awaiting_reply():
                self.hold(data[position:])
                return
            piece = data[position : position + self.slice]
            self.progress = False
            try:
                self.parser.feed_data(piece)
            except httptools.HttpParserUpgrade as upgrade:
                # Declined (the app serves no upgrade): the request is HTTP/1.1, its body or the next
                # request starts where llhttp stopped.
                piece = piece[: upgrade.args[0]]
                self.prime()
            except httptools.HttpParserError as error:
                refused = error.__context__
                self.refuse(
                    refused.error
                    if isinstance(refused, _Refused)
                    else BadRequest("the request is not valid HTTP/1.1")
                )
                return
            position += len(piece)
            self.stale = len(piece) if self.progress else self.stale + len(piece)
            if self.stale > self.slice + self.limits.max_head_bytes:
                # Parts of one header (or trailer, or chunk line) longer than any head may be.
                self.refuse(self.limits.headers_too_large())
                return

    def prime(self) -> None:
        """Put the parser, which llhttp left after a head whose body it skipped, into that body."""
        if self.reprime is None:
            return
        head, self.reprime = self.reprime, None
        self.priming = True
        try:
            self.parser.feed_data(head)
        finally:
            self.priming = False

    # Parser callbacks

    def on_message_begin(self) -> None:
        if self.priming:
            return
        super().on_message_begin()
        self.progress = True
        self.in_head = True
        self.message_done = False
        self.field_count = self.field_bytes = self.host_count = 0
        if self.head_timer is None:
            self.start_head_timer()

    def on_url(self, url: bytes) -> None:
        if self.priming:
            return
        super().on_url(url)
        self.progress = True
        if len(self.url) > self.limits.max_url_bytes:
            raise _Refused(self.limits.url_too_long())

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.priming:
            return
        self.progress = True
        self.field_count += 1
        self.field_bytes += len(name) + len(value) + 4
        if self.field_bytes > self.limits.max_header_bytes:
            raise _Refused(self.limits.headers_too_large())
        if not self.in_head or self.field_count > self.limits.max_header_count:
            return  # a trailer, or a field past the count, which on_headers_complete refuses
        if name.lower() == b"host":
            self.host_count += 1
        super().on_header(name, value.strip(_WHITESPACE))

    def on_headers_complete(self) -> None:
        if self.priming:
            return
        self.progress = True
        self.in_head = False
        self.cancel_head_timer()
        if self.field_count > self.limits.max_header_count:
            count, limit = self.field_count, self.limits.max_header_count
            raise _Refused(HeadersTooLarge(f"the request has {count} header fields; the limit is {limit}"))
        if self.host_count > 1 or (self.host_count == 0 and self.parser.get_http_version() == "1.1"):
            raise _Refused(BadRequest("the request is not valid HTTP/1.1: it needs one Host header"))
        if self.parser.should_upgrade():
            self.reprime = self.framing()
        super().on_headers_complete()

    def framing(self) -> bytes | None:
        """A head with this request's body framing only, or None if it has no body."""
        for name, value in self.headers:
            if name == b"transfer-encoding":
                return b"POST / HTTP/1.1\r\nTransfer-Encoding: " + value + b"\r\n\r\n"
            if name == b"content-length" and value.strip(b"0"):
                return b"POST / HTTP/1.1\r\nContent-Length: " + value + b"\r\n\r\n"
        return None

    def on_body(self, body: bytes) -> None:
        self.progress = True
        super().on_body(body)

    def on_message_complete(self) -> None:
        self.progress = True
        if self.reprime is not None:
            return  # llhttp's end of a body it skipped: the body follows, after prime()
        self.message_done = True
        super().on_message_complete()

    def on_chunk_header(self) -> None:
        self.progress = True

    def on_chunk_complete(self) -> None:
        self.progress = True

    # Replies and refusals

    def on_response_complete(self) -> None:
        self.out.flush()
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if self.cycle is not None and self.cycle.response_complete and self.cycle.more_body:
            # Answered without reading the whole body (a route that takes none, a 413): the rest would
            # be read and dropped for as long as the client cares to send it. Close instead.
            self._unset_keepalive_if_required()
            self.linger_and_close()
        elif self.unparsed and not self.awaiting_reply():
            pending = memoryview(bytes(self.unparsed))
            self.unparsed.clear()
            self._unset_keepalive_if_required()
            self.feed(pending)
            if not self.unparsed:
                self.flow.resume_reading()

    def send_400_response(self, msg: str) -> None:
        self.refuse(BadRequest("the request is not valid HTTP/1.1"))

    def head_timed_out(self) -> None:
        self.head_timer = None
        if not self.transport.is_closing() and self.in_head:
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
            # A request in progress (a body llhttp could not parse): its app hears a disconnect, and
            # writes nothing more; a reply already under way cannot be followed by another.
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

    def start_head_timer(self) -> None:
        self.head_timer = self.loop.call_later(self.limits.header_timeout, self.head_timed_out)

    def cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_head_timer()
        super().connection_lost(exc)
