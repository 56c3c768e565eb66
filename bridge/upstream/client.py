"""Calls of one upstream Responses API: the only code that sends HTTP requests.

One `UpstreamClient` per upstream, configured by its `UpstreamOptions`; one
shared `httpx.AsyncClient` with a connection pool serves every call.
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
from bridge.decoding import ACCEPTED_ENCODINGS
from bridge.upstream.credentials import ApiKeySource
from bridge.upstream.options import Instrument, UpstreamOptions
from bridge.upstream.reply import UpstreamFailure, UpstreamReply, describe
from bridge.upstream.retry import RetryBudget, RetryPolicy
from bridge.upstream.transport import AiohttpTransport, UnreadableHead, head_problem

__all__ = ["UpstreamCall", "UpstreamClient"]

log = structlog.get_logger("bridge.upstream")


async def _close(response: httpx.Response) -> None:
    """Close a reply when the call fails or is cancelled, whatever comes next: a close
    interrupted half-way by a second cancellation (httpx's own transport awaits its
    socket's close) would leave the connection open."""
    closing = asyncio.ensure_future(response.aclose())
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

    Raises (at construction):
        ValueError: the API key file cannot be read.
    """

    def __init__(
        self,
        options: UpstreamOptions,
        transport: httpx.AsyncBaseTransport | None = None,
        instrument: Instrument | None = None,
    ) -> None:
        self.options = options
        self.profile = options.profile
        self._base = options.base_url
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
        limits = httpx.Limits(
            max_connections=options.max_connections or None,
            max_keepalive_connections=min(options.max_connections or 100, 100),
        )
        # Reads are bounded per chunk in UpstreamReply.chunks and the whole
        # call by the servicer's deadline; httpx bounds connect and writes.
        timeout = httpx.Timeout(
            None, connect=options.connect_timeout, write=options.connect_timeout
        )
        headers = {"user-agent": "responses-bridge", "accept-encoding": ACCEPTED_ENCODINGS}
        self._headers = headers
        self._timeout = timeout
        self._urls: dict[str, httpx.URL] = {}
        self._aiohttp = transport is None and not options.http2
        if self._aiohttp:
            # HTTP/1.1 over aiohttp: half the CPU per request, and 30% less per
            # event of a paced stream, than httpx's own stack.
            transport = AiohttpTransport(
                max_connections=options.max_connections,
                connect_timeout=options.connect_timeout,
                ssl_context=ssl_context,
                proxy=options.proxy,
            )
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=timeout,
            limits=limits,
            http2=options.http2,
            proxy=options.proxy if options.http2 else None,
            verify=ssl_context or True,
            transport=transport,
            cookies=_NO_COOKIES,
        )
        if instrument is not None:
            instrument(self._client)

    @asynccontextmanager
    async def exchange(self, call: UpstreamCall) -> AsyncIterator[UpstreamReply]:
        """Send `call`, retrying while nothing has reached the client; yield the reply.

        The reply's body is unread; it is closed when the block exits, whatever
        way it exits. Retries happen on connection failures and on retryable
        statuses (see `bridge.upstream.retry`), never once the block has been entered.

        Raises:
            UpstreamFailure: the upstream could not be reached or timed out.
        """
        headers = dict(call.headers)
        api_key = self.api_keys.key(call.api_key)
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
            reply = UpstreamReply(response, started, self.options)
            try:
                retry = (
                    reply.status >= 400
                    and self.policy.allows(attempt)
                    # A wait longer than the longest backoff is the client's to decide.
                    and (reply.retry_after is None or reply.retry_after <= self.policy.max_backoff)
                    and await self._retryable(reply)
                    and self._budgeted()
                )
            except BaseException:
                await _close(response)
                raise
            if retry:
                await _close(response)
                await asyncio.sleep(self.policy.delay(attempt, reply.retry_after))
                attempt += 1
                continue
            try:
                yield reply
            except BaseException:
                await _close(response)
                raise
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
        limit = self.options.first_event_timeout if stream else None
        try:
            async with asyncio.timeout(limit):
                response = await client.send(request, stream=True)
        except TimeoutError:
            raise UpstreamFailure(
                errors.timed_out("first event", self.options.first_event_timeout)
            ) from None
        except httpx.ConnectTimeout:
            raise UpstreamFailure(
                errors.timed_out("connect", self.options.connect_timeout)
            ) from None
        except httpx.WriteTimeout:
            raise UpstreamFailure(
                errors.timed_out("request write", self.options.connect_timeout)
            ) from None
        except UnreadableHead as exc:
            raise UpstreamFailure(errors.unreadable(f"its response head: {exc}")) from None
        except httpx.TransportError as exc:
            raise UpstreamFailure(errors.connection_failed(describe(exc))) from None
        except (httpx.HTTPError, OSError, ValueError, UnicodeError) as exc:
            # Whatever else a transport raises on a hostile reply (a header it
            # cannot parse, an invalid URL or header value) is a failed exchange.
            raise UpstreamFailure(errors.connection_failed(describe(exc))) from None
        # aiohttp's parser holds heads to these bounds itself; other transports do not.
        problem = None if self._aiohttp else head_problem(response.headers.raw)
        if problem is not None:
            await _close(response)
            raise UpstreamFailure(errors.unreadable(f"its response head: {problem}"))
        return response

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
