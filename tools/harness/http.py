"""HTTP/1.1 reply bytes, well formed or not, for `HostileUpstream` scripts.

Pure functions from values to bytes: a status line with any reason, headers with any
bytes (many, huge, non-ASCII, duplicated), bodies framed by Content-Length, chunked or
by closing the connection, gzip (valid, truncated, bombs), and Server-Sent Events.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

__all__ = [
    "Header",
    "chunked",
    "deflate",
    "gzip_bomb",
    "gzipped",
    "head",
    "reply",
    "sse_event",
]

Header = tuple[str | bytes, str | bytes]


def _reason(status: int | bytes) -> str:
    if isinstance(status, bytes):
        return ""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def head(
    status: int | bytes,
    headers: Iterable[Header] = (),
    *,
    reason: str | bytes | None = None,
    version: bytes = b"HTTP/1.1",
) -> bytes:
    """A status line and header block, ending with the blank line; values as given."""
    code = status if isinstance(status, bytes) else str(status).encode()
    if reason is None:
        reason = _reason(status)
    lines = [version + b" " + code + b" " + _bytes(reason)]
    lines += [_bytes(name) + b": " + _bytes(value) for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def chunked(body: bytes, sizes: Sequence[int] = (), *, last: bool = True) -> bytes:
    """`body` in chunked transfer coding: pieces of `sizes` (repeating), else one chunk."""
    out = bytearray()
    position = 0
    index = 0
    while position < len(body):
        size = sizes[index % len(sizes)] if sizes else len(body)
        size = max(1, size)
        piece = body[position : position + size]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
        position += size
        index += 1
    if last:
        out += b"0\r\n\r\n"
    return bytes(out)


def reply(
    status: int,
    body: bytes,
    content_type: str | bytes | None = "application/json",
    headers: Iterable[Header] = (),
    *,
    framing: str = "length",
    sizes: Sequence[int] = (),
    encoding: str | None = None,
    close: bool = True,
) -> bytes:
    """A whole reply. `framing`: "length" (Content-Length), "chunked", or "close" (the body
    ends when the connection does). `encoding` names the Content-Encoding `body` already has."""
    given: list[Header] = []
    if content_type is not None:
        given.append(("content-type", content_type))
    if encoding is not None:
        given.append(("content-encoding", encoding))
    given += list(headers)
    if framing == "length":
        given.append(("content-length", str(len(body))))
        framed = body
    elif framing == "chunked":
        given.append(("transfer-encoding", "chunked"))
        framed = chunked(body, sizes)
    elif framing == "close":
        framed = body
    else:
        raise ValueError(f"unknown framing {framing!r}")
    if close:
        given.append(("connection", "close"))
    return head(status, given) + framed


def sse_event(payload: dict[str, Any] | str, event: str | None = None) -> bytes:
    """One Server-Sent Event; a dict is dumped as compact JSON, named by its "type"."""
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    name = (
        event if event is not None else (payload.get("type") if isinstance(payload, dict) else None)
    )
    prefix = f"event: {name}\n" if name else ""
    return f"{prefix}data: {data}\n\n".encode()


def gzipped(data: bytes) -> bytes:
    """`data` gzip-compressed (deterministic: no timestamp)."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def deflate(data: bytes) -> bytes:
    """`data` in the zlib format HTTP calls "deflate"."""
    return zlib.compress(data, 6)


def gzip_bomb(prefix: bytes, filler: int, size: int, suffix: bytes = b"") -> bytes:
    """gzip of `prefix`, `size` bytes of `filler`, `suffix`: tiny, expanding to `size`+."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [compressor.compress(prefix)]
    block = bytes([filler]) * (1 << 20)
    left = size
    while left > 0:
        out.append(compressor.compress(block[: min(left, len(block))]))
        left -= len(block)
    out.append(compressor.compress(suffix))
    out.append(compressor.flush())
    return b"".join(out)
