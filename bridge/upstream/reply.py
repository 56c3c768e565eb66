"""An upstream reply: status, forwardable headers, and a body read on demand.

The body is decoded (Content-Encoding) in bounded pieces and never held
beyond the upstream's `max_body_bytes`: a unary body larger than that, or a
gzip body that inflates past it, fails the call instead of the process.
Streams are read under two clocks: the first event must come within the first
event timeout of the request (keep-alive comments do not count), and after
it each read within the read timeout of the previous one (any byte counts).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx

from bridge import errors
from bridge.decoding import BodyDecoder, DecodingError
from bridge.limits import safe_metadata
from bridge.upstream.options import UpstreamOptions
from bridge.upstream.retry import parse_retry_after

__all__ = ["UpstreamFailure", "UpstreamReply", "describe"]

# Reply headers a client may need: request id, timing and rate-limit state.
_REPLY_HEADERS = ("x-request-id", "openai-processing-ms", "openai-version", "retry-after")
_REPLY_HEADER_PREFIXES = ("x-ratelimit-",)


class UpstreamFailure(Exception):
    """A call that produced no usable HTTP reply (connection failure or timeout)."""

    def __init__(self, error: errors.UpstreamError) -> None:
        super().__init__(error.message)
        self.error = error


class UpstreamReply:
    """An upstream reply whose body is read on demand, whole or chunk by chunk.

    The body is decoded here (Content-Encoding) in bounded pieces, and never
    held beyond the message limit: a unary body larger than that, or a gzip
    body that inflates past it, fails the call instead of the process.
    """

    def __init__(self, response: httpx.Response, started: float, options: UpstreamOptions) -> None:
        self._response = response
        self._started = started
        self._options = options
        self._body: bytes | None = None
        self._evented = False
        headers = response.headers
        self.status = response.status_code
        self.content_type = _header(headers, "content-type") or ""
        self.request_id = _header(headers, "x-request-id")
        self.retry_after = parse_retry_after(
            _header(headers, "retry-after"), _header(headers, "retry-after-ms")
        )
        self.metadata = safe_metadata(
            (name, value)
            for name, value in _ascii_items(headers)
            if name in _REPLY_HEADERS or name.startswith(_REPLY_HEADER_PREFIXES)
        )
        if self.request_id is not None and ("x-request-id", self.request_id) not in self.metadata:
            # Not fit to travel as metadata (non-ASCII, oversized): not an id to quote either.
            self.request_id = None

    def _decoder(self) -> BodyDecoder:
        try:
            return BodyDecoder(_header(self._response.headers, "content-encoding") or "")
        except DecodingError as exc:
            raise UpstreamFailure(errors.unreadable(str(exc))) from None

    async def read(self) -> bytes:
        """The whole body, read once; each piece must come within the read timeout.

        Raises:
            UpstreamFailure: the body stalled, broke, is not valid in its encoding,
                or is larger than the message limit.
        """
        if self._body is None:
            limit = self._options.max_body_bytes
            decoder = self._decoder()
            parts: list[bytes] = []
            size = 0
            iterator = self._response.aiter_raw().__aiter__()
            try:
                while True:
                    try:
                        async with asyncio.timeout(self._options.read_timeout):
                            raw = await iterator.__anext__()
                    except StopAsyncIteration:
                        parts.extend(decoder.flush())
                        break
                    for piece in decoder.feed(raw):
                        size += len(piece)
                        if size > limit:
                            raise UpstreamFailure(errors.too_large("reply body", limit))
                        parts.append(piece)
            except TimeoutError:
                raise UpstreamFailure(
                    errors.timed_out("read", self._options.read_timeout)
                ) from None
            except DecodingError as exc:
                raise UpstreamFailure(errors.unreadable(str(exc))) from None
            except httpx.TransportError as exc:
                raise UpstreamFailure(errors.connection_failed(describe(exc))) from None
            self._body = b"".join(parts)
        return self._body

    def saw_event(self) -> None:
        """The stream has delivered its first event: from now on only idleness counts."""
        self._evented = True

    async def chunks(self) -> AsyncIterator[bytes]:
        """The decoded body as it arrives.

        Until the consumer calls `saw_event`, the stream must produce its first
        event within the first-event timeout of the request (keep-alive comments
        and other bytes do not count), and every read within the read timeout.
        After it, each read must come within the read timeout of the previous
        one. Time the consumer spends between chunks does not count.
        """
        decoder = self._decoder()
        iterator = self._response.aiter_raw().__aiter__()
        loop = asyncio.get_running_loop()
        read_timeout = self._options.read_timeout
        first_timeout = self._options.first_event_timeout
        first = loop.time() + max(self._started + first_timeout - time.monotonic(), 0.0)
        timer = _ReadTimer(loop, min(first, loop.time() + read_timeout), read_timeout)
        try:
            while True:
                try:
                    raw = await iterator.__anext__()
                except StopAsyncIteration:
                    for piece in decoder.flush():
                        yield piece
                    return
                except asyncio.CancelledError:
                    if timer.expired():
                        if not self._evented and loop.time() >= first:
                            raise UpstreamFailure(
                                errors.timed_out("first event", first_timeout)
                            ) from None
                        raise UpstreamFailure(
                            errors.timed_out("read between events", read_timeout)
                        ) from None
                    raise
                except httpx.TransportError as exc:
                    raise UpstreamFailure(errors.connection_failed(describe(exc))) from None
                timer.deadline = _PAUSED
                for piece in decoder.feed(raw):
                    yield piece
                now = loop.time() + read_timeout
                timer.move(now if self._evented else min(first, now))
        except DecodingError as exc:
            raise UpstreamFailure(errors.unreadable(str(exc))) from None
        finally:
            timer.cancel()


def _header(headers: httpx.Headers, name: str) -> str | None:
    """A header's value, or None when absent or not valid as text."""
    try:
        value: str | None = headers.get(name)
    except UnicodeDecodeError:
        return None
    return value


def _ascii_items(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Every header as (lower-case name, value), for the ones that are ASCII."""
    items = []
    for name, value in headers.raw:
        if name.isascii() and value.isascii():
            items.append((name.decode().lower(), value.decode()))
    return items


_PAUSED = float("inf")


class _ReadTimer:
    """A read deadline that moves at the cost of a float store.

    asyncio.timeout around each read pushes and cancels a timer per event;
    this keeps one timer per stream and re-arms it only when it fires before
    the current deadline. While the caller holds a chunk the deadline is
    paused, so a slow gRPC client is never mistaken for a stalled upstream.
    """

    __slots__ = ("_fired", "_handle", "_loop", "_read_timeout", "_task", "_wake", "deadline")

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: float, read_timeout: float):
        self._loop = loop
        self._task = asyncio.current_task()
        self._read_timeout = read_timeout
        self._fired = False
        self.deadline = deadline
        self._wake = deadline
        self._handle = loop.call_at(deadline, self._check)

    def move(self, deadline: float) -> None:
        """Set the deadline; only one earlier than the timer's wake-up re-arms it."""
        self.deadline = deadline
        if deadline < self._wake:
            self._handle.cancel()
            self._arm(deadline)

    def _arm(self, wake: float) -> None:
        self._wake = wake
        self._handle = self._loop.call_at(wake, self._check)

    def _check(self) -> None:
        now = self._loop.time()
        if self.deadline <= now and self._task is not None:
            self._fired = True
            self._task.cancel()
            return
        self._arm(self.deadline if self.deadline != _PAUSED else now + self._read_timeout)

    def expired(self) -> bool:
        """Whether the cancellation being handled is this timer's alone."""
        if not self._fired or self._task is None:
            return False
        self._fired = False
        # Another cancel (the client's) on top of ours keeps the call cancelled.
        return self._task.uncancel() == 0

    def cancel(self) -> None:
        self._handle.cancel()


def describe(exc: Exception) -> str:
    """A transport exception as a short message: its kind and its text."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
