"""The servicer's telemetry: one GenAI CLIENT span and its metrics per upstream call.

`GenAITelemetry.start_call` opens a span named `chat {model}` (a child of the
RPC's SERVER span when the interceptor made one current), `activate` makes it
current around the upstream exchange so the HTTP span nests under it, and
`attempt` notes each upstream tried (with a routes file: a child span per
attempt, named `upstream {name}`, under which the HTTP spans nest, and the
GenAI span's server.address becomes the upstream's), `end` adds what the
upstream said (response id and model, finish reasons,
usage from the unary reply or the stream's last Response: completed,
incomplete and failed alike), the stream's time to first event and event
count, or the failure (`error.type`: the upstream's error code, the gRPC code
name, or "cancelled"), then records the GenAI client metrics and fills the
RPC's scope for the access log. Nothing here runs per stream event.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as genai
from opentelemetry.semconv.attributes import error_attributes, server_attributes
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from bridge.errors import UpstreamError
from bridge.redact import SECRETS
from bridge.stream_state import StreamState
from bridge.telemetry import AttemptRecord, CallRecord, NoTelemetry, UpstreamTag
from bridge.telemetry import attributes as attrs
from bridge.telemetry.metrics import Instruments
from bridge.telemetry.redaction import MetricLabels
from bridge.telemetry.scope import RpcScope, current_scope

__all__ = ["EVENT_COUNT", "FIRST_CHUNK_EVENT", "GenAITelemetry"]

# Bridge-specific: no convention counts a stream's events.
EVENT_COUNT = "bridge.stream.events"
FIRST_CHUNK_EVENT = "gen_ai.first_chunk"

_NO_RECORD = NoTelemetry().start_call(rpc="", request=None, stream=False)


class GenAITelemetry:
    """Implements `bridge.telemetry.Telemetry` with spans, metrics and the access log scope.

    Usage::

        telemetry = GenAITelemetry(tracer=tracer, instruments=Instruments(meter), ...)
        servicer = ResponsesServicer(upstream, settings, telemetry=telemetry)
    """

    def __init__(
        self,
        *,
        tracer: Tracer | None,
        instruments: Instruments | None,
        upstream_url: str,
        provider: str = "openai",
        capture_content: bool = False,
        content_max_bytes: int = 16384,
        metric_models: tuple[str, ...] = (),
    ) -> None:
        self.tracer = tracer
        self.instruments = instruments
        self.labels = MetricLabels(metric_models, SECRETS)
        self.provider = provider
        self.endpoint = attrs.server_endpoint(upstream_url)
        self.capture_content = capture_content
        self.content_max_bytes = content_max_bytes

    def start_call(self, *, rpc: str, request: dict[str, Any] | None, stream: bool) -> CallRecord:
        """Start the record of one upstream call; a no-op when nothing would use it."""
        scope = current_scope()
        if self.tracer is None and self.instruments is None and scope is None:
            return _NO_RECORD
        return _Record(self, scope, request, stream)

    def metric_attributes(
        self, model: str | None, response_model: str | None, upstream: UpstreamTag | None = None
    ) -> dict[str, Any]:
        """The attributes every GenAI metric point carries; models are bounded
        (known ones by name, the rest as `other`) and secrets redacted. A named
        upstream (routes file) gives its name, address and provider."""
        named = upstream is not None and upstream.name is not None
        provider = upstream.provider if upstream is not None and named else None
        result: dict[str, Any] = {
            genai.GEN_AI_OPERATION_NAME: attrs.OPERATION_NAME,
            genai.GEN_AI_PROVIDER_NAME: provider or self.provider,
        }
        model = self.labels.model(model)
        if model:
            result[genai.GEN_AI_REQUEST_MODEL] = model
        response_model = self.labels.model(response_model)
        if response_model:
            result[genai.GEN_AI_RESPONSE_MODEL] = response_model
        if named and upstream is not None:
            result[server_attributes.SERVER_ADDRESS] = upstream.address
            result[server_attributes.SERVER_PORT] = upstream.port
            result[attrs.UPSTREAM] = upstream.name
        elif self.endpoint is not None:
            result[server_attributes.SERVER_ADDRESS] = self.endpoint[0]
            result[server_attributes.SERVER_PORT] = self.endpoint[1]
        return self.labels.clean(result)


class _Attempt:
    """One named upstream's attempt: a child span, and a note for the access log."""

    __slots__ = ("_name", "_record", "_span")

    def __init__(self, record: _Record, name: str, span: Span | None) -> None:
        self._record = record
        self._name = name
        self._span = span

    def activate(self) -> contextlib.AbstractContextManager[None]:
        if self._span is None:
            return contextlib.nullcontext()
        return _current(self._span)

    def end(self, error: UpstreamError | None) -> None:
        outcome = "ok" if error is None else _short(error)
        scope = self._record.scope
        if scope is not None:
            if scope.attempts is None:
                scope.attempts = []
            scope.attempts.append(f"{self._name}: {outcome}")
        span = self._span
        if span is not None:
            if error is not None and span.is_recording():
                span.set_attribute(error_attributes.ERROR_TYPE, attrs.error_type(error))
                span.set_status(Status(StatusCode.ERROR, SECRETS.redactor().text(error.message)))
            span.end()


def _short(error: UpstreamError) -> str:
    if error.http_status is not None:
        return f"HTTP {error.http_status}"
    return error.code.name


class _Record:
    __slots__ = (
        "_attempts",
        "_ended",
        "_model",
        "_owner",
        "_span",
        "_started",
        "_stream",
        "_upstream",
        "scope",
    )

    def __init__(
        self,
        owner: GenAITelemetry,
        scope: RpcScope | None,
        request: Mapping[str, Any] | None,
        stream: bool,
    ) -> None:
        self._owner = owner
        self.scope = scope
        self._stream = stream
        self._ended = False
        self._upstream: UpstreamTag | None = None
        self._attempts = 0
        if scope is not None:
            scope.records += 1
        self._started = time.monotonic()
        model = request.get("model") if request else None
        self._model = model if isinstance(model, str) and model else None
        # The body's conversation, else the one the servicer named from the path.
        conversation = attrs.conversation_of(request)
        if scope is not None:
            conversation = scope.conversation_id = conversation or scope.conversation_id
        self._span: Span | None = None
        if owner.tracer is not None:
            attributes = attrs.request_attributes(
                request, provider=owner.provider, stream=stream, endpoint=owner.endpoint
            )
            if conversation:
                attributes[attrs.CONVERSATION_ID] = conversation
            span = owner.tracer.start_span(
                attrs.span_name(self._model), kind=SpanKind.CLIENT, attributes=attributes
            )
            if owner.capture_content and request and span.is_recording():
                _set_content(span, owner, request, input_side=True)
            self._span = span

    def activate(self) -> contextlib.AbstractContextManager[None]:
        if self._span is None:
            return contextlib.nullcontext()
        return _current(self._span)

    def attempt(self, upstream: UpstreamTag) -> AttemptRecord:
        self._upstream = upstream
        name = upstream.name
        if name is None:
            return _NO_RECORD.attempt(upstream)
        self._attempts += 1
        if self.scope is not None:
            self.scope.upstream = name
        span = None
        parent = self._span
        if parent is not None:
            endpoint: dict[str, str | int] = {
                server_attributes.SERVER_ADDRESS: upstream.address,
                server_attributes.SERVER_PORT: upstream.port,
            }
            if parent.is_recording():
                parent.set_attributes({**endpoint, attrs.UPSTREAM: name})
                if upstream.provider:
                    parent.set_attribute(genai.GEN_AI_PROVIDER_NAME, upstream.provider)
            tracer = self._owner.tracer
            assert tracer is not None
            span = tracer.start_span(
                f"upstream {name}",
                context=trace.set_span_in_context(parent),
                kind=SpanKind.INTERNAL,
                attributes={
                    **endpoint,
                    attrs.UPSTREAM: name,
                    attrs.UPSTREAM_ATTEMPT: self._attempts,
                },
            )
        return _Attempt(self, name, span)

    def end(
        self,
        *,
        state: StreamState | None = None,
        response: dict[str, Any] | None = None,
        error: UpstreamError | None = None,
        cancelled: bool = False,
    ) -> None:
        if self._ended:
            return
        self._ended = True
        now = time.monotonic()
        final = response if response is not None else (state.last_response if state else None)
        counts = attrs.usage(final)
        failure = "cancelled" if cancelled else (attrs.error_type(error) if error else None)
        first = state.first_event_at if state is not None else None
        events = state.events if state is not None else None
        described = attrs.response_attributes(final, counts)
        response_model: str | None = described.get(genai.GEN_AI_RESPONSE_MODEL)
        response_id: str | None = described.get(genai.GEN_AI_RESPONSE_ID) or (
            state.response_id if state is not None else None
        )
        owner = self._owner
        if self._span is not None:
            self._finish_span(self._span, described, final, state, error, failure, now)
        if owner.instruments is not None:
            self._record_metrics(
                owner.instruments, counts, failure, response_model, first, events, now
            )
        scope = self.scope
        if scope is not None:
            scope.model = self._model
            scope.response_model = response_model
            scope.response_id = response_id
            if counts is not None:
                scope.input_tokens = counts.input_tokens
                scope.output_tokens = counts.output_tokens
                scope.cached_tokens = counts.cache_read_input_tokens
                scope.reasoning_tokens = counts.reasoning_output_tokens
            if first is not None:
                scope.first_event_ms = (first - self._started) * 1000.0
            scope.events = events
            scope.genai_error = failure
            scope.conversation_id = scope.conversation_id or described.get(attrs.CONVERSATION_ID)
            scope.record_ended()

    def _finish_span(
        self,
        span: Span,
        described: dict[str, Any],
        final: dict[str, Any] | None,
        state: StreamState | None,
        error: UpstreamError | None,
        failure: str | None,
        now: float,
    ) -> None:
        if span.is_recording():
            span.set_attributes(described)
            if state is not None:
                span.set_attribute(EVENT_COUNT, state.events)
                if state.first_event_at is not None:
                    first = state.first_event_at - self._started
                    span.set_attribute(genai.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, first)
                    at = time.time_ns() - int((now - state.first_event_at) * 1e9)
                    span.add_event(FIRST_CHUNK_EVENT, timestamp=at)
            if self._owner.capture_content and final:
                _set_content(span, self._owner, final, input_side=False)
            if failure is not None:
                span.set_attribute(error_attributes.ERROR_TYPE, failure)
                message = (
                    "cancelled by the client"
                    if error is None
                    else SECRETS.redactor().text(error.message)
                )
                span.set_status(Status(StatusCode.ERROR, message))
        span.end()

    def _record_metrics(
        self,
        instruments: Instruments,
        counts: attrs.Usage | None,
        failure: str | None,
        response_model: str | None,
        first: float | None,
        events: int | None,
        now: float,
    ) -> None:
        if failure is None and response_model is not None:
            # The upstream served this model: a real name, fit to be a series.
            self._owner.labels.learn(self._model)
            self._owner.labels.learn(response_model)
        base = self._owner.metric_attributes(self._model, response_model, self._upstream)
        timed = {**base, error_attributes.ERROR_TYPE: failure} if failure else base
        instruments.operation_duration.record(now - self._started, timed)
        if counts is not None:
            for value, kind in ((counts.input_tokens, "input"), (counts.output_tokens, "output")):
                if value is not None:
                    instruments.token_usage.record(value, {**base, genai.GEN_AI_TOKEN_TYPE: kind})
        if self._stream and first is not None:
            instruments.time_to_first_chunk.record(first - self._started, base)
            if events is not None and events > 1:
                instruments.time_per_output_chunk.record((now - first) / (events - 1), base)


@contextlib.contextmanager
def _current(span: Span) -> Iterator[None]:
    # Restores by setting the previous context again rather than resetting the
    # token: a stream abandoned by gRPC is closed later from another task,
    # where resetting a token of this one would fail.
    previous = otel_context.get_current()
    otel_context.attach(trace.set_span_in_context(span, previous))
    try:
        yield
    finally:
        otel_context.attach(previous)


def _set_content(
    span: Span, owner: GenAITelemetry, data: Mapping[str, Any], *, input_side: bool
) -> None:
    # Content is the caller's data, recorded on request; credentials inside it
    # are still removed, like everywhere else.
    limit, clean = owner.content_max_bytes, SECRETS.redactor().text
    if input_side:
        instructions = attrs.system_instructions(data)
        if instructions:
            span.set_attribute(
                genai.GEN_AI_SYSTEM_INSTRUCTIONS, clean(attrs.capped_json(instructions, limit))
            )
        messages = attrs.input_messages(data)
        if messages:
            span.set_attribute(
                genai.GEN_AI_INPUT_MESSAGES, clean(attrs.capped_json(messages, limit))
            )
    else:
        messages = attrs.output_messages(data)
        if messages:
            span.set_attribute(
                genai.GEN_AI_OUTPUT_MESSAGES, clean(attrs.capped_json(messages, limit))
            )
