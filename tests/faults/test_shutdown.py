"""SIGTERM: the `bridge serve` process drains in-flight streams for the grace period, then exits."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health_pb2

from bridge import codec
from rbridge.responses.v1 import responses_service_pb2_grpc
from tests.faults.fault_server import FaultServer
from tests.faults.harness import closed_port, request
from tests.process import bridge_process
from tests.support import health_status

GRACE = 2.0
ROOT = Path(__file__).resolve().parents[2]


def _env(health_port: int) -> dict[str, str]:
    return {
        "BRIDGE_GRACE_SECONDS": str(GRACE),
        "BRIDGE_HEALTH_LISTEN": f"127.0.0.1:{health_port}",
        "BRIDGE_UPSTREAM_API_KEY": "sk-fault",
        "BRIDGE_ACCESS_LOG_LEVEL": "info",
    }


async def _refused(target: str) -> grpc.StatusCode:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await stub.CreateResponse(request("ok"), timeout=2.0)
    return failure.value.code()


async def test_sigterm_drains_then_cancels_and_exits_zero(fault_server: FaultServer) -> None:
    """After SIGTERM a stream goes on for the grace period while health is NOT_SERVING and new
    calls are refused; then it is cancelled UNAVAILABLE, its upstream closed, and the exit is 0."""
    health_port = closed_port()
    async with bridge_process(fault_server.url, _env(health_port)) as bridge:
        port, process = bridge.port, bridge.process
        target, health_target = f"127.0.0.1:{port}", f"127.0.0.1:{health_port}"
        assert await health_status(target) == health_pb2.HealthCheckResponse.SERVING
        async with grpc.aio.insecure_channel(target) as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            call = stub.StreamCreateResponse(request("paced"))
            for _ in range(3):
                event = await asyncio.wait_for(call.read(), 5.0)
                assert codec.event_type(event)
            (upstream,) = fault_server.requests("paced")

            process.send_signal(signal.SIGTERM)
            terminated_at = time.monotonic()
            await asyncio.sleep(0.2)
            assert await health_status(health_target) == health_pb2.HealthCheckResponse.NOT_SERVING
            assert await _refused(target) == grpc.StatusCode.UNAVAILABLE
            with pytest.raises(grpc.aio.AioRpcError) as on_old_channel:
                await stub.CreateResponse(request("ok"), timeout=2.0)
            assert on_old_channel.value.code() == grpc.StatusCode.UNAVAILABLE

            after_sigterm = 0
            with pytest.raises(grpc.aio.AioRpcError) as cancelled:
                async with asyncio.timeout(GRACE + 5):
                    while await call.read() is not grpc.aio.EOF:
                        after_sigterm += 1
            ended_at = time.monotonic()
            assert cancelled.value.code() == grpc.StatusCode.UNAVAILABLE
            assert cancelled.value.details() == "Cancelling all calls"

        assert GRACE - 0.2 <= ended_at - terminated_at < GRACE + 2.0
        assert after_sigterm >= 5, "the stream did not go on during the grace period"
        assert await upstream.wait_closed(1.0)
        assert upstream.closed_by == "peer"
        assert upstream.closed_at is not None
        assert upstream.closed_at - ended_at < 0.5
        async with asyncio.timeout(5):
            assert await process.wait() == 0
        assert len(fault_server.requests()) == 1
