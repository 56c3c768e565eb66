"""The gRPC service: thin glue between the codec, the upstream and the errors.

Unary calls send one JSON request and translate one JSON reply. Streaming
calls decode the upstream's Server-Sent Events incrementally and send one
gRPC message per event as soon as it is decoded. Every call is bounded by the
client's deadline (or the configured maximum), and leaving a call for any
reason, cancellation included, closes its upstream request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, NoReturn

import grpc
import grpc.aio
import orjson
import structlog
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2

from bridge import codec, errors
from bridge.config import Settings
from bridge.routes import ROUTES, MissingField, Route
from bridge.sse import SSEDecoder, SSEEvent
from bridge.stream_state import StreamState
from bridge.telemetry import CallRecord, NoTelemetry, Telemetry
from bridge.upstream import UpstreamCall, UpstreamClient, UpstreamFailure, UpstreamReply
from bridge.validation import check_create, check_json
from rbridge.responses.v1 import (
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)

__all__ = ["ResponsesServicer"]

log = structlog.get_logger("bridge.servicer")

_DONE = "[DONE]"
Context = grpc.aio.ServicerContext[Any, Any]


class _BrokenStream(Exception):
    """The upstream sent bytes that are not a valid event stream."""


Prepare = Callable[
    ["ResponsesServicer", Any, Context], Awaitable[tuple[UpstreamCall, CallRecord, bool]]
]


def _streaming_rpc(prepare: Prepare, doc: str) -> Callable[..., Any]:
    """A streaming RPC: `prepare` builds the upstream call, then events flow.

    Each streaming RPC is its own async generator function with this loop
    inline, because gRPC iterates only async generator functions and every
    generator layer between the loop and gRPC costs microseconds per event.
    """

    async def rpc(
        self: ResponsesServicer, request: Any, context: Context
    ) -> AsyncGenerator[stream_events_pb2.ResponseStreamEvent, None]:
        call, record, background = await prepare(self, request, context)
        state = StreamState(self._profile.success_events, self._profile.failure_events)
        normalize = self._normalize
        raw = _wants_raw_json(context)
        failure: errors.UpstreamError | None = None
        request_id: str | None = None
        try:
            with record.activate():
                async with asyncio.timeout(self._budget(context)):
                    async with self._upstream.exchange(call) as reply:
                        request_id = reply.request_id
                        await _send_reply_metadata(context, reply)
                        if reply.status >= 400:
                            failure = _http_error(reply, await reply.read())
                        else:
                            decoder = SSEDecoder()
                            async for chunk in reply.chunks():
                                for sse in decoder.feed(chunk):
                                    event = _event(sse, state, normalize)
                                    if event is not None:
                                        if raw:
                                            event.raw_json = sse.data
                                        yield event
                                if state.ended:
                                    # Nothing follows the last event: neither wait
                                    # for the end of the body nor fail on it.
                                    break
                            for sse in () if state.ended else decoder.flush():
                                event = _event(sse, state, normalize)
                                if event is not None:
                                    if raw:
                                        event.raw_json = sse.data
                                    yield event
        except UpstreamFailure as exc:
            failure = exc.error
        except _BrokenStream as exc:
            failure = errors.UpstreamError(code=grpc.StatusCode.INTERNAL, message=str(exc))
        except TimeoutError:
            failure = errors.timed_out("call", self._budget(context))
        except (asyncio.CancelledError, GeneratorExit):
            # The client went away: the exchange block has closed the upstream
            # request; a background response keeps running unless cancelled.
            record.end(state=state, cancelled=True)
            if background and self._settings.cancel_background and state.response_id:
                self._cancel_upstream(state.response_id)
            raise
        if failure is None:
            failure = state.finish()
        if failure is not None and failure.request_id is None and request_id is not None:
            failure = dataclasses.replace(failure, request_id=request_id)
        record.end(state=state, error=failure)
        if failure is not None:
            await _abort(context, failure)

    rpc.__doc__ = doc
    return rpc


class ResponsesServicer(responses_service_pb2_grpc.ResponsesServiceServicer):
    """Serves ResponsesService by calling the upstream Responses API."""

    def __init__(
        self,
        upstream: UpstreamClient,
        settings: Settings,
        telemetry: Telemetry | None = None,
    ) -> None:
        self._upstream = upstream
        self._settings = settings
        self._profile = settings.profile
        # Only profiles with aliases touch each event; the others cost nothing.
        self._normalize = settings.profile.event if settings.profile.response_aliases else None
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        # Upstream cancels of background responses outlive their calls.
        self._background: set[asyncio.Task[None]] = set()

    # -- RPCs -----------------------------------------------------------------

    async def CreateResponse(
        self, request: responses_service_pb2.CreateResponseRequest, context: Context
    ) -> response_pb2.Response:
        """Create a response and return it once it is done."""
        response: response_pb2.Response = await self._serve_unary(
            "CreateResponse", request, context
        )
        return response

    async def _prepare_create(
        self, request: responses_service_pb2.CreateResponseRequest, context: Context
    ) -> tuple[UpstreamCall, CallRecord, bool]:
        call, body = await self._route_call(ROUTES["StreamCreateResponse"], request, context)
        record = self._telemetry.start_call(rpc="StreamCreateResponse", request=body, stream=True)
        return call, record, request.background

    async def GetResponse(
        self, request: responses_service_pb2.GetResponseRequest, context: Context
    ) -> response_pb2.Response:
        """Retrieve a stored response."""
        response: response_pb2.Response = await self._serve_unary("GetResponse", request, context)
        return response

    async def _prepare_get(
        self, request: responses_service_pb2.GetResponseRequest, context: Context
    ) -> tuple[UpstreamCall, CallRecord, bool]:
        call, _ = await self._route_call(ROUTES["StreamGetResponse"], request, context)
        record = self._telemetry.start_call(rpc="StreamGetResponse", request=None, stream=True)
        return call, record, False

    async def DeleteResponse(
        self, request: responses_service_pb2.DeleteResponseRequest, context: Context
    ) -> responses_service_pb2.DeleteResponseResponse:
        """Delete a stored response."""
        reply: responses_service_pb2.DeleteResponseResponse = await self._serve_unary(
            "DeleteResponse", request, context
        )
        return reply

    async def CancelResponse(
        self, request: responses_service_pb2.CancelResponseRequest, context: Context
    ) -> response_pb2.Response:
        """Cancel a background response."""
        response: response_pb2.Response = await self._serve_unary(
            "CancelResponse", request, context
        )
        return response

    async def ListInputItems(
        self, request: responses_service_pb2.ListInputItemsRequest, context: Context
    ) -> responses_service_pb2.ListInputItemsResponse:
        """List the input items of a stored response, one page at a time."""
        page: responses_service_pb2.ListInputItemsResponse = await self._serve_unary(
            "ListInputItems", request, context
        )
        return page

    async def CountInputTokens(
        self, request: responses_service_pb2.CountInputTokensRequest, context: Context
    ) -> responses_service_pb2.InputTokenCount:
        """Count the input tokens a create request would use."""
        count: responses_service_pb2.InputTokenCount = await self._serve_unary(
            "CountInputTokens", request, context
        )
        return count

    async def CompactResponse(
        self, request: responses_service_pb2.CompactResponseRequest, context: Context
    ) -> responses_service_pb2.CompactedResponse:
        """Compact a conversation into fewer items."""
        compacted: responses_service_pb2.CompactedResponse = await self._serve_unary(
            "CompactResponse", request, context
        )
        return compacted

    async def _serve_unary(self, rpc: str, request: Message, context: Context) -> Any:
        """A unary RPC: the call its route declares, and its reply translated."""
        route = ROUTES[rpc]
        call, body = await self._route_call(route, request, context)
        return await self._unary(call, route.reply_type, context, rpc=rpc, request=body)

    async def _route_call(
        self, route: Route, request: Message, context: Context
    ) -> tuple[UpstreamCall, dict[str, Any] | None]:
        """The upstream call of `route` for `request`, and its JSON body; or INVALID_ARGUMENT.

        A create request is checked field by field too, and its body goes
        through the profile's rewrite.
        """
        try:
            target = route.target(request)
        except MissingField as exc:
            await _abort_invalid(context, [(exc.field, exc.why)])
        body = target.body
        if body is not None:
            create = isinstance(request, responses_service_pb2.CreateResponseRequest)
            problems = check_create(request) if create else []  # type: ignore[arg-type]
            problems += check_json(body)
            if problems:
                await _abort_invalid(context, problems)
            if create:
                body = self._profile.request(body)
        call = self._call(
            context,
            route.method,
            target.path,
            body=body,
            params=target.params,
            stream=route.stream,
            idempotent=route.idempotent,
        )
        return call, body

    # -- shared paths ---------------------------------------------------------

    async def _unary(
        self,
        call: UpstreamCall,
        reply_type: type[Message],
        context: Context,
        *,
        rpc: str,
        request: dict[str, Any] | None = None,
    ) -> Any:
        record = self._telemetry.start_call(rpc=rpc, request=request, stream=False)
        failure: errors.UpstreamError | None = None
        payload: Any = None
        try:
            with record.activate():
                async with asyncio.timeout(self._budget(context)):
                    async with self._upstream.exchange(call) as reply:
                        await _send_reply_metadata(context, reply)
                        body = await reply.read()
            if reply.status >= 400:
                failure = _http_error(reply, body)
            else:
                payload = orjson.loads(body)
                if isinstance(payload, dict) and reply_type is response_pb2.Response:
                    self._profile.response(payload)
                message = codec.from_json(payload, reply_type)
                if _wants_raw_json(context) and reply_type is response_pb2.Response:
                    message.raw_json = body.decode("utf-8", "replace")  # type: ignore[attr-defined]
        except UpstreamFailure as exc:
            failure = exc.error
        except TimeoutError:
            failure = errors.timed_out("call", self._budget(context))
        except (orjson.JSONDecodeError, codec.CodecError) as exc:
            failure = errors.UpstreamError(
                code=grpc.StatusCode.INTERNAL,
                message=f"upstream HTTP {reply.status} reply is not a "
                f"{reply_type.DESCRIPTOR.name}: {exc}",
                http_status=reply.status,
                request_id=reply.request_id,
            )
        except asyncio.CancelledError:
            record.end(cancelled=True)
            raise
        record.end(response=payload if isinstance(payload, dict) else None, error=failure)
        if failure is not None:
            await _abort(context, failure)
        return message

    def _cancel_upstream(self, response_id: str) -> None:
        async def cancel() -> None:
            route = ROUTES["CancelResponse"]
            try:
                target = route.target(route.request_type(response_id=response_id))
            except MissingField as exc:
                log.warning("background_cancel_failed", response_id=response_id, error=str(exc))
                return
            call = UpstreamCall(route.method, target.path, params=target.params)
            try:
                async with self._upstream.exchange(call) as reply:
                    await reply.read()
                log.info("background_cancelled", response_id=response_id, status=reply.status)
            except UpstreamFailure as failure:
                log.warning("background_cancel_failed", response_id=response_id, error=str(failure))

        task = asyncio.get_running_loop().create_task(cancel())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _budget(self, context: Context) -> float:
        remaining = context.time_remaining()
        limit = self._settings.max_call_seconds
        return limit if remaining is None else max(0.0, min(remaining, limit))

    def _call(
        self,
        context: Context,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str | list[str]] | None = None,
        stream: bool = False,
        idempotent: bool = False,
    ) -> UpstreamCall:
        """One upstream call: allowlisted metadata as headers, the caller's key if allowed."""
        settings = self._settings
        metadata = {
            key: value
            for key, value in context.invocation_metadata() or ()
            if isinstance(value, str)
        }
        headers = {key: value for key, value in metadata.items() if key in settings.forward_headers}
        if not idempotent:
            # One key per logical call, so the upstream can tell a retry from a new call.
            headers.setdefault("idempotency-key", f"bridge-{uuid.uuid4()}")
        api_key = metadata.get(settings.caller_api_key_header) if settings.caller_api_key else None
        return UpstreamCall(
            method,
            path,
            body=None if body is None else orjson.dumps(body),
            params=params or {},
            headers=headers,
            stream=stream,
            api_key=api_key or None,
        )


ResponsesServicer.StreamCreateResponse = _streaming_rpc(  # type: ignore[method-assign]
    ResponsesServicer._prepare_create, "Create a response and stream its events as they arrive."
)
ResponsesServicer.StreamGetResponse = _streaming_rpc(  # type: ignore[method-assign]
    ResponsesServicer._prepare_get,
    "Stream a stored or background response's events after `starting_after`.",
)


_RAW_JSON_KEY = "x-bridge-raw-json"


def _wants_raw_json(context: Context) -> bool:
    for key, value in context.invocation_metadata() or ():
        if key == _RAW_JSON_KEY:
            return isinstance(value, str) and value.lower() in ("1", "true", "yes")
    return False


def _event(
    sse: SSEEvent,
    state: StreamState,
    normalize: Callable[[dict[str, Any]], dict[str, Any]] | None,
) -> stream_events_pb2.ResponseStreamEvent | None:
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
    if normalize is not None:
        normalize(payload)
    state.observe(payload)
    return codec.event_from_json(payload)


def _http_error(reply: UpstreamReply, body: bytes) -> errors.UpstreamError:
    return errors.from_http(
        reply.status,
        body,
        reply.content_type,
        retry_after=reply.retry_after,
        request_id=reply.request_id,
    )


async def _send_reply_metadata(context: Context, reply: UpstreamReply) -> None:
    if reply.metadata:
        await context.send_initial_metadata(reply.metadata)


async def _abort(context: Context, error: errors.UpstreamError) -> NoReturn:
    status = errors.to_rpc_status(error)
    trailing: tuple[tuple[str, str | bytes], ...] = (
        ("grpc-status-details-bin", status.SerializeToString()),
    )
    if error.request_id:
        trailing += (("x-request-id", error.request_id),)
    await context.abort(error.code, error.message, trailing_metadata=trailing)
    raise AssertionError("unreachable: abort raises")  # pragma: no cover


async def _abort_invalid(context: Context, problems: list[tuple[str, str]]) -> NoReturn:
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
