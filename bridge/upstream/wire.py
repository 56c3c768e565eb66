"""How requests reach an upstream: one HTTP exchange at a time, over one of three clients.

`Wire.send` sends one request and returns a `WireResponse` as soon as the
response head has arrived; the body is read with `read_chunk()` (b"" at its
end), one await per chunk and no generator layers between the socket and the
caller, and `close()` drops the connection of a body left unfinished.

The three wires (`UpstreamOptions.wire` chooses; "auto" as below):
- `bridge.upstream.http1.Http1Wire` for HTTP/1.1 (auto's choice): asyncio and
  llhttp's C parser (httptools), a connection pool of its own. Per unary call
  it costs a fraction of the CPU of aiohttp's client (no per-request timers,
  cookie jar or redirect logic) and opens connections without aiohttp's
  connector bookkeeping.
- `AiohttpWire`: aiohttp's client, auto's choice when an outbound proxy is
  configured (it speaks to HTTP proxies and tunnels through them).
- `HttpxWire`: httpx's client, auto's choice for HTTP/2 where the upstream
  offers it (`BRIDGE_UPSTREAM_HTTP2=true`), and for any httpx transport (the
  tests' mock transport).

Failures map onto `WireError`s by where they happen, named as httpx names
them: before the response head a failed connection is `ConnectError`, and one
dropped half-way through the head `RemoteProtocolError` (nothing usable was
received, so a retry is safe); a connect or write timeout is `ConnectTimeout`
or `WriteTimeout`; a head the HTTP parser refuses (a line over 8190 bytes, over
128 headers, broken framing) is `UnreadableHead`, with the parser's reason and
without the URL; a body that breaks is `ReadError`, or `RemoteProtocolError`
when it ends before its framing said (or its framing is malformed), raised only
after every byte that arrived before the break was handed over.
"""

from __future__ import annotations

import io
import ssl
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

import aiohttp
import httpx
from yarl import URL

__all__ = [
    "HEADER_TOO_LONG",
    "MAX_HEADERS",
    "MAX_HEADER_LINE",
    "TOO_MANY_HEADERS",
    "AiohttpWire",
    "ConnectError",
    "ConnectTimeout",
    "HttpxWire",
    "ReadError",
    "RemoteProtocolError",
    "UnreadableHead",
    "Wire",
    "WireError",
    "WireResponse",
    "WriteTimeout",
    "head_problem",
]

# A response head's bounds, aiohttp's parser's: every wire holds a reply to them.
MAX_HEADERS = 128
MAX_HEADER_LINE = 8190
# What `UnreadableHead` says of a head past them.
TOO_MANY_HEADERS = "Too many headers received"
HEADER_TOO_LONG = f"Got more than {MAX_HEADER_LINE} bytes when reading a header"
# aiohttp writes a bytes body in one go, holding the event loop while it does.
_LARGE_BODY = 1 << 20

Headers = Sequence[tuple[str, str]]


class WireError(Exception):
    """An exchange that failed on the wire; `str()` is "Kind: what happened"."""

    def __str__(self) -> str:
        text = super().__str__()
        return f"{type(self).__name__}: {text}" if text else type(self).__name__


class ConnectError(WireError):
    """No response head: the connection failed before one arrived."""


class RemoteProtocolError(WireError):
    """The upstream broke HTTP: it closed before a complete head, or before a complete body."""


class ReadError(WireError):
    """The connection broke while the body was being read."""


class ConnectTimeout(WireError):
    """The connection was not made in time."""


class WriteTimeout(WireError):
    """The request could not be written in time."""


class UnreadableHead(WireError):
    """The upstream sent a response head that cannot be parsed (nothing to retry)."""


def head_problem(headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    """Why a response head is past the bounds above, or None."""
    if len(headers) > MAX_HEADERS:
        return TOO_MANY_HEADERS
    for name, value in headers:
        if len(name) + len(value) + 2 > MAX_HEADER_LINE:
            return HEADER_TOO_LONG
    return None


class WireResponse(Protocol):
    """A response whose head has arrived and whose body is read on demand."""

    @property
    def status(self) -> int:
        """The HTTP status."""
        ...

    @property
    def raw_headers(self) -> Sequence[tuple[bytes, bytes]]:
        """The response's headers, as sent."""
        ...

    async def read_chunk(self) -> bytes:
        """The next raw piece of the body as it arrives (still encoded); b"" at its end.

        Raises:
            ReadError, RemoteProtocolError: the connection broke (after what arrived
                was handed over).
        """
        ...

    async def close(self) -> None:
        """Give the connection back, or drop it when the body was left unfinished."""
        ...


class Wire(Protocol):
    """Sends requests to one upstream over a connection pool."""

    async def send(
        self, method: str, url: str, headers: Headers, body: bytes | None
    ) -> WireResponse:
        """Send one request; return once the response head has arrived.

        Raises:
            WireError: the exchange failed before a response head.
        """
        ...

    async def aclose(self) -> None:
        """Close the connection pool."""
        ...


# -- aiohttp ---------------------------------------------------------------------------


class _AiohttpResponse:
    __slots__ = ("_content", "_failure", "_response", "raw_headers", "status")

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self._content = response.content
        self._failure: WireError | None = None
        self.status = response.status
        # As bytes: a header value that is not ASCII must not fail the reply.
        self.raw_headers = response.raw_headers

    async def read_chunk(self) -> bytes:
        if self._failure is not None:
            raise self._failure
        try:
            return await self._content.readany()
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as exc:
            failure: WireError
            if isinstance(exc, aiohttp.ClientPayloadError):
                # As httpx names it: the body ended before its framing said.
                failure = RemoteProtocolError("connection closed before the body was complete")
            else:
                failure = ReadError(str(exc) or type(exc).__name__)
            failure.__cause__ = exc
            # aiohttp raises as soon as the connection breaks, even when bytes
            # that arrived before the break are still buffered: hand them over
            # first, so the events an upstream did send are not lost.
            leftover = _buffered(self._content)
            if leftover:
                self._failure = failure
                return leftover
            raise failure from exc

    async def close(self) -> None:
        # Closing (not releasing) drops the connection of an unfinished body,
        # which is what tells the upstream its client went away.
        self._response.close()


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


def _payload(content: bytes | None) -> bytes | io.BytesIO | None:
    """The request body as aiohttp sends it best: a large one as a stream, which it
    writes in pieces (a BytesIO shares the bytes, it does not copy them)."""
    if not content:
        return None
    return io.BytesIO(content) if len(content) > _LARGE_BODY else content


class AiohttpWire:
    """Sends requests through one shared aiohttp session (HTTP/1.1, through a proxy)."""

    def __init__(
        self,
        *,
        max_connections: int,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
        proxy: str | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout)
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
                auto_decompress=False,  # bridge.decoding decodes, in bounded pieces
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
            )
        return self._session

    async def send(
        self, method: str, url: str, headers: Headers, body: bytes | None
    ) -> WireResponse:
        session = self._get_session()
        try:
            response = await session.request(
                method,
                URL(url, encoded=True),
                headers=headers,
                data=_payload(body),
                allow_redirects=False,
                timeout=self._timeout,
                proxy=self._proxy,
            )
        except (TimeoutError, aiohttp.ConnectionTimeoutError) as exc:
            raise ConnectTimeout(str(exc) or "connect timed out") from exc
        except aiohttp.ServerDisconnectedError as exc:
            # Its text is the repr of a half-parsed message: say what happened.
            raise RemoteProtocolError(
                "server disconnected without sending a complete response"
            ) from exc
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise ConnectError(str(exc) or type(exc).__name__) from exc
        except aiohttp.ClientResponseError as exc:
            # A response head aiohttp's parser refused (too many or too long
            # header lines, bad framing); its text would quote the URL.
            reason = str(exc.message).split(": b'", 1)[0].split(":\n", 1)[0]
            raise UnreadableHead(reason) from exc
        except (ValueError, UnicodeError) as exc:
            raise ConnectError(f"{type(exc).__name__}: {exc}") from exc
        return _AiohttpResponse(response)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


# -- httpx -------------------------------------------------------------------------------


class _HttpxResponse:
    __slots__ = ("_chunks", "_response", "raw_headers", "status")

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._chunks: AsyncIterator[bytes] | None = None
        self.status = response.status_code
        self.raw_headers = response.headers.raw

    async def read_chunk(self) -> bytes:
        if self._chunks is None:
            self._chunks = self._response.aiter_raw().__aiter__()
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return b""
        except httpx.TransportError as exc:
            raise _from_httpx(exc, ReadError) from exc

    async def close(self) -> None:
        await self._response.aclose()


class HttpxWire:
    """Sends requests through an httpx client: HTTP/2 where offered, or any transport."""

    def __init__(self, client: httpx.AsyncClient, timeout: httpx.Timeout) -> None:
        self.client = client
        self._timeout = timeout.as_dict()

    async def send(
        self, method: str, url: str, headers: Headers, body: bytes | None
    ) -> WireResponse:
        request = httpx.Request(
            method, url, content=body, headers=list(headers), extensions={"timeout": self._timeout}
        )
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _from_httpx(exc, ConnectError) from exc
        except (ValueError, UnicodeError) as exc:
            raise ConnectError(f"{type(exc).__name__}: {exc}") from exc
        problem = head_problem(response.headers.raw)
        if problem is not None:
            await response.aclose()
            raise UnreadableHead(problem)
        return _HttpxResponse(response)

    async def aclose(self) -> None:
        await self.client.aclose()


_SAME_NAMES: dict[type[httpx.HTTPError], type[WireError]] = {
    httpx.ConnectError: ConnectError,
    httpx.ConnectTimeout: ConnectTimeout,
    httpx.WriteTimeout: WriteTimeout,
    httpx.ReadError: ReadError,
    httpx.RemoteProtocolError: RemoteProtocolError,
}


def _from_httpx(exc: httpx.HTTPError, otherwise: type[WireError]) -> WireError:
    """httpx's exception as the wire's of the same name, or `otherwise` naming it."""
    kind = _SAME_NAMES.get(type(exc))
    if kind is not None:
        return kind(str(exc))
    text = str(exc)
    return otherwise(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)
