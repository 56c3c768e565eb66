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
from bridge.events import BrokenStream, Normalize, loads, translate_to_bytes
from bridge.routes import ROUTES, FieldError, Route, Target
from bridge.routing import (
    PICK_KEY,
    Candidate,
    Plan,
    Refusal,
    Request,
    Router,
    RoutingError,
    Ticket,
    Upstream,
    affinity_key,
    caller_of,
)
from bridge.session.service import SessionCaller, SessionOptions, Sessions
from bridge.sse import EventTooLarge, SSEDecoder, SSEEvent
from bridge.stream_state import StreamState
from bridge.telemetry import NoTelemetry, Telemetry
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
        caller_key_header: the metadata key of a caller's own upstream key (with a
            routes file, `-<upstream>` ends it).
    """

    max_call_seconds: float = 3600.0
    cancel_background: bool = False
    max_message_bytes: int | None = None
    caller_key_header: str = "x-upstream-api-key"


class ResponsesServicer(responses_service_pb2_grpc.ResponsesServiceServicer):
    """Serves ResponsesService by calling the upstream Responses API: one upstream,
    or those of a routes file (`bridge.routing.Router`)."""

    def __init__(
        self,
        upstream: UpstreamClient | Router,
        options: ServiceOptions | None = None,
        telemetry: Telemetry | None = None,
        sessions: Sessions | None = None,
    ) -> None:
        self._router = upstream if isinstance(upstream, Router) else Router.single(upstream)
        self._options = options or ServiceOptions()
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        # Upstream cancels of background responses outlive their calls.
        self._background: set[asyncio.Task[None]] = set()
        #: The Session RPC's sessions (bridge.session.service).
        self.sessions = sessions or Sessions(
            self._router,
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
        """Serve an agent session: creates on lanes, their events back (bridge.session).
        Each create is routed as StreamCreateResponse would be; the metadata is checked
        against every upstream at the start."""
        metadata = _metadata(context)
        refused_key = self._options.caller_key_header if self._router.caller_keys else ""
        problems = _refused_key(metadata, refused_key)
        for upstream in self._router.upstreams().values():
            problems += _upstream_headers(upstream, metadata)[2]
        if problems:
            await _abort_invalid(context, list(dict.fromkeys(problems)))

        def credentials(upstream: Upstream) -> tuple[dict[str, str], str | None]:
            headers, key, problems = _upstream_headers(upstream, metadata)
            if problems:
                raise InvalidCallerKey(*problems[0])
            return headers, key

        caller = SessionCaller(
            name=caller_of(getattr(context, "caller", None), context.peer()),
            credentials=credentials,
            picked=metadata.get(PICK_KEY),
            raw=_wants_raw_json(context),
        )
        await self.sessions.serve(request_iterator, context, caller)

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

        A create request is checked field by field too.
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
        return route, target

    async def _plan(self, route: Route, target: Target, context: Context) -> tuple[Plan, _Call]:
        """Where the call goes (`bridge.routing`) and what it sends there, or the call ends:
        over its caller's limits, an upstream it may not pick, a model no route serves,
        metadata that cannot go upstream."""
        metadata = _metadata(context)
        router = self._router
        ticket: Ticket | None = None
        request = Request(route.rpc)
        if router.routed:
            body = target.body
            model = body.get("model") if body else None
            admitted = router.admit(caller_of(getattr(context, "caller", None), context.peer()))
            if isinstance(admitted, Refusal):
                await _abort(context, admitted.error())
            ticket = admitted
            request = Request(
                route.rpc,
                model=model if isinstance(model, str) and model else None,
                key=affinity_key(target.ids, body),
                picked=metadata.get(PICK_KEY),
                deadline=self._budget(context),
            )
        try:
            plan = await router.plan(request, ticket)
        except RoutingError as exc:
            if exc.field is not None:
                await _abort_invalid(context, [(exc.field, exc.error.message)])
            await _abort(context, exc.error)
        call = _Call(route, target, metadata, keep=len(plan.candidates) > 1)
        problems = call.check(plan, self._options.caller_key_header if router.caller_keys else "")
        if problems:
            plan.close()
            await _abort_invalid(context, problems)
        return plan, call

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
        event, or (`batched`) one per piece of the body that held events. Before the
        first event reaches the client, a failure may fall back to the next upstream."""
        plan, call = await self._plan(route, target, context)
        try:
            await self._relay(plan, call, context, background, batched)
        finally:
            plan.close()

    async def _relay(
        self, plan: Plan, call: _Call, context: Context, background: bool, batched: bool
    ) -> None:
        record = self._telemetry.start_call(rpc=call.route.rpc, request=call.body, stream=True)
        raw = _wants_raw_json(context)
        failure: errors.UpstreamError | None = None
        request_id: str | None = None
        state: StreamState | None = None
        served: Candidate | None = None
        unsent: tuple[tuple[str, str], ...] | None = None
        try:
            with record.activate():
                async with asyncio.timeout(self._budget(context)):
                    for served in plan:
                        profile = served.upstream.profile
                        state = StreamState(
                            profile.success_events, profile.failure_events, advice=ending_with
                        )
                        attempt = record.attempt(served.upstream.tag)
                        try:
                            with attempt.activate():
                                ended = await self._attempt_stream(
                                    plan, call, served, context, state, raw, batched
                                )
                        except BaseException as exc:
                            attempt.end(_interrupted(exc, self._budget(context)))
                            raise
                        failure, request_id, unsent = ended.error, ended.request_id, ended.unsent
                        attempt.end(failure)
                        if not plan.outcome(served, failure, sent=ended.sent):
                            break
                    if unsent is not None:
                        await context.send_initial_metadata(unsent)
            if served is None:
                failure = _untried(plan)
        except TimeoutError:
            failure = errors.timed_out("call", self._budget(context))
        except BaseException as exc:
            # The client went away, or the edge refused to send a message: the
            # exchange block has closed the upstream request; a background
            # response keeps running unless cancelled.
            cancelled = isinstance(exc, asyncio.CancelledError)
            record.end(state=state, cancelled=cancelled, error=_aborted(context))
            if (
                cancelled
                and background
                and self._options.cancel_background
                and state is not None
                and state.response_id
                and served is not None
            ):
                self._cancel_upstream(state.response_id, served.upstream)
            raise
        if failure is not None:
            failure = plan.failure(failure)
            if failure.request_id is None and request_id is not None:
                failure = dataclasses.replace(failure, request_id=request_id)
        record.end(state=state, error=failure)
        if failure is not None:
            await _abort(context, failure, served)

    async def _attempt_stream(
        self,
        plan: Plan,
        call: _Call,
        candidate: Candidate,
        context: Context,
        state: StreamState,
        raw: bool,
        batched: bool,
    ) -> _Ended:
        """One upstream's attempt at a stream, and how it ended."""
        upstream = candidate.upstream
        normalize = upstream.normalize
        # Through the edge, which sizes and counts what leaves.
        send: Callable[[list[bytes]], Awaitable[None]] = context.write_all  # type: ignore[attr-defined]
        batch_limit = (self._options.max_message_bytes or sys.maxsize) if batched else None
        ended = _Ended()
        try:
            async with upstream.client.exchange(
                call.upstream_call(candidate), plan.attempts
            ) as reply:
                ended.request_id = reply.request_id
                metadata = _reply_metadata(reply, upstream.name)
                # While another upstream may follow, nothing is sent before the first event.
                if plan.fallback_left:
                    ended.unsent = metadata
                else:
                    ended.sent = True
                    await context.send_initial_metadata(metadata)
                if reply.status >= 400:
                    ended.error = _http_error(reply, await reply.read())
                    return ended
                decoder = SSEDecoder(upstream.client.options.max_body_bytes)
                feed = decoder.feed
                next_chunk = reply.next_chunk
                started = False
                record_id = plan.records
                while chunk := await next_chunk():
                    events = feed(chunk)
                    if events and not started:
                        started = True
                        reply.saw_event()
                        if ended.unsent is not None:
                            ended.sent = True
                            await context.send_initial_metadata(ended.unsent)
                            ended.unsent = None
                    await _send(events, state, normalize, raw, send, batch_limit)
                    if record_id and state.response_id is not None:
                        record_id = False
                        plan.created_soon(candidate, state.response_id)
                    if state.ended:
                        # Nothing follows the last event: neither wait
                        # for the end of the body nor fail on it.
                        break
                last = [] if state.ended else decoder.flush()
                if last and ended.unsent is not None:
                    ended.sent = True
                    await context.send_initial_metadata(ended.unsent)
                    ended.unsent = None
                await _send(last, state, normalize, raw, send, batch_limit)
        except UpstreamFailure as exc:
            ended.error = exc.error
        except BrokenStream as exc:
            ended.error = errors.UpstreamError(code=grpc.StatusCode.INTERNAL, message=str(exc))
        except EventTooLarge:
            ended.error = errors.too_large("stream event", upstream.client.options.max_body_bytes)
        else:
            ended.error = state.finish()
        return ended

    async def _unary(self, route: Route, target: Target, context: Context) -> Any:
        """The route's call, and its reply translated into the RPC's reply message."""
        plan, call = await self._plan(route, target, context)
        try:
            return await self._exchange(plan, call, context)
        finally:
            plan.close()

    async def _exchange(self, plan: Plan, call: _Call, context: Context) -> Any:
        record = self._telemetry.start_call(rpc=call.route.rpc, request=call.body, stream=False)
        reply_type = call.route.reply_type
        failure: errors.UpstreamError | None = None
        payload: Any = None
        reply: UpstreamReply | None = None
        body = b""
        served: Candidate | None = None
        unsent: tuple[tuple[str, str], ...] | None = None
        try:
            with record.activate():
                async with asyncio.timeout(self._budget(context)):
                    for served in plan:
                        upstream = served.upstream
                        attempt = record.attempt(upstream.tag)
                        unsent = None
                        reply = None
                        try:
                            with attempt.activate():
                                async with upstream.client.exchange(
                                    call.upstream_call(served), plan.attempts
                                ) as reply:
                                    metadata = _reply_metadata(reply, upstream.name)
                                    if plan.fallback_left:
                                        unsent = metadata
                                    else:
                                        await context.send_initial_metadata(metadata)
                                    body = await reply.read()
                            failure = _http_error(reply, body) if reply.status >= 400 else None
                        except UpstreamFailure as exc:
                            failure = exc.error
                        except BaseException as exc:
                            attempt.end(_interrupted(exc, self._budget(context)))
                            raise
                        attempt.end(failure)
                        if not plan.outcome(served, failure, sent=False):
                            break
                    if unsent is not None:
                        await context.send_initial_metadata(unsent)
            if reply is None and failure is None:
                failure = _untried(plan)
            if failure is None and reply is not None:
                payload = loads(body)
                if isinstance(payload, dict) and reply_type is response_pb2.Response:
                    assert served is not None
                    served.upstream.profile.response(payload)
                message = codec.from_json(payload, reply_type)
                if _wants_raw_json(context) and reply_type is response_pb2.Response:
                    message.raw_json = body.decode("utf-8", "replace")  # type: ignore[attr-defined]
                if served is not None and isinstance(payload, dict):
                    await plan.settled(served, payload)
        except TimeoutError:
            failure = errors.timed_out("call", self._budget(context))
        except (orjson.JSONDecodeError, codec.CodecError) as exc:
            assert reply is not None
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
        if failure is not None:
            failure = plan.failure(failure)
        record.end(response=payload if isinstance(payload, dict) else None, error=failure)
        if failure is not None:
            await _abort(context, failure, served)
        return message

    def _cancel_upstream(self, response_id: str, upstream: Upstream) -> None:
        async def cancel() -> None:
            route = ROUTES["CancelResponse"]
            try:
                target = route.target(route.request(response_id=response_id))
            except FieldError as exc:
                log.warning("background_cancel_failed", response_id=response_id, error=str(exc))
                return
            call = UpstreamCall(route.method, target.path, params=target.params)
            try:
                async with upstream.client.exchange(call) as reply:
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


@dataclass(slots=True)
class _Ended:
    """How one upstream's attempt at a stream ended.

    Attributes:
        error: the failure (None: the stream ended OK).
        request_id: the upstream's request id.
        unsent: its initial metadata, held back while nothing reached the client
            (another upstream may still serve the call).
        sent: whether anything (metadata, events) reached the client.
    """

    error: errors.UpstreamError | None = None
    request_id: str | None = None
    unsent: tuple[tuple[str, str], ...] | None = None
    sent: bool = False


class _Call:
    """One RPC's upstream call, as each upstream of its plan is sent it: allowlisted
    metadata as headers, the caller's own key where that upstream takes one, the body
    with the model the route names there (and the profile's names, for a create)."""

    __slots__ = ("_metadata", "body", "headers", "keep", "keys", "params", "path", "route")

    def __init__(
        self, route: Route, target: Target, metadata: dict[str, str], *, keep: bool
    ) -> None:
        self.route = route
        self.path = target.path
        self.params = target.params
        # Held while another upstream may need it; else given up at the first send.
        self.body = target.take_body()
        self.keep = keep
        self.headers: dict[str, dict[str, str]] = {}
        self.keys: dict[str, str | None] = {}
        self._metadata = metadata

    def check(self, plan: Plan, refused_key: str) -> list[tuple[str, str]]:
        """Every problem of the metadata going to the plan's upstreams; `refused_key`
        names a caller key metadata key that must name its upstream."""
        problems = _refused_key(self._metadata, refused_key)
        idempotency = None if self.route.idempotent else f"bridge-{uuid.uuid4()}"
        for candidate in plan.candidates:
            upstream = candidate.upstream
            headers, self.keys[upstream.name], found = _upstream_headers(upstream, self._metadata)
            problems += found
            if idempotency is not None:
                # One key per logical call, so an upstream can tell a retry from a new call.
                headers.setdefault("idempotency-key", idempotency)
            self.headers[upstream.name] = headers
        return list(dict.fromkeys(problems))

    def upstream_call(self, candidate: Candidate) -> UpstreamCall:
        """The call as `candidate` is sent it."""
        upstream = candidate.upstream
        body = self.body if self.keep else self.take()
        data = None
        if body is not None:
            body = candidate.body(body)
            if self.route.request_type is responses_service_pb2.CreateResponseRequest:
                body = upstream.profile.request(body)
            data = orjson.dumps(body)
        return UpstreamCall(
            self.route.method,
            self.path,
            body=data,
            params=self.params,
            headers=self.headers.get(upstream.name, {}),
            stream=self.route.stream,
            api_key=self.keys.get(upstream.name),
        )

    def take(self) -> dict[str, Any] | None:
        body, self.body = self.body, None
        return body


def _metadata(context: Context) -> dict[str, str]:
    """The call's text metadata, by key."""
    return {
        key: value for key, value in context.invocation_metadata() or () if isinstance(value, str)
    }


def _refused_key(metadata: dict[str, str], refused_key: str) -> list[tuple[str, str]]:
    """The problem of a caller key metadata key that must name its upstream, if sent."""
    if refused_key and metadata.get(refused_key):
        return [(refused_key, f"name the upstream the key is for: {refused_key}-<upstream>")]
    return []


async def _send(
    events: list[SSEEvent],
    state: StreamState,
    normalize: Normalize | None,
    raw: bool,
    send: Callable[[list[bytes]], Awaitable[None]],
    batch_limit: int | None,
) -> None:
    """Send `events` in order: a message each, or (`batch_limit`) the batched RPCs'
    messages of at most that many bytes. The events before one the client cannot
    take are sent before it fails the call.

    One message each: a few events are translated back to back, then sent. Between
    two sends gRPC's send and the kernel have taken the CPU's caches, and a
    translation there costs about twice what it costs after another one; a group
    delays its first event by the translation of the rest, some tens of microseconds.
    """
    if not events:
        return
    ready: list[bytes] = []
    try:
        for sse in events:
            event = translate_to_bytes(sse, state, normalize, raw)
            if event is not None:
                ready.append(event)
                if batch_limit is None and len(ready) == _TRANSLATED_TOGETHER:
                    sending, ready = ready, []
                    await send(sending)
    finally:
        if ready:
            await send(ready if batch_limit is None else list(batches(ready, batch_limit)))


def _upstream_headers(
    upstream: Upstream, metadata: dict[str, str]
) -> tuple[dict[str, str], str | None, list[tuple[str, str]]]:
    """What `upstream` is sent of the metadata: the allowlisted headers, the caller's own
    key where it takes one, and every problem of either."""
    forward = upstream.client.options.forward_headers
    headers = {key: value for key, value in metadata.items() if key in forward}
    problems = check_metadata(headers)
    key = None
    try:
        key = upstream.client.api_keys.caller_key(metadata)
    except InvalidCallerKey as exc:
        problems.append((exc.field, exc.why))
    return headers, key, problems


_RAW_JSON_KEY = "x-bridge-raw-json"
# Events a stream translates back to back before sending them (`_send`).
_TRANSLATED_TOGETHER = 16


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


def _reply_metadata(reply: UpstreamReply, upstream: str) -> tuple[tuple[str, str], ...]:
    """The initial metadata of a call: the reply's forwardable headers, and the name of the
    upstream that served it."""
    return (*reply.metadata, (PICK_KEY, upstream))


def _untried(plan: Plan) -> errors.UpstreamError:
    """The failure of a call whose plan let it try no upstream at all."""
    return errors.UpstreamError(
        code=grpc.StatusCode.UNAVAILABLE,
        message="no upstream could be tried: "
        + "; ".join(f"{name}: {why}" for name, why in plan.tried),
    )


def _interrupted(exc: BaseException, budget: float) -> errors.UpstreamError:
    """What an attempt that did not end by itself ended with, for its record."""
    if isinstance(exc, TimeoutError):
        return errors.timed_out("call", budget)
    return errors.UpstreamError(code=grpc.StatusCode.CANCELLED, message="cancelled")


async def _abort(
    context: Context, error: errors.UpstreamError, served: Candidate | None = None
) -> NoReturn:
    status = rpc_status.to_status(errors.to_rpc_status(error))
    trailing = [*status.trailing_metadata]
    if error.request_id:
        trailing.append(("x-request-id", error.request_id))
    if served is not None:
        # Also in the trailers: a client may see a quick failure before the initial metadata
        # sent just ahead of it (grpc-python's asyncio client then reports none).
        trailing.append((PICK_KEY, served.upstream.name))
    await context.abort_with_status(status._replace(trailing_metadata=tuple(trailing)))
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
