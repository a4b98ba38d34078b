"""The HTTP server of `ilrs-kg serve` (ilrs_kg.http_server) over raw sockets on 127.0.0.1: it reads every
request body whatever Upgrade/Connection headers come with it, and it holds its connection limits
against slow, endless and too many clients. Small limits keep each test within a few seconds."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from uvicorn.server import ServerState

from ilrs_kg.app import create_app
from ilrs_kg.http_server import ConnectionLimits, LimitedHttpProtocol
from ilrs_kg.sparql.backend import InProcessBackend
from ilrs_kg.sparql.limits import Limits
from tests.fixtures.sparql.support import CHANGE_6, LABELS, Served, memory_store, serving, settings

H2C = (
    b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
    b"HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAABkAAQBAAAAAAUAAEAA\r\n"
)
LIMITS = {
    "--max-url-bytes": "4096",
    "--max-header-bytes": "4096",
    "--max-header-count": "20",
    "--header-timeout": "1",
    "--body-timeout": "1",
    "--keep-alive-timeout": "1",
    "--max-connections": "8",
}
SLACK = 2.0  # seconds beyond a limit within which the refusal must come, on a loaded machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    options = [item for pair in LIMITS.items() for item in pair]
    with serving(
        tmp_path_factory.mktemp("build"), "--http-processes", "1", "--workers", "1", *options
    ) as served:
        yield served


def connect(server: Served) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


# What a read brought beyond the reply it completed: the start of the next pipelined reply.
_AHEAD: weakref.WeakKeyDictionary[socket.socket, bytes] = weakref.WeakKeyDictionary()


def read_reply(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 reply with a Content-Length body: (status, headers in lower case, body)."""
    data = _AHEAD.pop(sock, b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a whole reply head: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])
    }
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    body, _AHEAD[sock] = body[:length], body[length:]
    return int(lines[0].split()[1]), headers, body


def exchange(server: Served, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    with connect(server) as sock:
        sock.sendall(raw)
        return read_reply(sock)


def closed_within(sock: socket.socket, seconds: float) -> float:
    """Seconds until the server closed the connection (reading and dropping what it sends)."""
    started = time.monotonic()
    until_closed(sock, seconds)
    return time.monotonic() - started


def until_closed(sock: socket.socket, seconds: float) -> bytes:
    """What the server sends until it closes the connection (read past the last reply included)."""
    sock.settimeout(seconds)
    received = _AHEAD.pop(sock, b"")
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def post(
    body: bytes,
    *,
    extra: bytes = H2C,
    content_type: bytes = b"application/sparql-query",
    chunked: bool = False,
) -> bytes:
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % len(body)
    payload = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if chunked else body
    return (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
        + extra
        + b"Content-Type: "
        + content_type
        + b"\r\n"
        + framing
        + b"\r\n"
        + payload
    )


def labels_in(body: bytes) -> set[str]:
    return {row["label"]["value"] for row in json.loads(body)["results"]["bindings"]}


OFFERS = {
    "h2c": H2C,
    "websocket": b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
    "two protocols, keep-alive": b"Connection: keep-alive, Upgrade\r\nUpgrade: h2c, foo/2\r\n",
}


@pytest.mark.parametrize("offer", OFFERS)
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_post_offering_an_upgrade_is_answered_from_its_body(
    server: Served, chunked: bool, offer: str
) -> None:
    status, headers, body = exchange(server, post(LABELS.encode(), extra=OFFERS[offer], chunked=chunked))
    assert status == 200, body
    assert "嫦娥六号" in labels_in(body)
    assert "upgrade" not in headers  # the offer is declined: the reply is HTTP/1.1


def test_a_form_post_with_the_upgrade_offer_and_the_next_request_on_the_connection(server: Served) -> None:
    form = urllib.parse.urlencode({"query": LABELS}).encode()
    with connect(server) as sock:
        sock.sendall(
            post(form, content_type=b"application/x-www-form-urlencoded")
            + b"GET /sparql?"
            + urllib.parse.urlencode({"query": f"ASK {{ <{CHANGE_6}> ?p ?o }}"}).encode()
            + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n"
        )
        status, _, body = read_reply(sock)
        assert status == 200 and "嫦娥六号" in labels_in(body)
        status, _, body = read_reply(sock)
        assert status == 200 and json.loads(body)["boolean"] is True


def test_the_jdk_http_client_posts_a_query_as_jena_does(server: Served, tmp_path: Path) -> None:
    """java.net.http.HttpClient (what Jena uses) offers h2c on every http:// request."""
    java = shutil.which("java")
    assert java is not None, "a JDK is needed (Debian: default-jdk-headless)"
    source = tmp_path / "Post.java"
    source.write_text("""
        import java.net.URI;
        import java.net.http.*;
        public class Post {
            public static void main(String[] args) throws Exception {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
                HttpRequest request = HttpRequest.newBuilder(URI.create(args[0]))
                    .header("Content-Type", "application/sparql-query")
                    .header("Accept", "application/sparql-results+json")
                    .POST(HttpRequest.BodyPublishers.ofString(args[1])).build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                System.out.println(response.version() + " " + response.statusCode());
                System.out.println(response.body());
            }
        }
    """)
    env = {**os.environ, "JAVA_TOOL_OPTIONS": "-Xshare:auto"}
    run = subprocess.run(
        [java, str(source), f"{server.url}/sparql", LABELS],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    first, _, body = run.stdout.partition("\n")
    assert first == "HTTP_1_1 200"
    assert "嫦娥六号" in labels_in(body.encode())


def test_a_get_over_the_url_limit_gets_414_saying_to_post(server: Served) -> None:
    query = LABELS + " #" + "x" * 5000
    status, headers, body = exchange(
        server,
        b"GET /sparql?"
        + urllib.parse.urlencode({"query": query}).encode()
        + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    )
    assert status == 414
    assert b"longer than 4,096 bytes" in body and b"POST" in body
    assert headers["x-content-type-options"] == "nosniff" and headers["connection"] == "close"


def test_an_endless_request_line_gets_414_not_a_bare_error(server: Served) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /sparql?query=" + b"x" * 200_000)
        status, _, body = read_reply(sock)
    assert status == 414 and b"POST" in body


def test_too_large_or_too_many_headers_get_431(server: Served) -> None:
    big = b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 5000 + b"\r\n\r\n"
    status, headers, body = exchange(server, big)
    assert status == 431 and b"larger than 4,096 bytes" in body
    assert headers["content-type"].startswith("text/plain") and headers["x-content-type-options"] == "nosniff"
    many = (
        b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-%d: 1\r\n" % i for i in range(30))
        + b"\r\n"
    )
    status, _, body = exchange(server, many)
    assert status == 431 and b"31 header fields; the limit is 20" in body


def test_an_endless_header_gets_431_while_still_arriving(server: Served) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ")
        try:
            for _ in range(100):
                sock.sendall(b"a" * 10_000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, _ = read_reply(sock)
    assert status == 431


def test_a_malformed_chunked_body_gets_400_and_the_connection_closed(server: Served) -> None:
    with connect(server) as sock:
        sock.sendall(
            post(b"", extra=b"").replace(b"Content-Length: 0\r\n", b"Transfer-Encoding: chunked\r\n")
            + b"zz\r\nSELECT\r\n0\r\n\r\n"
        )
        status, headers, body = read_reply(sock)
        assert status == 400 and b"not valid HTTP/1.1" in body and headers["connection"] == "close"
        assert closed_within(sock, SLACK) < SLACK


def test_a_slow_head_gets_408_and_is_closed(server: Served) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        # One byte every 0.2 s: each keeps the connection busy, none resets the deadline.
        try:
            for byte in b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n":
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
        except OSError:
            pass  # closed by the server after its reply
        status, _, body = read_reply(sock)
        assert status == 408 and b"headers did not arrive within 1 s" in body
        assert closed_within(sock, SLACK) < SLACK
        assert time.monotonic() - started < 1 + 2 * SLACK


def test_a_body_shorter_than_its_content_length_gets_408_not_a_hang(server: Served) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 500\r\n\r\nSELECT * WHERE"
        )
        status, headers, body = read_reply(sock)
        assert time.monotonic() - started < 1 + SLACK
        assert status == 408 and b"body did not arrive within 1 s (14 bytes came)" in body
        assert headers["connection"] == "close"
        assert closed_within(sock, SLACK) < SLACK


def test_a_body_the_route_does_not_read_cannot_hold_the_connection(server: Served) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nab"
        )
        assert read_reply(sock)[0] == 200
        started = time.monotonic()
        try:
            for _ in range(30):  # a byte every 0.2 s, for longer than the server waits
                sock.sendall(b"c")
                time.sleep(0.2)
        except OSError:
            pass  # closed by the server
        assert closed_within(sock, SLACK) < SLACK
        assert time.monotonic() - started < 1 + 2 * SLACK


def test_idle_connections_are_closed_after_the_keep_alive_timeout(server: Served) -> None:
    with connect(server) as silent:
        assert closed_within(silent, 1 + SLACK) < 1 + SLACK
    with connect(server) as used:
        used.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert read_reply(used)[0] == 200
        assert closed_within(used, 1 + SLACK) < 1 + SLACK


def test_connections_beyond_the_limit_are_refused_at_once_and_served_again_later(server: Served) -> None:
    held = [connect(server) for _ in range(8)]
    try:
        time.sleep(0.2)  # let the server accept them
        with connect(server) as extra:
            started = time.monotonic()
            try:
                extra.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                status, headers, body = read_reply(extra)
                assert status == 503 and b"8 connections, its limit" in body and headers["retry-after"] == "1"
            except (ConnectionError, OSError):
                pass  # refused by a reset: also prompt
            assert time.monotonic() - started < 0.9  # before the held ones time out
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)
    assert exchange(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")[0] == 200


ASK = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
QUERY = b"SELECT * WHERE { ?s ?p ?o } LIMIT 1"
SMUGGLING = {
    "content-length and chunked": b"Content-Length: 35\r\nTransfer-Encoding: chunked\r\n",
    "chunked and content-length": b"Transfer-Encoding: chunked\r\nContent-Length: 35\r\n",
    "two equal content-lengths": b"Content-Length: 35\r\nContent-Length: 35\r\n",
    "two content-lengths": b"Content-Length: 35\r\nContent-Length: 3\r\n",
    "a content-length list": b"Content-Length: 35, 35\r\n",
    "chunked twice": b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "chunked, then gzip": b"Transfer-Encoding: chunked, gzip\r\n",
    "an unknown coding": b"Transfer-Encoding: gzip\r\n",
    "space before the colon": b"Transfer-Encoding : chunked\r\nContent-Length: 35\r\n",
    "a folded line": b"Content-Length: 35\r\nX-Fold: a\r\n folded\r\n",
    "a bare CR": b"Content-Length: 35\r\nX-Cr: a\rb\r\n",
    "no Host": b"",
}


@pytest.mark.parametrize("framing", SMUGGLING)
def test_ambiguous_framing_and_malformed_heads_get_400_and_the_connection_closed(
    server: Served, framing: str
) -> None:
    """Request smuggling needs two readings of one request: each of these gets one, a refusal."""
    host = b"" if framing == "no Host" else b"Host: 127.0.0.1\r\n"
    extra = SMUGGLING[framing] or b"Content-Length: 35\r\n"
    time.sleep(0.2)  # each refused connection lingers 1 s: keep this test's under the limit of 8
    with connect(server) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\n"
            + host
            + b"Content-Type: application/sparql-query\r\n"
            + extra
            + b"\r\n"
            + QUERY
            + ASK
        )
        status, headers, body = read_reply(sock)
        assert status == 400 and b"not valid HTTP/1.1" in body, body
        assert headers["connection"] == "close" and headers["x-content-type-options"] == "nosniff"
        # Nothing after the refused request is read as a request of its own: the connection closes
        # with no second reply.
        started = time.monotonic()
        rest = until_closed(sock, SLACK)
        assert time.monotonic() - started < SLACK and b"HTTP/1.1 " not in rest, rest


def test_two_host_headers_get_400(server: Served) -> None:
    status, _, body = exchange(server, ASK.replace(b"\r\n\r\n", b"\r\nHost: evil.example\r\n\r\n"))
    assert status == 400 and b"one Host header" in body


def test_pipelined_requests_are_answered_in_order_on_one_connection(server: Served) -> None:
    asks = [f"ASK {{ <{CHANGE_6}> ?p ?o }}", "ASK { <urn:nothing> ?p ?o }"] * 25
    with connect(server) as sock:
        sock.sendall(
            b"".join(
                b"GET /sparql?"
                + urllib.parse.urlencode({"query": ask}).encode()
                + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n"
                for ask in asks
            )
            + post(LABELS.encode())  # the last one offering h2c, with a body
        )
        for index in range(len(asks)):
            status, _, body = read_reply(sock)
            assert status == 200 and json.loads(body)["boolean"] is (index % 2 == 0)
        status, _, body = read_reply(sock)
        assert status == 200 and "嫦娥六号" in labels_in(body)


def test_a_get_offering_h2c_and_the_next_request_in_the_same_packet(server: Served) -> None:
    with connect(server) as sock:
        sock.sendall(ASK.replace(b"\r\n\r\n", b"\r\n" + H2C + b"\r\n") + ASK)
        assert read_reply(sock)[0] == 200
        assert read_reply(sock)[0] == 200


def test_trailer_fields_are_dropped_and_an_endless_one_gets_431(server: Served) -> None:
    head = post(b"", extra=b"").replace(b"Content-Length: 0\r\n", b"Transfer-Encoding: chunked\r\n")
    body = b"%x\r\n%s\r\n0\r\n" % (len(LABELS.encode()), LABELS.encode())
    # A trailer cannot change how the request was read (here: its Content-Type).
    status, _, reply = exchange(server, head + body + b"Content-Type: text/plain\r\n\r\n")
    assert status == 200 and "嫦娥六号" in labels_in(reply)
    with connect(server) as sock:
        sock.sendall(head + body + b"X-Endless: ")
        try:
            for _ in range(100):
                sock.sendall(b"a" * 10_000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert read_reply(sock)[0] == 431


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


def test_ten_unfinished_30_mb_headers_do_not_grow_the_server(server: Served) -> None:
    before = rss_kb(server.process.pid)
    peak = before

    def send_huge_header() -> None:
        with connect(server) as sock:
            try:
                sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ")
                for _ in range(30):
                    sock.sendall(b"a" * 1_000_000)
            except OSError:
                pass  # refused and closed: the rest is never sent

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        senders = [pool.submit(send_huge_header) for _ in range(10)]
        while not all(sender.done() for sender in senders):
            peak = max(peak, rss_kb(server.process.pid))
            time.sleep(0.02)
    after = rss_kb(server.process.pid)
    print(f"server RSS before {before / 1024:.1f} MB, peak {peak / 1024:.1f} MB, after {after / 1024:.1f} MB")
    assert peak - before < 20_000
    assert exchange(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")[0] == 200


SMALL = ConnectionLimits(
    max_url_bytes=100, max_header_bytes=200, max_header_count=3, header_timeout=1, max_connections=1
)


class RecordingTransport(asyncio.Transport):
    """A socket's transport that records each write the protocol makes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def can_write_eof(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def writes_for(app: object, *requests: bytes, limits: ConnectionLimits = SMALL) -> list[bytes]:
    """The transport writes the server's protocol makes answering `requests` on one connection."""

    async def main() -> list[bytes]:
        config = uvicorn.Config(app, lifespan="off", proxy_headers=False)  # type: ignore[arg-type]
        protocol = LimitedHttpProtocol.with_limits(limits)(config, ServerState(), {})
        transport = RecordingTransport()
        protocol.connection_made(transport)
        for request in requests:
            protocol.data_received(request)
            for _ in range(200):  # until the reply is written whole
                await asyncio.sleep(0.005)
                if protocol.cycle is not None and protocol.cycle.response_complete:
                    break
            await asyncio.sleep(0.01)  # anything written after the reply would show up here
        protocol.connection_lost(None)
        return transport.writes

    return asyncio.run(main())


def test_a_query_reply_leaves_in_one_write_head_and_body_together(tmp_path: Path) -> None:
    base = settings(tmp_path)
    app = create_app(base, InProcessBackend(memory_store(base), Limits.from_settings(base)))
    target = "/sparql?" + urllib.parse.urlencode({"query": LABELS})
    request = f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n".encode()
    page = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    writes = writes_for(app, request, request, page, limits=ConnectionLimits.from_settings(base))
    # Three replies on one keep-alive connection, one write each: the uncached answer, the cached one
    # and a routed page.
    assert len(writes) == 3
    for write in writes[:2]:
        head, _, body = write.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ")
        assert len(labels_in(body)) == 11
    assert writes[2].startswith(b"HTTP/1.1 200 ") and writes[2].endswith(b"Disallow: /incoming/\n")


def test_a_refused_head_is_one_write_too() -> None:
    writes = writes_for(
        app_answering(b""), b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300 + b"\r\n\r\n"
    )
    assert len(writes) == 1 and writes[0].startswith(b"HTTP/1.1 431 ")


def test_a_reply_sent_in_parts_still_arrives_whole_and_in_order() -> None:
    writes = writes_for(app_answering(b"first ", b"second ", b"third"), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    joined = b"".join(writes)
    assert joined.startswith(b"HTTP/1.1 200 ")
    assert joined.endswith(b"first \r\n7\r\nsecond \r\n5\r\nthird\r\n0\r\n\r\n")
    # Parts the app sent in different turns of the event loop leave as they come, not held back.
    assert len(writes) > 1


def app_answering(*parts: bytes) -> object:
    """An ASGI app streaming `parts` (no Content-Length: chunked), yielding to the loop between them."""

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        for index, part in enumerate(parts):
            await asyncio.sleep(0.001)
            more = index < len(parts) - 1
            await send({"type": "http.response.body", "body": part, "more_body": more})  # type: ignore[operator]

    return app


def test_a_read_of_thousands_of_pipelined_requests_queues_a_few_hundred_at_most() -> None:
    """h11 read one request at a time; llhttp parses a whole read unless it is fed in slices."""
    limits = ConnectionLimits(
        max_url_bytes=4096, max_header_bytes=4096, max_header_count=20, header_timeout=5, max_connections=4
    )
    queued: list[int] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        queued.append(len(protocol.pipeline))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    async def main() -> list[bytes]:
        protocol.connection_made(transport)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 5_000)
        for _ in range(1_000):
            await asyncio.sleep(0.01)
            if len(queued) == 5_000:
                break
        await asyncio.sleep(0.01)
        protocol.connection_lost(None)
        return transport.writes

    loop = asyncio.new_event_loop()
    config = uvicorn.Config(app, lifespan="off", proxy_headers=False)  # type: ignore[arg-type]
    protocol = LimitedHttpProtocol.with_limits(limits)(config, ServerState(), {}, loop)
    transport = RecordingTransport()
    try:
        writes = loop.run_until_complete(main())
    finally:
        loop.close()
    assert len(queued) == 5_000  # every request answered
    assert b"".join(writes).count(b"HTTP/1.1 200 ") == 5_000
    assert max(queued) <= limits.max_head_bytes // 26  # one slice of 26-byte requests at most
