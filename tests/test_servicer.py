"""The bridge end to end: a real grpc.aio server, a real HTTP upstream, real SSE bytes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pydantic
import pytest
from google.rpc import error_details_pb2, status_pb2
from openai.types.responses import Response as OpenAIResponse
from openai.types.responses import ResponseStreamEvent as OpenAIEvent

from bridge import codec
from bridge.client import output_text
from rbridge.responses.v1 import items_pb2, responses_service_pb2, tools_pb2
from tests.conftest import (
    Script,
    assert_same_json,
    fixture_files,
    normalized,
    sse_payloads,
)

Request = responses_service_pb2.CreateResponseRequest

_EVENTS = pydantic.TypeAdapter(OpenAIEvent)


def _details(error: grpc.aio.AioRpcError) -> list[Any]:
    """The google.rpc.Status details of a failed call, unpacked."""
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert raw is not None, "no rich status details"
    status = status_pb2.Status.FromString(raw)
    unpacked = []
    for detail in status.details:
        for kind in (error_details_pb2.ErrorInfo, error_details_pb2.BadRequest):
            if detail.Is(kind.DESCRIPTOR):
                message = kind()
                detail.Unpack(message)
                unpacked.append(message)
    return unpacked


async def test_unary_returns_the_simulators_answer(stub: Any) -> None:
    """CreateResponse returns the upstream's Response, typed and complete."""
    response = await stub.CreateResponse(Request(model="gpt-test", input={"text": "Hello"}))
    assert response.status == "completed"
    assert output_text(response) == "You said: Hello"
    assert response.usage.total_tokens > 0
    OpenAIResponse.model_validate(codec.to_json(response))


async def test_stream_returns_every_event_in_order(stub: Any) -> None:
    """StreamCreateResponse sends one message per upstream event, in sequence order."""
    events = [
        event
        async for event in stub.StreamCreateResponse(
            Request(model="gpt-test", input={"text": "count 20 words"})
        )
    ]
    types = [codec.event_type(event) for event in events]
    assert types[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert types[-1] == "response.completed"
    deltas = "".join(e.output_text_delta.delta for e in events if e.HasField("output_text_delta"))
    assert deltas == output_text(events[-1].completed.response)
    sequence = [codec.to_json(event)["sequence_number"] for event in events]
    assert sequence == list(range(len(events)))
    for event in events:
        _EVENTS.validate_python(codec.to_json(event))


async def test_function_tools_yield_a_function_call(stub: Any) -> None:
    """A request with a function tool gets a typed function_call item back."""
    tool = tools_pb2.Tool(function=tools_pb2.FunctionTool(name="lookup", parameters={}))
    response = await stub.CreateResponse(
        Request(model="gpt-test", input={"text": "find it"}, tools=[tool])
    )
    item = response.output[0]
    assert item.WhichOneof("item") == "function_call"
    assert item.function_call.name == "lookup"
    assert json.loads(item.function_call.arguments)


async def test_request_reaches_upstream_as_the_api_json(
    scripted: tuple[str, Script], bridge_for: Callable[[str], Any]
) -> None:
    """The upstream receives the request as Responses API JSON, extra fields merged in."""
    url, script = scripted
    script.headers = {"content-type": "application/json"}
    script.chunks = [json.dumps({"id": "resp_1", "object": "response", "output": []}).encode()]
    stub = await bridge_for(url)
    request = codec.from_json(
        {
            "model": "m",
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
            "temperature": 0.5,
            "provider_option": {"a": 1},
        },
        Request,
    )
    await stub.CreateResponse(request)
    assert script.requests == [
        {
            "model": "m",
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
            "temperature": 0.5,
            "provider_option": {"a": 1},
            "stream": False,
        }
    ]


RECORDED = fixture_files("sse", "*.sse") + fixture_files("seeds", "*.sse")


async def _events(stub: Any, request: Request, batched: bool) -> AsyncIterator[Any]:
    """The events of StreamCreateResponse, or of its batched twin, one by one."""
    if not batched:
        async for event in stub.StreamCreateResponse(request):
            yield event
        return
    async for batch in stub.StreamCreateResponseBatched(request):
        for event in batch.events:
            yield event


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.name)
async def test_recorded_streams_reach_the_client_unchanged(
    path: Path, scripted: tuple[str, Script], bridge_for: Callable[[str], Any], batched: bool
) -> None:
    """Every recorded stream, replayed as real SSE bytes, arrives event for event, one per
    message or batched."""
    url, script = scripted
    raw = path.read_bytes()  # noqa: ASYNC240 - a small local fixture, read once
    script.chunks = [raw[i : i + 777] for i in range(0, len(raw), 777)]
    stub = await bridge_for(url)
    received = []
    with pytest.raises(grpc.aio.AioRpcError) if _fails(raw) else _nothing() as failure:
        async for event in _events(stub, Request(model="m", input={"text": "x"}), batched):
            received.append(codec.to_json(event))
    expected = sse_payloads(raw)
    assert len(received) == len(expected)
    for got, want in zip(received, expected, strict=True):
        assert_same_json(normalized(got), normalized(want))
    if failure is not None:
        assert failure.value.code() != grpc.StatusCode.OK


def _fails(raw: bytes) -> bool:
    """Whether a recorded stream lacks a successful terminal event."""
    types = {event.get("type") for event in sse_payloads(raw)}
    return not types & {"response.completed", "response.incomplete"} or bool(
        types & {"error", "response.failed"}
    )


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


async def test_first_event_arrives_before_the_upstream_finishes(
    scripted: tuple[str, Script], bridge_for: Callable[[str], Any]
) -> None:
    """Events are forwarded as they are decoded; nothing waits for the whole stream."""
    url, script = scripted
    raw = (fixture_files("sse", "text_answer_gpt41.sse")[0]).read_bytes()
    first, rest = raw.split(b"\n\n", 1)
    script.chunks = [first + b"\n\n", rest]
    script.hold_before = 1
    stub = await bridge_for(url)
    call = stub.StreamCreateResponse(Request(model="m", input={"text": "x"}))
    iterator = call.__aiter__()
    first_event = await asyncio.wait_for(iterator.__anext__(), timeout=10)
    assert codec.event_type(first_event) == "response.created"
    assert not script.finished.is_set()
    script.release.set()
    remaining = [event async for event in iterator]
    assert codec.event_type(remaining[-1]) == "response.completed"


@pytest.mark.parametrize(
    ("status", "body", "code", "reason"),
    [
        (
            400,
            b'{"error": {"message": "bad model", "type": "invalid_request_error",'
            b' "param": "model", "code": "model_not_found"}}',
            grpc.StatusCode.INVALID_ARGUMENT,
            "MODEL_NOT_FOUND",
        ),
        (
            401,
            b'{"error": {"message": "no key", "type": "auth_error", "code": null}}',
            grpc.StatusCode.UNAUTHENTICATED,
            "AUTH_ERROR",
        ),
        (
            429,
            b'{"error": {"message": "slow down", "type": "requests",'
            b' "code": "rate_limit_exceeded"}}',
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "RATE_LIMIT_EXCEEDED",
        ),
        (502, b"<html>Bad Gateway</html>", grpc.StatusCode.UNAVAILABLE, "UNAVAILABLE"),
    ],
)
@pytest.mark.parametrize("streaming", [False, True], ids=["unary", "stream"])
async def test_upstream_http_errors_end_the_call_with_the_mapped_status(
    scripted: tuple[str, Script],
    bridge_for: Callable[[str], Any],
    status: int,
    body: bytes,
    code: grpc.StatusCode,
    reason: str,
    streaming: bool,
) -> None:
    """An upstream HTTP error becomes its gRPC code, with the upstream's message and details."""
    url, script = scripted
    script.status = status
    script.headers = {"content-type": "application/json" if body[:1] == b"{" else "text/html"}
    script.chunks = [body]
    stub = await bridge_for(url)
    request = Request(model="m", input={"text": "x"})
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        if streaming:
            async for _ in stub.StreamCreateResponse(request):
                pass
        else:
            await stub.CreateResponse(request)
    assert failure.value.code() == code
    assert f"HTTP {status}" in (failure.value.details() or "")
    info = next(d for d in _details(failure.value) if isinstance(d, error_details_pb2.ErrorInfo))
    assert info.reason == reason
    assert info.metadata["http_status"] == str(status)


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
async def test_in_stream_error_is_delivered_then_fails_the_call(
    scripted: tuple[str, Script], bridge_for: Callable[[str], Any], batched: bool
) -> None:
    """An error event and the response.failed after it reach the client; then a non-OK status."""
    url, script = scripted
    script.chunks = [
        fixture_files("sse", "error_then_failed_insufficient_quota.sse")[0].read_bytes()
    ]
    stub = await bridge_for(url)
    received = []
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        async for event in _events(stub, Request(model="m", input={"text": "x"}), batched):
            received.append(codec.event_type(event))
    assert received[-2:] == ["error", "response.failed"]
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "insufficient_quota" in (failure.value.details() or "")


@pytest.mark.parametrize(
    ("chunks", "fragment"),
    [
        ([b'data: {"type":"response.created","response":{}}\n\n'], "without response.completed"),
        ([b"data: {not json\n\n"], "invalid JSON"),
        ([b"data: [1, 2]\n\n"], "not a JSON object"),
    ],
    ids=["cut-short", "invalid-json", "not-an-object"],
)
@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
async def test_broken_streams_end_non_ok(
    scripted: tuple[str, Script],
    bridge_for: Callable[[str], Any],
    chunks: list[bytes],
    fragment: str,
    batched: bool,
) -> None:
    """A stream that stops early or carries malformed JSON never ends OK."""
    url, script = scripted
    script.chunks = chunks
    stub = await bridge_for(url)
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        async for _ in _events(stub, Request(model="m", input={"text": "x"}), batched):
            pass
    assert failure.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL)
    assert fragment in (failure.value.details() or "")


async def test_unknown_event_types_and_keys_reach_the_client(
    scripted: tuple[str, Script], bridge_for: Callable[[str], Any]
) -> None:
    """An unknown event type and an unknown key are forwarded, and the stream ends OK."""
    url, script = scripted
    events = [
        {"type": "response.created", "response": {"id": "r"}, "sequence_number": 0, "shard": 7},
        {"type": "response.hologram.delta", "delta": "x", "sequence_number": 1},
        {"type": "response.completed", "response": {"id": "r"}, "sequence_number": 2},
    ]
    script.chunks = [
        b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    ]
    stub = await bridge_for(url)
    received = [
        event async for event in stub.StreamCreateResponse(Request(model="m", input={"text": "x"}))
    ]
    assert received[0].created.extra_fields["shard"].number_value == 7
    assert received[1].WhichOneof("event") == "unknown"
    assert [codec.to_json(e) for e in received][:2] == [
        {**events[0], "response": {"id": "r", "output": [], "tools": [], "metadata": {}}},
        events[1],
    ]


async def test_invalid_requests_name_the_field(stub: Any) -> None:
    """A request without model and with temperature out of range is INVALID_ARGUMENT per field."""
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await stub.CreateResponse(Request(input={"text": "x"}, temperature=3.0))
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    (bad_request,) = _details(failure.value)
    assert [v.field for v in bad_request.field_violations] == ["model", "temperature"]


async def test_item_input_round_trips_through_the_bridge(stub: Any) -> None:
    """Typed input items reach the simulator, whose answer echoes the user's text."""
    message = items_pb2.MessageItem(role="user", content={"text": "typed hello"})
    response = await stub.CreateResponse(
        Request(model="m", input=items_pb2.Input(items={"items": [{"message": message}]}))
    )
    assert output_text(response) == "You said: typed hello"
