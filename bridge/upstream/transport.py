"""An httpx transport that sends over aiohttp's HTTP/1.1 client.

httpx stays the API the bridge programs against (timeouts, instrumentation,
MockTransport in tests); aiohttp's C-accelerated client does the wire work at
about half the CPU per request of httpx's own HTTP/1.1 stack, and 30% less
per event of a paced stream. HTTP/2 needs httpx's own transport
(`BRIDGE_UPSTREAM_HTTP2=true`).

Errors map onto httpx's hierarchy by where they happen: before the response
head a dropped connection is `ConnectError` (nothing was received, so a retry
is safe), after it `ReadError`; a connect timeout is `ConnectTimeout`; a head
the parser refuses (over 8190 bytes a line, too many headers) is
`UnreadableHead`, with aiohttp's reason and without the URL.
"""

from __future__ import annotations

import io
import ssl
from collections.abc import AsyncIterator

import aiohttp
import httpx

__all__ = ["MAX_HEADERS", "MAX_HEADER_LINE", "AiohttpTransport", "UnreadableHead", "head_problem"]

_CHUNK = 64 * 1024
# aiohttp writes a bytes body in one go, holding the event loop while it does.
_LARGE_BODY = 1 << 20


# A response head's bounds, aiohttp's parser's: both transports hold a reply to them.
MAX_HEADERS = 128
MAX_HEADER_LINE = 8190


def head_problem(headers: list[tuple[bytes, bytes]]) -> str | None:
    """Why a response head is past the bounds above, or None."""
    if len(headers) > MAX_HEADERS:
        return "Too many headers received"
    for name, value in headers:
        if len(name) + len(value) + 2 > MAX_HEADER_LINE:
            return f"Got more than {MAX_HEADER_LINE} bytes when reading a header"
    return None


class UnreadableHead(httpx.RemoteProtocolError):
    """The upstream sent a response head that cannot be parsed (nothing to retry)."""


class _Body(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._response.content
        try:
            async for chunk in content.iter_any():
                yield chunk
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as exc:
            # aiohttp raises as soon as the connection breaks, even when bytes
            # that arrived before the break are still buffered: hand them over
            # first, so the events an upstream did send are not lost.
            leftover = _buffered(content)
            if leftover:
                yield leftover
            if isinstance(exc, aiohttp.ClientPayloadError):
                # As httpx names it: the body ended before its framing said.
                raise httpx.RemoteProtocolError(
                    "connection closed before the body was complete"
                ) from exc
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        # Closing (not releasing) drops the connection of an unfinished body,
        # which is what tells the upstream its client went away.
        self._response.close()


def _payload(content: bytes) -> bytes | io.BytesIO | None:
    """The request body as aiohttp sends it best: a large one as a stream, which it
    writes in pieces (a BytesIO shares the bytes, it does not copy them)."""
    if not content:
        return None
    return io.BytesIO(content) if len(content) > _LARGE_BODY else content


def _buffered(content: aiohttp.StreamReader) -> bytes:
    """What `content` still buffers, past an error (aiohttp has no public call for it)."""
    read = getattr(content, "_read_nowait", None)
    if read is None:
        return b""
    try:
        data: bytes = read(-1)
    except Exception:  # a private call: never let it mask the real error
        return b""
    return data


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one shared aiohttp session."""

    def __init__(
        self,
        *,
        max_connections: int,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
        proxy: str | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._connect_timeout = connect_timeout
        self._ssl = ssl_context
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop that will serve it.
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, ssl=self._ssl if self._ssl is not None else True
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes content-encoding itself
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept"),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._get_session()
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._connect_timeout)
        try:
            response = await session.request(
                request.method,
                str(request.url),
                headers=[
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                ],
                data=_payload(request.content),
                allow_redirects=False,
                timeout=timeout,
                proxy=self._proxy,
            )
        except (TimeoutError, aiohttp.ConnectionTimeoutError) as exc:
            raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
        except aiohttp.ClientProxyConnectionError as exc:
            raise httpx.ProxyError(str(exc), request=request) from exc
        except aiohttp.ServerDisconnectedError as exc:
            # Its text is the repr of a half-parsed message: say what happened.
            raise httpx.RemoteProtocolError(
                "server disconnected without sending a complete response", request=request
            ) from exc
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from exc
        except aiohttp.ClientResponseError as exc:
            # A response head aiohttp's parser refused (too many or too long
            # header lines, bad framing); its text would quote the URL.
            reason = str(exc.message).split(": b'", 1)[0].split(":\n", 1)[0]
            raise UnreadableHead(reason, request=request) from exc
        return httpx.Response(
            status_code=response.status,
            # As bytes: a header value that is not ASCII must not fail the reply.
            headers=list(response.raw_headers),
            stream=_Body(response),
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode(),
            },
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
