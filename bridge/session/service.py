"""The Session RPC: client events in, the events of the responses they create out.

One `Sessions` serves the process: it refuses a session past its limit (RESOURCE_EXHAUSTED
as the RPC starts) and drains them all at shutdown. Each session reads its client's events
as they come and answers each on its lane:

- a `response.create` is read (`events.read_create`), refused with an `error` event, or
  scheduled (`lanes.Lanes`): it starts at once when its lane is free, waits behind the
  lane's earlier creates otherwise, and is refused with the spec's
  `websocket_stream_limit_reached` error when it would open a lane past the limit;
- a client event of a type the contract does not know is sent to a WebSocket upstream as it
  came, or answered with an `error` event naming its type;
- each response runs on its lane's task: its upstream events (`websocket` or `emulation`)
  pass through the same translation as a streamed RPC's (`bridge.events.translate`), are
  tagged with the lane and written to the client; its end starts the lane's next create.

While more than `MAX_QUEUED` creates wait, the session reads no more client events: the
client's sends wait in gRPC's flow control, not in this process.

The RPC ends OK once the client has half-closed and every response has ended; cancelling
it cancels every response (which closes their HTTP calls or the WebSocket); its deadline
(or the bridge's bound on calls without one) ends it DEADLINE_EXCEEDED. When the bridge
shuts down, creates that have not started are answered with an `error` event, those in
flight finish within the grace period, and the RPC ends UNAVAILABLE.

Telemetry: the RPC's span and access line are the session's (the edge's); each response
gets a GenAI span under it and an access line of its own (`response`), and the session's
line counts its responses and sums their tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Final, NoReturn, Protocol

import grpc
import grpc.aio
import structlog
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from bridge.errors import UpstreamError
from bridge.events import BrokenStream, Normalize, translate
from bridge.routing import (
    Candidate,
    Plan,
    Refusal,
    Request,
    Router,
    RoutingError,
    Upstream,
    affinity_key,
)
from bridge.session.emulation import HttpEmulation
from bridge.session.events import (
    Create,
    as_sse,
    error_event,
    failure_event,
    lane_limit_event,
    read_create,
    read_unknown,
    shutting_down_event,
    tagged,
    unsupported_event,
)
from bridge.session.lanes import DEFAULT_LANE, Admission, Lanes
from bridge.session.websocket import WebSocketSession
from bridge.sse import SSEEvent
from bridge.stream_state import StreamState
from bridge.telemetry import CallRecord, NoTelemetry, Telemetry
from bridge.telemetry import attributes as attrs
from bridge.upstream import InvalidCallerKey, UpstreamFailure, ending_with
from rbridge.responses.v1 import responses_service_pb2, stream_events_pb2

__all__ = ["MAX_QUEUED", "SessionCaller", "SessionOptions", "Sessions"]

log = structlog.get_logger("bridge.session")

#: Creates a session holds waiting, over all its lanes, before it reads no more.
MAX_QUEUED: Final = 64
# When the bridge stops: how much sooner than gRPC's own cut a draining session ends.
_DRAIN_MARGIN: Final = 0.25
# When a full bridge refuses a session: the wait a client should allow.
_RETRY_FULL_MS: Final = 1000
# The most upstreams, and models, a session's access line lists.
_MAX_LISTED: Final = 16
# Each create is routed, and its response recorded for affinity, as this RPC's call is.
_CREATE_RPC: Final = "StreamCreateResponse"

Context = grpc.aio.ServicerContext[Any, Any]
ClientEvents = AsyncIterator[responses_service_pb2.ResponsesClientEvent]


class SessionUpstream(Protocol):
    """Where a session's responses are made (`WebSocketSession`, `HttpEmulation`)."""

    @property
    def passes_unknown_events(self) -> bool:
        """Whether client events the contract does not know reach the upstream."""
        ...

    def respond(self, create: Create) -> AsyncGenerator[SSEEvent, None]:
        """The response's events, ending with its last (or an error event)."""
        ...

    def continuing(self, lane: str) -> str | None:
        """The response whose context the lane's create in flight was expanded from."""
        ...

    def ended(self, create: Create, response: dict[str, Any] | None) -> None:
        """The response ended, with this last Response (None: it cannot be continued)."""
        ...

    async def passthrough(self, event: dict[str, Any]) -> bool:
        """Send a client event the contract does not know; False: it cannot be served."""
        ...

    async def aclose(self) -> None:
        """Close what the session holds upstream."""
        ...


@dataclass(frozen=True)
class SessionOptions:
    """How sessions are bounded.

    Attributes:
        max_sessions: sessions served at once by the process; one more is refused.
        max_lanes: lanes with responses in flight at once, per session.
        max_call_seconds: the bound on a session whose client set no deadline.
    """

    max_sessions: int = 1000
    max_lanes: int = 16
    max_call_seconds: float = 3600.0


@dataclass(frozen=True)
class SessionCaller:
    """Who a session serves, as its creates are routed and sent.

    Attributes:
        name: the caller its limits apply to (`bridge.routing.caller_of`).
        credentials: the headers and caller's key an upstream is sent; raises
            `InvalidCallerKey` for metadata that upstream cannot take.
        picked: the upstream the caller picked (`x-bridge-upstream`), if any.
        raw: whether each event carries its JSON in `raw_json`.
    """

    name: str
    credentials: Callable[[Upstream], tuple[dict[str, str], str | None]]
    picked: str | None = None
    raw: bool = False


class Sessions:
    """The sessions of one bridge: served, bounded, and drained at shutdown.

    Usage::

        sessions = Sessions(router, SessionOptions(), telemetry)
        await sessions.serve(client_events, context, caller)
        ...
        sessions.drain(grace_seconds)   # at shutdown, before the server stops
    """

    def __init__(
        self,
        router: Router,
        options: SessionOptions | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.router = router
        self.options = options or SessionOptions()
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        self._active: set[_Session] = set()
        self._draining_until: float | None = None
        # Upstreams that refused a WebSocket handshake: their later sessions use HTTP.
        self._websocket_refused: weakref.WeakSet[Upstream] = weakref.WeakSet()

    @property
    def active(self) -> int:
        """How many sessions are being served."""
        return len(self._active)

    async def serve(self, requests: ClientEvents, context: Context, caller: SessionCaller) -> None:
        """Serve one Session RPC to its end."""
        if self._draining_until is not None:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the bridge is shutting down")
        if len(self._active) >= self.options.max_sessions:
            await _abort_full(context, self.options.max_sessions)
        session = _Session(self, context, caller)
        self._active.add(session)
        try:
            await session.run(requests)
        finally:
            self._active.discard(session)

    def drain(self, grace: float) -> None:
        """The bridge is shutting down: each session answers new creates with an error,
        lets its responses in flight finish within `grace` seconds, then ends UNAVAILABLE."""
        loop = asyncio.get_running_loop()
        self._draining_until = loop.time() + max(0.0, grace - min(_DRAIN_MARGIN, grace / 10))
        for session in self._active:
            session.drain(self._draining_until)

    def connect(
        self, upstream: Upstream, caller: SessionCaller, session: _Session
    ) -> SessionUpstream:
        """Where a session's responses from `upstream` are made: its WebSocket, or HTTP
        for upstreams without the mode (or that refused it).

        Raises:
            InvalidCallerKey: the caller's metadata cannot go to `upstream`.
        """
        headers, api_key = caller.credentials(upstream)
        client = upstream.client
        if not upstream.profile.websocket or upstream in self._websocket_refused:
            return HttpEmulation(client, headers, api_key)
        return WebSocketSession(
            client,
            headers,
            api_key,
            on_stray=session.stray,
            on_refused=lambda: self._websocket_refused.add(upstream),
        )

    def record(self, create: Create) -> CallRecord:
        """The telemetry record of one response."""
        return self._telemetry.start_call(rpc="Session", request=create.body, stream=True)


class _Session:
    """One Session RPC's state: its lanes, responses, and how it ends."""

    def __init__(self, owner: Sessions, context: Context, caller: SessionCaller) -> None:
        self.owner = owner
        self.context = context
        self._caller = caller
        self._raw = caller.raw
        self._lanes: Lanes[Create] = Lanes(owner.options.max_lanes)
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self._room = asyncio.Event()
        self._write_lock = asyncio.Lock()
        self._half_closed = False
        self._drain_at: float | None = None
        self._withdrawn = False
        self._failure: BaseException | None = None
        # Where the session's responses are made: one per upstream it used.
        self._upstreams: dict[Upstream, SessionUpstream] = {}
        # Where each lane's response in flight is made, and where the latest one was
        # (client events the contract does not know go there).
        self._serving: dict[str, SessionUpstream] = {}
        self._latest: SessionUpstream | None = None
        # The session's totals, for its access line.
        self._responses = 0
        self._tokens = [0, 0, 0, 0]
        # The upstreams and models of its responses, in order of first use.
        self._used: dict[str, None] = {}
        self._models: dict[str, None] = {}

    # -- the RPC ------------------------------------------------------------------------

    async def run(self, requests: ClientEvents) -> None:
        context = self.context
        remaining = context.time_remaining()
        limit = self.owner.options.max_call_seconds
        budget = limit if remaining is None else max(0.0, min(remaining, limit))
        loop = asyncio.get_running_loop()
        reader = loop.create_task(self._read(requests))
        timed_out = False
        try:
            async with asyncio.timeout(budget):
                await self._until_done(reader)
        except TimeoutError:
            timed_out = True
        finally:
            reader.cancel()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(reader, *self._tasks, return_exceptions=True)
            await asyncio.gather(
                *(upstream.aclose() for upstream in self._upstreams.values()),
                return_exceptions=True,
            )
            self._totals()
        if timed_out:
            await context.abort(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                f"the session's deadline of {budget:g}s passed"
                + ("" if remaining is not None else " (BRIDGE_MAX_CALL_SECONDS)"),
            )
        if self._drain_at is not None:
            await context.abort(
                grpc.StatusCode.UNAVAILABLE,
                "the bridge is shutting down: the session ended after its responses in "
                "flight; open a new one to go on",
            )

    async def _until_done(self, reader: asyncio.Task[None]) -> None:
        """Wait until the session may end: the client half-closed (or the bridge is
        draining) and no response is in flight, or the drain's time is up."""
        loop = asyncio.get_running_loop()
        while True:
            self._changed.clear()
            if self._failure is not None:
                raise self._failure
            if reader.done() and not reader.cancelled():
                problem = reader.exception()
                if problem is not None:
                    raise problem
            if self._drain_at is not None:
                if not self._withdrawn:
                    self._withdrawn = True
                    for _, create in self._lanes.withdraw():
                        await self._emit(shutting_down_event(create.stream_id))
                    self._room.set()
                if self._lanes.idle or loop.time() >= self._drain_at:
                    return
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout_at(self._drain_at):
                        await self._changed.wait()
                continue
            if self._half_closed and self._lanes.idle:
                return
            await self._changed.wait()

    def drain(self, at: float) -> None:
        """Stop starting responses; end once those in flight end, or at `at` (loop time)."""
        self._drain_at = at
        self._changed.set()

    async def _read(self, requests: ClientEvents) -> None:
        """Take the client's events as they come, until it half-closes."""
        async for message in requests:
            arm = message.WhichOneof("event")
            if arm == "response_create":
                await self._create(message.response_create)
            elif arm == "unknown":
                await self._unknown(message)
            else:
                await self._emit(
                    error_event(
                        400,
                        "A client event has no event set: send response_create.",
                        code="missing_required_parameter",
                        param="type",
                    )
                )
            while self._lanes.queued >= MAX_QUEUED and self._drain_at is None:
                self._room.clear()
                await self._room.wait()
        self._half_closed = True
        self._changed.set()

    async def _create(self, event: responses_service_pb2.ResponseCreateEvent) -> None:
        create = read_create(event)
        if isinstance(create, dict):
            await self._emit(create)
            return
        if self._drain_at is not None:
            await self._emit(shutting_down_event(create.stream_id))
            return
        admission = self._lanes.submit(create.lane, create)
        if admission is Admission.REFUSED:
            await self._emit(lane_limit_event(create.stream_id, self._lanes.max_lanes))
        elif admission is Admission.START:
            task = asyncio.get_running_loop().create_task(self._lane(create))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _unknown(self, event: responses_service_pb2.ResponsesClientEvent) -> None:
        read = read_unknown(event)
        if isinstance(read, dict):
            await self._emit(read)
            return
        type_name, stream_id, data = read
        lane = DEFAULT_LANE if stream_id is None else stream_id
        try:
            upstream = self._serving.get(lane) or self._latest
            if upstream is None:
                upstream = self._upstream(self.owner.router.default)
        except InvalidCallerKey as exc:
            await self._emit(failure_event(_invalid(exc), stream_id))
            return
        if upstream.passes_unknown_events:
            try:
                if await upstream.passthrough(data):
                    return
            except UpstreamFailure as exc:
                await self._emit(failure_event(exc.error, stream_id))
                return
        await self._emit(unsupported_event(type_name, stream_id))

    def _upstream(self, upstream: Upstream) -> SessionUpstream:
        """Where this session's responses from `upstream` are made (opened once).

        Raises:
            InvalidCallerKey: the caller's metadata cannot go to `upstream`.
        """
        made = self._upstreams.get(upstream)
        if made is None:
            made = self._upstreams[upstream] = self.owner.connect(upstream, self._caller, self)
        return made

    async def stray(self, sse: SSEEvent, stream_id: str | None) -> None:
        """An upstream event of a lane with nothing in flight: passed on as it came."""
        try:
            event = translate(sse, StreamState(), None, self._raw)
        except BrokenStream:
            return
        if event is None or self.context.done():
            return
        try:
            await self._write(tagged(event, stream_id))
        except Exception as exc:  # the call ended under the write: nobody to tell
            log.debug("stray_event_not_sent", error=str(exc))

    # -- responses ----------------------------------------------------------------------

    async def _lane(self, create: Create) -> None:
        """Run `create`, then each create that waits on its lane, in order."""
        current: Create | None = create
        try:
            while current is not None:
                await self._respond(current)
                current = self._lanes.finish(current.lane)
                self._room.set()
                while current is not None and self._drain_at is not None:
                    await self._emit(shutting_down_event(current.stream_id))
                    current = self._lanes.finish(current.lane)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._failure = exc
        finally:
            self._changed.set()

    async def _respond(self, create: Create) -> None:
        """One response, routed as StreamCreateResponse is (its model's route, or the
        upstream holding the response it continues): its events to the client, its
        telemetry, its lane's memory. A refusal (the caller's limits, no route) is the
        create's error event."""
        router = self.owner.router
        ticket = None
        if router.routed:
            admitted = router.admit(self._caller.name)
            if isinstance(admitted, Refusal):
                await self._emit(failure_event(admitted.error(), create.stream_id))
                return
            ticket = admitted
        model = create.body.get("model")
        request = Request(
            _CREATE_RPC,
            model=model if isinstance(model, str) and model else None,
            key=affinity_key({}, create.body),
            picked=self._caller.picked,
            deadline=self._remaining(),
        )
        try:
            plan = await router.plan(request, ticket)
        except RoutingError as exc:
            error = exc.error
            if exc.field is not None:
                error = dataclasses.replace(error, param=exc.field)
            await self._emit(failure_event(error, create.stream_id))
            return
        try:
            await self._serve(plan, create)
        finally:
            plan.close()

    async def _serve(self, plan: Plan, create: Create) -> None:
        """The response to `create` from the plan's upstreams: the next one is tried while
        an attempt failed before anything reached the client and the plan allows it."""
        record = self.owner.record(create)
        started = time.monotonic()
        state: StreamState | None = None
        served: Candidate | None = None
        cancelled = False
        failure: UpstreamError | None = None
        with record.activate():
            try:
                for served in plan:
                    upstream = served.upstream
                    try:
                        made = self._upstream(upstream)
                    except InvalidCallerKey as exc:
                        failure = _invalid(exc)
                        await self._emit(failure_event(failure, create.stream_id))
                        break
                    profile = upstream.profile
                    state = StreamState(
                        profile.success_events, profile.failure_events, advice=ending_with
                    )
                    attempt = record.attempt(upstream.tag)
                    try:
                        with attempt.activate():
                            error, held = await self._attempt(plan, served, made, create, state)
                    except BaseException:
                        attempt.end(UpstreamError(grpc.StatusCode.CANCELLED, "cancelled"))
                        raise
                    attempt.end(error)
                    if plan.outcome(served, error, sent=held is None):
                        continue
                    if held is not None:
                        await self._write(held)
                    break
                else:
                    if served is None:
                        failure = UpstreamError(
                            grpc.StatusCode.UNAVAILABLE, "no upstream of the route was tried"
                        )
                        await self._emit(failure_event(failure, create.stream_id))
            except asyncio.CancelledError:
                cancelled = True
                raise
            finally:
                if state is not None and not cancelled:
                    failure = state.finish()
                record.end(state=state, error=failure, cancelled=cancelled)
                self._account(create, served, state, failure, cancelled, started)

    async def _attempt(
        self,
        plan: Plan,
        candidate: Candidate,
        upstream: SessionUpstream,
        create: Create,
        state: StreamState,
    ) -> tuple[UpstreamError | None, bytes | None]:
        """One upstream's attempt at a response, its events written to the client as they
        come; how it failed (None: it did not), and the error event held back when it
        failed at once in a way another upstream of the plan may not."""
        body = candidate.body(create.body)
        sent = create if body is create.body else dataclasses.replace(create, body=body)
        lane = create.lane
        self._serving[lane] = self._latest = upstream
        normalize = self._normalizer(candidate.upstream.normalize, upstream, lane)
        recording = plan.records
        held: bytes | None = None
        status: int | None = None
        try:
            async with contextlib.aclosing(upstream.respond(sent)) as events:
                async for sse in events:
                    try:
                        event = translate(sse, state, normalize, self._raw)
                    except BrokenStream as exc:
                        broken = UpstreamError(code=grpc.StatusCode.INTERNAL, message=str(exc))
                        event = translate(
                            as_sse(failure_event(broken, create.stream_id)), state, None, False
                        )
                    if event is None:
                        continue
                    data = tagged(event, create.stream_id)
                    if state.events == 1 and state.failed and plan.fallback_left:
                        status = _status(event)
                        if status is not None:
                            held = data
                            break
                    await self._write(data)
                    if recording and state.response_id is not None:
                        recording = False
                        plan.created_soon(candidate, state.response_id)
                    if state.ended:
                        break
            if not state.ended and not state.failed:
                # The upstream stopped without the response's last event.
                cut = state.finish()
                assert cut is not None
                event = translate(as_sse(failure_event(cut, create.stream_id)), state, None, False)
                if event is not None:
                    await self._write(tagged(event, create.stream_id))
        finally:
            error = state.finish()
            upstream.ended(sent, state.last_response if error is None else None)
            if self._serving.get(lane) is upstream:
                del self._serving[lane]
        if error is not None and status is not None:
            error = dataclasses.replace(error, http_status=status)
        return error, held

    def _normalizer(
        self, normalize: Normalize | None, upstream: SessionUpstream, lane: str
    ) -> Normalize:
        """The profile's normalization of each event, and for a create whose continued
        context was expanded, the `previous_response_id` it named, as the WebSocket server
        would report it."""

        def normalized(event: dict[str, Any]) -> dict[str, Any]:
            if normalize is not None:
                normalize(event)
            response = event.get("response")
            if isinstance(response, dict):
                continued = upstream.continuing(lane)
                if continued is not None and response.get("previous_response_id") is None:
                    response["previous_response_id"] = continued
            return event

        return normalized

    def _remaining(self) -> float:
        """The seconds the session has left."""
        remaining = self.context.time_remaining()
        limit = self.owner.options.max_call_seconds
        return limit if remaining is None else max(0.0, min(remaining, limit))

    def _account(
        self,
        create: Create,
        served: Candidate | None,
        state: StreamState | None,
        failure: UpstreamError | None,
        cancelled: bool,
        started: float,
    ) -> None:
        """Count the response in the session's totals, and write its access line."""
        self._responses += 1
        final = state.last_response if state is not None else None
        counts = attrs.usage(final)
        if counts is not None:
            for index, value in enumerate(counts):
                self._tokens[index] += value or 0
        name = served.upstream.tag.name if served is not None else None
        if name is not None and len(self._used) < _MAX_LISTED:
            self._used[name] = None
        model = create.body.get("model")
        if isinstance(model, str) and len(self._models) < _MAX_LISTED:
            self._models[model] = None
        scope = getattr(self.context, "scope", None)
        # Each response's attempts go on its own line, not piling up on the session's.
        attempts = None
        if scope is not None:
            attempts, scope.attempts = scope.attempts, None
        access = getattr(self.context, "access", None)
        if access is None:
            return
        status = final.get("status") if isinstance(final, dict) else None
        first = state.first_event_at if state is not None else None
        fields: dict[str, Any] = {
            "stream_id": create.stream_id,
            "model": create.body.get("model"),
            "status": "cancelled" if cancelled else (status or ("failed" if failure else None)),
            "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
            "time_to_first_event_ms": (
                None if first is None else round((first - started) * 1000.0, 3)
            ),
            "events": state.events if state is not None else 0,
            "input_tokens": counts.input_tokens if counts else None,
            "output_tokens": counts.output_tokens if counts else None,
            "cached_tokens": counts.cache_read_input_tokens if counts else None,
            "reasoning_tokens": counts.reasoning_output_tokens if counts else None,
            "response_id": state.response_id if state is not None else None,
            "upstream": name,
            "upstream_attempts": attempts,
            "error_type": "cancelled"
            if cancelled
            else (attrs.error_type(failure) if failure else None),
        }
        access("response", fields)

    def _totals(self) -> None:
        """The session's totals, on the RPC's scope for its access line."""
        scope = getattr(self.context, "scope", None)
        if scope is None:
            return
        scope.responses = self._responses
        # Every upstream and model of the session's responses.
        scope.upstream = ",".join(self._used) or None
        scope.model = ",".join(self._models) or None
        scope.response_model = None
        scope.attempts = None
        if self._responses:
            (
                scope.input_tokens,
                scope.output_tokens,
                scope.cached_tokens,
                scope.reasoning_tokens,
            ) = self._tokens
            # Those are each response's, on the response's own line.
            scope.events = scope.response_id = scope.first_event_ms = None

    # -- writing ------------------------------------------------------------------------

    async def _emit(self, event: dict[str, Any]) -> None:
        """Send an error event the session made (on the lane it names)."""
        translated = translate(as_sse(event), StreamState(), None, False)
        assert translated is not None
        stream_id = event.get("stream_id")
        await self._write(tagged(translated, stream_id if isinstance(stream_id, str) else None))

    async def _write(self, data: bytes) -> None:
        """One message to the client; lanes take turns, each message whole."""
        async with self._write_lock:
            await self.context.write(data)


def _invalid(exc: InvalidCallerKey) -> UpstreamError:
    """The failure of metadata an upstream cannot take."""
    return UpstreamError(
        grpc.StatusCode.INVALID_ARGUMENT, f"{exc.field}: {exc.why}", param=exc.field
    )


def _status(event: stream_events_pb2.ResponseStreamEvent) -> int | None:
    """The HTTP status an `error` event carries, if any."""
    if event.WhichOneof("event") != "error" or not event.error.HasField("status"):
        return None
    return event.error.status


async def _abort_full(context: Context, limit: int) -> NoReturn:
    """RESOURCE_EXHAUSTED for a session past the process's limit, with the wait to allow."""
    message = (
        f"the bridge serves its limit of {limit} sessions at once (BRIDGE_MAX_SESSIONS); "
        "retry later, or on another replica"
    )
    status = status_pb2.Status(code=code_pb2.RESOURCE_EXHAUSTED, message=message)
    retry = error_details_pb2.RetryInfo()
    retry.retry_delay.FromMilliseconds(_RETRY_FULL_MS)
    status.details.add().Pack(retry)
    quota = error_details_pb2.QuotaFailure(
        violations=[
            error_details_pb2.QuotaFailure.Violation(
                subject="BRIDGE_MAX_SESSIONS", description=message
            )
        ]
    )
    status.details.add().Pack(quota)
    await context.abort_with_status(rpc_status.to_status(status))
    raise AssertionError("unreachable: abort raises")  # pragma: no cover
