"""SIGTERM: the `bridge serve` process drains in-flight streams for the grace period, then exits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bridge import codec
from rbridge.responses.v1 import responses_service_pb2_grpc
from tests.faults.fault_server import FaultServer
from tests.faults.harness import closed_port, request

GRACE = 2.0
ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def bridge_process(
    upstream_url: str, health_port: int
) -> AsyncIterator[tuple[int, asyncio.subprocess.Process]]:
    """Run `python -m bridge.cli serve` on a free port; yield its port and process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "OPENAI_", "OTEL_"))}
    env |= {
        "BRIDGE_GRACE_SECONDS": str(GRACE),
        "BRIDGE_HEALTH_LISTEN": f"127.0.0.1:{health_port}",
        "BRIDGE_LOG_FORMAT": "json",
        "BRIDGE_MAX_RETRIES": "0",
        "BRIDGE_UPSTREAM_API_KEY": "sk-fault",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bridge.cli",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--upstream-url",
        upstream_url,
        env=env,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        port = None
        async with asyncio.timeout(30):
            while port is None:
                line = await process.stderr.readline()
                assert line, "the bridge exited before serving"
                record = json.loads(line)
                if record.get("event") == "serving":
                    port = int(record["port"])
        yield port, process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        await process.stderr.read()


async def _health(target: str) -> int:
    async with grpc.aio.insecure_channel(target) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=2.0
        )
    return int(reply.status)


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
    async with bridge_process(fault_server.url, health_port) as (port, process):
        target, health_target = f"127.0.0.1:{port}", f"127.0.0.1:{health_port}"
        assert await _health(target) == health_pb2.HealthCheckResponse.SERVING
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
            assert await _health(health_target) == health_pb2.HealthCheckResponse.NOT_SERVING
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
