"""Calls of one upstream Responses API: the only code that sends HTTP requests.

One `UpstreamClient` per upstream, configured by its `UpstreamOptions`, sends
every call over one `Wire` (`bridge.upstream.wire`) and its connection pool, as
`UpstreamOptions.wire` says: by default `Http1Wire` for HTTP/1.1, aiohttp's client
through a proxy, httpx's for HTTP/2 or a given httpx transport.
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import structlog

from bridge import errors
from bridge.decoding import ACCEPTED_ENCODINGS
from bridge.upstream.credentials import ApiKeySource
from bridge.upstream.failure import UpstreamFailure
from bridge.upstream.http1 import Http1Wire
from bridge.upstream.options import RequestHooks, UpstreamOptions
from bridge.upstream.reply import UpstreamReply
from bridge.upstream.retry import AttemptBudget, RetryBudget, RetryPolicy
from bridge.upstream.websocket import UpstreamSocket, WebSocketDialer, websocket_url
from bridge.upstream.wire import (
    AiohttpWire,
    ConnectTimeout,
    HttpxWire,
    UnreadableHead,
    Wire,
    WireError,
    WireResponse,
    WriteTimeout,
)

__all__ = ["Exchange", "UpstreamCall", "UpstreamClient"]

log = structlog.get_logger("bridge.upstream")


async def _close(response: WireResponse | UpstreamReply) -> None:
    """Close a reply when the call fails or is cancelled, whatever comes next: a close
    interrupted half-way by a second cancellation (httpx's own transport awaits its
    socket's close) would leave the connection open."""
    closing = asyncio.ensure_future(response.close())
    try:
        await asyncio.shield(closing)
    except asyncio.CancelledError:
        if not closing.done():
            # Finished in the background; the cancellation goes on.
            _closing.add(closing)
            closing.add_done_callback(_closing.discard)
        raise


# Closes that outlived a cancelled call (kept referenced until they finish).
_closing: set[asyncio.Future[None]] = set()


class _NoCookieJar(http.cookiejar.CookieJar):
    """Keeps no cookies: an upstream's cookies must not pass from one caller to the next."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def add_cookie_header(self, request: Any) -> None:
        return None


_NO_COOKIES = httpx.Cookies(_NoCookieJar())


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """One logical upstream call; retries reuse it unchanged."""

    method: str
    path: str
    body: bytes | None = None
    params: Mapping[str, str | list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: bool = False
    # The caller's own upstream key (`ApiKeySource.caller_key`), when it sent one.
    api_key: str | None = None


class UpstreamClient:
    """Calls one upstream with its credentials, pool and retries.

    Usage::

        upstream = UpstreamClient(UpstreamOptions(base_url="https://api.openai.com/v1"))
        async with upstream.exchange(UpstreamCall("GET", "/responses/resp_1")) as reply:
            body = await reply.read()
        await upstream.aclose()

    The options choose the wire (`UpstreamOptions.chosen_wire`); a `transport` (an httpx
    transport) sends over httpx's client.

    Raises (at construction):
        ValueError: the API key file cannot be read.
    """

    def __init__(
        self,
        options: UpstreamOptions,
        transport: httpx.AsyncBaseTransport | None = None,
        hooks: RequestHooks | None = None,
    ) -> None:
        self.options = options
        self.profile = options.profile
        self._base = options.base_url
        self._hooks = hooks
        self.policy = RetryPolicy(max_retries=options.max_retries)
        self.budget = RetryBudget(ratio=options.retry_budget_percent / 100.0)
        self.api_keys = ApiKeySource(
            key=options.api_key,
            key_file=options.api_key_file,
            caller_header=options.caller_key_header,
            what=options.api_key_file_setting,
        )
        ssl_context = (
            ssl.create_default_context(cafile=options.ca_bundle) if options.ca_bundle else None
        )
        self._headers = (
            ("user-agent", "responses-bridge"),
            ("accept-encoding", ACCEPTED_ENCODINGS),
            *options.headers,
        )
        # Header values kept in files (credentials a provider wants besides the key).
        self._header_files = tuple(
            (name, ApiKeySource(key_file=path, what=f"the file of header {name}"))
            for name, path in options.header_files
        )
        self._urls: dict[str, str] = {}
        self._dialer = WebSocketDialer(options, ssl_context)
        self._wire: Wire
        chosen = "httpx" if transport is not None else options.chosen_wire
        if chosen == "http1":
            self._wire = Http1Wire(
                max_connections=options.max_connections,
                connect_timeout=options.connect_timeout,
                ssl_context=ssl_context,
            )
        elif chosen == "aiohttp":
            self._wire = AiohttpWire(
                max_connections=options.max_connections,
                connect_timeout=options.connect_timeout,
                ssl_context=ssl_context,
                proxy=options.proxy,
            )
        else:
            # Reads are bounded per chunk by the reply and the whole call by the
            # servicer's deadline; httpx bounds connect and writes.
            timeout = httpx.Timeout(
                None, connect=options.connect_timeout, write=options.connect_timeout
            )
            client = httpx.AsyncClient(
                timeout=timeout,
                limits=httpx.Limits(
                    max_connections=options.max_connections or None,
                    max_keepalive_connections=min(options.max_connections or 100, 100),
                ),
                http2=options.http2,
                proxy=options.proxy,
                verify=ssl_context or True,
                transport=transport,
                cookies=_NO_COOKIES,
            )
            self._wire = HttpxWire(client, timeout)

    def _url(self, path: str, params: Mapping[str, str | list[str]]) -> str:
        url = self._urls.get(path)
        if url is None:
            url = f"{self._base}{path}"
            if len(self._urls) < 64:  # fixed paths only; ids vary
                self._urls[path] = url
        if params:
            url = f"{url}?{urlencode(params, doseq=True, quote_via=quote)}"
        return url

    def exchange(self, call: UpstreamCall, attempts: AttemptBudget | None = None) -> Exchange:
        """Send `call`, retrying while nothing has reached the client: `async with
        client.exchange(call) as reply`.

        The reply's body is unread; it is closed when the block exits, whatever
        way it exits. Retries happen on connection failures and on retryable
        statuses (see `bridge.upstream.retry`), never once the block has been entered,
        and each one takes one of `attempts` when given (the caller's budget across
        upstreams; the first attempt is the caller's to count).

        Raises (on entering the block):
            UpstreamFailure: the upstream could not be reached or timed out.
        """
        return Exchange(self, call, attempts)

    async def _open(self, call: UpstreamCall, attempts: AttemptBudget | None) -> UpstreamReply:
        """`exchange`'s reply, once no retry is due."""
        headers = self._request_headers(call.headers, call.api_key)
        names = call.headers.keys()
        if call.body is not None and "content-type" not in names:
            headers.append(("content-type", "application/json"))
        if call.stream and "accept" not in names:
            headers.append(("accept", "text/event-stream"))
        url = self._url(call.path, call.params)
        attempt = 0
        self.budget.call()
        while True:
            started = time.monotonic()
            try:
                response = await self._send(call, url, headers)
            except UpstreamFailure as failure:
                if (
                    failure.error.code.name != "UNAVAILABLE"
                    or not self.policy.allows(attempt)
                    or not self._budgeted()
                    or (attempts is not None and not attempts.take())
                ):
                    raise
                if self._hooks is not None:
                    self._hooks.retried()
                await asyncio.sleep(self.policy.delay(attempt))
                attempt += 1
                continue
            try:
                reply = UpstreamReply(response, started, self.options)
                retry = (
                    reply.status >= 400
                    and self.policy.allows(attempt)
                    # A wait longer than the longest backoff is the client's to decide.
                    and (reply.retry_after is None or reply.retry_after <= self.policy.max_backoff)
                    and await self._retryable(reply)
                    and self._budgeted()
                    and (attempts is None or attempts.take())
                )
            except BaseException:
                await _close(response)
                raise
            if not retry:
                return reply
            await _close(reply)
            if self._hooks is not None:
                self._hooks.retried()
            await asyncio.sleep(self.policy.delay(attempt, reply.retry_after))
            attempt += 1

    def _budgeted(self) -> bool:
        if self.budget.try_retry():
            return True
        log.warning("retry_budget_exhausted", ratio=self.budget.ratio)
        if self._hooks is not None:
            self._hooks.budget_exhausted()
        return False

    async def _send(
        self, call: UpstreamCall, url: str, headers: list[tuple[str, str]]
    ) -> WireResponse:
        options = self.options
        hooks = self._hooks
        if hooks is not None:
            # Each attempt its own copy: the hooks add their trace headers.
            headers = list(headers)
            token = hooks.started(call.method, url, headers)
        status: int | None = None
        failure: BaseException | None = None
        try:
            if call.stream:
                async with asyncio.timeout(options.first_event_timeout):
                    response = await self._wire.send(call.method, url, headers, call.body)
            else:
                response = await self._wire.send(call.method, url, headers, call.body)
            status = response.status
            return response
        except TimeoutError as exc:
            failure = exc
            raise UpstreamFailure(
                errors.timed_out("first event", options.first_event_timeout)
            ) from None
        except ConnectTimeout as exc:
            failure = exc
            raise UpstreamFailure(errors.timed_out("connect", options.connect_timeout)) from None
        except WriteTimeout as exc:
            failure = exc
            raise UpstreamFailure(
                errors.timed_out("request write", options.connect_timeout)
            ) from None
        except UnreadableHead as exc:
            failure = exc
            reason = str(exc).removeprefix("UnreadableHead: ")
            raise UpstreamFailure(errors.unreadable(f"its response head: {reason}")) from None
        except WireError as exc:
            failure = exc
            raise UpstreamFailure(errors.connection_failed(str(exc))) from None
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if hooks is not None:
                hooks.ended(token, status, failure)

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

    def _request_headers(
        self, headers: Mapping[str, str], api_key: str | None
    ) -> list[tuple[str, str]]:
        """Every request's headers: the bridge's and the configured ones, the call's, the
        values kept in files, and the key as a bearer token."""
        sent = [*self._headers, *headers.items()]
        for name, source in self._header_files:
            value = source.key()
            if value:
                sent.append((name, value))
        key = self.api_keys.key(api_key)
        if key:
            sent.append(("authorization", f"Bearer {key}"))
        return sent

    async def websocket(
        self, path: str, headers: Mapping[str, str], api_key: str | None = None
    ) -> UpstreamSocket:
        """Open a WebSocket to the upstream's `path` (the Responses API's WebSocket mode),
        with the call's headers and key as `exchange` sends them.

        Raises:
            WebSocketRefused: the upstream answered the handshake with an HTTP status.
            UpstreamFailure: it could not be reached, or not in time.
        """
        sent = self._request_headers(headers, api_key)
        url = websocket_url(f"{self._base}{path}")
        hooks = self._hooks
        token = hooks.started("GET", url, sent) if hooks is not None else None
        try:
            socket = await self._dialer.connect(url, sent)
        except UpstreamFailure as failure:
            if hooks is not None:
                hooks.ended(token, getattr(failure, "status", None), failure)
            raise
        if hooks is not None:
            hooks.ended(token, 101, None)
        return socket

    async def aclose(self) -> None:
        """Close the connection pool, and the WebSockets' session."""
        await self._wire.aclose()
        await self._dialer.aclose()


class Exchange:
    """`UpstreamClient.exchange`'s block: entered, the reply; left, the reply closed
    (at once when the block failed or was cancelled).

    A class rather than a generator-based context manager: every upstream call
    enters one, and the generator's (its frame, the loop's hooks for it) costs about
    five times as much to enter and leave (1.7-2.0 against 0.35 µs)."""

    __slots__ = ("_attempts", "_call", "_client", "_reply")

    def __init__(
        self, client: UpstreamClient, call: UpstreamCall, attempts: AttemptBudget | None
    ) -> None:
        self._client = client
        self._call = call
        self._attempts = attempts
        self._reply: UpstreamReply | None = None

    async def __aenter__(self) -> UpstreamReply:
        self._reply = await self._client._open(self._call, self._attempts)
        return self._reply

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        reply = self._reply
        if reply is None:
            return
        self._reply = None
        if exc is None:
            await reply.close()
        else:
            await _close(reply)
