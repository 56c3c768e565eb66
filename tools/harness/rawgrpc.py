"""A gRPC client over raw HTTP/2 (the `h2` package), for metadata no gRPC library sends.

gRPC libraries refuse to send metadata values with CR, LF, NUL or non-ASCII bytes, but a
hostile client need not use one. `RawGrpcClient.call` sends one call, with any header
bytes, on its own connection, and returns what came back: the initial metadata, every
message (length-prefixed frames; compressed ones are counted, not decoded), the status
and message from the trailers (or a trailers-only reply), and the trailing metadata.
Every wait is bounded by the call's deadline.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

__all__ = ["RawReply", "call"]

Header = tuple[bytes, bytes]
_FRAME_HEADER = struct.Struct(">BI")
_READ = 65536


@dataclass
class RawReply:
    """What one raw call received. `status` is None when no grpc-status arrived."""

    status: int | None = None
    message: str = ""
    initial: list[Header] = field(default_factory=list)
    trailing: list[Header] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    compressed: int = 0
    reset: int | None = None
    error: str = ""

    def metadata(self) -> list[Header]:
        """Initial and trailing metadata together, ``-bin`` values base64-decoded."""
        return [
            (k, _unbase64(v) if k.endswith(b"-bin") else v) for k, v in self.initial + self.trailing
        ]


def _unbase64(value: bytes) -> bytes:
    try:
        return base64.b64decode(value + b"=" * (-len(value) % 4))
    except ValueError:
        return value


def frame(message: bytes) -> bytes:
    """One uncompressed gRPC length-prefixed message."""
    return _FRAME_HEADER.pack(0, len(message)) + message


async def call(
    host: str,
    port: int,
    path: str,
    messages: Sequence[bytes],
    metadata: Sequence[Header] = (),
    *,
    deadline: float = 10.0,
    max_reply_bytes: int = 256 * 1024 * 1024,
) -> RawReply:
    """Send `messages` on one new connection to `path` (/package.Service/Method)."""
    reply = RawReply()
    try:
        async with asyncio.timeout(deadline):
            await _exchange(host, port, path, messages, metadata, reply, max_reply_bytes)
    except TimeoutError:
        reply.error = f"no complete reply within {deadline} s"
    except (ConnectionError, OSError, h2.exceptions.ProtocolError) as exc:
        reply.error = f"{type(exc).__name__}: {exc}"
    return reply


async def _exchange(
    host: str,
    port: int,
    path: str,
    messages: Sequence[bytes],
    metadata: Sequence[Header],
    reply: RawReply,
    max_reply_bytes: int,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    config = h2.config.H2Configuration(
        client_side=True,
        header_encoding=None,
        validate_outbound_headers=False,
        normalize_outbound_headers=False,
        validate_inbound_headers=False,
    )
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    conn.update_settings({h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE: 1 << 20})
    try:
        stream_id = conn.get_next_available_stream_id()
        headers: list[Header] = [
            (b":method", b"POST"),
            (b":scheme", b"http"),
            (b":path", path.encode()),
            (b":authority", f"{host}:{port}".encode()),
            (b"content-type", b"application/grpc"),
            (b"te", b"trailers"),
            *metadata,
        ]
        conn.send_headers(stream_id, headers)
        writer.write(conn.data_to_send())
        body = b"".join(frame(message) for message in messages)
        await _send_body(conn, reader, writer, stream_id, body, reply)
        await _receive(conn, reader, writer, stream_id, reply, max_reply_bytes)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


async def _send_body(
    conn: h2.connection.H2Connection,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    stream_id: int,
    body: bytes,
    reply: RawReply,
) -> None:
    """Send `body` as flow control allows, then end the stream."""
    view = memoryview(body)
    while view:
        window = min(conn.local_flow_control_window(stream_id), conn.max_outbound_frame_size)
        if window <= 0:
            data = await reader.read(_READ)
            if not data:
                raise ConnectionError("server closed while the request was being sent")
            for event in conn.receive_data(data):
                _note(event, reply, conn)
            writer.write(conn.data_to_send())
            if reply.reset is not None:
                return
            continue
        conn.send_data(stream_id, bytes(view[:window]))
        view = view[window:]
        writer.write(conn.data_to_send())
        await writer.drain()
    conn.end_stream(stream_id)
    writer.write(conn.data_to_send())
    await writer.drain()


async def _receive(
    conn: h2.connection.H2Connection,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    stream_id: int,
    reply: RawReply,
    max_reply_bytes: int,
) -> None:
    buffer = bytearray()
    received = 0
    ended = False
    while not ended and reply.reset is None:
        data = await reader.read(_READ)
        if not data:
            reply.error = reply.error or "connection closed before the call ended"
            break
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.DataReceived) and event.stream_id == stream_id:
                buffer += event.data
                received += len(event.data)
                if received > max_reply_bytes:
                    raise ConnectionError(f"reply larger than {max_reply_bytes} bytes")
                conn.acknowledge_received_data(event.flow_controlled_length, stream_id)
                _split_frames(buffer, reply)
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                ended = True
            else:
                _note(event, reply, conn)
        writer.write(conn.data_to_send())
        await writer.drain()
    if buffer:
        reply.error = reply.error or f"{len(buffer)} bytes of an incomplete message"


def _note(event: h2.events.Event, reply: RawReply, conn: h2.connection.H2Connection) -> None:
    if isinstance(event, h2.events.ResponseReceived):
        headers = [(bytes(k), bytes(v)) for k, v in event.headers]
        reply.initial = [h for h in headers if not h[0].startswith(b":")]
        _status_from(headers, reply)
    elif isinstance(event, h2.events.TrailersReceived):
        reply.trailing = [(bytes(k), bytes(v)) for k, v in event.headers]
        _status_from(reply.trailing, reply)
    elif isinstance(event, h2.events.StreamReset):
        reply.reset = event.error_code
    elif isinstance(event, h2.events.ConnectionTerminated):
        reply.reset = event.error_code if event.error_code else -1


def _status_from(headers: list[Header], reply: RawReply) -> None:
    for name, value in headers:
        if name == b"grpc-status":
            with contextlib.suppress(ValueError):
                reply.status = int(value)
        elif name == b"grpc-message":
            reply.message = unquote_to_bytes(value).decode("utf-8", "replace")


def _split_frames(buffer: bytearray, reply: RawReply) -> None:
    while len(buffer) >= _FRAME_HEADER.size:
        flag, length = _FRAME_HEADER.unpack_from(buffer)
        end = _FRAME_HEADER.size + length
        if len(buffer) < end:
            return
        if flag:
            reply.compressed += 1
        reply.messages.append(bytes(buffer[_FRAME_HEADER.size : end]))
        del buffer[:end]
