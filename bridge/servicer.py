"""The gRPC service: thin glue between the routes, the codec, the upstream and the errors.

Each RPC's upstream call is the route its contract declares (`bridge.routes`).
Unary calls send one JSON request and translate one JSON reply. Streaming
calls decode the upstream's Server-Sent Events incrementally and write one
gRPC message per event as soon as it is decoded, through the context the
edge (`bridge.edge`) gives them. Every call is bounded by the client's
deadline (or the configured maximum), and leaving a call for any reason,
cancellation included, closes its upstream request.

A large request is held in one form at a time where it can be: the RPC
drops its message once the JSON exists, and the JSON once it is encoded.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
import grpc.aio
import orjson
import structlog
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from bridge import codec, errors
from bridge.batching import batches
from bridge.events import BrokenStream, loads, translate
from bridge.routes import ROUTES, FieldError, Route, Target
from bridge.session.service import SessionOptions, Sessions
from bridge.sse import EventTooLarge, SSEDecoder, SSEEvent
from bridge.stream_state import StreamState
from bridge.telemetry import CallRecord, NoTelemetry, Telemetry
from bridge.telemetry.scope import set_conversation
from bridge.upstream import (
    InvalidCallerKey,
    UpstreamCall,
    UpstreamClient,
    UpstreamFailure,
    UpstreamReply,
    ending_with,
)
from bridge.validation import check_create, check_json, check_metadata
from rbridge.responses.v1 import (
    conversations_pb2,
    items_pb2,
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
)

__all__ = ["ResponsesServicer", "ServiceOptions"]

log = structlog.get_logger("bridge.servicer")

Context = grpc.aio.ServicerContext[Any, Any]


@dataclass(frozen=True)
class ServiceOptions:
    """How the service treats its calls, whatever the upstream.

    Attributes:
        max_call_seconds: the bound on a call whose client set no deadline.
        cancel_background: cancel a background response upstream when its
            streaming client cancels.
        max_message_bytes: the largest message the server sends, where a
            batch of events ends (None: batches are not split).
    """

    max_call_seconds: float = 3600.0
    cancel_background: bool = False
    max_message_bytes: int | None = None


class ResponsesServicer(responses_service_pb2_grpc.ResponsesServiceServicer):
    """Serves ResponsesService by calling the upstream Responses API."""

    def __init__(
        self,
        upstream: UpstreamClient,
        options: ServiceOptions | None = None,
        telemetry: Telemetry | None = None,
        sessions: Sessions | None = None,
    ) -> None:
        self._upstream = upstream
        self._options = options or ServiceOptions()
        self._profile = profile = upstream.profile
        # Only profiles with aliases touch each event; the others cost nothing.
        self._normalize = profile.event if profile.response_aliases else None
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        # Upstream cancels of background responses outlive their calls.
        self._background: set[asyncio.Task[None]] = set()
        #: The Session RPC's sessions (bridge.session.service).
        self.sessions = sessions or Sessions(
            upstream,
            SessionOptions(max_call_seconds=self._options.max_call_seconds),
            self._telemetry,
        )

    # -- RPCs -----------------------------------------------------------------
    # Each RPC drops its request once the call's JSON exists (`del request`).

    async def CreateResponse(
        self, request: responses_service_pb2.CreateResponseRequest, context: Context
    ) -> response_pb2.Response:
        """Create a response and return it once it is done."""
        route, target = await self._target("CreateResponse", request, context)
        del request
        response: response_pb2.Response = await self._unary(route, target, context)
        return response

    async def StreamCreateResponse(
        self, request: responses_service_pb2.CreateResponseRequest, context: Context
    ) -> None:
        """Create a response and stream its events as they arrive."""
        background = request.background
        route, target = await self._target("StreamCreateResponse", request, context)
        del request
        await self._stream(route, target, context, background=background)

    async def StreamCreateResponseBatched(
        self, request: responses_service_pb2.CreateResponseRequest, context: Context
    ) -> None:
        """StreamCreateResponse, each message carrying the events decoded together."""
        background = request.background
        route, target = await self._target("StreamCreateResponseBatched", request, context)
        del request
        await self._stream(route, target, context, background=background, batched=True)

    async def GetResponse(
        self, request: responses_service_pb2.GetResponseRequest, context: Context
    ) -> response_pb2.Response:
        """Retrieve a stored response."""
        route, target = await self._target("GetResponse", request, context)
        response: response_pb2.Response = await self._unary(route, target, context)
        return response

    async def StreamGetResponse(
        self, request: responses_service_pb2.GetResponseRequest, context: Context
    ) -> None:
        """Stream a stored or background response's events after `starting_after`."""
        route, target = await self._target("StreamGetResponse", request, context)
        await self._stream(route, target, context, background=False)

    async def StreamGetResponseBatched(
        self, request: responses_service_pb2.GetResponseRequest, context: Context
    ) -> None:
        """StreamGetResponse, each message carrying the events decoded together."""
        route, target = await self._target("StreamGetResponseBatched", request, context)
        await self._stream(route, target, context, background=False, batched=True)

    async def DeleteResponse(
        self, request: responses_service_pb2.DeleteResponseRequest, context: Context
    ) -> responses_service_pb2.DeleteResponseResponse:
        """Delete a stored response."""
        route, target = await self._target("DeleteResponse", request, context)
        reply: responses_service_pb2.DeleteResponseResponse = await self._unary(
            route, target, context
        )
        return reply

    async def CancelResponse(
        self, request: responses_service_pb2.CancelResponseRequest, context: Context
    ) -> response_pb2.Response:
        """Cancel a background response."""
        route, target = await self._target("CancelResponse", request, context)
        response: response_pb2.Response = await self._unary(route, target, context)
        return response

    async def ListInputItems(
        self, request: responses_service_pb2.ListInputItemsRequest, context: Context
    ) -> responses_service_pb2.ListInputItemsResponse:
        """List the input items of a stored response, one page at a time."""
        route, target = await self._target("ListInputItems", request, context)
        page: responses_service_pb2.ListInputItemsResponse = await self._unary(
            route, target, context
        )
        return page

    async def CountInputTokens(
        self, request: responses_service_pb2.CountInputTokensRequest, context: Context
    ) -> responses_service_pb2.InputTokenCount:
        """Count the input tokens a create request would use."""
        route, target = await self._target("CountInputTokens", request, context)
        del request
        count: responses_service_pb2.InputTokenCount = await self._unary(route, target, context)
        return count

    async def CompactResponse(
        self, request: responses_service_pb2.CompactResponseRequest, context: Context
    ) -> responses_service_pb2.CompactedResponse:
        """Compact a conversation into fewer items."""
        route, target = await self._target("CompactResponse", request, context)
        del request
        compacted: responses_service_pb2.CompactedResponse = await self._unary(
            route, target, context
        )
        return compacted

    async def Session(
        self,
        request_iterator: AsyncIterator[responses_service_pb2.ResponsesClientEvent],
        context: Context,
    ) -> None:
        """Serve an agent session: creates on lanes, their events back (bridge.session)."""
        route = ROUTES["Session"]
        call = await self._call(context, route.method, route.path, idempotent=True)
        await self.sessions.serve(
            request_iterator,
            context,
            headers=call.headers,
            api_key=call.api_key,
            raw=_wants_raw_json(context),
        )

    # -- conversations ----------------------------------------------------------

    async def CreateConversation(
        self, request: conversations_pb2.CreateConversationRequest, context: Context
    ) -> conversations_pb2.ConversationResource:
        """Create a conversation."""
        route, target = await self._target("CreateConversation", request, context)
        del request
        conversation: conversations_pb2.ConversationResource = await self._unary(
            route, target, context
        )
        return conversation

    async def GetConversation(
        self, request: conversations_pb2.GetConversationRequest, context: Context
    ) -> conversations_pb2.ConversationResource:
        """Retrieve a conversation."""
        route, target = await self._conversation_target("GetConversation", request, context)
        conversation: conversations_pb2.ConversationResource = await self._unary(
            route, target, context
        )
        return conversation

    async def UpdateConversation(
        self, request: conversations_pb2.UpdateConversationRequest, context: Context
    ) -> conversations_pb2.ConversationResource:
        """Replace a conversation's metadata."""
        route, target = await self._conversation_target("UpdateConversation", request, context)
        del request
        conversation: conversations_pb2.ConversationResource = await self._unary(
            route, target, context
        )
        return conversation

    async def DeleteConversation(
        self, request: conversations_pb2.DeleteConversationRequest, context: Context
    ) -> conversations_pb2.DeleteConversationResponse:
        """Delete a conversation."""
        route, target = await self._conversation_target("DeleteConversation", request, context)
        deleted: conversations_pb2.DeleteConversationResponse = await self._unary(
            route, target, context
        )
        return deleted

    async def ListConversationItems(
        self, request: conversations_pb2.ListConversationItemsRequest, context: Context
    ) -> conversations_pb2.ConversationItemList:
        """List a conversation's items, one page at a time."""
        route, target = await self._conversation_target("ListConversationItems", request, context)
        page: conversations_pb2.ConversationItemList = await self._unary(route, target, context)
        return page

    async def CreateConversationItems(
        self, request: conversations_pb2.CreateConversationItemsRequest, context: Context
    ) -> conversations_pb2.ConversationItemList:
        """Add items to a conversation."""
        route, target = await self._conversation_target("CreateConversationItems", request, context)
        del request
        added: conversations_pb2.ConversationItemList = await self._unary(route, target, context)
        return added

    async def GetConversationItem(
        self, request: conversations_pb2.GetConversationItemRequest, context: Context
    ) -> items_pb2.Item:
        """Retrieve one item of a conversation."""
        route, target = await self._conversation_target("GetConversationItem", request, context)
        item: items_pb2.Item = await self._unary(route, target, context)
        return item

    async def DeleteConversationItem(
        self, request: conversations_pb2.DeleteConversationItemRequest, context: Context
    ) -> conversations_pb2.ConversationResource:
        """Delete one item of a conversation; the conversation is the reply."""
        route, target = await self._conversation_target("DeleteConversationItem", request, context)
        conversation: conversations_pb2.ConversationResource = await self._unary(
            route, target, context
        )
        return conversation

    async def _conversation_target(
        self, rpc: str, request: Any, context: Context
    ) -> tuple[Route, Target]:
        """`_target` of an RPC on a conversation named by the path, which then names
        the call's conversation for telemetry (once the id passed validation)."""
        route, target = await self._target(rpc, request, context)
        set_conversation(request.conversation_id)
        return route, target

    # -- shared paths ---------------------------------------------------------

    async def _target(self, rpc: str, request: Message, context: Context) -> tuple[Route, Target]:
        """The route of `rpc` and what its call sends for `request`; or INVALID_ARGUMENT.

        A create request is checked field by field too, and its body goes
        through the profile's rewrite.
        """
        route = ROUTES[rpc]
        try:
            target = route.target(request)
        except FieldError as exc:
            await _abort_invalid(context, [(exc.field, exc.why)])
        if target.body is not None:
            create = isinstance(request, responses_service_pb2.CreateResponseRequest)
            problems = check_create(request) if create else []  # type: ignore[arg-type]
            problems += check_json(target.body)
            if problems:
                await _abort_invalid(context, problems)
            if create:
                target.body = self._profile.request(target.body)
        return route, target

    async def _prepare(
        self, route: Route, target: Target, context: Context
    ) -> tuple[UpstreamCall, CallRecord]:
        """The upstream call and the telemetry record of one RPC; the JSON body
        is encoded and then no longer held."""
        body = target.take_body()
        call = await self._call(
            context,
            route.method,
            target.path,
            body=body,
            params=target.params,
            stream=route.stream,
            idempotent=route.idempotent,
        )
        record = self._telemetry.start_call(rpc=route.rpc, request=body, stream=route.stream)
        return call, record

    async def _stream(
        self,
        route: Route,
        target: Target,
        context: Context,
        *,
        background: bool,
        batched: bool = False,
    ) -> None:
        """Relay the upstream's event stream, then end the call: one message per
        event, or (`batched`) one per piece of the body that held events."""
        call, record = await self._prepare(route, target, context)
        state = StreamState(
            self._profile.success_events, self._profile.failure_events, advice=ending_with
        )
        normalize = self._normalize
        raw = _wants_raw_json(context)
        write = context.write
        failure: errors.UpstreamError | None = None
        request_id: str | None = None
        ended = False
        try:
            with record.activate():
                async with asyncio.timeout(self._budget(context)):
                    async with self._upstream.exchange(call) as reply:
                        request_id = reply.request_id
                        await _send_reply_metadata(context, reply)
                        if reply.status >= 400:
                            failure = _http_error(reply, await reply.read())
                        else:
                            decoder = SSEDecoder(self._upstream.options.max_body_bytes)
                            feed = decoder.feed
                            next_chunk = reply.next_chunk
                            started = False
                            while chunk := await next_chunk():
                                events = feed(chunk)
                                if events and not started:
                                    started = True
                                    reply.saw_event()
                                if batched:
                                    await self._send_batches(events, state, raw, write)
                                else:
                                    for sse in events:
                                        event = translate(sse, state, normalize, raw)
                                        if event is not None:
                                            await write(event)
                                if state.ended:
                                    # Nothing follows the last event: neither wait
                                    # for the end of the body nor fail on it.
                                    break
                            last = [] if state.ended else decoder.flush()
                            if batched:
                                await self._send_batches(last, state, raw, write)
                            for sse in () if batched else last:
                                event = translate(sse, state, normalize, raw)
                                if event is not None:
                                    await write(event)
        except UpstreamFailure as exc:
            failure = exc.error
        except BrokenStream as exc:
            failure = errors.UpstreamError(code=grpc.StatusCode.INTERNAL, message=str(exc))
        except EventTooLarge:
            failure = errors.too_large("stream event", self._upstream.options.max_body_bytes)
        except TimeoutError:
            failure = errors.timed_out("call", self._budget(context))
        except BaseException as exc:
            # The client went away, or the edge refused to send a message: the
            # exchange block has closed the upstream request; a background
            # response keeps running unless cancelled.
            ended = True
            cancelled = isinstance(exc, asyncio.CancelledError)
            record.end(state=state, cancelled=cancelled, error=_aborted(context))
            if cancelled and background and self._options.cancel_background and state.response_id:
                self._cancel_upstream(state.response_id)
            raise
        finally:
            if not ended and failure is None:
                failure = state.finish()
        if failure is not None and failure.request_id is None and request_id is not None:
            failure = dataclasses.replace(failure, request_id=request_id)
        record.end(state=state, error=failure)
        if failure is not None:
            await _abort(context, failure)

    async def _send_batches(
        self,
        events: list[SSEEvent],
        state: StreamState,
        raw: bool,
        write: Callable[[bytes], Awaitable[None]],
    ) -> None:
        """Send the messages of the batched RPCs that carry `events`; the events
        before one the client cannot take are sent before it fails the call."""
        if not events:
            return
        ready: list[bytes] = []
        try:
            for sse in events:
                event = translate(sse, state, self._normalize, raw)
                if event is not None:
                    ready.append(event.SerializeToString())
        finally:
            for data in batches(ready, self._options.max_message_bytes or sys.maxsize):
                await write(data)

    async def _unary(self, route: Route, target: Target, context: Context) -> Any:
        """The route's call, and its reply translated into the RPC's reply message."""
        call, record = await self._prepare(route, target, context)
        reply_type = route.reply_type
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
                payload = loads(body)
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
        except BaseException as exc:
            record.end(cancelled=isinstance(exc, asyncio.CancelledError), error=_aborted(context))
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
            except FieldError as exc:
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
        limit = self._options.max_call_seconds
        return limit if remaining is None else max(0.0, min(remaining, limit))

    async def _call(
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
        metadata = {
            key: value
            for key, value in context.invocation_metadata() or ()
            if isinstance(value, str)
        }
        forward = self._upstream.options.forward_headers
        headers = {key: value for key, value in metadata.items() if key in forward}
        problems = check_metadata(headers)
        try:
            api_key = self._upstream.api_keys.caller_key(metadata)
        except InvalidCallerKey as exc:
            problems.append((exc.field, exc.why))
        if problems:
            await _abort_invalid(context, problems)
        if not idempotent:
            # One key per logical call, so the upstream can tell a retry from a new call.
            headers.setdefault("idempotency-key", f"bridge-{uuid.uuid4()}")
        return UpstreamCall(
            method,
            path,
            body=None if body is None else orjson.dumps(body),
            params=params or {},
            headers=headers,
            stream=stream,
            api_key=api_key,
        )


_RAW_JSON_KEY = "x-bridge-raw-json"


def _wants_raw_json(context: Context) -> bool:
    for key, value in context.invocation_metadata() or ():
        if key == _RAW_JSON_KEY:
            return isinstance(value, str) and value.lower() in ("1", "true", "yes")
    return False


def _aborted(context: Context) -> errors.UpstreamError | None:
    """The status the edge ended the call with, if it refused to send something."""
    code = getattr(context, "code", None)
    if isinstance(code, grpc.StatusCode) and code is not grpc.StatusCode.OK:
        return errors.UpstreamError(code=code, message=code.name)
    return None


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
    status = rpc_status.to_status(errors.to_rpc_status(error))
    if error.request_id:
        status = status._replace(
            trailing_metadata=(*status.trailing_metadata, ("x-request-id", error.request_id))
        )
    await context.abort_with_status(status)
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
    await context.abort_with_status(rpc_status.to_status(status))
    raise AssertionError("unreachable: abort raises")  # pragma: no cover
