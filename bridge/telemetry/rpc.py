"""One RPC's SERVER span, gRPC server metrics and access log line.

The edge (`bridge.edge`) opens an `RpcScope` per RPC of the service through
`RpcTelemetry.open`: it continues the caller's trace from W3C
`traceparent`/`baggage` metadata, starts a SERVER span (`rpc.*`, peer and
server attributes) and makes it current, and makes the scope current for the
servicer's call record to fill. `close` ends it all with the status the client
actually got: it sets that status on the span, records `rpc.server.*` metrics
and writes the access line. Health checks and reflection are not recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any, Final, Protocol

import grpc
import grpc.aio
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.semconv._incubating.attributes import rpc_attributes
from opentelemetry.semconv.attributes import error_attributes, server_attributes
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from bridge.logs import emit
from bridge.telemetry import attributes as attrs
from bridge.telemetry.metrics import Instruments
from bridge.telemetry.scope import RpcScope, enter_scope, leave_scope

__all__ = ["ACCESS_LOGGER", "RpcTelemetry"]

ACCESS_LOGGER: Final = "bridge.access"
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


class CallContext(Protocol):
    """What telemetry reads of a call's servicer context."""

    def invocation_metadata(self) -> Sequence[tuple[str, str | bytes]] | None:
        """The client's metadata."""

    def peer(self) -> str:
        """The client's address."""


class RpcTelemetry:
    """Traces, measures and logs every RPC of the bridge's own service.

    Usage::

        telemetry = RpcTelemetry(tracer=tracer, instruments=instruments)
        scope, restore = telemetry.open("pkg.Service", "Method", False, context, caller)
        ...
        telemetry.close(scope, grpc.StatusCode.OK)
        telemetry.leave(restore)
    """

    def __init__(
        self,
        *,
        tracer: Tracer | None,
        instruments: Instruments | None,
        access_log_level: str = "info",
        caller_key: str = "",
    ) -> None:
        self._tracer = tracer
        self._instruments = instruments
        self._level = _LEVELS.get(access_log_level)
        self._caller_key = caller_key.lower()
        self._server: dict[str, Any] = {}

    def bind(self, address: str, port: int) -> None:
        """Tell the telemetry where the server listens (server.address/port)."""
        self._server = {
            server_attributes.SERVER_ADDRESS: address,
            server_attributes.SERVER_PORT: port,
        }

    def open(
        self,
        service: str,
        rpc: str,
        stream: bool,
        context: CallContext,
        caller: str | None,
    ) -> tuple[RpcScope, otel_context.Context]:
        """Start one RPC's span and scope, current in this task; returns the
        scope and the context to restore when the RPC ends."""
        carrier: dict[str, str] = {}
        if self._tracer is not None or (caller is None and self._caller_key):
            metadata = context.invocation_metadata() or ()
            carrier = {key: value for key, value in metadata if isinstance(value, str)}
        if caller is None and self._caller_key:
            caller = carrier.get(self._caller_key)
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
        enter_scope(scope)
        if stream and self._instruments is not None:
            self._instruments.active_streams.add(1, {rpc_attributes.RPC_METHOD: rpc})
        return scope, previous

    @staticmethod
    def leave(restore: otel_context.Context) -> None:
        """Make the context from before `open` current again in this task."""
        otel_context.attach(restore)
        leave_scope()

    def close(self, scope: RpcScope, code: grpc.StatusCode) -> None:
        """End the RPC's telemetry with `code`; once (an abort closes it before the
        status reaches the client, the handler's exit then finds it closed)."""
        if scope.closed:
            return
        scope.closed = True
        elapsed = time.monotonic() - scope.started
        if scope.stream and self._instruments is not None:
            self._instruments.active_streams.add(-1, {rpc_attributes.RPC_METHOD: scope.rpc})
        end_ns = time.time_ns()

        def finish() -> None:
            self._finish(scope, code, elapsed, end_ns)

        if scope.records > 0:
            # A call record is still open: the servicer left it to another task
            # that ends it shortly. Finish when it does, so the access line has
            # its usage, or after a grace period regardless.
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
            if scope.upstream is not None:
                labels[attrs.UPSTREAM] = scope.upstream
            instruments.rpc_duration.record(elapsed * 1000.0, labels)
            instruments.rpc_requests.record(1, labels)
            instruments.rpc_responses.record(scope.messages_sent, labels)
            if scope.stream and scope.events:
                instruments.stream_events.add(scope.events, {rpc_attributes.RPC_METHOD: scope.rpc})
        if self._level is not None:
            self._access_line(scope, code, elapsed)

    def part(self, scope: RpcScope, event: str, fields: dict[str, Any]) -> None:
        """Write an access line for a part of an RPC (a session's response, `event`
        "response"): the RPC's peer, caller and method, `fields`, and the current span's
        ids; nothing when the access log is off."""
        level = self._level
        if level is None:
            return
        line: dict[str, Any] = {"peer": scope.peer, "caller": scope.caller, "method": scope.method}
        line.update(fields)
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            line["trace_id"] = trace.format_trace_id(span_context.trace_id)
            line["span_id"] = trace.format_span_id(span_context.span_id)
        emit(ACCESS_LOGGER, level, event, {k: v for k, v in line.items() if v is not None})

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
            "responses": scope.responses,
            "response_id": scope.response_id,
            "conversation_id": scope.conversation_id,
            "upstream": scope.upstream,
            "upstream_attempts": scope.attempts,
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
        emit(ACCESS_LOGGER, level, "rpc", {k: v for k, v in fields.items() if v is not None})
