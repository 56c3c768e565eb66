"""The call record on its own: usage from every terminal event, cancellation, no-op path."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from opentelemetry.trace import StatusCode

from bridge.errors import UpstreamError
from bridge.redact import SECRETS
from bridge.stream_state import StreamState
from bridge.telemetry.genai import EVENT_COUNT, GenAITelemetry
from bridge.telemetry.scope import RpcScope, enter_scope, leave_scope
from tests.telemetry.conftest import SECRET, Captured

USAGE = {
    "input_tokens": 11,
    "input_tokens_details": {"cached_tokens": 4},
    "output_tokens": 7,
    "output_tokens_details": {"reasoning_tokens": 3},
    "total_tokens": 18,
}


def telemetry(otel: Captured) -> GenAITelemetry:
    """A GenAITelemetry on the test's in-memory providers, with SECRET registered."""
    SECRETS.add(SECRET)
    return GenAITelemetry(
        tracer=otel.observability.tracer(),
        instruments=otel.observability.instruments(),
        upstream_url="https://api.example.com/v1",
    )


def response(status: str, **extra: Any) -> dict[str, Any]:
    return {"id": "resp_1", "model": "gpt-test-2025", "status": status, "usage": USAGE, **extra}


@pytest.mark.parametrize(
    ("terminal", "status", "reasons", "error"),
    [
        ("response.completed", "completed", ("stop",), None),
        (
            "response.incomplete",
            "incomplete",
            ("max_output_tokens",),
            None,
        ),
        ("response.failed", "failed", ("error",), "server_error"),
    ],
    ids=["completed", "incomplete", "failed"],
)
def test_usage_comes_from_every_terminal_event(
    otel: Captured,
    terminal: str,
    status: str,
    reasons: tuple[str, ...],
    error: str | None,
) -> None:
    """Usage, finish reasons and response model are taken from completed, incomplete
    and failed streams alike, for the span and the token metric."""
    extra: dict[str, Any] = {}
    if status == "incomplete":
        extra["incomplete_details"] = {"reason": "max_output_tokens"}
    if error:
        extra["error"] = {"code": error, "message": "boom"}
    state = StreamState()
    state.observe({"type": "response.created", "response": response("in_progress")})
    state.observe({"type": "response.output_text.delta", "delta": "hi"})
    state.observe({"type": terminal, "response": response(status, **extra)})
    record = telemetry(otel).start_call(rpc="Stream", request={"model": "gpt-test"}, stream=True)
    record.end(state=state, error=state.finish())
    (span,) = otel.spans()
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.usage.input_tokens"] == 11
    assert attributes["gen_ai.usage.output_tokens"] == 7
    assert attributes["gen_ai.usage.cache_read.input_tokens"] == 4
    assert attributes["gen_ai.usage.reasoning.output_tokens"] == 3
    assert attributes["gen_ai.response.finish_reasons"] == reasons
    assert attributes["gen_ai.response.model"] == "gpt-test-2025"
    assert attributes[EVENT_COUNT] == 3
    assert attributes.get("error.type") == error
    tokens = {
        labels["gen_ai.token.type"]: point.sum
        for labels, point in otel.points("gen_ai.client.token.usage")
    }
    assert tokens == {"input": 11, "output": 7}


def test_cancellation_keeps_what_is_known(otel: Captured) -> None:
    """A cancelled call ends its span with error.type "cancelled" and the usage seen so far."""
    state = StreamState()
    state.observe({"type": "response.created", "response": response("in_progress")})
    record = telemetry(otel).start_call(rpc="Stream", request={"model": "m"}, stream=True)
    record.end(state=state, cancelled=True)
    (span,) = otel.spans()
    assert dict(span.attributes or {})["error.type"] == "cancelled"
    assert span.status.status_code is StatusCode.ERROR
    assert dict(span.attributes or {})["gen_ai.usage.input_tokens"] == 11


def test_error_message_is_redacted(otel: Captured) -> None:
    """The span status message never carries the API key, even when the upstream echoed it."""
    record = telemetry(otel).start_call(rpc="Create", request={"model": "m"}, stream=False)
    record.end(
        error=UpstreamError(
            code=grpc.StatusCode.UNAUTHENTICATED,
            message=f"upstream returned HTTP 401: bad key Bearer {SECRET}",
            http_status=401,
        )
    )
    (span,) = otel.spans()
    assert SECRET not in (span.status.description or "")
    assert dict(span.attributes or {})["error.type"] == "UNAUTHENTICATED"


def test_end_is_idempotent(otel: Captured) -> None:
    """A second end changes nothing and records nothing more."""
    record = telemetry(otel).start_call(rpc="Create", request={"model": "m"}, stream=False)
    record.end(response=response("completed"))
    record.end(cancelled=True)
    (span,) = otel.spans()
    assert "error.type" not in dict(span.attributes or {})
    assert len(otel.points("gen_ai.client.operation.duration")) == 1


def test_unary_calls_record_no_stream_metrics(otel: Captured) -> None:
    """Time to first chunk and time per output chunk are recorded for streams only."""
    record = telemetry(otel).start_call(rpc="Create", request={"model": "m"}, stream=False)
    record.end(response=response("completed"))
    assert otel.points("gen_ai.client.operation.time_to_first_chunk") == []
    assert otel.points("gen_ai.client.operation.time_per_output_chunk") == []


def test_record_fills_the_rpc_scope(otel: Captured) -> None:
    """Ending a record hands model, usage and timings to the RPC's scope (the access log)."""
    scope = RpcScope(
        service="s",
        rpc="r",
        stream=True,
        started=0.0,
        peer="ipv4:127.0.0.1:1",
        caller=None,
        span=None,
    )
    enter_scope(scope)
    try:
        state = StreamState()
        state.observe({"type": "response.completed", "response": response("completed")})
        record = telemetry(otel).start_call(rpc="r", request={"model": "gpt-test"}, stream=True)
        assert scope.records == 1
        record.end(state=state)
    finally:
        leave_scope()
    assert (scope.model, scope.response_id, scope.input_tokens, scope.output_tokens) == (
        "gpt-test",
        "resp_1",
        11,
        7,
    )
    assert scope.events == 1 and scope.first_event_ms is not None and scope.records == 0


def test_nothing_is_recorded_without_providers_or_scope() -> None:
    """With tracing, metrics and the interceptor all absent, start_call is the shared no-op."""
    quiet = GenAITelemetry(tracer=None, instruments=None, upstream_url="http://x/v1")
    first = quiet.start_call(rpc="a", request={"model": "m"}, stream=False)
    second = quiet.start_call(rpc="b", request=None, stream=True)
    assert first is second
