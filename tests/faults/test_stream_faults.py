"""Malformed and unusual bodies: garbage, invalid JSON, in-stream errors, oversized events."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2

from bridge import codec
from bridge.client import output_text
from tests.faults.fault_server import LONG_HOLD, OVERSIZED_DELTA, FaultServer
from tests.faults.harness import MODES, Bridges, invoke

QuotaFailure = error_details_pb2.QuotaFailure
ErrorInfo = error_details_pb2.ErrorInfo


async def test_garbage_instead_of_events_ends_unavailable(
    fault_server: FaultServer, bridges: Bridges
) -> None:
    """A 200 stream of non-SSE lines yields no event (unknown fields are ignored): UNAVAILABLE."""
    handle = await bridges.start(max_retries=2)
    outcome = await invoke(handle.channel, "garbage_sse", "stream")
    assert outcome.events == []
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message.startswith("upstream stream ended after 0 events without")
    info = outcome.error_info()
    assert info.reason == "UNAVAILABLE"
    (attempt,) = fault_server.requests("garbage_sse")
    assert outcome.initial["x-request-id"] == attempt.request_id


async def test_garbage_between_events_is_ignored(bridges: Bridges) -> None:
    """Garbage lines, comments and unknown fields between valid events do not disturb them."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "garbage_between_events", "stream")
    assert outcome.code == grpc.StatusCode.OK
    assert [codec.event_type(e) for e in outcome.events] == [
        "response.created",
        "response.output_text.delta",
        "response.completed",
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_invalid_json_is_internal(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """Invalid JSON in an event (or a unary body) ends the call INTERNAL, after earlier events."""
    handle = await bridges.start(max_retries=2)
    outcome = await invoke(handle.channel, "invalid_json_event", mode)
    assert outcome.code == grpc.StatusCode.INTERNAL
    (attempt,) = fault_server.requests("invalid_json_event")
    assert outcome.initial["x-request-id"] == attempt.request_id
    info = outcome.error_info()
    if mode == "stream":
        assert [codec.event_type(e) for e in outcome.events] == ["response.created"]
        assert outcome.message.startswith(
            "upstream sent invalid JSON in event 2 (response.output_text.delta): "
        )
        assert info.reason == "INTERNAL"
    else:
        assert outcome.message.startswith("upstream HTTP 200 reply is not a Response: ")
        assert info.reason == "INTERNAL"
        assert info.metadata["http_status"] == "200"
        assert outcome.trailing["x-request-id"] == attempt.request_id


async def test_error_then_failed_delivers_both_then_resource_exhausted(
    fault_server: FaultServer, bridges: Bridges
) -> None:
    """An in-stream error and the response.failed after it reach the client; then the status."""
    handle = await bridges.start(max_retries=2)
    outcome = await invoke(handle.channel, "error_then_failed", "stream")
    assert [codec.event_type(e) for e in outcome.events] == [
        "response.created",
        "response.in_progress",
        "error",
        "response.failed",
    ]
    assert outcome.events[3].failed.response.error.code == "insufficient_quota"
    assert outcome.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert outcome.message.startswith("upstream error: You exceeded your current quota")
    assert outcome.message.endswith("(code insufficient_quota)")
    details = outcome.details()
    info = outcome.error_info()
    assert info.reason == "INSUFFICIENT_QUOTA"
    # The upstream request id comes back even when the failure arrived mid-stream.
    assert dict(info.metadata) == {
        "type": "insufficient_quota",
        "code": "insufficient_quota",
        "request_id": "req_error_then_failed_0",
    }
    assert outcome.trailing.get("x-request-id") == "req_error_then_failed_0"
    (violation,) = details[QuotaFailure].violations
    assert violation.subject == "insufficient_quota"
    assert set(details) == {ErrorInfo, QuotaFailure}
    assert len(fault_server.requests("error_then_failed")) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_oversized_event_is_delivered_to_a_client_that_accepts_it(
    bridges: Bridges, mode: str
) -> None:
    """A 5 MiB event reaches a client whose receive limit is raised above it."""
    handle = await bridges.start()
    channel = bridges.client(handle, [("grpc.max_receive_message_length", 16 * 1024 * 1024)])
    outcome = await invoke(channel, "oversized_event", mode)
    assert outcome.code == grpc.StatusCode.OK
    if mode == "stream":
        assert len(outcome.events[2].output_text_delta.delta) == OVERSIZED_DELTA
        text = output_text(outcome.events[-1].completed.response)
    else:
        assert outcome.response is not None
        text = output_text(outcome.response)
    assert len(text) == len("start ") + OVERSIZED_DELTA


@pytest.mark.parametrize("mode", MODES)
async def test_oversized_event_exceeds_the_default_client_limit(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """With gRPC's default 4 MiB limit the client fails RESOURCE_EXHAUSTED; the bridge goes on."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "oversized_event", mode)
    assert outcome.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in outcome.message
    if mode == "stream":
        assert [codec.event_type(e) for e in outcome.events] == [
            "response.created",
            "response.output_text.delta",
        ]
    (attempt,) = fault_server.requests("oversized_event")
    assert await attempt.wait_closed(1.0)
    again = await invoke(handle.channel, "ok", mode)
    assert again.code == grpc.StatusCode.OK


@pytest.mark.parametrize("fault", ["completed_then_hold", "completed_then_reset"])
async def test_stream_ends_ok_at_its_terminal_event(
    fault_server: FaultServer, bridges: Bridges, fault: str
) -> None:
    """A stream ends OK once response.completed arrives, whatever its connection does next."""
    handle = await bridges.start(read_timeout=1.0, max_retries=2)
    outcome = await invoke(handle.channel, fault, "stream", deadline=None)
    assert [codec.event_type(e) for e in outcome.events] == [
        "response.created",
        "response.output_text.delta",
        "response.completed",
    ]
    assert outcome.code == grpc.StatusCode.OK
    assert outcome.elapsed < LONG_HOLD - 0.5
    (attempt,) = fault_server.requests(fault)
    assert await attempt.wait_closed(1.0)
