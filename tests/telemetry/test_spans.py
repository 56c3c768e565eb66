"""The trace of each call: SERVER span, GenAI CLIENT span, HTTP CLIENT span, one trace."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import grpc
import grpc.aio
import orjson
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

from bridge.telemetry.genai import EVENT_COUNT, FIRST_CHUNK_EVENT
from rbridge.responses.v1 import conversations_pb2 as conv
from tests.conftest import Script
from tests.telemetry.conftest import (
    CALLER_METADATA,
    CALLER_SPAN_ID,
    FAIL_MODEL,
    SECRET,
    TRACE_ID,
    BridgeClient,
    Captured,
    Upstream,
    create_request,
)

SERVICE = "rbridge.responses.v1.ResponsesService"


def hex_id(value: int, width: int = 16) -> str:
    return format(value, f"0{width}x")


def layers(spans: list[ReadableSpan]) -> tuple[ReadableSpan, ReadableSpan, ReadableSpan]:
    """The SERVER, GenAI and HTTP spans of one call."""
    server = next(s for s in spans if s.kind is SpanKind.SERVER)
    genai = next(s for s in spans if s.kind is SpanKind.CLIENT and s.name.startswith("chat"))
    http = next(s for s in spans if s.kind is SpanKind.CLIENT and s is not genai)
    return server, genai, http


async def call(client: BridgeClient, stream: bool, text: str = "Hello", **fields: Any) -> Any:
    """Make one call with the caller's trace context; the reply or the events."""
    request = create_request(text, **fields)
    if stream:
        return [
            event
            async for event in client.stub.StreamCreateResponse(request, metadata=CALLER_METADATA)
        ]
    return await client.stub.CreateResponse(request, metadata=CALLER_METADATA)


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
async def test_one_trace_from_the_caller_to_the_upstream(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any], stream: bool
) -> None:
    """The caller's traceparent continues through SERVER, GenAI and HTTP spans, and the
    HTTP span's context (with the caller's baggage) reaches the upstream."""
    client = await bridge_at(upstream.url)
    await call(client, stream, "Count 5 words")
    server, genai, http = layers(await otel.wait_spans(3))
    for span in (server, genai, http):
        assert hex_id(span.context.trace_id, 32) == TRACE_ID
    assert server.parent is not None and hex_id(server.parent.span_id) == CALLER_SPAN_ID
    assert server.parent.is_remote
    assert genai.parent is not None and genai.parent.span_id == server.context.span_id
    assert http.parent is not None and http.parent.span_id == genai.context.span_id
    headers = upstream.requests[-1].headers
    assert headers["traceparent"] == f"00-{TRACE_ID}-{hex_id(http.context.span_id)}-01"
    assert "tenant=acme" in headers.get("baggage", "")


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
async def test_server_span_describes_the_rpc(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any], stream: bool
) -> None:
    """The SERVER span carries rpc.*, peer and server attributes and the final status."""
    client = await bridge_at(upstream.url)
    await call(client, stream)
    server, _, _ = layers(await otel.wait_spans(3))
    method = "StreamCreateResponse" if stream else "CreateResponse"
    assert server.name == f"{SERVICE}/{method}"
    attributes = dict(server.attributes or {})
    assert attributes["rpc.system"] == "grpc"
    assert attributes["rpc.service"] == SERVICE
    assert attributes["rpc.method"] == method
    assert attributes["rpc.grpc.status_code"] == 0
    assert attributes["network.peer.address"] == "127.0.0.1"
    assert isinstance(attributes["network.peer.port"], int)
    assert attributes["server.address"] == "127.0.0.1"
    assert attributes["server.port"] == client.bridge.port
    assert server.status.status_code is StatusCode.UNSET


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
async def test_genai_span_has_request_and_response_attributes(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any], stream: bool
) -> None:
    """The GenAI span is `chat {model}` with the request settings, the response's id,
    model, finish reasons and usage, and the upstream's address."""
    client = await bridge_at(upstream.url)
    await call(
        client,
        stream,
        temperature=0.25,
        top_p=0.5,
        max_output_tokens=64,
        reasoning={"effort": "low"},
        previous_response_id="resp_prev",
        service_tier="flex",
    )
    _, genai, _ = layers(await otel.wait_spans(3))
    assert genai.name == "chat gpt-test"
    attributes = dict(genai.attributes or {})
    expected = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "openai.api.type": "responses",
        "gen_ai.request.model": "gpt-test",
        "gen_ai.request.stream": stream,
        "gen_ai.request.temperature": 0.25,
        "gen_ai.request.top_p": 0.5,
        "gen_ai.request.max_tokens": 64,
        "gen_ai.request.reasoning.level": "low",
        "gen_ai.request.previous_response.id": "resp_prev",
        "openai.request.service_tier": "flex",
        "gen_ai.response.model": "gpt-test",
        "gen_ai.response.finish_reasons": ("stop",),
        "server.address": "127.0.0.1",
        "server.port": upstream.port,
    }
    assert {key: attributes.get(key) for key in expected} == expected
    assert str(attributes["gen_ai.response.id"]).startswith("resp_")
    assert attributes["gen_ai.usage.input_tokens"] > 0
    assert attributes["gen_ai.usage.output_tokens"] > 0
    assert attributes["gen_ai.usage.cache_read.input_tokens"] == 0
    assert attributes["gen_ai.usage.reasoning.output_tokens"] == 0
    assert "error.type" not in attributes


async def test_unset_request_settings_are_not_recorded(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """Settings the request did not set leave no attribute behind."""
    client = await bridge_at(upstream.url)
    await call(client, False)
    _, genai, _ = layers(await otel.wait_spans(3))
    attributes = dict(genai.attributes or {})
    for absent in (
        "gen_ai.request.temperature",
        "gen_ai.request.top_p",
        "gen_ai.request.max_tokens",
        "gen_ai.request.seed",
        "gen_ai.request.reasoning.level",
        "gen_ai.request.previous_response.id",
        "gen_ai.conversation.id",
    ):
        assert absent not in attributes


async def test_stream_spans_end_with_the_stream(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """A stream's spans end after its last event, with the time to first event, a
    first-chunk span event and the event count."""
    client = await bridge_at(upstream.url)
    request = create_request("Count 30 words")
    received: list[int] = []
    async for _ in client.stub.StreamCreateResponse(request, metadata=CALLER_METADATA):
        received.append(time.time_ns())
    server, genai, http = layers(await otel.wait_spans(3))
    attributes = dict(genai.attributes or {})
    assert attributes[EVENT_COUNT] == len(received)
    first = attributes["gen_ai.response.time_to_first_chunk"]
    assert isinstance(first, float) and 0 < first < (genai.end_time or 0) / 1e9
    assert [event.name for event in genai.events] == [FIRST_CHUNK_EVENT]
    assert genai.start_time is not None and genai.events[0].timestamp > genai.start_time
    # Ended with the stream (30 deltas 2 ms apart), not when the handler
    # returned its generator, before any event.
    assert (server.end_time or 0) >= received[len(received) // 2]
    assert (genai.end_time or 0) >= received[len(received) // 2]
    assert (server.end_time or 0) >= (genai.end_time or 0) >= (http.end_time or 0)


async def test_conversation_calls_name_their_conversation(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """gen_ai.conversation.id is on the GenAI span of every call that has one: from the reply
    of CreateConversation, from the path of the calls on a conversation, from the body of a
    create request; an item's id and status are never taken for a response's."""
    client = await bridge_at(upstream.url)
    created = await client.stub.CreateConversation(conv.CreateConversationRequest())
    cid = created.id
    added = await client.stub.CreateConversationItems(
        conv.CreateConversationItemsRequest(
            conversation_id=cid, items=[{"message": {"role": "user", "content": {"text": "hi"}}}]
        )
    )
    await client.stub.GetConversationItem(
        conv.GetConversationItemRequest(conversation_id=cid, item_id=added.last_id)
    )
    await client.stub.ListConversationItems(conv.ListConversationItemsRequest(conversation_id=cid))
    await call(client, False, conversation=cid)
    genai = [
        span
        for span in await otel.wait_spans(15)
        if span.kind is SpanKind.CLIENT and span.name.startswith("chat")
    ]
    assert len(genai) == 5
    for span in genai:
        attributes = dict(span.attributes or {})
        assert attributes["gen_ai.conversation.id"] == cid, span.name
    item_span = dict(genai[2].attributes or {})
    for absent in (
        "gen_ai.response.id",
        "gen_ai.response.status",
        "gen_ai.response.finish_reasons",
    ):
        assert absent not in item_span
    assert str(dict(genai[4].attributes or {})["gen_ai.response.id"]).startswith("resp_")


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
async def test_failed_call_sets_error_type_without_the_key(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any], stream: bool
) -> None:
    """An upstream 401 gives the GenAI span error.type from the upstream's code and an
    ERROR status whose message has the echoed key redacted; the SERVER span records
    UNAUTHENTICATED (a client error: status left unset)."""
    client = await bridge_at(upstream.url)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(client, stream, model=FAIL_MODEL)
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    server, genai, http = layers(await otel.wait_spans(3))
    genai_attributes = dict(genai.attributes or {})
    assert genai_attributes["error.type"] == "invalid_api_key"
    assert genai.status.status_code is StatusCode.ERROR
    assert "[REDACTED]" in (genai.status.description or "")
    assert SECRET not in (genai.status.description or "")
    server_attributes = dict(server.attributes or {})
    assert server_attributes["rpc.grpc.status_code"] == grpc.StatusCode.UNAUTHENTICATED.value[0]
    assert server_attributes["error.type"] == "UNAUTHENTICATED"
    assert server.status.status_code is StatusCode.UNSET
    assert 401 in dict(http.attributes or {}).values()


async def test_cancelled_stream_ends_its_spans_as_cancelled(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """A stream the client cancels ends its GenAI span with error.type "cancelled" and
    its SERVER span with CANCELLED, and still records its metrics."""
    client = await bridge_at(upstream.url)
    stream = client.stub.StreamCreateResponse(
        create_request("Count 2000 words"), metadata=CALLER_METADATA
    )
    seen = 0
    async for _ in stream:
        seen += 1
        if seen == 5:
            stream.cancel()
            break
    server, genai, _ = layers(await otel.wait_spans(3))
    assert dict(genai.attributes or {})["error.type"] == "cancelled"
    assert genai.status.status_code is StatusCode.ERROR
    assert dict(genai.attributes or {})[EVENT_COUNT] >= 5
    server_attributes = dict(server.attributes or {})
    assert server_attributes["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]
    assert server_attributes["error.type"] == "CANCELLED"
    durations = otel.points("gen_ai.client.operation.duration")
    assert [labels.get("error.type") for labels, _ in durations] == ["cancelled"]
    rpc = otel.points("rpc.server.duration")
    assert [labels["rpc.grpc.status_code"] for labels, _ in rpc] == [1]


@pytest.mark.parametrize(
    ("capture", "limit"), [(False, 16384), (True, 16384), (True, 200)], ids=["off", "on", "capped"]
)
async def test_content_is_recorded_only_when_enabled(
    otel: Captured,
    upstream: Upstream,
    bridge_at: Callable[..., Any],
    capture: bool,
    limit: int,
) -> None:
    """Prompts and outputs reach the span only with capture_content on, as JSON no
    larger than the cap."""
    client = await bridge_at(upstream.url, capture_content=capture, capture_content_max_bytes=limit)
    prompt = "Count 80 words " + "please " * 60
    await call(client, False, prompt, instructions="Be brief.")
    _, genai, _ = layers(await otel.wait_spans(3))
    attributes = dict(genai.attributes or {})
    keys = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions")
    if not capture:
        assert not any(key in attributes for key in keys)
        assert not any("please" in str(value) for value in attributes.values())
        return
    for key in keys:
        text = str(attributes[key])
        assert len(text.encode()) <= limit
        orjson.loads(text)
    messages = orjson.loads(str(attributes["gen_ai.input.messages"]))
    assert messages[0]["role"] == "user"
    if limit > 1000:
        assert messages[0]["parts"][0]["content"] == prompt
        output = orjson.loads(str(attributes["gen_ai.output.messages"]))
        assert output[0]["role"] == "assistant" and output[0]["finish_reason"] == "stop"


async def test_health_checks_are_not_traced(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """Health probes produce no spans."""
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    client = await bridge_at(upstream.url)
    health = health_pb2_grpc.HealthStub(client.channel)
    await health.Check(health_pb2.HealthCheckRequest())
    await asyncio.sleep(0.05)
    assert otel.spans() == []


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
async def test_unreachable_upstream_is_a_server_error(
    otel: Captured, bridge_at: Callable[..., Any], refusing: Callable[[], int], stream: bool
) -> None:
    """An upstream that cannot be reached ends the call UNAVAILABLE: the SERVER span's
    status is ERROR and the GenAI span's error.type is the code name."""
    client = await bridge_at(f"http://127.0.0.1:{refusing()}/v1")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(client, stream)
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    server, genai, _ = layers(await otel.wait_spans(3))
    assert server.status.status_code is StatusCode.ERROR
    assert dict(server.attributes or {})["rpc.grpc.status_code"] == 14
    assert dict(genai.attributes or {})["error.type"] == "UNAVAILABLE"


async def test_the_server_span_has_the_status_the_client_got(
    otel: Captured, scripted: tuple[str, Script], bridge_at: Callable[..., Any]
) -> None:
    """A reply the bridge refuses to send (over its message limit) ends the SERVER span with
    RESOURCE_EXHAUSTED, the status the client received, not OK."""
    url, script = scripted
    script.headers = {"content-type": "application/json"}
    body = {"id": "resp_1", "object": "response", "output": [], "metadata": {"n": [1] * 50_000}}
    script.chunks = [orjson.dumps(body)]
    client = await bridge_at(url, max_message_bytes=256 * 1024)
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await client.stub.CreateResponse(create_request())
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    spans = await otel.wait_spans(2)
    (server,) = [span for span in spans if span.kind == SpanKind.SERVER]
    assert server.attributes["rpc.grpc.status_code"] == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    durations = otel.points("rpc.server.duration")
    assert [labels["rpc.grpc.status_code"] for labels, _ in durations] == [8]
