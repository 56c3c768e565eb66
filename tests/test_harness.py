"""The fuzz and soak harness: bridge subprocesses report their stats, the hostile upstream
sends exactly its script, and the raw HTTP/2 client reads a status."""

from __future__ import annotations

import asyncio
import contextlib
import time

import grpc.aio
import pytest

from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc
from tools.harness import BridgeProcess, SimulatorProcess, rawgrpc
from tools.harness import http as replies
from tools.harness.hostile import HostileUpstream, Script

CREATE = "/rbridge.responses.v1.ResponsesService/CreateResponse"


async def _exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    received = bytearray()
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(65536):
            received += chunk
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    return bytes(received)


async def test_bridge_process_stats_come_back_to_baseline() -> None:
    """A bridge subprocess reports tasks, fds and memory; after calls end its asyncio tasks
    return to their idle count."""
    async with (
        SimulatorProcess() as simulator,
        BridgeProcess({"BRIDGE_UPSTREAM_URL": simulator.url}) as bridge,
    ):
        idle = await bridge.quiet_stats()
        assert idle.tasks > 0 and idle.fds > 0 and idle.rss_kib > 0
        assert idle.hwm_kib >= idle.rss_kib
        assert bridge.memory()["VmRSS"] > 0
        async with grpc.aio.insecure_channel(bridge.target) as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            request = responses_service_pb2.CreateResponseRequest(
                model="m", input={"text": "count 20 words"}
            )
            await stub.CreateResponse(request, timeout=10)
            events = [event async for event in stub.StreamCreateResponse(request, timeout=10)]
            assert events
        deadline = time.monotonic() + 10
        tasks = (await bridge.stats()).tasks
        while tasks != idle.tasks and time.monotonic() < deadline:
            await asyncio.sleep(0.1)  # the count lives in another process: poll it
            tasks = (await bridge.stats()).tasks
        assert tasks == idle.tasks
    assert bridge.returncode == 0


@pytest.mark.parametrize("end", ["close", "reset"])
async def test_hostile_upstream_sends_its_script_as_is(end: str) -> None:
    """The selected script's bytes arrive unchanged (hostile headers, a cut body), then a
    FIN or a reset; the request is recorded under the script's name."""
    data = replies.head(200, [("x-request-id", b"\xff\x00"), ("x-many", "v" * 9000)]) + b"cut"
    async with HostileUpstream() as upstream:
        upstream.register("one", Script((data, 0.01), end=end))
        request = b"GET /v1/responses/x HTTP/1.1\r\nhost: a\r\nx-fuzz-case: one\r\n\r\n"
        received = await _exchange(upstream.port, request)
        seen = upstream.unregister("one")
    if end == "close":
        assert received == data
    else:
        assert data.startswith(received)
    assert [(r.method, r.path) for r in seen] == [("GET", "/v1/responses/x")]


async def test_raw_client_reads_the_status_of_a_refused_call() -> None:
    """Over raw HTTP/2, a call that fails validation comes back with its status and
    message, and its status details decoded from base64."""
    async with (
        SimulatorProcess() as simulator,
        BridgeProcess({"BRIDGE_UPSTREAM_URL": simulator.url}) as bridge,
    ):
        request = responses_service_pb2.CreateResponseRequest(input={"text": "no model"})
        reply = await rawgrpc.call(
            "127.0.0.1", bridge.port, CREATE, [request.SerializeToString()], deadline=10
        )
    assert reply.status == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "model" in reply.message
    details = dict(reply.metadata())[b"grpc-status-details-bin"]
    assert b"model" in details
