"""Where calls enter and leave the bridge: one server interceptor for every RPC.

For each RPC of the service, in this order, before the servicer runs:

1. Authentication (when tokens are configured): a call without a valid
   bearer token is refused UNAUTHENTICATED before its request is read.
2. Admission: the request is read only once the per-process budget of request
   bytes admits it (`bridge.budget`); the excess is RESOURCE_EXHAUSTED.
3. Parsing: the request message is parsed here, so a malformed or too deeply
   nested message is INVALID_ARGUMENT rather than a failure inside gRPC.

and, on the way out, whatever the servicer does:

- every status message, status detail and metadata value is redacted of
  registered secrets (`bridge.redact.SECRETS`), whatever telemetry is on;
- every reply is serialized here and checked against the send limit, so an
  oversized one is RESOURCE_EXHAUSTED with a message saying so;
- an unexpected exception is logged and ends the call INTERNAL, never UNKNOWN;
- the RPC's telemetry (`bridge.telemetry.rpc`), when on, records the status
  the client actually got.

Unary-request RPCs are served to gRPC as request-streaming handlers, which is
what lets the edge decide when the one request message is read; on the wire
the two are the same. Streaming servicer methods write through the context
(`await context.write(message)`), with no generator layer in between.

A bidirectional RPC (Session) is authenticated as it starts, before any message
is read; its handler then iterates over the client's messages, each of them
read only when the handler asks for the next, counted against the same budget
once it has arrived (a stream waiting for its client holds none of it) and
parsed here: a message that does not parse ends the call INVALID_ARGUMENT, one
the budget cannot take RESOURCE_EXHAUSTED. Its replies are sized and sent as
every stream's are.
Health checks and reflection pass through, after authentication for
reflection.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final, NoReturn

import grpc
import grpc.aio
import structlog
from google.protobuf.message import DecodeError, Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from bridge.auth import TokenAuthenticator
from bridge.budget import BudgetExceeded, RequestBudget, Ticket
from bridge.limits import MAX_JSON_DEPTH
from bridge.memory import release_freed_memory
from bridge.redact import SECRETS, Secrets
from bridge.telemetry.rpc import RpcTelemetry
from bridge.telemetry.scope import RpcScope, pending_caller

__all__ = ["DENIED", "EdgeContext", "EdgeInterceptor"]

log = structlog.get_logger("bridge.edge")

DENIED: Final = "missing or invalid bearer token in the authorization metadata"
# Probes check health without credentials.
_OPEN: Final = ("/grpc.health.v1.Health/",)

# When a client refused for a full request budget may try again.
_RETRY_BUSY_MS: Final = 1000
# Requests from this size on give their freed memory back to the system.
_LARGE: Final = 1 << 20
_UNPARSABLE: Final = (
    "the request is not a valid message of this RPC, or is nested deeper than protobuf's "
    f"limit of 100 levels (free-form JSON values may nest at most {MAX_JSON_DEPTH} levels)"
)

Metadata = Sequence[tuple[str, str | bytes]]
Behavior = Callable[[Any, Any], Any]
Continuation = Callable[
    [grpc.HandlerCallDetails], Awaitable["grpc.RpcMethodHandler[Any, Any] | None"]
]


class EdgeContext:
    """The servicer context as a handler sees it: what leaves is redacted and sized,
    and the status is noted for telemetry."""

    __slots__ = ("_context", "_edge", "_metadata", "caller", "code", "messages_sent", "scope")

    def __init__(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        edge: EdgeInterceptor,
        scope: RpcScope | None,
    ) -> None:
        self._context = context
        self._edge = edge
        self._metadata: Metadata | None = None
        self.scope = scope
        self.code: grpc.StatusCode | None = None
        self.messages_sent = 0
        # The authenticated caller's name (its token's, in the tokens file), if any.
        self.caller: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def invocation_metadata(self) -> Metadata:
        """The client's metadata. gRPC builds it anew at each ask, and the edge, the
        telemetry and the servicer each ask: it is built once."""
        metadata = self._metadata
        if metadata is None:
            received = self._context.invocation_metadata()
            metadata = self._metadata = tuple(received) if received else ()
        return metadata

    async def write(self, message: Message | bytes) -> None:
        """Send one message of a stream, refusing one over the send limit."""
        await self.write_all(
            (message if isinstance(message, bytes) else message.SerializeToString(),)
        )

    async def write_all(self, messages: Sequence[bytes]) -> None:
        """Send serialized messages of a stream in order, refusing the first one over
        the send limit (those before it are sent).

        A stream's events go through here several at a time: awaiting gRPC's write
        straight from this loop, rather than through a coroutine of its own for each
        message, took 3% to 20% less of the serving thread's CPU per event in a burst
        (side by side with the code before, and switched by a setting in the same code).
        """
        limit = self._edge.max_send
        write = self._context.write
        for data in messages:
            if len(data) > limit:
                await self.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, _too_large(data, self._edge))
            await write(data)
            self.messages_sent += 1

    async def send_initial_metadata(self, metadata: Metadata) -> None:
        self._note(metadata)
        await self._context.send_initial_metadata(self._edge.secrets.redactor().metadata(metadata))

    def set_trailing_metadata(self, metadata: Metadata) -> None:
        self._note(metadata)
        self._context.set_trailing_metadata(self._edge.secrets.redactor().metadata(metadata))

    def set_code(self, code: grpc.StatusCode) -> None:
        self.code = code
        self._context.set_code(code)

    def set_details(self, details: str) -> None:
        self._context.set_details(self._edge.secrets.redactor().text(details))

    async def abort(
        self, code: grpc.StatusCode, details: str = "", trailing_metadata: Metadata = ()
    ) -> NoReturn:
        self.code = code
        self._note(trailing_metadata)
        redactor = self._edge.secrets.redactor()
        details = redactor.text(details)
        trailing_metadata = redactor.metadata(trailing_metadata)
        if self.scope is not None and not self._context.done():
            # Before the status leaves: whoever sees the error can see its telemetry.
            self._edge.close(self)
        await self._context.abort(code, details, trailing_metadata)
        raise AssertionError("unreachable: abort raises")  # pragma: no cover

    async def abort_with_status(self, status: grpc.Status) -> NoReturn:
        await self.abort(status.code, status.details, status.trailing_metadata)

    def access(self, event: str, fields: dict[str, Any]) -> None:
        """Write an access line for a part of the RPC (a session's response), beside the
        RPC's own, when the access log is on."""
        telemetry = self._edge.telemetry
        if self.scope is not None and telemetry is not None:
            telemetry.part(self.scope, event, fields)

    def _note(self, metadata: Metadata) -> None:
        if self.scope is not None:
            for key, value in metadata:
                if key == "x-request-id" and isinstance(value, str):
                    self.scope.request_id = value

    def final_code(self, failure: BaseException | None) -> grpc.StatusCode:
        """The status the client got, from how the handler ended."""
        if isinstance(failure, asyncio.CancelledError):
            return grpc.StatusCode.CANCELLED
        return self.code or grpc.StatusCode.OK


class EdgeInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates, admits, parses, redacts and sizes every call of `service`.

    Usage::

        edge = EdgeInterceptor(service="pkg.Service", max_message_bytes=64 << 20,
                               budget=RequestBudget(96 << 20, 64 << 20))
        server = grpc.aio.server(interceptors=[edge])
    """

    def __init__(
        self,
        *,
        service: str,
        max_message_bytes: int,
        budget: RequestBudget,
        authenticator: TokenAuthenticator | None = None,
        telemetry: RpcTelemetry | None = None,
        secrets: Secrets = SECRETS,
    ) -> None:
        self._prefix = f"/{service}/"
        self.max_send = max_message_bytes
        self._budget = budget
        self._authenticator = authenticator
        self.telemetry = telemetry
        self.secrets = secrets
        self._wrapped: dict[str, tuple[Any, Any]] = {}

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None:
            return None
        if not method.startswith(self._prefix):
            refused = (
                self._authenticator is not None
                and not method.startswith(_OPEN)
                and self._caller(handler_call_details.invocation_metadata) is False
            )
            return _denying(handler) if refused else handler
        cached = self._wrapped.get(method)
        if cached is None or cached[0] is not handler:
            cached = (handler, self._wrap(handler, method))
            self._wrapped[method] = cached
        wrapped: grpc.RpcMethodHandler[Any, Any] = cached[1]
        return wrapped

    def _caller(self, metadata: Any) -> str | bool | None:
        """The caller's name, None without authentication, False when refused."""
        if self._authenticator is None:
            return None
        authorization = None
        for key, value in metadata or ():
            if key == "authorization" and isinstance(value, str):
                authorization = value
                break
        name = self._authenticator.authenticate(authorization)
        return False if name is None else name

    def _wrap(
        self, handler: grpc.RpcMethodHandler[Any, Any], method: str
    ) -> grpc.RpcMethodHandler[Any, Any]:
        service, _, rpc = method[1:].rpartition("/")
        # A handler without a deserializer deals in bytes.
        parse: Callable[[bytes], Any] = handler.request_deserializer or _same
        if handler.request_streaming:
            if not handler.response_streaming:
                raise TypeError(f"{method}: client-streaming RPCs are not served by the edge")
            bidi_behavior: Behavior | None = handler.stream_stream
            assert bidi_behavior is not None

            async def bidirectional(
                requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext[Any, Any]
            ) -> None:
                inbound = _Inbound(context, self._budget, parse)

                async def run(request: list[Any], edge: EdgeContext) -> None:
                    inbound.edge = edge
                    try:
                        await bidi_behavior(inbound, edge)
                    finally:
                        inbound.release()

                await self._serve(context, service, rpc, True, parse, run, streamed=True)

            return grpc.stream_stream_rpc_method_handler(bidirectional)
        if handler.response_streaming:
            behavior: Behavior | None = handler.unary_stream
            assert behavior is not None
            generator = inspect.isasyncgenfunction(behavior)

            async def streaming(
                requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext[Any, Any]
            ) -> None:
                async def run(request: list[Any], edge: EdgeContext) -> None:
                    if generator:
                        async for message in behavior(request.pop(), edge):
                            await edge.write(message)
                    else:
                        await behavior(request.pop(), edge)

                await self._serve(context, service, rpc, True, parse, run)

            return grpc.stream_stream_rpc_method_handler(streaming)
        unary_behavior: Behavior | None = handler.unary_unary
        assert unary_behavior is not None

        async def unary(
            requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext[Any, Any]
        ) -> bytes:
            reply: list[bytes] = []

            async def run(request: list[Any], edge: EdgeContext) -> None:
                message: Message | bytes = await unary_behavior(request.pop(), edge)
                data = message if isinstance(message, bytes) else message.SerializeToString()
                if len(data) > self.max_send:
                    await edge.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, _too_large(data, self))
                edge.messages_sent = 1
                reply.append(data)

            await self._serve(context, service, rpc, False, parse, run)
            return reply[0]

        return grpc.stream_unary_rpc_method_handler(unary)

    async def _serve(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        service: str,
        rpc: str,
        stream: bool,
        parse: Callable[[bytes], Any],
        run: Callable[[list[Any], EdgeContext], Awaitable[None]],
        streamed: bool = False,
    ) -> None:
        telemetry = self.telemetry
        scope = restore = None
        edge = EdgeContext(context, self, None)
        ticket = None
        size = 0
        failure: BaseException | None = None
        try:
            caller = self._caller(edge.invocation_metadata())
            if isinstance(caller, str):
                edge.caller = caller
            if telemetry is not None:
                name = caller if isinstance(caller, str) else pending_caller()
                scope, restore = telemetry.open(service, rpc, stream, edge, name)
                edge.scope = scope
            if caller is False:
                await edge.abort(grpc.StatusCode.UNAUTHENTICATED, DENIED)
            if streamed:
                # The handler reads its messages itself, through `_Inbound`.
                await run([], edge)
                return
            refusal = None
            ticket = await self._budget.admit()
            try:
                if ticket.deadline is None:
                    raw = await context.read()
                else:
                    try:
                        async with asyncio.timeout(ticket.deadline):
                            raw = await context.read()
                    except TimeoutError:
                        raise ticket.late() from None
                if raw is grpc.aio.EOF:
                    await edge.abort(grpc.StatusCode.INVALID_ARGUMENT, "no request message")
                size = len(raw)
                ticket.arrived(size)
            except BudgetExceeded as exc:
                refusal = str(exc)
            if refusal is not None:
                # Dropped before the abort: an exception's traceback would keep
                # this frame, and the message in it, alive until a GC cycle.
                raw = None
                await edge.abort_with_status(_busy(refusal))
            if size >= _LARGE:
                # gRPC's own copies of the message are free now.
                release_freed_memory()
            # Held in a list the handler empties: once the servicer has turned
            # the request into JSON it can drop the last reference, and a large
            # request is not kept in memory twice.
            request: list[Any] = []
            with contextlib.suppress(DecodeError):
                request.append(parse(raw))
            raw = None
            if not request:
                await edge.abort(grpc.StatusCode.INVALID_ARGUMENT, _UNPARSABLE)
            if size >= _LARGE:
                release_freed_memory()
            await run(request, edge)
        except grpc.aio.AbortError as exc:
            failure = exc
            raise
        except asyncio.CancelledError as exc:
            failure = exc
            raise
        except Exception as exc:
            failure = exc
            await self._unexpected(exc, edge)
        finally:
            if ticket is not None:
                ticket.release()
            if size >= _LARGE:
                release_freed_memory()
            if scope is not None and telemetry is not None and restore is not None:
                scope.messages_sent = edge.messages_sent
                telemetry.close(scope, edge.final_code(failure))
                telemetry.leave(restore)

    def close(self, edge: EdgeContext) -> None:
        """End the RPC's telemetry now, with the status noted so far."""
        scope = edge.scope
        if scope is not None and self.telemetry is not None:
            scope.messages_sent = edge.messages_sent
            self.telemetry.close(scope, edge.code or grpc.StatusCode.OK)

    async def _unexpected(self, exc: Exception, edge: EdgeContext) -> NoReturn:
        """End the RPC INTERNAL with a redacted message, instead of letting gRPC
        end it UNKNOWN with the exception's own text."""
        if edge.done():
            raise exc
        log.error("handler_failed", exc_info=exc)
        await edge.abort(grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}: {exc}")


class _Inbound:
    """The client's messages of a bidirectional call, as its handler asks for them: each
    read when asked for, counted against the budget while the handler holds it (until it
    asks for the next, or the call ends), parsed, or refused."""

    __slots__ = ("_budget", "_context", "_parse", "_ticket", "edge")

    def __init__(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        budget: RequestBudget,
        parse: Callable[[bytes], Any],
    ) -> None:
        self._context = context
        self._budget = budget
        self._parse = parse
        self._ticket: Ticket | None = None
        self.edge: EdgeContext | None = None

    def __aiter__(self) -> _Inbound:
        return self

    async def __anext__(self) -> Any:
        self.release()
        raw = await self._context.read()
        if raw is grpc.aio.EOF:
            raise StopAsyncIteration
        edge = self.edge
        assert edge is not None
        size = len(raw)
        try:
            self._ticket = self._budget.charge(size)
        except BudgetExceeded as exc:
            raw = None
            await edge.abort_with_status(_busy(str(exc)))
        message = None
        with contextlib.suppress(DecodeError):
            message = self._parse(raw)
        raw = None
        if size >= _LARGE:
            release_freed_memory()
        if message is None:
            await edge.abort(grpc.StatusCode.INVALID_ARGUMENT, _UNPARSABLE)
        return message

    def release(self) -> None:
        """Give back the budget the last message held."""
        ticket, self._ticket = self._ticket, None
        if ticket is not None:
            ticket.release()


def _busy(message: str) -> grpc.Status:
    """RESOURCE_EXHAUSTED for a full request budget, with the wait a client should allow."""
    status = status_pb2.Status(code=code_pb2.RESOURCE_EXHAUSTED, message=message)
    retry = error_details_pb2.RetryInfo()
    retry.retry_delay.FromMilliseconds(_RETRY_BUSY_MS)
    status.details.add().Pack(retry)
    quota = error_details_pb2.QuotaFailure(
        violations=[
            error_details_pb2.QuotaFailure.Violation(
                subject="BRIDGE_MAX_INFLIGHT_REQUEST_BYTES", description=message
            )
        ]
    )
    status.details.add().Pack(quota)
    busy: grpc.Status = rpc_status.to_status(status)
    return busy


def _same(raw: bytes) -> bytes:
    return raw


def _too_large(data: bytes, edge: EdgeInterceptor) -> str:
    return (
        f"the reply is {len(data)} bytes, over the bridge's message limit of "
        f"{edge.max_send} bytes (BRIDGE_MAX_MESSAGE_BYTES)"
    )


def _denying(handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of `handler`'s shape that refuses the call without reading it."""

    async def deny_unary(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, DENIED)

    async def deny_stream(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, DENIED)

    if handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(deny_stream)
    return grpc.stream_unary_rpc_method_handler(deny_unary)
