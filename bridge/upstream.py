"""The only module that speaks HTTP: calls of the upstream Responses API.

One shared `httpx.AsyncClient` with a connection pool serves every call.
Replies are read incrementally and closed as soon as the caller leaves the
`exchange` block, so a cancelled gRPC call closes its upstream request at once,
before the first byte or mid-stream. Transport failures become
`UpstreamFailure` carrying the mapped error; HTTP error statuses are returned
as replies, for the caller to map.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import ssl
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog

from bridge import errors
from bridge.config import Settings
from bridge.decoding import ACCEPTED_ENCODINGS, BodyDecoder, DecodingError
from bridge.limits import safe_metadata
from bridge.retry import RetryBudget, RetryPolicy, parse_retry_after
from bridge.security import ApiKeySource
from bridge.transport import AiohttpTransport, UnreadableHead

__all__ = ["UpstreamCall", "UpstreamClient", "UpstreamFailure", "UpstreamReply"]

log = structlog.get_logger("bridge.upstream")

# Reply headers a client may need: request id, timing and rate-limit state.
_REPLY_HEADERS = ("x-request-id", "openai-processing-ms", "openai-version", "retry-after")
_REPLY_HEADER_PREFIXES = ("x-ratelimit-",)


class _NoCookieJar(http.cookiejar.CookieJar):
    """Keeps no cookies: an upstream's cookies must not pass from one caller to the next."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def add_cookie_header(self, request: Any) -> None:
        return None


_NO_COOKIES = httpx.Cookies(_NoCookieJar())


class UpstreamFailure(Exception):
    """A call that produced no usable HTTP reply (connection failure or timeout)."""

    def __init__(self, error: errors.UpstreamError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """One logical upstream call; retries reuse it unchanged."""

    method: str
    path: str
    body: bytes | None = None
    params: Mapping[str, str | list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: bool = False
    # The caller's own upstream key, when the bridge lets callers send one.
    api_key: str | None = None


class UpstreamReply:
    """An upstream reply whose body is read on demand, whole or chunk by chunk.

    The body is decoded here (Content-Encoding) in bounded pieces, and never
    held beyond the message limit: a unary body larger than that, or a gzip
    body that inflates past it, fails the call instead of the process.
    """

    def __init__(self, response: httpx.Response, started: float, settings: Settings) -> None:
        self._response = response
        self._started = started
        self._settings = settings
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
            limit = self._settings.max_message_bytes
            decoder = self._decoder()
            parts: list[bytes] = []
            size = 0
            iterator = self._response.aiter_raw().__aiter__()
            try:
                while True:
                    try:
                        async with asyncio.timeout(self._settings.read_timeout):
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
                    errors.timed_out("read", self._settings.read_timeout)
                ) from None
            except DecodingError as exc:
                raise UpstreamFailure(errors.unreadable(str(exc))) from None
            except httpx.TransportError as exc:
                raise UpstreamFailure(errors.connection_failed(_describe(exc))) from None
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
        read_timeout = self._settings.read_timeout
        first_timeout = self._settings.first_byte_timeout
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
                    raise UpstreamFailure(errors.connection_failed(_describe(exc))) from None
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


class UpstreamClient:
    """Calls the upstream with the configured credentials, pool and retries."""

    def __init__(
        self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self._base = settings.upstream_url
        self.policy = RetryPolicy(max_retries=settings.max_retries)
        self.budget = RetryBudget(ratio=settings.retry_budget_percent / 100.0)
        self.api_keys = ApiKeySource(settings)
        ssl_context = (
            ssl.create_default_context(cafile=settings.ca_bundle) if settings.ca_bundle else None
        )
        limits = httpx.Limits(
            max_connections=settings.max_connections or None,
            max_keepalive_connections=min(settings.max_connections or 100, 100),
        )
        # Reads are bounded per chunk in UpstreamReply.chunks and the whole
        # call by the servicer's deadline; httpx bounds connect and writes.
        timeout = httpx.Timeout(
            None, connect=settings.connect_timeout, write=settings.connect_timeout
        )
        headers = {"user-agent": "responses-bridge", "accept-encoding": ACCEPTED_ENCODINGS}
        self._headers = headers
        self._timeout = timeout
        self._urls: dict[str, httpx.URL] = {}
        if transport is None and not settings.http2:
            # HTTP/1.1 over aiohttp: half the CPU per request, and 30% less per
            # event of a paced stream, than httpx's own stack.
            transport = AiohttpTransport(
                max_connections=settings.max_connections,
                connect_timeout=settings.connect_timeout,
                ssl_context=ssl_context,
                proxy=settings.proxy,
            )
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=timeout,
            limits=limits,
            http2=settings.http2,
            proxy=settings.proxy if settings.http2 else None,
            verify=ssl_context or True,
            transport=transport,
            cookies=_NO_COOKIES,
        )
        from bridge.telemetry.http import instrument_client

        # An HTTP CLIENT span per request, under the current (GenAI) span, and
        # traceparent sent upstream; nothing when tracing and metrics are off.
        instrument_client(self._client)

    @asynccontextmanager
    async def exchange(self, call: UpstreamCall) -> AsyncIterator[UpstreamReply]:
        """Send `call`, retrying while nothing has reached the client; yield the reply.

        The reply's body is unread; it is closed when the block exits, whatever
        way it exits. Retries happen on connection failures and on retryable
        statuses (see `bridge.retry`), never once the block has been entered.

        Raises:
            UpstreamFailure: the upstream could not be reached or timed out.
        """
        headers = dict(call.headers)
        api_key = call.api_key or self.api_keys.key()
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        if call.body is not None:
            headers.setdefault("content-type", "application/json")
        if call.stream:
            headers.setdefault("accept", "text/event-stream")
        client = self._client
        url = self._urls.get(call.path)
        if url is None:
            url = httpx.URL(f"{self._base}{call.path}")
            if len(self._urls) < 64:  # fixed paths only; ids vary
                self._urls[call.path] = url
        if call.params:
            url = url.copy_merge_params(dict(call.params))
        # Built directly: client.build_request re-parses and merges URLs,
        # headers and cookies on every call, which costs more than the call.
        request = httpx.Request(
            call.method,
            url,
            content=call.body,
            headers={**self._headers, **headers},
            extensions={"timeout": self._timeout.as_dict()},
        )
        attempt = 0
        self.budget.call()
        while True:
            started = time.monotonic()
            try:
                response = await self._send(client, request, call.stream)
            except UpstreamFailure as failure:
                if (
                    failure.error.code.name != "UNAVAILABLE"
                    or not self.policy.allows(attempt)
                    or not self._budgeted()
                ):
                    raise
                await asyncio.sleep(self.policy.delay(attempt))
                attempt += 1
                continue
            reply = UpstreamReply(response, started, self._settings)
            try:
                retry = (
                    reply.status >= 400
                    and self.policy.allows(attempt)
                    # A wait longer than the longest backoff is the client's to decide.
                    and (reply.retry_after is None or reply.retry_after <= self.policy.max_backoff)
                    and await self._retryable(reply)
                    and self._budgeted()
                )
            except UpstreamFailure:
                await response.aclose()
                raise
            if retry:
                await response.aclose()
                await asyncio.sleep(self.policy.delay(attempt, reply.retry_after))
                attempt += 1
                continue
            try:
                yield reply
            finally:
                await response.aclose()
            return

    def _budgeted(self) -> bool:
        if self.budget.try_retry():
            return True
        log.warning("retry_budget_exhausted", ratio=self.budget.ratio)
        return False

    async def _send(
        self, client: httpx.AsyncClient, request: httpx.Request, stream: bool
    ) -> httpx.Response:
        limit = self._settings.first_byte_timeout if stream else None
        try:
            async with asyncio.timeout(limit):
                return await client.send(request, stream=True)
        except TimeoutError:
            raise UpstreamFailure(
                errors.timed_out("first event", self._settings.first_byte_timeout)
            ) from None
        except httpx.ConnectTimeout:
            raise UpstreamFailure(
                errors.timed_out("connect", self._settings.connect_timeout)
            ) from None
        except httpx.WriteTimeout:
            raise UpstreamFailure(
                errors.timed_out("request write", self._settings.connect_timeout)
            ) from None
        except UnreadableHead as exc:
            raise UpstreamFailure(errors.unreadable(f"its response head: {exc}")) from None
        except httpx.TransportError as exc:
            raise UpstreamFailure(errors.connection_failed(_describe(exc))) from None
        except (httpx.HTTPError, OSError, ValueError, UnicodeError) as exc:
            # Whatever else a transport raises on a hostile reply (a header it
            # cannot parse, an invalid URL or header value) is a failed exchange.
            raise UpstreamFailure(errors.connection_failed(_describe(exc))) from None

    async def _retryable(self, reply: UpstreamReply) -> bool:
        if not RetryPolicy.retryable_status(reply.status):
            return False
        try:
            body = await reply.read()
        except UpstreamFailure as failure:
            # The error body went with the connection: retry as a connection failure.
            if failure.error.code.name == "UNAVAILABLE":
                return True
            raise
        error = errors.from_http(reply.status, body, reply.content_type)
        return RetryPolicy.retryable_status(reply.status, error.error_code)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


def _describe(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
