"""The harness of the benchmark, the fuzz and the soak: bridge subprocesses report their
stats, the hostile upstream sends exactly its script, the raw HTTP/2 client reads a status,
the benchmark's relay and bare servers send the same messages, and /proc reports CPU."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import time
from pathlib import Path

import grpc.aio
import pytest

from bridge.routing import PICK_KEY
from bridge.server import SERVICE_NAME
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc
from tools.harness import BridgeProcess, ProcessGone, SimulatorProcess, rawgrpc
from tools.harness import http as replies
from tools.harness.events import Shape, paced_delays
from tools.harness.floor import Relay, bare_create, bare_stream, messages
from tools.harness.hostile import HostileUpstream, Script
from tools.harness.procfs import context_switches, cpu_seconds
from tools.harness.procs import PORT_TAKEN
from tools.harness.sse_upstream import SSEUpstream
from tools.harness.tls import write_certificates

CREATE = f"/{SERVICE_NAME}/CreateResponse"


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


@pytest.mark.parametrize("serve_args", [None, []], ids=["harness", "bridge-serve"])
async def test_bridge_process_moves_to_another_port_when_its_port_was_taken(
    serve_args: list[str] | None,
) -> None:
    """A port taken between choosing it and the bridge's bind costs a restart, not the run."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bridge = BridgeProcess({}, serve_args=serve_args)
        bridge.port = port
        bridge.env["BRIDGE_LISTEN"] = f"127.0.0.1:{port}"
        async with bridge:
            assert bridge.port != port
            assert bridge.env["BRIDGE_LISTEN"] == bridge.target
            assert any(words in bridge.log_text() for words in PORT_TAKEN)
        assert bridge.returncode == 0


async def test_bridge_process_keeps_a_port_it_was_given() -> None:
    """A BRIDGE_LISTEN chosen by the caller is not moved: a taken one fails the start."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        listen = f"127.0.0.1:{taken.getsockname()[1]}"
        with pytest.raises(ProcessGone):
            async with BridgeProcess({"BRIDGE_LISTEN": listen}):
                pass


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


class _NoAbort:
    """The relay's servicer context, for a relay driven in this process (it never aborts
    when the upstream answers 200)."""

    async def abort(self, code: object, details: object) -> None:
        raise AssertionError(f"the relay aborted: {code} {details!r}")


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
@pytest.mark.parametrize(
    "shape",
    [Shape(3000), Shape(5, pace=0.001), Shape(5, pace=0.001, close=True)],
    ids=["burst", "paced", "paced-close"],
)
async def test_relay_sends_one_prebuilt_message_per_upstream_event(
    shape: Shape, tls: bool, tmp_path: Path
) -> None:
    """The relay reads the benchmark upstream's stream (64 KiB writes or one event per
    write, plain or TLS) and sends exactly the bare server's messages, twice in a row
    (a kept-alive connection, or a new one after `close`)."""
    context = None
    if tls:
        files = write_certificates(tmp_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(files.cert, files.key)
    upstream = SSEUpstream(context)
    await upstream.start()
    try:
        relay = Relay(upstream.url, str(tmp_path / "ca.pem") if tls else None)
        request = responses_service_pb2.CreateResponseRequest(model="m", metadata=shape.metadata())
        try:
            for _ in range(2):
                sent = [message async for message in relay.stream(request, _NoAbort())]
                assert sent == list(messages(shape.deltas))
        finally:
            await relay.close()
        assert upstream.connections == (2 if shape.close else 1)
    finally:
        await upstream.stop()


class _Headers(_NoAbort):
    """The relay's servicer context for a unary call: keeps the initial metadata it sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[tuple[str, str], ...]] = []

    async def send_initial_metadata(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self.sent.append(metadata)


async def test_relay_answers_a_unary_call_as_the_bridge_does() -> None:
    """The relay's CreateResponse calls the benchmark upstream, sends the reply's request id
    and an upstream's name as initial metadata, answers the bare server's Response, and
    keeps its connection for the next call."""
    upstream = SSEUpstream(None)
    await upstream.start()
    try:
        relay = Relay(upstream.url)
        request = responses_service_pb2.CreateResponseRequest(model="m")
        try:
            for _ in range(2):
                context = _Headers()
                assert await relay.create(request, context) == await bare_create(request, None)
                assert context.sent == [(("x-request-id", "req_bench"), (PICK_KEY, "relay"))]
        finally:
            await relay.close()
        assert upstream.connections == 1
    finally:
        await upstream.stop()


async def test_bare_server_keeps_the_pace_of_the_shape() -> None:
    """The bare server sends a paced shape's messages no sooner than their schedule."""
    shape = Shape(4, pace=0.02)
    request = responses_service_pb2.CreateResponseRequest(model="m", metadata=shape.metadata())
    start = time.monotonic()
    arrived = []
    async for message in bare_stream(request, None):
        arrived.append((time.monotonic() - start, message))
    assert [message for _, message in arrived] == list(messages(shape.deltas))
    for (at, _), due in zip(arrived, paced_delays(shape), strict=True):
        assert at >= due - 0.002


def test_cpu_seconds_counts_this_process_work() -> None:
    """A process's CPU time from /proc grows by about the CPU time it spent meanwhile."""
    before_proc, before_self = cpu_seconds(os.getpid()), time.process_time()
    total = 0
    while time.process_time() - before_self < 0.2:
        total += sum(range(1000))
    after_proc, after_self = cpu_seconds(os.getpid()), time.process_time()
    assert before_proc is not None and after_proc is not None
    assert after_proc - before_proc == pytest.approx(after_self - before_self, abs=0.05)


def test_context_switches_count_this_process_waits() -> None:
    """Each sleep is a wait: the voluntary context switches grow by at least as many."""
    before = context_switches(os.getpid())
    for _ in range(5):
        time.sleep(0.001)
    after = context_switches(os.getpid())
    assert before is not None and after is not None
    assert after[0] - before[0] >= 5
    assert after[1] >= before[1]
    assert context_switches(2**22 + 1) is None
