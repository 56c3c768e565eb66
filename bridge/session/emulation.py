"""A session over an upstream that does not speak the WebSocket mode: each create over HTTP.

Every `response.create` becomes the call StreamCreateResponse makes (its route, from the
contract: a streamed `POST /responses`), with the session's headers and key and a key of
its own for idempotency, and its Server-Sent Events are the response's events. What the
WebSocket server would keep in memory, each lane's last response, the session keeps
(`Continuations`): a create that continues a `store: false` response is sent with that
response's context as the start of its input, without `previous_response_id`.

An HTTP error status, a connection failure, a timeout or an event over the size limit ends
the response with an `error` event carrying the HTTP status it stands for.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import orjson

from bridge import errors
from bridge.routes import ROUTES, STREAM_FIELD
from bridge.session.continuation import Continuations
from bridge.session.events import Create, as_sse, failure_event
from bridge.sse import EventTooLarge, SSEDecoder, SSEEvent
from bridge.upstream import UpstreamCall, UpstreamClient, UpstreamFailure

__all__ = ["HttpEmulation"]

# The RPC whose call each create makes.
_ROUTE = ROUTES["StreamCreateResponse"]


class HttpEmulation:
    """Serves one session's creates as streamed HTTP calls.

    Usage::

        upstream = HttpEmulation(client, headers, api_key)
        async with contextlib.aclosing(upstream.respond(create)) as events:
            async for sse in events: ...
        upstream.ended(create, final_response)
    """

    #: Client events of other types cannot be sent anywhere.
    passes_unknown_events = False

    def __init__(
        self, upstream: UpstreamClient, headers: Mapping[str, str], api_key: str | None
    ) -> None:
        self._upstream = upstream
        self._headers = dict(headers)
        self._api_key = api_key
        self._memory = Continuations()
        # What each lane's create in flight was sent as, and the response it continues.
        self._sent: dict[str, tuple[dict[str, Any], str | None]] = {}

    def continuing(self, lane: str) -> str | None:
        """The response whose context the create in flight on `lane` was expanded from."""
        sent = self._sent.get(lane)
        return sent[1] if sent is not None else None

    async def respond(self, create: Create) -> AsyncGenerator[SSEEvent, None]:
        """The events of the response: the upstream's, or the one error event that says
        why there are no more. Leaving the iteration closes the HTTP call."""
        body, continued = self._memory.expand(create.body)
        self._sent[create.lane] = (body, continued)
        headers = {**self._headers, "idempotency-key": f"bridge-{uuid.uuid4()}"}
        sent = {**self._upstream.profile.request(body), STREAM_FIELD: True}
        call = UpstreamCall(
            _ROUTE.method,
            _ROUTE.path,
            body=orjson.dumps(sent),
            headers=headers,
            stream=True,
            api_key=self._api_key,
        )
        limit = self._upstream.options.max_body_bytes
        try:
            async with self._upstream.exchange(call) as reply:
                if reply.status >= 400:
                    failure = errors.from_http(
                        reply.status,
                        await reply.read(),
                        reply.content_type,
                        retry_after=reply.retry_after,
                        request_id=reply.request_id,
                    )
                    yield as_sse(failure_event(failure, create.stream_id))
                    return
                decoder = SSEDecoder(limit)
                started = False
                while chunk := await reply.next_chunk():
                    events = decoder.feed(chunk)
                    if events and not started:
                        started = True
                        reply.saw_event()
                    for sse in events:
                        yield sse
                for sse in decoder.flush():
                    yield sse
        except UpstreamFailure as exc:
            yield as_sse(failure_event(exc.error, create.stream_id))
        except EventTooLarge:
            error = errors.too_large("stream event", limit)
            yield as_sse(failure_event(error, create.stream_id) | {"status": 502})

    def ended(self, create: Create, response: dict[str, Any] | None) -> None:
        """The response to `create` ended: keep its context for the lane if it can be
        continued."""
        sent = self._sent.pop(create.lane, None)
        if sent is not None:
            self._memory.remember(create.lane, sent[0], response)

    async def passthrough(self, event: dict[str, Any]) -> bool:
        """Nothing but creates can be sent over HTTP: False."""
        return False

    async def aclose(self) -> None:
        """Nothing to close: each call closed as its response ended."""
