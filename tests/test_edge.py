"""The edge: what enters is authenticated, admitted and parsed; what leaves is sized and
mapped to a documented status, never UNKNOWN."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from typing import Any

import grpc
import grpc.aio
import pytest
from google.protobuf import struct_pb2

from bridge.config import Settings
from bridge.server import SERVICE_NAME, start
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc
from tests.conftest import Script, access_lines
from tests.rawgrpc import raw_call

CREATE = f"/{SERVICE_NAME}/CreateResponse"
STREAM = f"/{SERVICE_NAME}/StreamCreateResponse"
Request = responses_service_pb2.CreateResponseRequest


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _length_delimited(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def deep_request(levels: int) -> bytes:
    """A CreateResponseRequest whose `moderation` Struct nests `levels` objects, encoded by
    hand (Python's protobuf refuses to build one deeper than its parse limit)."""
    value = struct_pb2.Value(string_value="x").SerializeToString()
    for _ in range(levels):
        entry = _length_delimited(1, b"a") + _length_delimited(2, value)
        value = _length_delimited(5, _length_delimited(1, entry))  # Value.struct_value
    struct = _length_delimited(1, _length_delimited(1, b"a") + _length_delimited(2, value))
    moderation = responses_service_pb2.CreateResponseRequest.DESCRIPTOR.fields_by_name[
        "moderation"
    ].number
    head = Request(model="m", input={"text": "x"}).SerializeToString()
    return head + _length_delimited(moderation, struct)


@pytest.mark.parametrize(
    ("message", "says"),
    [
        (None, "no request message"),
        (b"\xff\xff\xff", "not a valid message"),
        (deep_request(60), "nested deeper than protobuf's limit"),
    ],
    ids=["no-message", "garbage", "too-deep"],
)
@pytest.mark.parametrize("method", [CREATE, STREAM], ids=["unary", "stream"])
async def test_a_request_that_cannot_be_parsed_is_invalid(
    scripted: tuple[str, Script], message: bytes | None, says: str, method: str
) -> None:
    """No message, bytes that are not the request, or a message nested past protobuf's
    limit: INVALID_ARGUMENT saying so, and nothing reaches the upstream."""
    url, script = scripted
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=url, max_retries=0))
    try:
        reply = await asyncio.to_thread(raw_call, bridge.port, method, message)
    finally:
        await bridge.stop(0)
    assert reply.status == grpc.StatusCode.INVALID_ARGUMENT.value[0], reply
    assert says in reply.message
    assert script.requests == []


async def test_a_request_nested_within_the_limit_goes_through(simulator: str) -> None:
    """A request Struct nested 25 objects deep (within protobuf's limit) is served."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator, max_retries=0))
    try:
        reply = await asyncio.to_thread(raw_call, bridge.port, CREATE, deep_request(25))
    finally:
        await bridge.stop(0)
    assert reply.status == 0, reply.message


@pytest.mark.parametrize(
    "header",
    [(b"x-note", "日本".encode()), (b"x-note", b"\xff\xfe"), (b"x-note", b"a\x01b")],
    ids=["utf-8", "invalid-utf-8", "control"],
)
async def test_odd_metadata_the_bridge_does_not_forward_is_ignored(
    simulator: str, header: tuple[bytes, bytes]
) -> None:
    """Metadata values grpc's clients would refuse to send, on a key the bridge does not
    forward, neither fail nor change the call."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator, max_retries=0))
    try:
        message = Request(model="m", input={"text": "x"}).SerializeToString()
        reply = await asyncio.to_thread(raw_call, bridge.port, CREATE, message, [header])
    finally:
        await bridge.stop(0)
    assert reply.status == 0, reply.message


def _wide_reply(items: int) -> bytes:
    """A Response whose metadata holds a long list of 1s: a few bytes each in JSON, eleven
    each in protobuf, so the message outgrows the JSON."""
    return json.dumps(
        {"id": "resp_1", "object": "response", "output": [], "metadata": {"n": [1] * items}}
    ).encode()


@pytest.mark.parametrize("streaming", [False, True], ids=["unary", "stream"])
async def test_a_reply_over_the_send_limit_is_resource_exhausted_everywhere(
    scripted: tuple[str, Script],
    bridge_for: Callable[..., Any],
    log_output: io.StringIO,
    streaming: bool,
) -> None:
    """A reply whose message passes the send limit ends RESOURCE_EXHAUSTED saying so (a
    stream's events before it reach the client), and the access log records the status
    the client got."""
    url, script = scripted
    limit = 256 * 1024
    body = _wide_reply(100_000)  # 300 KB of JSON, 1.1 MB of protobuf
    assert len(body) < 2 * limit
    if streaming:
        deltas = [
            {"type": "response.output_text.delta", "sequence_number": n, "delta": f"w{n}"}
            for n in range(3)
        ]
        event = {"type": "response.completed", "sequence_number": 3, "response": json.loads(body)}
        script.chunks = [
            b"".join(f"data: {json.dumps(sent)}\n\n".encode() for sent in [*deltas, event])
        ]
    else:
        script.headers = {"content-type": "application/json"}
        script.chunks = [body]
    stub: responses_service_pb2_grpc.ResponsesServiceStub = await bridge_for(
        url, max_message_bytes=2 * limit
    )
    request = Request(model="m", input={"text": "x"})
    received: list[str] = []
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        if streaming:
            async for message in stub.StreamCreateResponse(request):
                received.append(message.output_text_delta.delta)
        else:
            await stub.CreateResponse(request)
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert received == (["w0", "w1", "w2"] if streaming else [])
    assert "over the bridge's message limit" in (failure.value.details() or "")
    # The line is written once the call's work is over, which may be just after the
    # client has its status.
    for _ in range(200):
        lines = access_lines(log_output)
        if lines:
            break
        await asyncio.sleep(0.01)
    (line,) = lines
    assert line["status"] == "RESOURCE_EXHAUSTED"


async def test_small_requests_are_served_while_large_ones_fill_the_budget(
    bridge_for: Callable[..., Any],
) -> None:
    """While large requests hold the budget, a small request is still read at once, and a
    large one that cannot arrive at once is refused RESOURCE_EXHAUSTED."""
    held = asyncio.Event()
    release = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        if length > 100_000:
            held.set()
            await release.wait()
        body = b'{"id": "resp_1", "object": "response", "output": []}'
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    limit = 4 << 20
    stub = await bridge_for(
        f"http://127.0.0.1:{port}/v1",
        max_message_bytes=limit,
        max_inflight_request_bytes=limit + limit // 2,
    )
    large = Request(model="m", input={"text": "x" * (limit - 1024)})
    try:
        first = asyncio.ensure_future(stub.CreateResponse(large, timeout=30))
        await asyncio.wait_for(held.wait(), 10)
        small = await stub.CreateResponse(Request(model="m", input={"text": "hi"}), timeout=10)
        assert small.id == "resp_1"
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateResponse(large, timeout=30)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "BRIDGE_MAX_INFLIGHT_REQUEST_BYTES" in (refused.value.details() or "")
        release.set()
        assert (await first).id == "resp_1"
    finally:
        release.set()
        server.close()


async def test_reflection_needs_the_token_and_health_does_not(
    tmp_path: Any, simulator: str
) -> None:
    """With tokens on, reflection without a token is UNAUTHENTICATED before anything is
    read; the health service answers without one."""
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    tokens = tmp_path / "tokens"
    tokens.write_text("app:a-long-enough-token\n")
    bridge = await start(
        Settings(listen="127.0.0.1:0", upstream_url=simulator, auth_tokens_file=str(tokens))
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
            health = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest()
            )
            assert health.status == health_pb2.HealthCheckResponse.SERVING
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                async for _ in stub.ServerReflectionInfo(iter([request])):
                    pass
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            listed = [
                reply
                async for reply in stub.ServerReflectionInfo(
                    iter([request]), metadata=(("authorization", "Bearer a-long-enough-token"),)
                )
            ]
            assert listed
    finally:
        await bridge.stop(0)
