"""Connection faults: nothing listening, resets, cut headers and bodies, early EOF."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest

from bridge import codec
from tests.faults.fault_server import FaultServer
from tests.faults.harness import MODES, Bridges, invoke


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("max_retries", [0, 2])
async def test_connection_refused_is_unavailable(
    bridges: Bridges, refusing: Callable[[], int], mode: str, max_retries: int
) -> None:
    """An upstream port with nothing listening ends the call UNAVAILABLE, retries or not."""
    handle = await bridges.start(
        upstream_url=f"http://127.0.0.1:{refusing()}/v1", max_retries=max_retries
    )
    outcome = await invoke(handle.channel, "ok", mode)
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message.startswith("upstream connection failed: ConnectError")
    info = outcome.error_info()
    assert info.reason == "UNAVAILABLE"
    assert dict(info.metadata) == {}
    assert set(outcome.details()) == {type(info)}
    assert "x-request-id" not in outcome.initial
    assert "x-request-id" not in outcome.trailing
    assert outcome.elapsed < 2.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("max_retries", [0, 2])
async def test_reset_before_headers_is_unavailable_and_retried(
    fault_server: FaultServer, bridges: Bridges, mode: str, max_retries: int
) -> None:
    """A TCP reset before any reply byte is UNAVAILABLE after 1 + max_retries attempts."""
    handle = await bridges.start(max_retries=max_retries)
    outcome = await invoke(handle.channel, "reset_before_headers", mode)
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message.startswith("upstream connection failed: ")
    assert outcome.error_info().reason == "UNAVAILABLE"
    attempts = fault_server.requests("reset_before_headers")
    assert len(attempts) == 1 + max_retries
    assert [c.closed_by for c in attempts] == ["reset"] * len(attempts)
    assert len({c.headers["idempotency-key"] for c in attempts}) == 1
    assert len({c.body for c in attempts}) == 1
    assert outcome.events == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", ["reset_once_then_ok", "partial_headers"])
async def test_retry_after_a_connection_fault(
    fault_server: FaultServer, bridges: Bridges, mode: str, fault: str
) -> None:
    """A reset or cut headers is retried; a reset once then an answer ends OK on attempt 2."""
    handle = await bridges.start(max_retries=1)
    outcome = await invoke(handle.channel, fault, mode)
    attempts = fault_server.requests(fault)
    assert len(attempts) == 2
    if fault == "partial_headers":
        assert outcome.code == grpc.StatusCode.UNAVAILABLE
        assert outcome.message.startswith("upstream connection failed: RemoteProtocolError")
        return
    assert outcome.code == grpc.StatusCode.OK
    assert outcome.initial["x-request-id"] == attempts[1].request_id
    if mode == "stream":
        assert codec.event_type(outcome.events[-1]) == "response.completed"


@pytest.mark.parametrize("mode", MODES)
async def test_reset_mid_stream_is_unavailable_without_retry(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """A reset after events were forwarded delivers them, ends UNAVAILABLE, and is not retried."""
    handle = await bridges.start(max_retries=2)
    outcome = await invoke(handle.channel, "reset_mid_stream", mode)
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message.startswith("upstream connection failed: ")
    assert outcome.error_info().reason == "UNAVAILABLE"
    (attempt,) = fault_server.requests("reset_mid_stream")
    assert attempt.closed_by == "reset"
    assert outcome.initial["x-request-id"] == attempt.request_id
    if mode == "stream":
        assert [codec.event_type(e) for e in outcome.events] == [
            "response.created",
            "response.output_text.delta",
        ]
        assert outcome.events[1].output_text_delta.delta == "partial"


async def test_cut_mid_chunk_is_unavailable_after_the_events_before_it(
    fault_server: FaultServer, bridges: Bridges
) -> None:
    """A body closed in the middle of a chunk delivers the events before it, then UNAVAILABLE."""
    handle = await bridges.start(max_retries=2)
    outcome = await invoke(handle.channel, "cut_mid_chunk", "stream")
    assert [codec.event_type(e) for e in outcome.events] == ["response.created"]
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message.startswith("upstream connection failed: RemoteProtocolError")
    assert len(fault_server.requests("cut_mid_chunk")) == 1


async def test_clean_eof_without_terminal_event_is_unavailable(
    fault_server: FaultServer, bridges: Bridges
) -> None:
    """A well-framed body that ends without response.completed ends the stream UNAVAILABLE."""
    handle = await bridges.start(max_retries=2)
    outcome = await invoke(handle.channel, "eof_without_terminal", "stream")
    assert len(outcome.events) == 2
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message == (
        "upstream stream ended after 2 events without response.completed, "
        "response.incomplete or response.failed; the last event was response.output_text.delta"
    )
    assert outcome.error_info().reason == "UNAVAILABLE"
    (attempt,) = fault_server.requests("eof_without_terminal")
    assert outcome.initial["x-request-id"] == attempt.request_id
