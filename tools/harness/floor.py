"""The floor under the bridge: two grpc.aio servers that do what it does, minus the bridge.

Both serve the contract's ``StreamCreateResponse`` and ``CreateResponse`` under the
contract's own method names, with the bridge's gRPC server options, so one client
measures them and the bridge alike. Every message they send is prebuilt: the serialized
events of `tools.harness.events.stream_events` for the shape the request's metadata asks
for (`Shape`), built once per shape.

- **bare** sends those messages itself, on the shape's schedule (`paced_delays`; at
  once for a burst): the cost of the gRPC stack alone. ``CreateResponse`` returns the
  prebuilt final Response.
- **relay** reads the same upstream as the bridge, over a raw asyncio socket (HTTP/1.1,
  chunked, keep-alive connections kept in a pool, TLS when the URL is https), and for
  each event it reads (each blank line ending an SSE event) sends the next prebuilt
  message: the floor of reading an upstream plus writing gRPC, with none of the
  bridge's parsing, decoding, validation, telemetry or logging. Its ``CreateResponse``
  makes the unary call upstream the same way, sends the reply's request id and the
  upstream's name as initial metadata (in their own gRPC batch, as the bridge must) and
  returns the prebuilt final Response: the floor of a unary call through a bridge on
  grpc.aio that forwards the upstream's headers.

A request whose metadata holds `PREPARE` builds the shape's messages and ends at once.

``python -m tools.harness.floor bare`` or ``... relay --upstream-url URL [--ca FILE]``
serves on a free loopback port, prints ``PORT <port>`` and runs until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import ssl
import sys
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import grpc
import grpc.aio
import orjson

from bridge import codec
from bridge.config import Settings
from bridge.routing import PICK_KEY
from bridge.server import SERVICE_NAME, server_options
from rbridge.responses.v1 import response_pb2, responses_service_pb2, stream_events_pb2
from tools.harness.aio import run, until_signalled
from tools.harness.events import PREPARE, Shape, final_response, paced_delays, stream_events

__all__ = ["Relay", "bare_create", "bare_stream", "main", "messages"]

HOST = "127.0.0.1"
Request = responses_service_pb2.CreateResponseRequest
# A pooled upstream connection idle for longer is closed rather than reused (aiohttp,
# under the bridge, closes its own after 15 s; the upstream after 60 s).
_IDLE_SECONDS = 10.0


@functools.lru_cache(maxsize=8)
def messages(deltas: int) -> tuple[bytes, ...]:
    """The serialized events of a stream of `deltas` deltas."""
    kind = stream_events_pb2.ResponseStreamEvent
    return tuple(
        codec.from_json(event, kind).SerializeToString() for event in stream_events(deltas)
    )


@functools.lru_cache(maxsize=1)
def _final_response() -> bytes:
    return codec.from_json(final_response(), response_pb2.Response).SerializeToString()


async def bare_stream(request: Request, context: Any) -> AsyncIterator[bytes]:
    """The shape's messages on its schedule."""
    shape = Shape.parse(request.metadata)
    prebuilt = messages(shape.deltas)
    if PREPARE in request.metadata:
        return
    if shape.pace <= 0:
        for message in prebuilt:
            yield message
        return
    loop = asyncio.get_running_loop()
    start = loop.time()
    for due, message in zip(paced_delays(shape), prebuilt, strict=True):
        wait = start + due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        yield message


async def bare_create(request: Request, context: Any) -> bytes:
    """The final Response, prebuilt."""
    return _final_response()


class Relay:
    """Reads the upstream at `upstream_url` over raw sockets; one message per event read."""

    def __init__(self, upstream_url: str, ca_file: str | None = None) -> None:
        url = urlsplit(upstream_url)
        self._host = url.hostname or HOST
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._path = (url.path.rstrip("/") + "/responses").encode()
        self._tls: ssl.SSLContext | None = None
        if url.scheme == "https":
            self._tls = ssl.create_default_context(cafile=ca_file)
        self._idle: list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def close(self) -> None:
        """Close the pooled upstream connections."""
        idle, self._idle = self._idle, []
        for _, _, writer in idle:
            writer.close()
        for _, _, writer in idle:
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self._idle:
            since, reader, writer = self._idle.pop()
            if now - since < _IDLE_SECONDS and not writer.is_closing():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self._host, self._port, ssl=self._tls, limit=1 << 20)

    async def _post(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        body: bytes,
        accept: bytes,
        context: Any,
    ) -> bytes:
        """Send one request over a pooled connection; the reply's head, or the call ends
        UNAVAILABLE when it is not a 200."""
        writer.write(
            b"POST %s HTTP/1.1\r\nhost: %s\r\ncontent-type: application/json\r\n"
            b"accept: %s\r\ncontent-length: %d\r\n\r\n%s"
            % (self._path, self._host.encode(), accept, len(body), body)
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            await context.abort(grpc.StatusCode.UNAVAILABLE, head.split(b"\r\n", 1)[0])
        return head

    def _release(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes | None
    ) -> None:
        """Back to the pool after a whole reply the upstream keeps alive; else closed."""
        if head is not None and b"connection: close" not in head.lower():
            self._idle.append((time.monotonic(), reader, writer))
        else:
            writer.close()

    async def create(self, request: Request, context: Any) -> bytes:
        """Relay one unary call: POST upstream, read the reply whole, send its request id
        and the upstream's name as initial metadata, return the prebuilt final Response."""
        body = orjson.dumps({"model": request.model, "stream": False})
        reader, writer = await self._connection()
        whole = None
        try:
            head = await self._post(reader, writer, body, b"application/json", context)
            fields = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
            }
            await context.send_initial_metadata(
                (("x-request-id", fields.get(b"x-request-id", b"").decode()), (PICK_KEY, "relay"))
            )
            await reader.readexactly(int(fields[b"content-length"]))
            whole = head
        finally:
            self._release(reader, writer, whole)
        return _final_response()

    async def stream(self, request: Request, context: Any) -> AsyncIterator[bytes]:
        """Relay one stream: POST upstream, then a prebuilt message per SSE event read."""
        metadata = dict(request.metadata)
        shape = Shape.parse(metadata)
        prebuilt = messages(shape.deltas)
        if PREPARE in metadata:
            return
        body = orjson.dumps({"model": request.model, "stream": True, "metadata": metadata})
        reader, writer = await self._connection()
        whole = None
        try:
            head = await self._post(reader, writer, body, b"text/event-stream", context)
            index = 0
            last = b""
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                data = await reader.readexactly(size + 2)
                # Events end with a blank line; one may straddle two chunks.
                ended = data.count(b"\n\n", 0, size)
                if last == b"\n" and data[:1] == b"\n":
                    ended += 1
                last = data[size - 1 : size]
                for _ in range(ended):
                    yield prebuilt[index]
                    index += 1
            whole = head
        finally:
            self._release(reader, writer, whole)


def _server(handlers: dict[str, grpc.RpcMethodHandler]) -> grpc.aio.Server:
    server = grpc.aio.server(options=server_options(Settings()))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    return server


def _stream_handler(behaviour: Any) -> grpc.RpcMethodHandler:
    # No serializer: the handlers yield serialized messages.
    return grpc.unary_stream_rpc_method_handler(behaviour, request_deserializer=Request.FromString)


def _unary_handler(behaviour: Any) -> grpc.RpcMethodHandler:
    return grpc.unary_unary_rpc_method_handler(behaviour, request_deserializer=Request.FromString)


async def _serve(role: str, upstream_url: str | None, ca_file: str | None) -> None:
    relay: Relay | None = None
    if role == "bare":
        server = _server(
            {
                "StreamCreateResponse": _stream_handler(bare_stream),
                "CreateResponse": _unary_handler(bare_create),
            }
        )
    else:
        if not upstream_url:
            raise SystemExit("relay needs --upstream-url")
        relay = Relay(upstream_url, ca_file)
        server = _server(
            {
                "StreamCreateResponse": _stream_handler(relay.stream),
                "CreateResponse": _unary_handler(relay.create),
            }
        )
    port = server.add_insecure_port(f"{HOST}:0")
    await server.start()
    print(f"PORT {port}", flush=True)
    await until_signalled()
    await server.stop(0)
    if relay is not None:
        await relay.close()


def main(argv: list[str] | None = None) -> int:
    """Serve one of the two until SIGTERM; uvloop when installed, as `bridge serve`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=("bare", "relay"))
    parser.add_argument("--upstream-url", help="the relay's upstream base URL (ends in /v1)")
    parser.add_argument("--ca", help="CA bundle (PEM) the relay trusts for an https upstream")
    args = parser.parse_args(argv)
    run(_serve(args.role, args.upstream_url, args.ca))
    return 0


if __name__ == "__main__":
    sys.exit(main())
