"""HTTP/1.1 to an upstream on asyncio, parsed by llhttp (httptools): the default wire.

`Http1Wire` implements `bridge.upstream.wire.Wire` with one `asyncio.Protocol` per
connection and llhttp's C parser, and nothing between the socket and the caller's
`read_chunk()` but a list of the body's pieces: per request it costs a fraction of the
CPU of a general-purpose client (no per-request timers, cookie jars or redirect logic).

Connections
    One pool per wire, of at most `max_connections` connections (0: unbounded) over every
    origin; a caller waits for a free one at the limit, and an idle connection of another
    origin is closed to make room. A connection goes back to the pool only once its
    response was read to the end, the request was written whole and the response allowed
    keep-alive; the most recently used is reused first, and one idle for `idle_timeout`
    (aiohttp's 15 s) is closed. A pooled connection the upstream closes while idle leaves
    the pool as its close arrives; one found closed as a request goes out is replaced by a
    new connection, once, and so is one the upstream closes after an idempotent request
    went out on it with nothing of the response back (RFC 9112, 9.3.1); a POST that went
    out fails, for the caller's retry policy to decide. Host names are resolved
    through the loop, cached for 10 s and shared by concurrent connects; addresses are
    tried in order within the connect timeout, which covers the TLS handshake (the given
    `ssl.SSLContext`, SNI and host name check; the system's trust store without one).

Requests
    Any method but HEAD and CONNECT (whose replies are framed otherwise). The head is the
    wire's own request line, Host and Content-Length (sent on every
    POST, PUT and PATCH, and whenever there is a body) after the caller's headers, which
    must not carry CR, LF or NUL. A body over 1 MiB is written in 256 KiB pieces, each
    waiting for the socket to drain, within the connect timeout per piece (else
    `WriteTimeout`); writing stops when the response head arrives first.

Responses
    A response head is bounded before the parser sees it (a line over MAX_HEADER_LINE
    bytes, or more than MAX_HEADERS headers, is `UnreadableHead`), so memory is bounded
    however it is sent; interim (1xx) responses are skipped. Bodies framed by
    Content-Length, chunked (extensions and trailers allowed and ignored) or ended by the
    connection's close are handed over undecoded, as they arrive; chunk framing or
    trailers of more than MAX_HEADER_LINE bytes between two pieces of body end the body
    as `RemoteProtocolError`. Reading pauses while more than 1 MiB of body waits for a
    slow reader and resumes when the reader takes it.

Failures map onto `WireError`s as `bridge.upstream.wire` describes: before any byte of
the response, a refused or reset connection is `ConnectError` and a clean close
`RemoteProtocolError`; a close part-way through the head `RemoteProtocolError`; a head
llhttp refuses `UnreadableHead` (its reason, never the URL); a body that breaks
`ReadError`, one that ends before its framing said or whose framing is malformed
`RemoteProtocolError`, each raised only after every byte that arrived before it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections import deque
from collections.abc import Sequence
from typing import NamedTuple, cast

import httptools

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

__all__ = ["IDLE_TIMEOUT", "Http1Wire"]

# An idle pooled connection is closed after this long (aiohttp's keep-alive timeout).
IDLE_TIMEOUT = 15.0
# Body bytes held for a slow reader before the socket stops being read.
_HIGH_WATER = 1 << 20
# Request bodies past this are written in pieces, the loop free between them.
_LARGE_BODY = 1 << 20
_PIECE = 1 << 18
# Host name lookups are reused for this long (aiohttp's DNS cache).
_DNS_TTL = 10.0
# Methods whose requests say Content-Length even without a body (some servers want it).
_BODIED = frozenset(("POST", "PUT", "PATCH"))
# Methods sent again when a pooled connection turns out closed (RFC 9110, 9.2.2).
_IDEMPOTENT = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"))
# Methods whose replies this wire cannot frame (their bodies are absent or a tunnel).
_BODILESS = frozenset(("HEAD", "CONNECT"))
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# A connection's states.
_IDLE = 0  # no request on it: new, or in the pool
_HEAD = 1  # a request sent, its response head awaited
_BODY = 2  # the response's body being received
_CLOSED = 3

Headers = Sequence[tuple[str, str]]


class _Origin(NamedTuple):
    """Where requests go: scheme, host and port, and what the Host header says."""

    tls: bool
    host: str
    port: int
    authority: str
    literal: bool  # an IP address: nothing to resolve


class _Response:
    """The body of one response, handed over as it arrives (WireResponse)."""

    __slots__ = (
        "_chunks",
        "_conn",
        "_done",
        "_failure",
        "_loop",
        "_paused",
        "_size",
        "_waiter",
        "raw_headers",
        "status",
        "until_close",
    )

    def __init__(
        self,
        conn: _Connection,
        status: int,
        headers: list[tuple[bytes, bytes]],
        until_close: bool,
    ) -> None:
        self._conn = conn
        self._loop = conn.loop
        self.status = status
        self.raw_headers = headers
        # No Content-Length and not chunked: the body ends when the connection does.
        self.until_close = until_close
        self._chunks: list[bytes] = []
        self._size = 0
        self._done = False
        self._failure: WireError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False

    async def read_chunk(self) -> bytes:
        chunks = self._chunks
        if not chunks:
            if self._done:
                return b""
            if self._failure is not None:
                raise self._failure
            waiter = self._waiter = self._loop.create_future()
            try:
                await waiter
            finally:
                self._waiter = None
            if not chunks:
                self._raise_failure()
                return b""
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self._size = 0
        if self._paused:
            self._paused = False
            self._conn.resume_reading()
        return data

    async def close(self) -> None:
        if not self._done and self._failure is None:
            # An unfinished body: dropping its connection tells the upstream we left.
            self._conn.drop(self)
        self._chunks.clear()

    def add(self, data: bytes) -> None:
        """A piece of the body arrived."""
        self._chunks.append(data)
        self._size += len(data)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        if self._size > _HIGH_WATER and not self._paused:
            self._paused = True
            self._conn.pause_reading()

    def _raise_failure(self) -> None:
        # After the wait, a method rather than the test inline: type checkers keep
        # `self._failure` narrowed to None from the test before the wait, across the
        # `await` during which `fail` may set it.
        failure = self._failure
        if failure is not None:
            raise failure

    def finish(self) -> None:
        """The body is complete."""
        self._done = True
        self._wake()

    def fail(self, error: WireError) -> None:
        """The body broke; what arrived before is still handed over first."""
        if not self._done and self._failure is None:
            self._failure = error
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection: one exchange at a time, parsed as bytes arrive."""

    __slots__ = (
        "_drain",
        "_head",
        "_headers",
        "_line",
        "_lines",
        "_parser",
        "_pool",
        "_response",
        "_stalled",
        "_whole",
        "_write_paused",
        "idle_since",
        "key",
        "loop",
        "received",
        "reused",
        "state",
        "transport",
        "written",
    )

    def __init__(self, pool: Http1Wire, key: _Origin, loop: asyncio.AbstractEventLoop) -> None:
        self._pool = pool
        self.key = key
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self.state = _IDLE
        self.reused = False
        self.received = False  # a byte of the current response has arrived
        self.written = False  # a byte of the current request went out
        self.idle_since = 0.0
        self._head: asyncio.Future[_Response] | None = None
        self._response: _Response | None = None
        self._headers: list[tuple[bytes, bytes]] = []
        self._line = 0  # bytes of the head's current line so far
        self._lines = 0  # complete lines of the current head
        self._stalled = 0  # body bytes fed since the last piece of body
        self._whole = True  # the request was written whole
        self._write_paused = False
        self._drain: asyncio.Future[None] | None = None

    # -- the exchange --------------------------------------------------------------------

    async def exchange(self, head: bytes, body: bytes | None, write_timeout: float) -> _Response:
        """Send a request; return its response once the head has arrived."""
        transport = self.transport
        self.written = False
        if self.state != _IDLE or transport is None or transport.is_closing():
            self.end(None, abort=True)
            raise ConnectError("connection closed before the request was sent")
        future: asyncio.Future[_Response] = self.loop.create_future()
        self._head = future
        self.state = _HEAD
        self.received = False
        self.written = True
        self._line = self._lines = 0
        try:
            if body is not None and len(body) > _LARGE_BODY:
                # Reusable only once the body went out whole.
                self._whole = False
                transport.write(head)
                await self._write_large(body, write_timeout)
            else:
                self._whole = True
                transport.write(head + body if body else head)
            return await future
        except BaseException:
            # Close the connection only while it still serves this exchange: once the
            # response is complete it may already carry someone else's.
            if self._head is future:
                self._head = None
                future.cancel()
                self.end(None, abort=True)
            elif (
                future.done()
                and not future.cancelled()
                and future.exception() is None
                and self._response is future.result()
            ):
                self.end(None, abort=True)
            raise

    async def _write_large(self, body: bytes, seconds: float) -> None:
        view = memoryview(body)
        transport = self.transport
        assert transport is not None
        for start in range(0, len(view), _PIECE):
            if self.state != _HEAD:
                return  # the response (or the connection's end) came first
            transport.write(view[start : start + _PIECE])
            if self._write_paused:
                drain = self._drain = self.loop.create_future()
                try:
                    async with asyncio.timeout(seconds):
                        await drain
                except TimeoutError:
                    raise WriteTimeout(
                        f"the request body was not written within {seconds:g} s"
                    ) from None
                finally:
                    self._drain = None
        self._whole = True

    def drop(self, response: _Response) -> None:
        """Close the connection if it still carries `response` (left unfinished)."""
        if self._response is response:
            self.end(ReadError("the response was closed"), abort=True)

    def pause_reading(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.resume_reading()

    def end(self, error: WireError | None, *, abort: bool) -> None:
        """Close the connection; a head or body still awaited fails with `error`."""
        state = self.state
        if state != _CLOSED:
            self.state = _CLOSED
            if state == _HEAD:
                head = self._head
                self._head = None
                if head is not None and not head.done():
                    head.set_exception(error or ConnectError("connection closed"))
            elif state == _BODY:
                response = self._response
                self._response = None
                if response is not None:
                    response.fail(error or ReadError("connection closed"))
            self._wake_drain()
            transport = self.transport
            if transport is not None:
                if abort:
                    transport.abort()
                else:
                    transport.close()
        self._pool.forget(self)

    def _wake_drain(self) -> None:
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)

    # -- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        state = self.state
        if state == _BODY:
            self._body_data(data)
        elif state == _HEAD:
            self.received = True
            self._head_data(data)
        elif state == _IDLE:
            # Bytes nobody asked for: the connection can no longer be trusted.
            self.end(None, abort=True)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None  # closed already: nothing left to close
        state = self.state
        if state == _HEAD:
            self.end(self._lost_head(exc), abort=True)
        elif state == _BODY:
            response = self._response
            if exc is None and response is not None and response.until_close:
                self._response = None
                response.finish()
                self.end(None, abort=True)
            elif exc is None:
                self.end(
                    RemoteProtocolError("connection closed before the body was complete"),
                    abort=True,
                )
            else:
                self.end(ReadError(str(exc) or type(exc).__name__), abort=True)
        else:
            self.end(None, abort=True)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_drain()

    def _lost_head(self, exc: Exception | None) -> WireError:
        if self.received:
            return RemoteProtocolError("server disconnected in the middle of the response head")
        if exc is None:
            return RemoteProtocolError("server disconnected without sending a response")
        return ConnectError(str(exc) or type(exc).__name__)

    # -- the head ------------------------------------------------------------------------

    def _head_data(self, data: bytes) -> None:
        while True:
            problem, end = self._scan(data)
            if problem is not None:
                self.end(UnreadableHead(problem), abort=True)
                return
            piece = data if end < 0 else data[:end]
            try:
                self._parser.feed_data(piece)
            except httptools.HttpParserUpgrade:
                self.end(UnreadableHead("unexpected 101 Switching Protocols"), abort=True)
                return
            except httptools.HttpParserError as exc:
                if self.state == _HEAD:
                    self.end(UnreadableHead(_reason(exc)), abort=True)
                elif self.state == _BODY:
                    self.end(RemoteProtocolError(f"malformed body: {_reason(exc)}"), abort=True)
                return
            if end < 0 or end == len(data):
                return
            data = data[end:]
            if self.state == _BODY:
                self._body_data(data)
                return
            if self.state != _HEAD:
                # Bytes after a complete response that nobody asked for.
                self.end(None, abort=True)
                return
            # An interim (1xx) response ended; the next head follows.

    def _scan(self, data: bytes) -> tuple[str | None, int]:
        """Where the head ends in `data` (just past its blank line, or -1 if it goes on),
        or what is wrong with it: a line over MAX_HEADER_LINE bytes, or too many lines."""
        line = self._line
        lines = self._lines
        if line == 0 and lines == 0:
            # The usual head: whole in one read, short enough that no line can be too long.
            end = data.find(b"\r\n\r\n", 0, MAX_HEADER_LINE + 4)
            if end >= 0 and data.count(b"\n", 0, end) <= MAX_HEADERS:
                return None, end + 4
        position = 0
        while True:
            newline = data.find(b"\n", position)
            if newline < 0:
                line += len(data) - position
                if line > MAX_HEADER_LINE + 1:
                    return HEADER_TOO_LONG, -1
                self._line = line
                self._lines = lines
                return None, -1
            # The line's bytes before its LF, its CR included.
            length = line + newline - position
            line = 0
            position = newline + 1
            if length <= 1:
                self._line = self._lines = 0
                return None, position
            if length > MAX_HEADER_LINE + 1:
                return HEADER_TOO_LONG, -1
            lines += 1
            if lines > MAX_HEADERS + 1:  # the status line and the headers
                return TOO_MANY_HEADERS, -1

    # -- the body ------------------------------------------------------------------------

    def _body_data(self, data: bytes) -> None:
        response = self._response
        pieces = len(response._chunks) if response is not None else 0
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if self.state == _BODY:
                self.end(RemoteProtocolError(f"malformed body: {_reason(exc)}"), abort=True)
            return
        if self.state != _BODY or response is None or len(response._chunks) != pieces:
            self._stalled = 0
            return
        # No body in all of it: chunk framing or trailers, which must stay short.
        self._stalled += len(data)
        if self._stalled > MAX_HEADER_LINE:
            self.end(
                RemoteProtocolError(
                    f"malformed body: more than {MAX_HEADER_LINE} bytes of chunk framing"
                ),
                abort=True,
            )

    # -- httptools' callbacks ------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self.state != _HEAD:
            # A second response nobody asked for.
            self.end(None, abort=True)
            raise _Unexpected
        self._headers = []

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.state == _HEAD:
            self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.state != _HEAD:
            return
        status = self._parser.get_status_code()
        headers = self._headers
        self._headers = []
        if status < 200:
            return  # interim: the final response follows
        until_close = status not in (204, 304) and _until_close(headers)
        response = _Response(self, status, headers, until_close)
        self._response = response
        self.state = _BODY
        self._stalled = 0
        self._wake_drain()
        head = self._head
        self._head = None
        if head is not None and not head.done():
            head.set_result(response)

    def on_body(self, body: bytes) -> None:
        response = self._response
        if response is not None:
            response.add(body)

    def on_message_complete(self) -> None:
        if self.state != _BODY:
            return  # an interim response's end
        response = self._response
        self._response = None
        if response is not None:
            response.finish()
            if response._paused:
                response._paused = False
                self.resume_reading()
        if self._whole and self._parser.should_keep_alive():
            self.state = _IDLE
            self._pool.release(self)
        else:
            self.end(None, abort=False)


class _Unexpected(Exception):
    """Stops the parser: the upstream sent what was not asked for."""


def _until_close(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a body with these headers ends only with its connection (RFC 9112, 6.3)."""
    length = False
    coding: bytes | None = None
    for name, value in headers:
        size = len(name)
        if size == 14 and name.lower() == b"content-length":
            length = True
        elif size == 17 and name.lower() == b"transfer-encoding":
            coding = value
    if coding is not None:
        return coding.rpartition(b",")[2].strip().lower() != b"chunked"
    return not length


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


# -- the pool ------------------------------------------------------------------------------


class Http1Wire:
    """Sends requests over HTTP/1.1 keep-alive connections of its own pool (see above)."""

    def __init__(
        self,
        *,
        max_connections: int,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self._limit = max_connections
        self._connect_timeout = connect_timeout
        self._ssl = ssl_context
        self._idle_timeout = idle_timeout
        # Every open or opening connection (what the limit counts).
        self._all: set[_Connection] = set()
        # Idle connections by origin, the least recently used first.
        self._idle: dict[_Origin, dict[_Connection, None]] = {}
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._sweep: asyncio.TimerHandle | None = None
        self._origins: dict[str, _Origin] = {}
        self._addresses: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._lookups: dict[tuple[str, int], asyncio.Task[list[str]]] = {}

    async def send(
        self, method: str, url: str, headers: Headers, body: bytes | None
    ) -> WireResponse:
        try:
            origin, head = self._request(method, url, headers, body)
        except (ValueError, UnicodeError) as exc:
            raise ConnectError(f"{type(exc).__name__}: {exc}") from exc
        conn = await self._acquire(origin, fresh=False)
        try:
            return await conn.exchange(head, body, self._connect_timeout)
        except (ConnectError, RemoteProtocolError):
            if not conn.reused or conn.received or (conn.written and method not in _IDEMPOTENT):
                raise
        # The upstream closed a pooled connection before the request went out, or as an
        # idempotent one did (nothing of a response came back; RFC 9112, 9.3.1): once
        # more, on a new connection. Whether to send anything else again is the caller's.
        conn = await self._acquire(origin, fresh=True)
        return await conn.exchange(head, body, self._connect_timeout)

    async def aclose(self) -> None:
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        for conn in list(self._all):
            conn.end(ReadError("the connection pool was closed"), abort=True)

    # -- requests ------------------------------------------------------------------------

    def _request(
        self, method: str, url: str, headers: Headers, body: bytes | None
    ) -> tuple[_Origin, bytes]:
        """The origin `url` names and the request's head, checked for injected lines."""
        if method in _BODILESS or not _TOKEN.fullmatch(method):
            # A reply to HEAD or CONNECT is framed unlike any other: not parsed here.
            raise ValueError(f"the method {method!r} is not sent over this wire")
        start = url.find("://")
        end = len(url)
        for mark in "/?#":
            found = url.find(mark, start + 3)
            if 0 <= found < end:
                end = found
        origin = self._origins.get(url[:end])
        if origin is None:
            origin = _origin(url[:end])
            if len(self._origins) < 64:
                self._origins[url[:end]] = origin
        target = url[end:].partition("#")[0]
        if not target.startswith("/"):
            target = "/" + target
        if " " in target or not target.isprintable():
            raise ValueError(f"the request target {target!r} has spaces or control characters")
        lines = [f"{name}: {value}\r\n" for name, value in headers]
        for name, _ in headers:
            if name not in _NAMES:
                _check_name(name)
        if body is not None or method in _BODIED:
            lines.append(f"content-length: {len(body) if body else 0}\r\n")
        text = f"{method} {target} HTTP/1.1\r\nhost: {origin.authority}\r\n{''.join(lines)}\r\n"
        expected = len(lines) + 3
        if text.count("\n") != expected or text.count("\r") != expected or "\0" in text:
            raise ValueError("a header carries CR, LF or NUL")
        return origin, text.encode()

    # -- connections ---------------------------------------------------------------------

    async def _acquire(self, origin: _Origin, *, fresh: bool) -> _Connection:
        waited = False
        while True:
            if not fresh:
                conn = self._take_idle(origin)
                if conn is not None:
                    return conn
            if not self._limit or len(self._all) < self._limit:
                return await self._connect(origin)
            if self._close_oldest_idle():
                continue
            waiter = asyncio.get_running_loop().create_future()
            # A caller woken before, who found nothing, stays first in line.
            if waited:
                self._waiters.appendleft(waiter)
            else:
                self._waiters.append(waiter)
            waited = True
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # the wake-up was ours: pass it on
                else:
                    waiter.cancel()
                raise

    def _take_idle(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        if not idle:
            return None
        now = asyncio.get_running_loop().time()
        while idle:
            conn, _ = idle.popitem()
            transport = conn.transport
            if (
                conn.state == _IDLE
                and transport is not None
                and not transport.is_closing()
                and now - conn.idle_since < self._idle_timeout
            ):
                conn.reused = True
                return conn
            conn.end(None, abort=False)
        return None

    def _close_oldest_idle(self) -> bool:
        """Close the longest idle connection of any origin; whether there was one."""
        oldest: _Connection | None = None
        for idle in self._idle.values():
            conn = next(iter(idle), None)
            if conn is not None and (oldest is None or conn.idle_since < oldest.idle_since):
                oldest = conn
        if oldest is None:
            return False
        oldest.end(None, abort=False)
        return True

    async def _connect(self, origin: _Origin) -> _Connection:
        loop = asyncio.get_running_loop()
        conn = _Connection(self, origin, loop)
        self._all.add(conn)
        context = self._context() if origin.tls else None
        try:
            async with asyncio.timeout(self._connect_timeout):
                hosts = [origin.host] if origin.literal else await self._resolve(origin)
                failure: OSError | None = None
                for host in hosts:
                    try:
                        await loop.create_connection(
                            lambda: conn,
                            host,
                            origin.port,
                            ssl=context,
                            server_hostname=origin.host if context is not None else None,
                        )
                        break
                    except OSError as exc:
                        failure = exc
                else:
                    assert failure is not None
                    raise failure
        except TimeoutError:
            conn.end(None, abort=True)
            raise ConnectTimeout(
                f"connecting to {origin.authority} took over {self._connect_timeout:g} s"
            ) from None
        except OSError as exc:
            conn.end(None, abort=True)
            raise ConnectError(f"cannot connect to {origin.authority}: {exc}") from exc
        except BaseException:
            conn.end(None, abort=True)
            raise
        return conn

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    async def _resolve(self, origin: _Origin) -> list[str]:
        """The addresses of a host name, looked up once per TTL however many connect."""
        key = (origin.host, origin.port)
        loop = asyncio.get_running_loop()
        cached = self._addresses.get(key)
        if cached is not None and cached[0] > loop.time():
            return cached[1]
        lookup = self._lookups.get(key)
        if lookup is None:
            lookup = self._lookups[key] = loop.create_task(self._look_up(key))
            lookup.add_done_callback(self._looked_up)
        return await asyncio.shield(lookup)

    def _looked_up(self, lookup: asyncio.Task[list[str]]) -> None:
        for key, task in list(self._lookups.items()):
            if task is lookup:
                del self._lookups[key]
        if not lookup.cancelled():
            lookup.exception()  # retrieved: its callers (if any are left) raise it

    async def _look_up(self, key: tuple[str, int]) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(key[0], key[1], type=socket.SOCK_STREAM)
        hosts: list[str] = []
        for family, _, _, _, address in infos:
            host = str(address[0])
            if family == socket.AF_INET6 and len(address) > 3 and address[3]:
                host = f"{host}%{address[3]}"
            if host not in hosts:
                hosts.append(host)
        if not hosts:
            raise OSError(f"no address for {key[0]}")
        self._addresses[key] = (loop.time() + _DNS_TTL, hosts)
        return hosts

    # -- the connections' callbacks ------------------------------------------------------

    def release(self, conn: _Connection) -> None:
        """`conn` finished an exchange and may serve another."""
        conn.idle_since = now = conn.loop.time()
        self._idle.setdefault(conn.key, {})[conn] = None
        if self._sweep is None:
            self._sweep = conn.loop.call_at(now + self._idle_timeout, self._expire)
        self._wake()

    def forget(self, conn: _Connection) -> None:
        """`conn` is closed: it leaves the pool and frees its place."""
        if conn in self._all:
            self._all.discard(conn)
            idle = self._idle.get(conn.key)
            if idle is not None:
                idle.pop(conn, None)
            self._wake()

    def _wake(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _expire(self) -> None:
        self._sweep = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        due: float | None = None
        for idle in self._idle.values():
            for conn in list(idle):
                expires = conn.idle_since + self._idle_timeout
                if expires > now:
                    due = expires if due is None else min(due, expires)
                    break
                conn.end(None, abort=False)
        if due is not None:
            self._sweep = loop.call_at(due, self._expire)


# Header names already checked to be tokens (the bridge sends a few, over and over).
_NAMES: set[str] = set()


def _check_name(name: str) -> None:
    if not _TOKEN.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid header name")
    if len(_NAMES) < 256:
        _NAMES.add(name)


def _origin(base: str) -> _Origin:
    """The origin of a URL's scheme and authority ("https://host:port")."""
    scheme, sep, authority = base.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {base!r}")
    authority = authority.rpartition("@")[2]
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = authority.partition(":")
    if not host:
        raise ValueError(f"no host in {base!r}")
    tls = scheme == "https"
    port = int(port_text) if port_text else (443 if tls else 80)
    if not 0 < port < 65536:
        raise ValueError(f"port out of range in {base!r}")
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    return _Origin(tls, host.lower(), port, authority, literal)
