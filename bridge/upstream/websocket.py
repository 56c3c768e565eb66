"""WebSockets to an upstream that speaks the Responses API's WebSocket mode.

`WebSocketDialer.connect` opens one (aiohttp's client: the handshake is a GET of the base
URL's path with ws:// or wss://, the API key as a bearer token, the upstream's TLS and proxy
settings) and returns an `UpstreamSocket`: text frames out, text frames in, until either side
closes. A frame larger than the upstream's `max_body_bytes` closes the socket (1009) rather
than the process's memory. Failures are `UpstreamFailure`s carrying the mapped error; a
handshake the upstream answers with an HTTP status instead of switching protocols is a
`WebSocketRefused`, which says that status.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from typing import Final

import aiohttp
import orjson

from bridge import errors
from bridge.upstream.failure import UpstreamFailure
from bridge.upstream.options import UpstreamOptions

__all__ = ["UpstreamSocket", "WebSocketDialer", "WebSocketRefused", "websocket_url"]

# How often an idle socket is pinged; a missing pong closes it.
HEARTBEAT_SECONDS: Final = 30.0


class WebSocketRefused(UpstreamFailure):
    """The upstream answered the handshake with an HTTP status, not a WebSocket."""

    def __init__(self, status: int, error: errors.UpstreamError) -> None:
        super().__init__(error)
        self.status = status


def websocket_url(url: str) -> str:
    """`url` with its http(s) scheme as ws(s)."""
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    if url.startswith("http://"):
        return "ws://" + url.removeprefix("http://")
    return url


class UpstreamSocket:
    """One open WebSocket: send and receive text frames, then close."""

    __slots__ = ("_ws", "close_code", "problem")

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        #: The close code the upstream sent (None while open, or when it sent none).
        self.close_code: int | None = None
        #: Why the socket ended, when it was not a close frame ("" otherwise).
        self.problem = ""

    @property
    def closed(self) -> bool:
        """Whether the socket is closed (or closing)."""
        return self._ws.closed

    async def send(self, text: str) -> None:
        """Send one text frame.

        Raises:
            UpstreamFailure: the socket is closed or broke.
        """
        try:
            await self._ws.send_str(text)
        except (ConnectionError, aiohttp.ClientError, RuntimeError) as exc:
            raise UpstreamFailure(
                errors.connection_failed(f"WebSocket send failed: {exc or type(exc).__name__}")
            ) from None

    async def receive(self) -> str | None:
        """The next text frame, or None once the socket has closed (see `close_code`
        and `problem`). A binary frame is read as UTF-8 text."""
        message = await self._ws.receive()
        kind = message.type
        if kind is aiohttp.WSMsgType.TEXT:
            text: str = message.data
            return text
        if kind is aiohttp.WSMsgType.BINARY:
            return bytes(message.data).decode("utf-8", "replace")
        if kind is aiohttp.WSMsgType.ERROR:
            self.problem = f"WebSocket error: {message.data!r}"
        self.close_code = self._ws.close_code
        if not self._ws.closed:
            await self._ws.close()
        return None

    async def close(self) -> None:
        """Close the socket (a normal closure)."""
        await self._ws.close()


class WebSocketDialer:
    """Opens WebSockets to one upstream, over a session of its own."""

    def __init__(self, options: UpstreamOptions, ssl_context: ssl.SSLContext | None) -> None:
        self._options = options
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl if self._ssl is not None else True),
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def connect(self, url: str, headers: Sequence[tuple[str, str]]) -> UpstreamSocket:
        """Open a WebSocket to `url` (ws:// or wss://) with `headers`.

        Raises:
            WebSocketRefused: the upstream answered the handshake with an HTTP status.
            UpstreamFailure: it could not be reached, or not in time.
        """
        options = self._options
        try:
            async with asyncio.timeout(options.connect_timeout):
                ws = await self._get_session().ws_connect(
                    url,
                    headers=list(headers),
                    timeout=aiohttp.ClientWSTimeout(ws_close=options.connect_timeout),
                    max_msg_size=options.max_body_bytes,
                    heartbeat=HEARTBEAT_SECONDS,
                    proxy=options.proxy,
                    autoclose=False,
                )
        except aiohttp.WSServerHandshakeError as exc:
            status = exc.status
            error = errors.from_http(
                status, orjson.dumps({"error": {"message": exc.message}}), "application/json"
            )
            raise WebSocketRefused(status, error) from None
        except (TimeoutError, aiohttp.ConnectionTimeoutError):
            raise UpstreamFailure(
                errors.timed_out("WebSocket connect", options.connect_timeout)
            ) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise UpstreamFailure(
                errors.connection_failed(f"WebSocket connect failed: {exc or type(exc).__name__}")
            ) from None
        return UpstreamSocket(ws)

    async def aclose(self) -> None:
        """Close the session, and every socket it holds."""
        if self._session is not None:
            await self._session.close()
