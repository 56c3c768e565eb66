"""Large requests cost the bridge's process a bounded amount of memory (measured on a real
`bridge serve` process with the Kubernetes manifests' limits)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import grpc.aio
import pytest
import yaml

from bridge.memory import release_freed_memory
from bridge.server import SERVICE_NAME
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc
from tests.process import RssSampler, bridge_process, rss_mib

ROOT = Path(__file__).resolve().parents[1]
MiB = 1 << 20
CALL = responses_service_pb2_grpc.ResponsesServiceStub
_OPTIONS = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]


def k8s_defaults() -> dict[str, str]:
    """The BRIDGE_* settings the Kubernetes base gives every bridge."""
    kustomization = yaml.safe_load((ROOT / "k8s/base/kustomization.yaml").read_text())
    pairs = [
        literal.split("=", 1)
        for generator in kustomization["configMapGenerator"]
        for literal in generator.get("literals", ())
    ]
    return {key: value for key, value in pairs if key.startswith("BRIDGE_")} | {
        "BRIDGE_LISTEN": "127.0.0.1:0",
        "BRIDGE_LOG_FORMAT": "json",
        "BRIDGE_ACCESS_LOG_LEVEL": "off",
    }


@contextlib.asynccontextmanager
async def holding_upstream(hold: float) -> AsyncIterator[str]:
    """An upstream that reads each request body whole, waits `hold` seconds, then answers."""
    body = json.dumps({"id": "resp_1", "object": "response", "status": "completed"}).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, ValueError):
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            await asyncio.sleep(hold)
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=MiB)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.close()


def file_request(size: int) -> responses_service_pb2.CreateResponseRequest:
    """A create request carrying one inline file, `size` bytes on the wire."""
    request = responses_service_pb2.CreateResponseRequest(model="gpt-test")
    message = request.input.items.items.add().message
    message.role = "user"
    part = message.content.parts.parts.add().input_file
    part.filename = "scan.pdf"
    length = 1
    for _ in range(3):  # the length prefixes grow with the string
        part.file_data = "A" * length
        length += size - request.ByteSize()
    part.file_data = "A" * length
    assert request.ByteSize() == size
    return request


async def _call(stub: CALL, request: responses_service_pb2.CreateResponseRequest) -> str:
    try:
        await stub.CreateResponse(request, timeout=60)
    except grpc.aio.AioRpcError as error:
        return error.code().name
    return "OK"


async def test_one_large_request_is_held_at_most_three_times() -> None:
    """A request of the maximum size raises the bridge's peak RSS by about 3x its size.

    gRPC's own receive path alone holds three copies for a moment (its
    buffers, a bytearray and the bytes handed over); the bridge adds no
    fourth: parsed, the message, its JSON and the encoded body each replace
    the one before, so its own steps hold at most two at once.
    """
    env = k8s_defaults()
    size = int(env["BRIDGE_MAX_MESSAGE_BYTES"]) - 64
    async with (
        holding_upstream(0.2) as url,
        bridge_process(url, env) as bridge,
        grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}", options=_OPTIONS) as channel,
    ):
        stub = CALL(channel)
        assert await _call(stub, file_request(1024)) == "OK"
        request = file_request(size)
        base = rss_mib(bridge.pid)
        with RssSampler(bridge.pid) as sampler:
            assert await _call(stub, request) == "OK"
    growth = (sampler.peak - base) * MiB
    # grpcio hands a message over through a bytearray copied into bytes while
    # its own buffer is alive (3.06x, its floor); the bridge adds nothing above it.
    assert growth <= 3.1 * size, f"peak grew {growth / size:.2f}x the request's size"


async def test_concurrent_large_requests_stay_within_the_budget() -> None:
    """With the Kubernetes defaults, 16 concurrent requests of the maximum size keep the
    bridge's sampled peak RSS under 400 MiB; the ones over the budget get RESOURCE_EXHAUSTED."""
    env = k8s_defaults()
    size = int(env["BRIDGE_MAX_MESSAGE_BYTES"]) - 64
    async with (
        holding_upstream(1.0) as url,
        bridge_process(url, env) as bridge,
        grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}", options=_OPTIONS) as channel,
    ):
        stub = CALL(channel)
        request = file_request(size)
        # The client's own copies are made before the sampler starts.
        payload = request.SerializeToString()
        del request
        call = channel.unary_unary(
            f"/{SERVICE_NAME}/CreateResponse",
            request_serializer=None,
            response_deserializer=None,
        )

        async def send() -> str:
            try:
                await call(payload, timeout=60)
            except grpc.aio.AioRpcError as error:
                return error.code().name
            return "OK"

        with RssSampler(bridge.pid) as sampler:
            outcomes = collections.Counter(await asyncio.gather(*(send() for _ in range(16))))
        # The budget let some through; every other call was refused, none failed otherwise.
        assert outcomes["OK"] >= 1
        assert outcomes["OK"] + outcomes["RESOURCE_EXHAUSTED"] == 16, outcomes
        assert outcomes["RESOURCE_EXHAUSTED"] >= 1, outcomes
        assert await _call(stub, file_request(1024)) == "OK"
    assert sampler.peak < 400, f"peak RSS {sampler.peak:.0f} MiB"


async def test_unauthenticated_requests_are_refused_before_they_are_read(
    tmp_path: Path,
) -> None:
    """Large requests without a valid token are UNAUTHENTICATED without being read: the
    bridge's memory does not grow with them."""
    tokens = tmp_path / "tokens"
    tokens.write_text("app:a-long-enough-token\n")
    env = k8s_defaults() | {"BRIDGE_AUTH_TOKENS_FILE": str(tokens)}
    size = int(env["BRIDGE_MAX_MESSAGE_BYTES"]) - 64
    async with (
        holding_upstream(0.0) as url,
        bridge_process(url, env) as bridge,
        grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}", options=_OPTIONS) as channel,
    ):
        payload = file_request(size).SerializeToString()
        call = channel.unary_unary(f"/{SERVICE_NAME}/CreateResponse")
        base = rss_mib(bridge.pid)

        async def send() -> grpc.StatusCode:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await call(payload, timeout=60)
            return refused.value.code()

        with RssSampler(bridge.pid) as sampler:
            codes = await asyncio.gather(*(send() for _ in range(8)))
    assert set(codes) == {grpc.StatusCode.UNAUTHENTICATED}
    assert sampler.peak - base < 64, f"grew {sampler.peak - base:.0f} MiB"


def test_freed_heap_memory_is_given_back() -> None:
    """Heap blocks freed around a few survivors stop counting in RSS once released."""
    pid = os.getpid()
    blocks = [bytearray(60_000) for _ in range(2_000)]
    survivors = blocks[::50]
    del blocks
    held = rss_mib(pid)
    release_freed_memory()
    assert rss_mib(pid) < held - 50
    assert len(survivors) == 40


def test_settling_exempts_start_up_objects_and_spaces_young_collections() -> None:
    """After `settle` the collector skips everything that existed, and collects young objects
    every YOUNG_COLLECTION_ALLOCATIONS allocations (in a process of its own: it is global)."""
    script = (
        "import gc, json; from bridge.memory import settle, YOUNG_COLLECTION_ALLOCATIONS as n; "
        "before = gc.get_freeze_count(); settle(); "
        "print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold()[0], n]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    before, frozen, young, expected = json.loads(out)
    assert before == 0 and frozen > 10_000
    assert young == expected > 700
