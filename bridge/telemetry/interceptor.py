"""A grpc.aio server interceptor: SERVER span, gRPC metrics and one access log line per RPC.

For each RPC of the service (health checks and reflection pass untouched) it
continues the caller's trace from W3C `traceparent`/`baggage` metadata, opens a
SERVER span (`rpc.*`, peer and server attributes) and makes it current, opens
the RPC's `RpcScope` for the call record to fill, and hands the handler a
context wrapper that notes the status and the upstream's `x-request-id` and
keeps credentials out of status messages and metadata. When the RPC ends,
however it ends, it sets the final status on the span, records
`rpc.server.*` metrics and writes the access line.

Server-streaming handlers are driven here, with `context.write`, rather than
returned to gRPC as a generator: the span then ends when the stream ends (not
when the handler returns its generator), and a cancellation that arrives while
gRPC is writing still closes the servicer's generator in this task, so its
call record ends before the RPC's span and log line do.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final, NoReturn

import grpc
import grpc.aio
import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.semconv._incubating.attributes import rpc_attributes
from opentelemetry.semconv.attributes import error_attributes, server_attributes
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from bridge.telemetry import attributes as attrs
from bridge.telemetry.metrics import Instruments
from bridge.telemetry.redact import Redactor
from bridge.telemetry.scope import _CURRENT, RpcScope, pending_caller

__all__ = ["ACCESS_LOGGER", "TelemetryInterceptor"]

ACCESS_LOGGER: Final = "bridge.access"
# Probes and tooling: no spans, metrics or access lines for these.
_UNTRACED: Final = ("/grpc.health.v1.Health/", "/grpc.reflection.")
# gRPC codes that are the server's fault: the SERVER span's status is ERROR.
_SERVER_ERRORS: Final = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)
# How long an ended RPC waits for a call record the servicer left open.
_RECORD_GRACE_SECONDS: Final = 2.0
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}

log = structlog.get_logger(ACCESS_LOGGER)
Behavior = Callable[[Any, Any], Any]


class TelemetryInterceptor(grpc.aio.ServerInterceptor):
    """Traces, measures and logs every RPC of the bridge's own service.

    Usage::

        interceptor = TelemetryInterceptor(tracer=tracer, instruments=instruments, ...)
        server = grpc.aio.server(interceptors=[interceptor])
        interceptor.bind("127.0.0.1", server.add_insecure_port("127.0.0.1:0"))
    """

    def __init__(
        self,
        *,
        tracer: Tracer | None,
        instruments: Instruments | None,
        redactor: Redactor,
        access_log_level: str = "info",
        caller_key: str = "",
    ) -> None:
        self._tracer = tracer
        self._instruments = instruments
        self._redactor = redactor
        self._level = _LEVELS.get(access_log_level)
        self._caller_key = caller_key.lower()
        self._server: dict[str, Any] = {}
        self._wrapped: dict[str, tuple[Any, Any]] = {}

    def bind(self, address: str, port: int) -> None:
        """Tell the interceptor where the server listens (server.address/port)."""
        self._server = {
            server_attributes.SERVER_ADDRESS: address,
            server_attributes.SERVER_PORT: port,
        }

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or method.startswith(_UNTRACED) or handler.request_streaming:
            return handler
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            wrapped: grpc.RpcMethodHandler[Any, Any] = cached[1]
            return wrapped
        service, _, rpc = method[1:].rpartition("/")
        if handler.response_streaming:
            behavior: Any = handler.unary_stream
            if not inspect.isasyncgenfunction(behavior):
                return handler
            wrapped = grpc.unary_stream_rpc_method_handler(
                self._streaming(behavior, service, rpc),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        else:
            behavior = handler.unary_unary
            if not inspect.iscoroutinefunction(behavior):
                return handler
            wrapped = grpc.unary_unary_rpc_method_handler(
                self._unary(behavior, service, rpc),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        self._wrapped[method] = (handler, wrapped)
        return wrapped

    # -- per RPC ------------------------------------------------------------------

    def _unary(self, behavior: Behavior, service: str, rpc: str) -> Behavior:
        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            scope, restore = self._open(service, rpc, False, context)
            wrapper = _Context(context, scope, self._redactor, self._close)
            failure: BaseException | None = None
            try:
                reply = await behavior(request, wrapper)
                scope.messages_sent = 1
                return reply
            except Exception as exc:
                failure = exc
                await _unexpected(exc, wrapper)
            except BaseException as exc:
                failure = exc
                raise
            finally:
                otel_context.attach(restore)
                _CURRENT.set(None)
                self._close(scope, _code(scope, failure))

        return unary

    def _streaming(self, behavior: Behavior, service: str, rpc: str) -> Behavior:
        async def streaming(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
            scope, restore = self._open(service, rpc, True, context)
            wrapper = _Context(context, scope, self._redactor, self._close)
            messages: AsyncIterator[Any] = behavior(request, wrapper)
            failure: BaseException | None = None
            try:
                async for message in messages:
                    await context.write(message)
                    scope.messages_sent += 1
            except Exception as exc:
                failure = exc
                await _unexpected(exc, wrapper)
            except BaseException as exc:
                failure = exc
                raise
            finally:
                try:
                    # Closes the servicer's generator here, in this task, when
                    # gRPC was the one interrupted (a cancellation during a write).
                    await _close_quietly(messages)
                finally:
                    otel_context.attach(restore)
                    _CURRENT.set(None)
                    self._close(scope, _code(scope, failure))

        return streaming

    def _open(
        self, service: str, rpc: str, stream: bool, context: grpc.aio.ServicerContext[Any, Any]
    ) -> tuple[RpcScope, otel_context.Context]:
        metadata = context.invocation_metadata() or ()
        carrier = {key: value for key, value in metadata if isinstance(value, str)}
        caller = pending_caller() or (carrier.get(self._caller_key) if self._caller_key else None)
        peer = context.peer()
        previous = otel_context.get_current()
        span = None
        if self._tracer is not None:
            parent = propagate.extract(carrier)
            span = self._tracer.start_span(
                f"{service}/{rpc}",
                context=parent,
                kind=SpanKind.SERVER,
                attributes={
                    rpc_attributes.RPC_SYSTEM: "grpc",
                    rpc_attributes.RPC_SERVICE: service,
                    rpc_attributes.RPC_METHOD: rpc,
                    **attrs.peer_attributes(peer),
                    **self._server,
                },
            )
            otel_context.attach(trace.set_span_in_context(span, parent))
        scope = RpcScope(
            service=service,
            rpc=rpc,
            stream=stream,
            started=time.monotonic(),
            peer=peer,
            caller=caller,
            span=span,
        )
        _CURRENT.set(scope)
        return scope, previous

    def _close(self, scope: RpcScope, code: grpc.StatusCode) -> None:
        """End the RPC's telemetry with `code`; once (an abort closes it before the
        status reaches the client, the handler's exit then finds it closed)."""
        if scope.closed:
            return
        scope.closed = True
        elapsed = time.monotonic() - scope.started
        end_ns = time.time_ns()

        def finish() -> None:
            self._finish(scope, code, elapsed, end_ns)

        if scope.records > 0:
            # A call record is still open: the servicer's inner generator was
            # left to the garbage collector (a cancellation during a write) and
            # ends it from another task shortly. Finish when it does, so the
            # access line has its usage, or after a grace period regardless.
            scope.finish = finish
            asyncio.get_running_loop().call_later(_RECORD_GRACE_SECONDS, scope.flush)
        else:
            finish()

    def _finish(self, scope: RpcScope, code: grpc.StatusCode, elapsed: float, end_ns: int) -> None:
        number = code.value[0]
        span = scope.span
        if span is not None:
            if span.is_recording():
                span.set_attribute(rpc_attributes.RPC_GRPC_STATUS_CODE, number)
                if code is not grpc.StatusCode.OK:
                    span.set_attribute(error_attributes.ERROR_TYPE, code.name)
                if code in _SERVER_ERRORS:
                    span.set_status(Status(StatusCode.ERROR, code.name))
            span.end(end_time=end_ns)
        instruments = self._instruments
        if instruments is not None:
            labels: dict[str, str | int] = {
                rpc_attributes.RPC_SYSTEM: "grpc",
                rpc_attributes.RPC_SERVICE: scope.service,
                rpc_attributes.RPC_METHOD: scope.rpc,
                rpc_attributes.RPC_GRPC_STATUS_CODE: number,
            }
            instruments.rpc_duration.record(elapsed * 1000.0, labels)
            instruments.rpc_requests.record(1, labels)
            instruments.rpc_responses.record(scope.messages_sent, labels)
        if self._level is not None:
            self._access_line(scope, code, elapsed)

    def _access_line(self, scope: RpcScope, code: grpc.StatusCode, elapsed: float) -> None:
        fields: dict[str, Any] = {
            "peer": scope.peer,
            "caller": scope.caller,
            "method": scope.method,
            "model": scope.model,
            "status": code.name,
            "duration_ms": round(elapsed * 1000.0, 3),
            "time_to_first_event_ms": (
                None if scope.first_event_ms is None else round(scope.first_event_ms, 3)
            ),
            "events": scope.events if scope.stream else None,
            "messages_sent": scope.messages_sent,
            "input_tokens": scope.input_tokens,
            "output_tokens": scope.output_tokens,
            "cached_tokens": scope.cached_tokens,
            "reasoning_tokens": scope.reasoning_tokens,
            "response_id": scope.response_id,
            "upstream_request_id": scope.request_id,
            "error_type": scope.genai_error,
        }
        if scope.span is not None:
            span_context = scope.span.get_span_context()
            if span_context.is_valid:
                fields["trace_id"] = trace.format_trace_id(span_context.trace_id)
                fields["span_id"] = trace.format_span_id(span_context.span_id)
        level = self._level
        assert level is not None
        log.log(level, "rpc", **{key: value for key, value in fields.items() if value is not None})


class _Context:
    """The servicer context as the handler sees it: notes status and request id,
    and redacts credentials from everything sent back to the client."""

    __slots__ = ("_close", "_context", "_redactor", "_scope")

    def __init__(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        scope: RpcScope,
        redactor: Redactor,
        close: Callable[[RpcScope, grpc.StatusCode], None],
    ) -> None:
        self._context = context
        self._scope = scope
        self._redactor = redactor
        self._close = close

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    async def send_initial_metadata(self, metadata: Sequence[tuple[str, str | bytes]]) -> None:
        self._note_request_id(metadata)
        await self._context.send_initial_metadata(self._redactor.metadata(metadata))

    def set_trailing_metadata(self, metadata: Sequence[tuple[str, str | bytes]]) -> None:
        self._note_request_id(metadata)
        self._context.set_trailing_metadata(self._redactor.metadata(metadata))

    def set_code(self, code: grpc.StatusCode) -> None:
        self._scope.code = code
        self._context.set_code(code)

    def set_details(self, details: str) -> None:
        self._context.set_details(self._redactor.text(details))

    async def abort(
        self,
        code: grpc.StatusCode,
        details: str = "",
        trailing_metadata: Sequence[tuple[str, str | bytes]] = (),
    ) -> NoReturn:
        self._scope.code = code
        self._note_request_id(trailing_metadata)
        details = self._redactor.text(details)
        trailing_metadata = self._redactor.metadata(trailing_metadata)
        if not self._context.done():
            # Before the status leaves: whoever sees the error can see its telemetry.
            self._close(self._scope, code)
        await self._context.abort(code, details, trailing_metadata)
        raise AssertionError("unreachable: abort raises")  # pragma: no cover

    def _note_request_id(self, metadata: Sequence[tuple[str, str | bytes]]) -> None:
        for key, value in metadata:
            if key == "x-request-id" and isinstance(value, str):
                self._scope.request_id = value


def _code(scope: RpcScope, failure: BaseException | None) -> grpc.StatusCode:
    """The status an RPC ended with, from how its handler ended."""
    if failure is None:
        return scope.code or grpc.StatusCode.OK
    if isinstance(failure, asyncio.CancelledError):
        return grpc.StatusCode.CANCELLED
    return scope.code or grpc.StatusCode.UNKNOWN


async def _unexpected(exc: Exception, context: _Context) -> NoReturn:
    """End the RPC as UNKNOWN with a redacted message, instead of letting gRPC
    send the exception's own text to the client."""
    if isinstance(exc, grpc.aio.AbortError) or context.done():
        raise exc
    structlog.get_logger("bridge.server").error("handler_failed", exc_info=exc)
    await context.abort(grpc.StatusCode.UNKNOWN, f"unexpected {type(exc).__name__}: {exc}")


async def _close_quietly(messages: AsyncIterator[Any]) -> None:
    aclose = getattr(messages, "aclose", None)
    if aclose is None:
        return
    try:
        await aclose()
    except Exception:
        structlog.get_logger("bridge.server").exception("stream_close_failed")
