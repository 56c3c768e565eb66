"""Client cancellation closes the upstream connection promptly, wherever the call stands."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from bridge import codec
from tests.faults.fault_server import FaultServer
from tests.faults.harness import Bridges, request

# Generous: the benchmark reports the precise figure; this catches a missing close.
CANCEL_TO_CLOSE_BOUND = 0.5


@pytest.mark.parametrize(
    ("mode", "fault", "events_first"),
    [
        ("unary", "slow_first_byte", 0),
        ("unary", "headers_then_hold", 0),
        ("stream", "slow_first_byte", 0),
        ("stream", "headers_then_hold", 0),
        ("stream", "mid_stream_hold", 2),
    ],
    ids=[
        "unary-before-headers",
        "unary-mid-body",
        "stream-before-headers",
        "stream-before-first-event",
        "stream-after-first-events",
    ],
)
async def test_cancel_closes_the_upstream_connection(
    fault_server: FaultServer,
    bridges: Bridges,
    record_property: pytest.RecordProperty,
    mode: str,
    fault: str,
    events_first: int,
) -> None:
    """Cancelling a call closes its upstream connection within 0.5 s, before or mid-stream."""
    handle = await bridges.start()
    if mode == "unary":
        unary = handle.stub.CreateResponse(request(fault))
        attempt = await fault_server.wait_request(fault)
        await asyncio.sleep(0.05)  # let headers (and half a body) reach the bridge
        cancelled_at = time.monotonic()
        assert unary.cancel()
        with pytest.raises(asyncio.CancelledError):
            await unary
    else:
        stream = handle.stub.StreamCreateResponse(request(fault))
        attempt = await fault_server.wait_request(fault)
        for _ in range(events_first):
            event = await asyncio.wait_for(stream.read(), 5.0)
            assert codec.event_type(event)
        if not events_first:
            await asyncio.sleep(0.05)
        cancelled_at = time.monotonic()
        assert stream.cancel()
        assert await stream.code() == grpc.StatusCode.CANCELLED
    assert await attempt.wait_closed(2.0), "the bridge kept the upstream connection open"
    assert attempt.closed_by == "peer"
    assert attempt.closed_at is not None
    cancel_to_close = attempt.closed_at - cancelled_at
    record_property("cancel_to_close_ms", round(cancel_to_close * 1000, 2))
    print(f"cancel-to-close {mode} {fault}: {cancel_to_close * 1000:.1f} ms")
    assert 0 <= cancel_to_close < CANCEL_TO_CLOSE_BOUND
    assert len(fault_server.requests(fault)) == 1
