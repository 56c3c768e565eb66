"""Slow upstreams: client deadlines, the first-byte and read timeouts, trickles and stalls."""

from __future__ import annotations

import time

import grpc
import pytest

from bridge import codec
from tests.faults.fault_server import TRICKLE_EVENTS, FaultServer
from tests.faults.harness import MODES, Bridges, invoke

DEADLINE = 0.5
# Upper bounds allow for a loaded machine; the holds they tell apart last LONG_HOLD (3 s).
SLACK = 1.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", ["slow_first_byte", "headers_then_hold"])
async def test_client_deadline_ends_the_call_and_closes_upstream(
    fault_server: FaultServer, bridges: Bridges, fault: str, mode: str
) -> None:
    """A 0.5 s client deadline over a held reply is DEADLINE_EXCEEDED; upstream closes at once."""
    handle = await bridges.start()
    started = time.monotonic()
    outcome = await invoke(handle.channel, fault, mode, deadline=DEADLINE)
    assert outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert outcome.elapsed < DEADLINE + SLACK
    (attempt,) = fault_server.requests(fault)
    assert await attempt.wait_closed(1.0)
    assert attempt.closed_by == "peer"
    assert attempt.closed_at is not None
    # Within 0.3 s of the deadline, or of the moment the client saw it when a loaded
    # machine made the client itself late.
    expired_at = started + max(DEADLINE, outcome.elapsed)
    assert attempt.closed_at - expired_at < 0.3


@pytest.mark.parametrize("fault", ["slow_first_byte", "headers_then_hold"])
async def test_stream_first_event_timeout(
    fault_server: FaultServer, bridges: Bridges, fault: str
) -> None:
    """A stream whose first event is later than first_byte_timeout is DEADLINE_EXCEEDED, once."""
    handle = await bridges.start(first_byte_timeout=DEADLINE, max_retries=2)
    outcome = await invoke(handle.channel, fault, "stream", deadline=None)
    assert outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert outcome.message == "upstream first event timed out after 0.5s"
    assert outcome.error_info().reason == "DEADLINE_EXCEEDED"
    assert DEADLINE <= outcome.elapsed < DEADLINE + SLACK
    (attempt,) = fault_server.requests(fault)
    assert await attempt.wait_closed(1.0)
    assert attempt.closed_by == "peer"


async def test_unary_is_bounded_by_max_call_seconds(
    fault_server: FaultServer, bridges: Bridges
) -> None:
    """A unary call without a client deadline is bounded by max_call_seconds."""
    handle = await bridges.start(max_call_seconds=DEADLINE, first_byte_timeout=DEADLINE)
    outcome = await invoke(handle.channel, "slow_first_byte", "unary", deadline=None)
    assert outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert outcome.message == "upstream call timed out after 0.5s"
    assert DEADLINE <= outcome.elapsed < DEADLINE + SLACK
    (attempt,) = fault_server.requests("slow_first_byte")
    assert await attempt.wait_closed(1.0)


async def test_slow_trickle_within_read_timeout_completes(bridges: Bridges) -> None:
    """Events 0.2 s apart under a 1 s read timeout all arrive and the stream ends OK."""
    handle = await bridges.start(read_timeout=1.0, first_byte_timeout=1.0)
    outcome = await invoke(handle.channel, "trickle", "stream", deadline=None)
    assert outcome.code == grpc.StatusCode.OK
    assert len(outcome.events) == TRICKLE_EVENTS + 2
    assert codec.event_type(outcome.events[-1]) == "response.completed"


async def test_stall_longer_than_read_timeout(fault_server: FaultServer, bridges: Bridges) -> None:
    """A stream that stalls past read_timeout after its first event is DEADLINE_EXCEEDED."""
    handle = await bridges.start(read_timeout=DEADLINE, max_retries=2)
    outcome = await invoke(handle.channel, "stall", "stream", deadline=None)
    assert [codec.event_type(e) for e in outcome.events] == ["response.created"]
    assert outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert outcome.message == "upstream read between events timed out after 0.5s"
    assert DEADLINE <= outcome.elapsed < DEADLINE + SLACK
    (attempt,) = fault_server.requests("stall")
    assert await attempt.wait_closed(1.0)
    assert attempt.closed_by == "peer"


@pytest.mark.parametrize(
    ("fault", "mode"),
    [("headers_then_hold", "unary"), ("http_503_stalled_body", "stream")],
    ids=["unary-body", "stream-error-body"],
)
async def test_stalled_body_is_bounded_by_read_timeout(
    fault_server: FaultServer, bridges: Bridges, fault: str, mode: str
) -> None:
    """A body that stalls after its headers fails after read_timeout, not max_call_seconds."""
    handle = await bridges.start(read_timeout=DEADLINE, max_call_seconds=2.0)
    outcome = await invoke(handle.channel, fault, mode, deadline=None)
    assert outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert outcome.message == "upstream read timed out after 0.5s"
    (attempt,) = fault_server.requests(fault)
    assert await attempt.wait_closed(1.0)
