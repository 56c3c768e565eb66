"""The only module that speaks HTTP: calls of the upstream Responses API.

One shared `httpx.AsyncClient` with a connection pool serves every call.
Streams are read incrementally and closed as soon as the caller stops, so a
cancelled gRPC call closes its upstream request at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from bridge.config import Settings

__all__ = ["UpstreamClient", "UpstreamReply", "UpstreamStream"]

_FORWARDED_HEADERS = ("x-request-id", "openai-processing-ms")


@dataclass(frozen=True, slots=True)
class UpstreamReply:
    """A complete (non-streamed) upstream reply."""

    status: int
    body: bytes
    content_type: str
    request_id: str | None


class UpstreamStream:
    """An upstream reply whose body is read chunk by chunk."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.content_type = response.headers.get("content-type", "")
        self.request_id = response.headers.get("x-request-id")

    def chunks(self) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive (decompressed)."""
        return self._response.aiter_bytes()

    async def read(self) -> bytes:
        """The whole remaining body (for error replies)."""
        return await self._response.aread()


class UpstreamClient:
    """Calls `{upstream_url}/responses` with the configured credentials."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        headers = {"content-type": "application/json", "user-agent": "responses-bridge"}
        if settings.api_key:
            headers["authorization"] = f"Bearer {settings.api_key}"
        self._base = settings.upstream_url
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=min(settings.max_connections, 100),
            ),
            transport=transport,
        )

    async def create(self, body: bytes) -> UpstreamReply:
        """POST a create request and read the whole reply."""
        response = await self._client.post(f"{self._base}/responses", content=body)
        return UpstreamReply(
            status=response.status_code,
            body=response.content,
            content_type=response.headers.get("content-type", ""),
            request_id=response.headers.get("x-request-id"),
        )

    @asynccontextmanager
    async def stream(self, body: bytes) -> AsyncIterator[UpstreamStream]:
        """POST a streaming create request; the reply closes when the block exits."""
        request = self._client.build_request(
            "POST",
            f"{self._base}/responses",
            content=body,
            headers={"accept": "text/event-stream"},
        )
        response = await self._client.send(request, stream=True)
        try:
            yield UpstreamStream(response)
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
