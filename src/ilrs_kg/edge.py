"""What every request and reply passes through at the app's edge: one ASGI middleware.

- On the way in, the request's origin is replaced by the configured public base (`Settings.link_base`):
  scheme, server and Host. Every absolute link, `Location` and the endpoint's own IRI is made from the
  scope, so no client-sent Host can reach a page, a redirect or a cached reply.
- The request body must arrive whole within `Settings.body_timeout` seconds of its head; past that the
  route reading it gets RequestTimeout (408, and the connection is closed), whatever the route.
- On the way out, every reply gets `X-Content-Type-Options: nosniff`, `Referrer-Policy`, `X-Frame-Options`
  and a Content-Security-Policy: HTML may load styles and images from this origin only and run no script
  at all, but the query page (/sparql), which runs the query editor's own files from this origin
  (EDITOR_POLICY); anything else is sandboxed. A header the app set itself is kept.

The HTTP server's own refusals (ilrs_kg.http_server), sent before the app sees a request, carry
EVERY_REPLY too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ilrs_kg.errors import RequestTimeout
from ilrs_kg.settings import Settings

Headers = list[tuple[bytes, bytes]]

# No script of any origin runs (the pages have none; JSON-LD data blocks are not scripts); nothing but
# styles and images of this origin and of the public base (where the pages' links point: a browser may
# have reached the server by another name) loads; no page can be framed.
HTML_POLICY = (
    "default-src 'none'; style-src 'self' {base}; img-src 'self' {base} data:; form-action 'self' {base}; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# The query page (/sparql in HTML) runs the vendored query editor (static/yasgui/, our sparql-editor.js):
# scripts from this origin only, never inline and never eval; it fetches from this origin only (queries
# and completion lists go to /sparql). One relaxation: the bundle's column resizer adds one fixed <style>
# element (its grip rules; without them a blank band pushes the results table down), allowed by its
# hash alone, not by 'unsafe-inline'. A new YASGUI build changes the hash: tests/test_sparql_editor.py
# recomputes it from the vendored file and watches the browser for any violation. No other host.
EDITOR_STYLE_HASH = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
EDITOR_POLICY = (
    "default-src 'none'; script-src 'self' {base}; connect-src 'self' {base}; "
    f"style-src 'self' {{base}} {EDITOR_STYLE_HASH}; img-src 'self' {{base}} data:; "
    "form-action 'self' {base}; base-uri 'none'; frame-ancestors 'none'"
)
EDITOR_PATH = "/sparql"
# Results, RDF and plain-text errors opened in a browser are documents without any rights at all.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
EVERY_REPLY: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_FOR_OTHERS = (*EVERY_REPLY, (b"content-security-policy", OTHER_POLICY.encode("ascii")))
_HTML_TYPES = (b"text/html", b"application/xhtml+xml")


@dataclass(frozen=True)
class PublicBase:
    """An origin links are made from: scheme, host and port, as written (`authority`)."""

    scheme: str
    host: str
    port: int
    authority: str

    @classmethod
    def parse(cls, text: str) -> PublicBase:
        """Raises ValueError saying what is wrong with `text`."""
        parts = urlsplit(text.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the public base {text!r} is not an http:// or https:// URL with a host")
        if parts.username is not None or parts.query or parts.fragment or parts.path not in ("", "/"):
            raise ValueError(
                f"the public base {text!r} must be an origin only, such as https://example.org/ "
                "(no path, query, fragment or user)"
            )
        port = parts.port  # raises ValueError for a port that is not a number in range
        default = 443 if parts.scheme == "https" else 80
        return cls(parts.scheme, parts.hostname, port if port is not None else default, parts.netloc.lower())

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}/"


def public_scope(scope: Scope, base: PublicBase, host: bytes) -> Scope:
    """The request as if sent to the public base (`host` is its authority, encoded): its Host header,
    scheme and server replaced."""
    headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
    headers.append((b"host", host))
    return {**scope, "scheme": base.scheme, "server": (base.host, base.port), "headers": headers}


def html_headers(base: PublicBase, policy: str = HTML_POLICY) -> Headers:
    """The security headers of an HTML reply, its policy naming the public base."""
    origin = f"{base.scheme}://{base.authority.encode('idna').decode('ascii')}"
    return [*EVERY_REPLY, (b"content-security-policy", policy.format(base=origin).encode("ascii"))]


def reply_headers(headers: Iterable[tuple[bytes, bytes]], for_html: Headers) -> Headers:
    """The reply's headers with the security headers it lacks added: `for_html` on HTML."""
    result = list(headers)
    present = set()
    html = False
    for name, value in result:
        name = name.lower()
        present.add(name)
        if name == b"content-type":
            html = value.lower().startswith(_HTML_TYPES)
    result.extend(pair for pair in (for_html if html else _FOR_OTHERS) if pair[0] not in present)
    return result


class Edge:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.base = PublicBase.parse(settings.link_base)
        self.host = self.base.authority.encode("idna")
        self.for_html = html_headers(self.base)
        self.for_editor = html_headers(self.base, EDITOR_POLICY)
        self.body_timeout = settings.body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        for_html = self.for_editor if scope["path"] == EDITOR_PATH else self.for_html

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": reply_headers(message.get("headers", ()), for_html)}
            await send(message)

        await self.app(public_scope(scope, self.base, self.host), self._in_time(receive), send_secured)

    def _in_time(self, receive: Receive) -> Receive:
        """`receive`, raising RequestTimeout once the body is late; after the body, unchanged (a route
        may wait for the client to disconnect as long as it likes)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        received = 0
        complete = False

        async def receive_in_time() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise RequestTimeout(
                    f"the request body did not arrive within {self.body_timeout:g} s ({received:,} bytes "
                    "came); send the whole body at once"
                ) from None
            received += len(message.get("body", b""))
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        return receive_in_time
