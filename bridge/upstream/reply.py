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
from collections.abc import Sequence

from bridge import errors
from bridge.decoding import BodyDecoder, DecodingError
from bridge.limits import safe_metadata
from bridge.upstream.failure import UpstreamFailure
from bridge.upstream.options import UpstreamOptions
from bridge.upstream.retry import parse_retry_after
from bridge.upstream.wire import WireError, WireResponse

__all__ = ["UpstreamReply"]

# Reply headers a client may need: request id, timing and rate-limit state.
_REPLY_HEADERS = ("x-request-id", "openai-processing-ms", "openai-version", "retry-after")
_REPLY_HEADER_PREFIXES = ("x-ratelimit-",)


class UpstreamReply:
    """An upstream reply whose body is read on demand, whole or chunk by chunk.

    The body is decoded here (Content-Encoding) in bounded pieces, and never
    held beyond the message limit: a unary body larger than that, or a gzip
    body that inflates past it, fails the call instead of the process.
    """

    __slots__ = (
        "_body",
        "_decoder",
        "_evented",
        "_first",
        "_options",
        "_pieces",
        "_started",
        "_timer",
        "_wire",
        "content_type",
        "metadata",
        "request_id",
        "retry_after",
        "status",
    )

    def __init__(self, wire: WireResponse, started: float, options: UpstreamOptions) -> None:
        self._wire = wire
        self._started = started
        self._options = options
        self._evented = False
        self._timer: _ReadTimer | None = None
        self._first = 0.0
        self._pieces: list[bytes] = []
        self._body: bytes | None = None
        self.status = wire.status
        headers = _text_headers(wire.raw_headers)
        self.content_type = headers.get("content-type", "")
        self.request_id = headers.get("x-request-id")
        self.retry_after = parse_retry_after(
            headers.get("retry-after"), headers.get("retry-after-ms")
        )
        self.metadata = safe_metadata(
            [
                (name, value)
                for name, value in headers.items()
                if name in _REPLY_HEADERS or name.startswith(_REPLY_HEADER_PREFIXES)
            ]
        )
        if self.request_id is not None and ("x-request-id", self.request_id) not in self.metadata:
            # Not fit to travel as metadata (non-ASCII, oversized): not an id to quote either.
            self.request_id = None
        try:
            self._decoder = BodyDecoder(headers.get("content-encoding", ""))
        except DecodingError as exc:
            raise UpstreamFailure(errors.unreadable(str(exc))) from None

    async def read(self) -> bytes:
        """The whole body, read once; each piece must come within the read timeout.

        Raises:
            UpstreamFailure: the body stalled, broke, is not valid in its encoding,
                or is larger than the message limit.
        """
        if self._body is not None:
            return self._body
        limit = self._options.max_body_bytes
        decoder = self._decoder
        parts: list[bytes] = []
        size = 0
        wire = self._wire
        try:
            while True:
                async with asyncio.timeout(self._options.read_timeout):
                    raw = await wire.read_chunk()
                if not raw:
                    decoder.flush()
                    break
                for piece in decoder.feed(raw):
                    size += len(piece)
                    if size > limit:
                        raise UpstreamFailure(errors.too_large("reply body", limit))
                    parts.append(piece)
        except TimeoutError:
            raise UpstreamFailure(errors.timed_out("read", self._options.read_timeout)) from None
        except DecodingError as exc:
            raise UpstreamFailure(errors.unreadable(str(exc))) from None
        except WireError as broken:
            # A name of its own: compiled with mypyc, a name keeps one exception type.
            raise UpstreamFailure(errors.connection_failed(str(broken))) from None
        self._body = b"".join(parts)
        return self._body

    def saw_event(self) -> None:
        """The stream has delivered its first event: from now on only idleness counts."""
        self._evented = True

    async def next_chunk(self) -> bytes:
        """The next piece of the decoded body as it arrives; b"" at its end.

        Until the consumer calls `saw_event`, the stream must produce its first
        event within the first-event timeout of the request (keep-alive comments
        and other bytes do not count), and every read within the read timeout.
        After it, each read must come within the read timeout of the previous
        one. Time the consumer spends between chunks does not count.

        Raises:
            UpstreamFailure: the stream stalled, broke or is not valid in its encoding.
        """
        if self._pieces:
            return self._pieces.pop()
        options = self._options
        timer = self._timer
        # The timer holds the loop: asking asyncio for it costs a system call per chunk
        # on Python 3.11 (its fork check calls getpid).
        loop = asyncio.get_running_loop() if timer is None else timer.loop
        now = loop.time() + options.read_timeout
        if timer is None:
            first = options.first_event_timeout
            self._first = loop.time() + max(self._started + first - time.monotonic(), 0.0)
            timer = self._timer = _ReadTimer(loop, min(self._first, now), options.read_timeout)
        else:
            timer.move(now if self._evented else min(self._first, now))
        decoder = self._decoder
        while True:
            try:
                raw = await self._wire.read_chunk()
            except asyncio.CancelledError:
                if timer.expired():
                    timer.deadline = _PAUSED
                    if not self._evented and loop.time() >= self._first:
                        raise UpstreamFailure(
                            errors.timed_out("first event", options.first_event_timeout)
                        ) from None
                    raise UpstreamFailure(
                        errors.timed_out("read between events", options.read_timeout)
                    ) from None
                raise
            except WireError as broken:
                timer.deadline = _PAUSED
                raise UpstreamFailure(errors.connection_failed(str(broken))) from None
            if not raw:
                timer.deadline = _PAUSED
                try:
                    decoder.flush()
                except DecodingError as exc:
                    raise UpstreamFailure(errors.unreadable(str(exc))) from None
                return b""
            if decoder.identity:
                timer.deadline = _PAUSED
                return raw
            try:
                pieces = list(decoder.feed(raw))
            except DecodingError as exc:
                timer.deadline = _PAUSED
                raise UpstreamFailure(errors.unreadable(str(exc))) from None
            if pieces:
                timer.deadline = _PAUSED
                pieces.reverse()
                self._pieces = pieces
                return pieces.pop()

    async def close(self) -> None:
        """Stop the read timer and close the body (dropping the connection if unfinished)."""
        if self._timer is not None:
            self._timer.cancel()
        await self._wire.close()


def _text_headers(raw: Sequence[tuple[bytes, bytes]]) -> dict[str, str]:
    """The ASCII headers by lower-case name (the first of each); the others are left out."""
    headers: dict[str, str] = {}
    for name, value in raw:
        if name.isascii() and value.isascii():
            headers.setdefault(name.decode().lower(), value.decode())
    return headers


_PAUSED = float("inf")


class _ReadTimer:
    """A read deadline that moves at the cost of a float store.

    asyncio.timeout around each read pushes and cancels a timer per event;
    this keeps one timer per stream and re-arms it only when it fires before
    the current deadline. While the caller holds a chunk the deadline is
    paused, so a slow gRPC client is never mistaken for a stalled upstream.
    """

    __slots__ = ("_fired", "_handle", "_read_timeout", "_task", "_wake", "deadline", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: float, read_timeout: float):
        self.loop = loop
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
        self._handle = self.loop.call_at(wake, self._check)

    def _check(self) -> None:
        now = self.loop.time()
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
