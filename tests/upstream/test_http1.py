"""The HTTP/1.1 wire against real loopback servers that script the exact bytes they send:
every framing split at every byte, interim responses, trailers, keep-alive reuse and its
limits, stale pooled connections, the pool's limit and idle expiry, TLS, IPv6, the request
head it writes, where each failure is mapped, and hostile upstreams that must end with the
right error and bounded memory. Every test runs on asyncio's loop and on uvloop."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import socket
import ssl
import struct
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
import uvloop

from bridge.upstream.http1 import Http1Wire
from bridge.upstream.wire import (
    HEADER_TOO_LONG,
    MAX_HEADER_LINE,
    MAX_HEADERS,
    TOO_MANY_HEADERS,
    ConnectError,
    ConnectTimeout,
    ReadError,
    RemoteProtocolError,
    UnreadableHead,
    WireError,
    WireResponse,
    WriteTimeout,
)

MiB = 1 << 20
# Every test is bounded by this, so a wire that hangs fails instead of stalling the suite.
BOUND = 10.0


# asyncio's own loop, and uvloop (which the bridge runs on): see tests/upstream/conftest.py.
LOOP_FACTORIES = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


# -- a scripted upstream -----------------------------------------------------------------------


@dataclass
class Request:
    """One request as the upstream read it."""

    line: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name), None)


@dataclass
class Peer:
    """One accepted connection, as the scripted upstream sees it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    requests: list[Request] = field(default_factory=list)
    # Set when the script sees the client close: tests wait on it with `closed()`.
    closed_by_client: asyncio.Event = field(default_factory=asyncio.Event)

    async def request(self) -> Request | None:
        """The next request on this connection; None when the client closed it."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed_by_client.set()
            return None
        line, *fields = head[:-4].decode("latin-1").split("\r\n")
        headers = [(name, value.strip()) for name, _, value in (f.partition(":") for f in fields)]
        request = Request(line, headers, b"")
        length = int(request.header("content-length") or 0)
        request.body = await self.reader.readexactly(length)
        self.requests.append(request)
        return request

    async def send(self, *pieces: bytes) -> None:
        """Send each piece on its own: the client reads it before the next one goes."""
        for piece in pieces:
            if piece:
                self.writer.write(piece)
                await self.writer.drain()
                await asyncio.sleep(0.001)

    async def until_closed(self) -> None:
        """Read (and drop) whatever comes until the client closes the connection (bounded)."""
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(5.0):
                while await self.reader.read(65536):
                    pass
                self.closed_by_client.set()

    async def closed(self) -> bool:
        """Wait (bounded) until the script saw the client close; whether it did."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2.0):
                await self.closed_by_client.wait()
        return self.closed_by_client.is_set()

    def reset(self) -> None:
        """Abort with a TCP reset."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Script = Callable[[Peer], Awaitable[None]]


class Upstream:
    """A loopback server running `script` for each connection it accepts."""

    def __init__(self, script: Script, host: str, tls: ssl.SSLContext | None) -> None:
        self.script = script
        self.host = host
        self.tls = tls
        self.peers: list[Peer] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def url(self, path: str = "/v1/responses", host: str | None = None) -> str:
        host = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}{path}"

    @property
    def requests(self) -> list[Request]:
        return [request for peer in self.peers for request in peer.requests]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        peer = Peer(reader, writer)
        self.peers.append(peer)
        try:
            await self.script(peer)
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            peer.closed_by_client.set()  # what the script was sending or reading went nowhere
        finally:
            writer.transport.abort()
            self._tasks.discard(task)

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for peer in self.peers:
            peer.writer.transport.abort()
        await self._server.wait_closed()


Serve = Callable[..., Awaitable[Upstream]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Starts scripted upstreams: serve(script, host="127.0.0.1", tls=None)."""
    started: list[Upstream] = []

    async def start(script: Script, host: str = "127.0.0.1", tls: Any = None) -> Upstream:
        upstream = Upstream(script, host, tls)
        await upstream.start()
        started.append(upstream)
        return upstream

    yield start
    for upstream in started:
        await upstream.close()


Wires = Callable[..., Http1Wire]


@pytest.fixture
async def wires() -> AsyncIterator[Wires]:
    """Makes wires (max_connections=10, connect_timeout=2 unless told); closes them after."""
    made: list[Http1Wire] = []

    def make(**options: Any) -> Http1Wire:
        wire = Http1Wire(**{"max_connections": 10, "connect_timeout": 2.0, **options})
        made.append(wire)
        return wire

    yield make
    for wire in made:
        await wire.aclose()


async def read_all(response: WireResponse) -> bytes:
    parts = []
    while chunk := await response.read_chunk():
        parts.append(chunk)
    return b"".join(parts)


async def read_until_error(response: WireResponse) -> tuple[bytes, WireError | None]:
    """What the body handed over before it ended or broke, and how it broke."""
    parts = []
    try:
        while chunk := await response.read_chunk():
            parts.append(chunk)
    except WireError as error:
        return b"".join(parts), error
    return b"".join(parts), None


async def get(wire: Http1Wire, url: str) -> tuple[WireResponse, bytes]:
    response = await wire.send("GET", url, [], None)
    body = await read_all(response)
    await response.close()
    return response, body


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    """A whole response with a Content-Length body."""
    lines = [f"HTTP/1.1 {status}", *headers, f"content-length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answering(*replies: bytes) -> Script:
    """A keep-alive upstream answering its requests with `replies` in turn (then the last)."""

    async def script(peer: Peer) -> None:
        index = 0
        while await peer.request() is not None:
            await peer.send(replies[min(index, len(replies) - 1)])
            index += 1

    return script


# -- framings, split at every byte ------------------------------------------------------------


def chunk(data: bytes, extension: bytes = b"") -> bytes:
    return b"%x%s\r\n%s\r\n" % (len(data), extension, data)


@dataclass(frozen=True)
class Framing:
    """A response's bytes, what the wire must make of them, and whether it keeps the
    connection."""

    raw: bytes
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    keep_alive: bool = True


FRAMINGS = {
    "content-length": Framing(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req_1\r\n"
        b'Content-Length: 25\r\n\r\n{"id":"resp_1","ok":true}',
        200,
        [
            (b"Content-Type", b"application/json"),
            (b"x-request-id", b"req_1"),
            (b"Content-Length", b"25"),
        ],
        b'{"id":"resp_1","ok":true}',
    ),
    "chunked, extensions and trailers": Framing(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
        + chunk(b"data: 1\n\n", b";name=value")
        + chunk(b"data: 22\n\n")
        + chunk(b"d", b';q="quoted"')
        + b"0\r\nx-trailer: t\r\nx-more: u\r\n\r\n",
        200,
        [(b"content-type", b"text/event-stream"), (b"transfer-encoding", b"chunked")],
        b"data: 1\n\ndata: 22\n\nd",
    ),
    "interim responses first": Framing(
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nlink: </a>; rel=preload\r\n\r\n"
        b"HTTP/1.1 201 Created\r\nx-after: hints\r\ncontent-length: 2\r\n\r\nok",
        201,
        [(b"x-after", b"hints"), (b"content-length", b"2")],
        b"ok",
    ),
    "no content": Framing(
        b"HTTP/1.1 204 No Content\r\nx-empty: yes\r\n\r\n", 204, [(b"x-empty", b"yes")], b""
    ),
    "until the connection closes": Framing(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nthe body ends with its connection",
        200,
        [(b"content-type", b"text/plain")],
        b"the body ends with its connection",
        keep_alive=False,
    ),
    "HTTP/1.0": Framing(
        b"HTTP/1.0 200 OK\r\ncontent-length: 4\r\n\r\nold!",
        200,
        [(b"content-length", b"4")],
        b"old!",
        keep_alive=False,
    ),
}


def splitting(framing: Framing, cuts: Iterator[list[int]]) -> Script:
    """An upstream answering each request with `framing`, cut where `cuts` says next."""

    async def script(peer: Peer) -> None:
        while await peer.request() is not None:
            raw = framing.raw
            at = [0, *next(cuts), len(raw)]
            await peer.send(*(raw[start:end] for start, end in itertools.pairwise(at)))
            if not framing.keep_alive:
                return

    return script


@pytest.mark.parametrize("name", FRAMINGS)
async def test_each_framing_split_at_every_byte(serve: Serve, wires: Wires, name: str) -> None:
    """A response cut in two at every byte reads the same: status, raw headers and body, and
    a keep-alive response leaves its connection for the next request (one connection)."""
    framing = FRAMINGS[name]
    positions = range(1, len(framing.raw))
    upstream = await serve(splitting(framing, iter([[at] for at in positions])))
    wire = wires()
    async with asyncio.timeout(60):
        for _ in positions:
            response, body = await get(wire, upstream.url())
            assert (response.status, response.raw_headers, body) == (
                framing.status,
                framing.headers,
                framing.body,
            )
    assert len(upstream.peers) == (1 if framing.keep_alive else len(positions))


@pytest.mark.parametrize("name", FRAMINGS)
async def test_each_framing_byte_by_byte(serve: Serve, wires: Wires, name: str) -> None:
    """A response sent one byte at a time reads the same."""
    framing = FRAMINGS[name]
    upstream = await serve(splitting(framing, iter([list(range(1, len(framing.raw)))])))
    async with asyncio.timeout(BOUND):
        response, body = await get(wires(), upstream.url())
    assert (response.status, response.raw_headers, body) == (
        framing.status,
        framing.headers,
        framing.body,
    )


async def test_a_body_is_handed_over_as_it_arrives(serve: Serve, wires: Wires) -> None:
    """Each chunk is readable as soon as it arrives, before the rest of the body."""
    go_on = asyncio.Event()

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunk(b"one"))
        await go_on.wait()
        await peer.send(chunk(b"two") + b"0\r\n\r\n")

    upstream = await serve(script)
    async with asyncio.timeout(BOUND):
        response = await wires().send("GET", upstream.url(), [], None)
        assert await response.read_chunk() == b"one"
        go_on.set()
        assert await read_all(response) == b"two"


# -- the request -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "body", "length"),
    [("POST", b'{"a":1}', "7"), ("POST", None, "0"), ("GET", None, None), ("DELETE", None, None)],
)
async def test_the_request_head_and_body(
    serve: Serve, wires: Wires, method: str, body: bytes | None, length: str | None
) -> None:
    """The request line keeps the target as given, Host names the authority, the caller's
    headers follow in order, and Content-Length frames the body (0 for a POST without one)."""
    upstream = await serve(answering(answer(b"{}")))
    headers = [("content-type", "application/json"), ("x-Mixed-Case", "v a l")]
    url = upstream.url("/v1/responses/resp_1?include%5B%5D=x&b=c")
    async with asyncio.timeout(BOUND):
        response = await wires().send(method, url, headers, body)
        await read_all(response)
    (request,) = upstream.requests
    assert request.line == f"{method} /v1/responses/resp_1?include%5B%5D=x&b=c HTTP/1.1"
    expected = [("host", f"127.0.0.1:{upstream.port}"), *headers]
    if length is not None:
        expected.append(("content-length", length))
    assert request.headers == expected
    assert request.body == (body or b"")


async def test_a_large_body_arrives_whole(serve: Serve, wires: Wires) -> None:
    """A body of many MiB (written in pieces) reaches a slowly reading upstream intact."""
    body = bytes(range(256)) * (24 * 4096)  # 24 MiB

    async def script(peer: Peer) -> None:
        head = await peer.reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        digest = hashlib.sha256()
        while length:
            piece = await peer.reader.read(min(length, 65536))
            digest.update(piece)
            length -= len(piece)
            await asyncio.sleep(0)
        await peer.send(answer(digest.hexdigest().encode()))

    upstream = await serve(script)
    async with asyncio.timeout(BOUND):
        response = await wires().send("POST", upstream.url(), [], body)
        assert await read_all(response) == hashlib.sha256(body).hexdigest().encode()


@pytest.mark.parametrize(
    ("method", "url_path", "headers"),
    [
        ("POST", "/v1/responses", [("x-a", "one\r\nx-injected: 1")]),
        ("POST", "/v1/responses", [("x-a", "one\ntwo")]),
        ("POST", "/v1/responses", [("x-a", "one\rtwo")]),
        ("POST", "/v1/responses", [("x-a", "nul\0")]),
        ("POST", "/v1/responses", [("bad name", "v")]),
        ("POST", "/v1/responses", [("x-a:b", "v")]),
        ("POST", "/v1/responses", [("", "v")]),
        ("POST", "/v1/responses HTTP/1.1\r\nx-injected: 1\r\n\r\nGET /", []),
        ("POST", "/v1/a b", []),
        ("GET /x HTTP/1.1\r\n", "/v1/responses", []),
        ("HEAD", "/v1/responses", []),
        ("CONNECT", "/v1/responses", []),
    ],
    ids=[
        *("crlf", "lf", "cr", "nul", "space-name", "colon-name", "empty-name", "target", "space"),
        *("method-injection", "head", "connect"),
    ],
)
async def test_injected_lines_are_refused_before_connecting(
    serve: Serve, wires: Wires, method: str, url_path: str, headers: list[tuple[str, str]]
) -> None:
    """A header or target carrying CR, LF, NUL or a space, a header name or method that is
    not a token, or a method whose reply this wire cannot frame (HEAD, CONNECT), is a
    ConnectError and nothing reaches the upstream."""
    upstream = await serve(answering(answer(b"{}")))
    with pytest.raises(ConnectError, match="ValueError"):
        await wires().send(method, upstream.url(url_path), headers, b"{}")
    assert upstream.peers == []


# -- keep-alive and the pool -------------------------------------------------------------------


async def test_keep_alive_connections_are_reused(serve: Serve, wires: Wires) -> None:
    """Sequential requests share one connection; a response saying Connection: close, or
    read only in part, is not reused."""
    replies = iter(
        [
            answer(b"1"),
            answer(b"2"),
            answer(b"3", "connection: close"),
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nthe first part",
        ]
    )

    async def script(peer: Peer) -> None:
        while await peer.request() is not None:
            await peer.send(next(replies, answer(b"5")))

    upstream = await serve(script)
    wire = wires()
    async with asyncio.timeout(BOUND):
        for expected in (b"1", b"2", b"3"):
            assert (await get(wire, upstream.url()))[1] == expected
        assert await upstream.peers[0].closed()
        response = await wire.send("GET", upstream.url(), [], None)
        await response.close()  # unfinished: the connection goes with it
        assert await upstream.peers[1].closed()
        assert (await get(wire, upstream.url()))[1] == b"5"
    assert [len(peer.requests) for peer in upstream.peers] == [3, 1, 1]


async def test_closing_an_unfinished_body_closes_its_connection(serve: Serve, wires: Wires) -> None:
    """Closing a response mid-body drops the connection: the upstream sees its client leave."""

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunk(b"a"))
        await peer.until_closed()

    upstream = await serve(script)
    async with asyncio.timeout(BOUND):
        response = await wires().send("GET", upstream.url(), [], None)
        assert await response.read_chunk() == b"a"
        await response.close()
        assert await upstream.peers[0].closed()


async def test_a_pooled_connection_closed_while_idle_is_not_used(
    serve: Serve, wires: Wires
) -> None:
    """A keep-alive connection the upstream closes after its response leaves the pool: the
    next request goes out on a new connection and succeeds."""
    served = asyncio.Event()

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(answer(b"ok"))
        peer.writer.close()
        served.set()

    upstream = await serve(script)
    wire = wires()
    async with asyncio.timeout(BOUND):
        await get(wire, upstream.url())
        await served.wait()
        await asyncio.sleep(0.05)  # the close reaches the client
        assert (await get(wire, upstream.url()))[1] == b"ok"
    assert len(upstream.peers) == 2


def closing_on_request(replies_before: int, *, partial: bytes = b"") -> Script:
    """An upstream that answers `replies_before` requests per connection, then reads one
    more and closes the connection, having sent `partial` of a response."""

    async def script(peer: Peer) -> None:
        for _ in range(replies_before):
            await peer.request()
            await peer.send(answer(b"ok"))
        await peer.request()
        await peer.send(partial)

    return script


@pytest.mark.parametrize("method", ["GET", "DELETE", "POST"])
async def test_an_idempotent_request_meeting_a_stale_connection_is_sent_again(
    serve: Serve, wires: Wires, method: str
) -> None:
    """A pooled connection the upstream closes as a request arrives (nothing of a response
    sent) is replaced once for an idempotent request, which is sent again on a new
    connection and succeeds; a POST fails as the connection did, sent once (RFC 9112,
    9.3.1: resending it is the caller's decision)."""
    connections = 0

    async def script(peer: Peer) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            await closing_on_request(1)(peer)
        else:
            await answering(answer(b"second"))(peer)

    upstream = await serve(script)
    wire = wires()
    async with asyncio.timeout(BOUND):
        await get(wire, upstream.url())
        if method == "POST":
            with pytest.raises(RemoteProtocolError, match="without sending a response"):
                await wire.send(method, upstream.url(), [], b"{}")
        else:
            response = await wire.send(method, upstream.url(), [], None)
            assert await read_all(response) == b"second"
            await response.close()
    requests = [[request.line.split()[0] for request in peer.requests] for peer in upstream.peers]
    assert requests == ([["GET", "POST"]] if method == "POST" else [["GET", method], [method]])


async def test_a_stale_connection_is_replaced_only_once(serve: Serve, wires: Wires) -> None:
    """When the new connection also closes without a response, the request fails."""
    scripts = iter([closing_on_request(1), closing_on_request(0)])
    upstream = await serve(lambda peer: next(scripts)(peer))
    wire = wires()
    async with asyncio.timeout(BOUND):
        await get(wire, upstream.url())
        with pytest.raises(RemoteProtocolError, match="without sending a response"):
            await wire.send("GET", upstream.url(), [], None)
    assert [len(peer.requests) for peer in upstream.peers] == [2, 1]


@pytest.mark.parametrize("partial", [b"", b"HTTP/1.1 200 OK\r\n"], ids=["nothing", "partial"])
async def test_a_new_connection_or_a_started_response_is_not_sent_again(
    serve: Serve, wires: Wires, partial: bytes
) -> None:
    """A fresh connection closing without a response, or a pooled one closing part-way
    through a response, fails the request without sending it again."""
    upstream = await serve(closing_on_request(1 if partial else 0, partial=partial))
    wire = wires()
    async with asyncio.timeout(BOUND):
        if partial:
            await get(wire, upstream.url())
        with pytest.raises(RemoteProtocolError):
            await wire.send("GET", upstream.url(), [], None)
    assert len(upstream.requests) == (2 if partial else 1)
    assert len(upstream.peers) == 1


async def test_callers_wait_for_a_free_connection_at_the_limit(serve: Serve, wires: Wires) -> None:
    """At max_connections a caller waits until a body is read to its end, then reuses that
    connection; a waiting caller that is cancelled gives its turn away."""
    release = asyncio.Event()

    async def script(peer: Peer) -> None:
        while await peer.request() is not None:
            await peer.send(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nha")
            await release.wait()
            await peer.send(b"lf")

    upstream = await serve(script)
    wire = wires(max_connections=1)
    async with asyncio.timeout(BOUND):
        first = await wire.send("GET", upstream.url(), [], None)
        assert await first.read_chunk() == b"ha"
        cancelled = asyncio.create_task(wire.send("GET", upstream.url(), [], None))
        waiting = asyncio.create_task(get(wire, upstream.url()))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        assert len(upstream.peers) == 1
        cancelled.cancel()
        release.set()
        assert await read_all(first) == b"lf"
        assert (await waiting)[1] == b"half"
        with pytest.raises(asyncio.CancelledError):
            await cancelled
    assert len(upstream.peers) == 1


async def test_a_closed_response_frees_its_place_at_the_limit(serve: Serve, wires: Wires) -> None:
    """A caller waiting at the limit gets a new connection once a response is closed
    unfinished."""

    async def script(peer: Peer) -> None:
        while await peer.request() is not None:
            await peer.send(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\nunfinished")

    upstream = await serve(script)
    wire = wires(max_connections=1)
    async with asyncio.timeout(BOUND):
        first = await wire.send("GET", upstream.url(), [], None)
        waiting = asyncio.create_task(wire.send("GET", upstream.url(), [], None))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        await first.close()
        response = await waiting
        assert response.status == 200
    assert len(upstream.peers) == 2


async def test_without_a_limit_each_unfinished_response_has_its_connection(
    serve: Serve, wires: Wires
) -> None:
    """max_connections=0: as many connections as responses open at once."""

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n.")
        await peer.until_closed()

    upstream = await serve(script)
    wire = wires(max_connections=0)
    async with asyncio.timeout(BOUND):
        responses = [await wire.send("GET", upstream.url(), [], None) for _ in range(12)]
        for response in responses:
            await response.close()
    assert len(upstream.peers) == 12


async def test_idle_connections_expire(serve: Serve, wires: Wires) -> None:
    """A pooled connection idle for idle_timeout is closed; the next request opens another."""
    upstream = await serve(answering(answer(b"ok")))
    wire = wires(idle_timeout=0.2)
    async with asyncio.timeout(BOUND):
        await get(wire, upstream.url())
        await get(wire, upstream.url())
        assert len(upstream.peers) == 1
        assert await upstream.peers[0].closed()
        await get(wire, upstream.url())
    assert len(upstream.peers) == 2


async def test_aclose_closes_every_connection(serve: Serve, wires: Wires) -> None:
    """Closing the wire closes idle connections and fails a body being read with ReadError."""
    replies = iter([b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nbusy", answer(b"idle")])

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(next(replies))
        await peer.until_closed()

    upstream = await serve(script)
    wire = wires()
    async with asyncio.timeout(BOUND):
        busy = await wire.send("GET", upstream.url(), [], None)
        await get(wire, upstream.url())
        await wire.aclose()
        body, failure = await read_until_error(busy)
        assert (body, type(failure), str(failure)) == (
            b"busy",
            ReadError,
            "ReadError: the connection pool was closed",
        )
        assert [await peer.closed() for peer in upstream.peers] == [True, True]


async def test_cancelling_a_request_closes_its_connection(serve: Serve, wires: Wires) -> None:
    """A send cancelled while the head is awaited closes the connection and frees its place."""

    asked = asyncio.Event()

    async def script(peer: Peer) -> None:
        if not upstream.peers[1:]:
            await peer.request()
            asked.set()
            await peer.until_closed()
        else:
            await answering(answer(b"next"))(peer)

    upstream = await serve(script)
    wire = wires(max_connections=1)
    async with asyncio.timeout(BOUND):
        sending = asyncio.create_task(wire.send("GET", upstream.url(), [], None))
        await asked.wait()
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
        assert await upstream.peers[0].closed()
        assert (await get(wire, upstream.url()))[1] == b"next"


# -- TLS, IPv6, host names ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA, *names: str, seen: list[str | None]) -> ssl.SSLContext:
    """A server's TLS context with a certificate for `names`, noting each SNI it is sent."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)

    def note(_sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        seen.append(name)

    context.sni_callback = note
    return context


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    """A client's TLS context trusting `ca` alone."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.mark.parametrize(("host", "sni"), [("localhost", "localhost"), ("127.0.0.1", None)])
async def test_tls_with_sni_and_keep_alive(
    serve: Serve, wires: Wires, ca: trustme.CA, host: str, sni: str | None
) -> None:
    """Over TLS the wire sends the host name as SNI (none for an address), verifies the
    certificate with the given context, and reuses the connection."""
    seen: list[str | None] = []
    tls = server_context(ca, "localhost", "127.0.0.1", seen=seen)
    upstream = await serve(answering(answer(b"secure")), tls=tls)
    wire = wires(ssl_context=client_context(ca))
    async with asyncio.timeout(BOUND):
        for _ in range(2):
            assert (await get(wire, upstream.url(host=host)))[1] == b"secure"
    assert seen == [sni]
    assert len(upstream.peers) == 1


async def test_tls_refuses_a_certificate_for_another_name(
    serve: Serve, wires: Wires, ca: trustme.CA
) -> None:
    """A certificate that does not name the host is a ConnectError."""
    tls = server_context(ca, "elsewhere.test", seen=[])
    upstream = await serve(answering(answer(b"")), tls=tls)
    with pytest.raises(ConnectError, match="certificate"):
        async with asyncio.timeout(BOUND):
            await wires(ssl_context=client_context(ca)).send(
                "GET", upstream.url(host="localhost"), [], None
            )


async def test_tls_unfinished_body_closes_its_connection(
    serve: Serve, wires: Wires, ca: trustme.CA
) -> None:
    """Over TLS too, closing a response mid-body closes its connection."""

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart")
        await peer.until_closed()

    upstream = await serve(script, tls=server_context(ca, "localhost", seen=[]))
    async with asyncio.timeout(BOUND):
        response = await wires(ssl_context=client_context(ca)).send(
            "GET", upstream.url(host="localhost"), [], None
        )
        assert await response.read_chunk() == b"part"
        await response.close()
        assert await upstream.peers[0].closed()


async def test_a_tls_handshake_that_never_ends_is_a_connect_timeout(
    serve: Serve, wires: Wires
) -> None:
    """The connect timeout covers the TLS handshake."""

    async def script(peer: Peer) -> None:
        await peer.until_closed()

    upstream = await serve(script)
    url = upstream.url().replace("http://", "https://")
    with pytest.raises(ConnectTimeout):
        async with asyncio.timeout(BOUND):
            await wires(connect_timeout=0.2).send("GET", url, [], None)


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
async def test_ipv6_literal(serve: Serve, wires: Wires) -> None:
    """An IPv6 address in brackets connects, and Host keeps the brackets."""
    upstream = await serve(answering(answer(b"six")), host="::1")
    async with asyncio.timeout(BOUND):
        assert (await get(wires(), upstream.url()))[1] == b"six"
    assert upstream.requests[0].header("host") == f"[::1]:{upstream.port}"


async def test_host_names_are_resolved(serve: Serve, wires: Wires) -> None:
    """A host name is looked up (concurrent connects share the lookup) and each address
    tried in turn; Host says the name."""
    upstream = await serve(answering(answer(b"named")))
    wire = wires()
    url = upstream.url(host="localhost")
    async with asyncio.timeout(BOUND):
        replies = await asyncio.gather(*(get(wire, url) for _ in range(3)))
    assert [body for _, body in replies] == [b"named"] * 3
    assert {request.header("host") for request in upstream.requests} == {
        f"localhost:{upstream.port}"
    }


# -- failures, by where they happen ------------------------------------------------------------


async def test_nothing_listening_is_a_connect_error(wires: Wires) -> None:
    """A refused connection is a ConnectError naming the address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectError, match=f"127.0.0.1:{port}"):
        await wires().send("GET", f"http://127.0.0.1:{port}/v1", [], None)


def sending_then(data: bytes, how: str) -> Script:
    """An upstream that reads a request, sends `data`, then closes ("close") or resets."""

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(data)
        if how == "reset":
            peer.reset()

    return script


@pytest.mark.parametrize(
    ("send", "how", "error"),
    [
        (b"", "reset", ConnectError),
        (b"", "close", RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\ncontent-type: text/ev", "close", RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\ncontent-type: text/ev", "reset", RemoteProtocolError),
    ],
    ids=["reset", "close", "cut-head-close", "cut-head-reset"],
)
async def test_a_connection_lost_before_the_head(
    serve: Serve, wires: Wires, send: bytes, how: str, error: type[WireError]
) -> None:
    """Before any byte of the response a reset is a ConnectError and a close a
    RemoteProtocolError; part-way through the head both are RemoteProtocolError."""
    upstream = await serve(sending_then(send, how))
    with pytest.raises(error) as caught:
        async with asyncio.timeout(BOUND):
            await wires().send("GET", upstream.url(), [], None)
    assert type(caught.value) is error


@pytest.mark.parametrize(
    ("raw", "how", "error"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nfirst part", "close", RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nfirst part", "reset", ReadError),
        (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunk(b"first part"),
            "close",
            RemoteProtocolError,
        ),
        (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\na\r\nfirst part",
            "close",
            RemoteProtocolError,
        ),
        (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunk(b"first part"),
            "reset",
            ReadError,
        ),
    ],
    ids=["length-close", "length-reset", "chunked-close", "mid-chunk-close", "chunked-reset"],
)
async def test_a_body_that_breaks_hands_over_what_arrived_first(
    serve: Serve, wires: Wires, raw: bytes, how: str, error: type[WireError]
) -> None:
    """Every byte that arrived before the break is read before the error: a close before the
    framing's end is RemoteProtocolError, a reset ReadError."""
    upstream = await serve(sending_then(raw, how))
    async with asyncio.timeout(BOUND):
        response = await wires().send("GET", upstream.url(), [], None)
        await asyncio.sleep(0.05)  # the break arrives while the body is still unread
        body, failure = await read_until_error(response)
    assert body == b"first part"
    assert type(failure) is error


async def test_bytes_nobody_asked_for_drop_an_idle_connection(serve: Serve, wires: Wires) -> None:
    """An upstream sending bytes on an idle pooled connection loses it; the next request
    goes out on a new connection."""

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(answer(b"ok"), b"HTTP/1.1 200 OK\r\n\r\n")
        await peer.until_closed()

    upstream = await serve(script)
    wire = wires()
    async with asyncio.timeout(BOUND):
        await get(wire, upstream.url())
        assert await upstream.peers[0].closed()
        await get(wire, upstream.url())
    assert len(upstream.peers) == 2


async def test_a_request_body_nobody_reads_is_a_write_timeout(serve: Serve, wires: Wires) -> None:
    """A large body the upstream stops reading fails with WriteTimeout (the connect
    timeout, per piece), and the connection is closed."""

    async def script(peer: Peer) -> None:
        await peer.reader.readuntil(b"\r\n\r\n")
        await peer.closed_by_client.wait()

    upstream = await serve(script)
    with pytest.raises(WriteTimeout):
        async with asyncio.timeout(BOUND):
            await wires(connect_timeout=0.3).send("POST", upstream.url(), [], b"x" * (64 * MiB))


async def test_a_response_before_the_whole_request_is_returned(serve: Serve, wires: Wires) -> None:
    """An upstream answering before it read a large body gets its answer returned at once,
    and the connection (its request cut short) is not reused."""

    async def script(peer: Peer) -> None:
        await peer.reader.readuntil(b"\r\n\r\n")
        await peer.send(answer(b"too large", status="413 Payload Too Large"))
        await peer.until_closed()

    upstream = await serve(script)
    async with asyncio.timeout(BOUND):
        response = await wires(connect_timeout=5.0).send(
            "POST", upstream.url(), [], b"x" * (64 * MiB)
        )
        assert (response.status, await read_all(response)) == (413, b"too large")
        assert await upstream.peers[0].closed()


# -- response heads and hostile upstreams ------------------------------------------------------


def head_with(lines: list[bytes]) -> bytes:
    return b"HTTP/1.1 200 OK\r\n" + b"".join(line + b"\r\n" for line in lines)


def in_pieces(data: bytes, size: int = 997) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


FILLER = len(b"x-long: ")


@pytest.mark.parametrize("pieces", [False, True], ids=["whole", "in-pieces"])
@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([b"x-h-%d: v" % i for i in range(MAX_HEADERS - 1)], None),
        ([b"x-h-%d: v" % i for i in range(MAX_HEADERS)], TOO_MANY_HEADERS),
        ([b"x-long: " + b"v" * (MAX_HEADER_LINE - FILLER)], None),
        ([b"x-long: " + b"v" * (MAX_HEADER_LINE - FILLER + 1)], HEADER_TOO_LONG),
    ],
    ids=["128-headers", "129-headers", "longest-line", "line-too-long"],
)
async def test_response_head_bounds(
    serve: Serve, wires: Wires, lines: list[bytes], problem: str | None, pieces: bool
) -> None:
    """128 headers (the content-length one included) and lines of 8190 bytes are read;
    one header more, or a byte more, is UnreadableHead saying which, without the URL."""
    raw = head_with([*lines, b"content-length: 2"]) + b"\r\nok"

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(*(in_pieces(raw) if pieces else [raw]))

    upstream = await serve(script)
    async with asyncio.timeout(BOUND):
        if problem is None:
            response, body = await get(wires(), upstream.url())
            assert (len(response.raw_headers), body) == (len(lines) + 1, b"ok")
            return
        with pytest.raises(UnreadableHead) as caught:
            await wires().send("GET", upstream.url(), [], None)
    assert str(caught.value) == f"UnreadableHead: {problem}"


def endless(start: bytes, filler: bytes) -> Script:
    """An upstream sending `start`, then `filler` until 64 MiB or until the client leaves."""

    async def script(peer: Peer) -> None:
        await peer.request()
        peer.writer.write(start)
        block = filler * max(1, 65536 // len(filler))
        for _ in range(64 * MiB // len(block)):
            peer.writer.write(block)
            await peer.writer.drain()

    return script


HOSTILE = {
    "endless headers": (
        endless(b"HTTP/1.1 200 OK\r\n", b"x-a: b\r\n"),
        UnreadableHead(TOO_MANY_HEADERS),
    ),
    "endless header line": (
        endless(b"HTTP/1.1 200 OK\r\nx-a: ", b"a"),
        UnreadableHead(HEADER_TOO_LONG),
    ),
    "endless status line": (endless(b"HTTP/1.1 200 ", b"a"), UnreadableHead(HEADER_TOO_LONG)),
    "endless chunk size line": (
        endless(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", b"0"),
        RemoteProtocolError,
    ),
    "endless chunk extension": (
        endless(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;", b"a"),
        RemoteProtocolError,
    ),
    "endless trailers": (
        endless(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n", b"x-t: v\r\n"),
        RemoteProtocolError,
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
async def test_endless_heads_and_framing_end_with_bounded_memory(
    serve: Serve, wires: Wires, name: str
) -> None:
    """Heads, chunk size lines, extensions and trailers that never end fail with the right
    error after a few KiB, holding a few MiB at most (64 MiB were on offer), and the
    connection is closed."""
    script, expected = HOSTILE[name]
    upstream = await serve(script)
    tracemalloc.start()
    try:
        async with asyncio.timeout(BOUND):
            try:
                response = await wires().send("GET", upstream.url(), [], None)
                body, failure = await read_until_error(response)
            except WireError as error:
                body, failure = b"", error
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if isinstance(expected, WireError):
        assert (type(failure), str(failure)) == (type(expected), str(expected))
    else:
        assert type(failure) is expected
    assert body == b""
    assert peak < 4 * MiB
    assert await upstream.peers[0].closed()


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n", UnreadableHead),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999999\r\n\r\n", UnreadableHead),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab", UnreadableHead),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n", UnreadableHead),
        (b"HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n", UnreadableHead),
        (b"HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\n\r\n", UnreadableHead),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", UnreadableHead),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", RemoteProtocolError),
        (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n",
            RemoteProtocolError,
        ),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabcX", RemoteProtocolError),
    ],
    ids=[
        "negative-length",
        "overflowing-length",
        "two-lengths",
        "bad-length",
        "bad-status",
        "upgrade",
        "not-http",
        "invalid-chunk-size",
        "overflowing-chunk-size",
        "chunk-without-crlf",
    ],
)
async def test_malformed_framing(
    serve: Serve, wires: Wires, raw: bytes, error: type[WireError]
) -> None:
    """A head llhttp refuses is UnreadableHead (its reason, never the URL); a malformed body
    is RemoteProtocolError; the connection is closed either way."""

    async def script(peer: Peer) -> None:
        await peer.request()
        await peer.send(raw)
        await peer.until_closed()

    upstream = await serve(script)
    async with asyncio.timeout(BOUND):
        try:
            response = await wires().send("GET", upstream.url(), [], None)
            _, failure = await read_until_error(response)
        except WireError as caught:
            failure = caught
        assert type(failure) is error
        assert str(upstream.port) not in str(failure)
        assert await upstream.peers[0].closed()


async def test_a_slow_reader_holds_a_bounded_body(serve: Serve, wires: Wires) -> None:
    """An endless chunk offered faster than it is read is held to about 1 MiB (the socket
    is paused, then resumed as the reader takes it), and every byte arrives in order."""
    total = 48 * MiB
    block = bytes(range(256)) * 256  # 64 KiB

    async def script(peer: Peer) -> None:
        await peer.request()
        peer.writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        peer.writer.write(b"%x\r\n" % total)
        for _ in range(total // len(block)):
            peer.writer.write(block)
            await peer.writer.drain()
        peer.writer.write(b"\r\n0\r\n\r\n")
        await peer.writer.drain()
        # Aborting now would drop what the transport still buffers for the slow reader.
        await peer.until_closed()

    upstream = await serve(script)
    tracemalloc.start()
    try:
        async with asyncio.timeout(30):
            response = await wires().send("GET", upstream.url(), [], None)
            await asyncio.sleep(0.5)  # the reader is busy elsewhere
            received = 0
            while piece := await response.read_chunk():
                start = received % 256
                assert piece == (block[:256] * (len(piece) // 256 + 2))[start : start + len(piece)]
                received += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == total
    assert peak < 8 * MiB
