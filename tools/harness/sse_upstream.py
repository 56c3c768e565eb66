"""A fast Responses API upstream on raw asyncio sockets: the benchmark's one upstream.

Every request gets the events of `tools.harness.events.stream_events`, shaped as its
metadata asks (`Shape`): a request with ``"stream": true`` gets them as Server-Sent
Events, chunked as api.openai.com sends them, either rendered once and sent in 64 KiB
writes (pace 0: a burst) or one write per event on the paced schedule
(`paced_delays`); any other request gets the completed Response as JSON. Replies keep
the connection alive unless the shape says ``close``. With a certificate it serves TLS.

Its work per event is a prebuilt chunk and a socket write, so whatever reads it (the
bridge, or the relay of `tools.harness.floor`) is what a benchmark measures.

``python -m tools.harness.sse_upstream [--tls-cert FILE --tls-key FILE]`` serves on a
free loopback port, prints ``PORT <port>`` and runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import ssl
import sys
from typing import Any

import orjson

from tools.harness.aio import run, until_signalled
from tools.harness.events import (
    PREPARE,
    Shape,
    final_response,
    paced_delays,
    sse_frame,
    stream_events,
)

__all__ = ["WRITE_BYTES", "SSEUpstream", "main"]

HOST = "127.0.0.1"
# A burst's writes: what a fast server sends at once.
WRITE_BYTES = 64 * 1024
_MAX_HEAD = 1 << 16
_MAX_BODY = 16 << 20
# An idle keep-alive connection is closed after this long (aiohttp's pool closes its own
# after 15 s).
_REQUEST_TIMEOUT = 60.0


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _head(content_type: bytes, framing: bytes, close: bool) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\ncontent-type: %s\r\n%s\r\ncache-control: no-cache\r\n"
        b"x-request-id: req_bench\r\n%s\r\n"
        % (content_type, framing, b"connection: close\r\n" if close else b"")
    )


@functools.lru_cache(maxsize=16)
def _burst(deltas: int) -> tuple[bytes, ...]:
    """The SSE body of `deltas` deltas as chunks of WRITE_BYTES, then the last chunk."""
    body = b"".join(sse_frame(event) for event in stream_events(deltas))
    pieces = [_chunk(body[i : i + WRITE_BYTES]) for i in range(0, len(body), WRITE_BYTES)]
    return (*pieces, b"0\r\n\r\n")


@functools.lru_cache(maxsize=16)
def _per_event(deltas: int) -> tuple[bytes, ...]:
    """One chunk per event of `deltas` deltas."""
    return tuple(_chunk(sse_frame(event)) for event in stream_events(deltas))


@functools.lru_cache(maxsize=1)
def _unary_body() -> bytes:
    return orjson.dumps(final_response())


class SSEUpstream:
    """The upstream server in this process; `port` is known once started."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self.port = 0
        self.connections = 0

    @property
    def url(self) -> str:
        """The base URL a bridge is pointed at (ends in /v1)."""
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{HOST}:{self.port}/v1"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(
            self._handle, HOST, 0, ssl=self._tls, limit=_MAX_HEAD, backlog=4096
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
        # Closing its connection ends each handler (it is reading or writing).
        for writer in self._open.values():
            writer.close()
        if self._open:
            await asyncio.wait(list(self._open), timeout=5.0)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        if task is not None:
            self._open[task] = writer
        try:
            while True:
                try:
                    payload = await asyncio.wait_for(_read_request(reader), _REQUEST_TIMEOUT)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                    return
                metadata = payload.get("metadata")
                if payload.get("stream") is True:
                    shape = Shape.parse(metadata)
                    await self._stream(writer, shape, PREPARE in (metadata or {}))
                    if shape.close:
                        return
                else:
                    body = _unary_body()
                    writer.write(
                        _head(b"application/json", b"content-length: %d" % len(body), False) + body
                    )
                    await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()
            if task is not None:
                self._open.pop(task, None)

    async def _stream(self, writer: asyncio.StreamWriter, shape: Shape, prepare: bool) -> None:
        writer.write(
            _head(b"text/event-stream; charset=utf-8", b"transfer-encoding: chunked", shape.close)
        )
        if prepare:
            if shape.pace <= 0:
                _burst(shape.deltas)
            else:
                _per_event(shape.deltas)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return
        if shape.pace <= 0:
            for piece in _burst(shape.deltas):
                writer.write(piece)
                await writer.drain()
            return
        loop = asyncio.get_running_loop()
        start = loop.time()
        for due, piece in zip(paced_delays(shape), _per_event(shape.deltas), strict=True):
            wait = start + due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if writer.is_closing():
                raise ConnectionResetError("the reader went away")
            writer.write(piece)
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()


async def _read_request(reader: asyncio.StreamReader) -> dict[str, Any]:
    """One request's JSON body ({} when it has none or it is not a JSON object)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = min(int(value), _MAX_BODY)
    body = await reader.readexactly(length) if length else b""
    try:
        payload = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        return {}
    return payload if isinstance(payload, dict) else {}


async def _serve(tls: ssl.SSLContext | None) -> None:
    upstream = SSEUpstream(tls)
    await upstream.start()
    print(f"PORT {upstream.port}", flush=True)
    await until_signalled()
    await upstream.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM; uvloop when installed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tls-cert", help="certificate chain (PEM): serve TLS")
    parser.add_argument("--tls-key", help="the certificate's key (PEM)")
    args = parser.parse_args(argv)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    run(_serve(tls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
