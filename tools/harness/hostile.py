"""A hostile Responses API upstream on raw asyncio sockets: it answers with scripted bytes.

aiohttp and other servers always frame a reply correctly; a hostile upstream does not.
`HostileUpstream` reads one HTTP/1.1 request per connection (bounded in size and time),
picks a `Script` for it and sends the script's parts as they are: bytes, and pauses
between them, then ends the connection with a FIN or a TCP reset. Build the bytes with
`tools.harness.http`.

Which script answers a request
    The value of the request's selection header (``x-fuzz-case`` unless told otherwise;
    configure the bridge to forward it with ``BRIDGE_FORWARD_HEADERS``) names a registered
    responder; a request without one, or with an unknown name, gets the default responder.
    A responder is a `Script` or a function of the `Request` returning one (to answer by
    path, by ``stream``, or by attempt).

What is recorded
    Connections accepted and open now; the requests seen for each registered name (until
    it is unregistered), so a caller can check the method and path that reached it; and
    how many connections the peer closed before its script ended (a cancelled call closes
    its upstream request). While a script pauses, a peer close ends the pause at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

__all__ = ["HostileUpstream", "Request", "Responder", "Script"]

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0
MAX_HEAD_BYTES = 1 << 20
MAX_BODY_BYTES = 512 << 20


@dataclass(frozen=True)
class Script:
    """What to send: bytes in order, a float pauses that many seconds; then how to end.

    `end` is "close" (FIN) or "reset" (TCP RST: SO_LINGER 0, then close).
    """

    parts: tuple[bytes | float, ...]
    end: str = "close"

    @property
    def size(self) -> int:
        """Bytes the script sends."""
        return sum(len(part) for part in self.parts if isinstance(part, bytes))

    def data(self) -> bytes:
        """Everything the script sends, pauses left out."""
        return b"".join(part for part in self.parts if isinstance(part, bytes))


@dataclass
class Request:
    """One request as received: method, target, lower-case headers (latin-1), body."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        """The target's path, still percent-encoded."""
        return urlsplit(self.target).path

    @property
    def json(self) -> Any:
        """The body parsed as JSON; None when it is not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def stream(self) -> bool:
        """Whether the call asks for Server-Sent Events."""
        body = self.json
        if isinstance(body, dict) and body.get("stream") is True:
            return True
        return "stream=true" in urlsplit(self.target).query


Responder = Script | Callable[[Request], Script]


def _refuse(request: Request) -> Script:
    body = b'{"error":{"message":"no script for this request","type":"invalid_request_error"}}'
    head = (
        b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
    )
    return Script((head + body,))


@dataclass
class _Counters:
    accepted: int = 0
    open: int = 0
    requests: int = 0
    peer_closed_early: int = 0
    bad_requests: int = 0


class HostileUpstream:
    """The scripted upstream: start it, point a bridge at `url`, register scripts."""

    def __init__(self, *, select_header: str = "x-fuzz-case", default: Responder = _refuse):
        self.select_header = select_header.lower()
        self.default = default
        self.counters = _Counters()
        self._responders: dict[str, Responder] = {}
        self._seen: dict[str, list[Request]] = {}
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL to give the bridge (ends in /v1)."""
        return f"http://{HOST}:{self.port}/v1"

    def register(self, name: str, responder: Responder) -> None:
        """Answer requests whose selection header is `name` with `responder`."""
        self._responders[name] = responder
        self._seen[name] = []

    def unregister(self, name: str) -> list[Request]:
        """Forget `name`; the requests that reached it."""
        self._responders.pop(name, None)
        return self._seen.pop(name, [])

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(self._handle, HOST, 0, limit=MAX_HEAD_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and abort the connections still open."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await self._server.wait_closed()

    async def __aenter__(self) -> HostileUpstream:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counters = self.counters
        counters.accepted += 1
        counters.open += 1
        self._writers.add(writer)
        watcher: asyncio.Task[None] | None = None
        try:
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    request = await _read_request(reader)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            except (TimeoutError, ValueError):
                counters.bad_requests += 1
                return
            counters.requests += 1
            name = request.headers.get(self.select_header, "")
            responder = self._responders.get(name, self.default)
            if name in self._seen:
                self._seen[name].append(request)
            script = responder if isinstance(responder, Script) else responder(request)
            peer_closed = asyncio.Event()
            watcher = asyncio.get_running_loop().create_task(_watch(reader, peer_closed))
            # uvloop raises RuntimeError, not ConnectionError, on a transport closed by a reset.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await _play(script, writer, peer_closed)
            if peer_closed.is_set():
                counters.peer_closed_early += 1
        finally:
            self._writers.discard(writer)
            counters.open -= 1
            if not writer.transport.is_closing():
                writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher


async def _play(script: Script, writer: asyncio.StreamWriter, peer_closed: asyncio.Event) -> None:
    for part in script.parts:
        if peer_closed.is_set() or writer.transport.is_closing():
            return
        if isinstance(part, bytes):
            writer.write(part)
            await writer.drain()
        elif part > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(part):
                    await peer_closed.wait()
    if script.end == "reset":
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    else:
        with contextlib.suppress(OSError):
            writer.write_eof()
        await writer.drain()


async def _watch(reader: asyncio.StreamReader, peer_closed: asyncio.Event) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while await reader.read(65536):
            pass
    peer_closed.set()


async def _read_request(reader: asyncio.StreamReader) -> Request:
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEAD_BYTES:
        raise ValueError("request head too large")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = [*request_line.split(" ", 2), "", ""][:3]
    headers: dict[str, str] = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            total += size
            if total > MAX_BODY_BYTES:
                raise ValueError("request body too large")
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        length = int(headers.get("content-length", "0") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("request body too large")
        body = await reader.readexactly(length)
    return Request(method, target, headers, body)
