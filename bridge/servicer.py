"""The gRPC service: thin glue between the codec, the upstream and the errors.

Unary calls send one JSON request and translate one JSON reply. Streaming
calls decode the upstream's Server-Sent Events incrementally and send one
gRPC message per event as soon as it is decoded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, NoReturn

import grpc
import grpc.aio
import orjson
from google.rpc import error_details_pb2, status_pb2

from bridge import codec, errors
from bridge.codec._plan import MISMATCH, plan_for
from bridge.sse import SSEDecoder, SSEEvent
from bridge.stream_state import StreamState
from bridge.upstream import UpstreamClient
from bridge.validation import check_create
from rbridge.responses.v1 import (
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)

__all__ = ["ResponsesServicer"]

_EVENT_PLAN = plan_for(stream_events_pb2.ResponseStreamEvent.DESCRIPTOR)
_DONE = "[DONE]"


class _BrokenStream(Exception):
    """The upstream sent bytes that are not a valid event stream."""


class ResponsesServicer(responses_service_pb2_grpc.ResponsesServiceServicer):
    """Serves ResponsesService by calling the upstream Responses API."""

    def __init__(self, upstream: UpstreamClient) -> None:
        self._upstream = upstream

    async def CreateResponse(
        self,
        request: responses_service_pb2.CreateResponseRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> response_pb2.Response:
        """Create a response and return it once it is done."""
        body = await _create_body(request, context, stream=False)
        reply = await self._upstream.create(body)
        if reply.request_id:
            await context.send_initial_metadata((("x-request-id", reply.request_id),))
        if reply.status >= 400:
            await _abort(context, errors.from_http(reply.status, reply.body, reply.content_type))
        try:
            return codec.from_json(orjson.loads(reply.body), response_pb2.Response)
        except (orjson.JSONDecodeError, codec.CodecError) as exc:
            await _abort(
                context,
                errors.UpstreamError(
                    code=grpc.StatusCode.INTERNAL,
                    message=f"upstream returned HTTP {reply.status} with no Response: {exc}",
                    http_status=reply.status,
                ),
            )

    async def StreamCreateResponse(
        self,
        request: responses_service_pb2.CreateResponseRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> AsyncIterator[stream_events_pb2.ResponseStreamEvent]:
        """Create a response and stream its events as they arrive."""
        body = await _create_body(request, context, stream=True)
        state = StreamState()
        async with self._upstream.stream(body) as upstream:
            if upstream.status >= 400:
                failure = errors.from_http(
                    upstream.status, await upstream.read(), upstream.content_type
                )
                await _abort(context, failure)
            if upstream.request_id:
                await context.send_initial_metadata((("x-request-id", upstream.request_id),))
            decoder = SSEDecoder()
            try:
                async for chunk in upstream.chunks():
                    for sse in decoder.feed(chunk):
                        event = _event(sse, state)
                        if event is not None:
                            yield event
                for sse in decoder.flush():
                    event = _event(sse, state)
                    if event is not None:
                        yield event
            except _BrokenStream as exc:
                await _abort(
                    context, errors.UpstreamError(code=grpc.StatusCode.INTERNAL, message=str(exc))
                )
        outcome = state.finish()
        if outcome is not None:
            await _abort(context, outcome)


def _event(sse: SSEEvent, state: StreamState) -> stream_events_pb2.ResponseStreamEvent | None:
    data = sse.data
    if data == _DONE:
        return None
    try:
        payload = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _BrokenStream(
            f"upstream sent invalid JSON in event {state.events + 1} ({sse.event}): {exc}"
        ) from None
    if type(payload) is not dict:
        raise _BrokenStream(f"upstream event {state.events + 1} is not a JSON object")
    if "type" not in payload and sse.event != "message":
        # Some gateways name the event only in the SSE "event:" line.
        payload["type"] = sse.event
    state.observe(payload)
    event = _EVENT_PLAN.decode(payload)
    assert event is not MISMATCH  # a typed union always has an unknown arm
    return event  # type: ignore[no-any-return]


async def _create_body(
    request: responses_service_pb2.CreateResponseRequest,
    context: grpc.aio.ServicerContext[Any, Any],
    *,
    stream: bool,
) -> bytes:
    problems = check_create(request)
    if problems:
        await _abort_invalid(context, problems)
    body = codec.to_json(request)
    body["stream"] = stream
    return orjson.dumps(body)


async def _abort(
    context: grpc.aio.ServicerContext[Any, Any], error: errors.UpstreamError
) -> NoReturn:
    status = errors.to_rpc_status(error)
    await context.abort(
        error.code,
        error.message,
        trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),),
    )
    raise AssertionError("unreachable: abort raises")  # pragma: no cover


async def _abort_invalid(
    context: grpc.aio.ServicerContext[Any, Any], problems: list[tuple[str, str]]
) -> NoReturn:
    message = "invalid request: " + "; ".join(f"{name}: {why}" for name, why in problems)
    bad_request = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=name, description=why)
            for name, why in problems
        ]
    )
    status = status_pb2.Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message=message)
    status.details.add().Pack(bad_request)
    await context.abort(
        grpc.StatusCode.INVALID_ARGUMENT,
        message,
        trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),),
    )
    raise AssertionError("unreachable: abort raises")  # pragma: no cover
