"""One access log line per RPC, through the structlog pipeline."""

from __future__ import annotations

import asyncio
import contextvars
import io
from collections.abc import Callable
from typing import Any

import grpc
import grpc.aio
import pytest
from opentelemetry.trace import SpanKind

from bridge.telemetry.genai import GenAITelemetry
from bridge.telemetry.scope import set_caller
from rbridge.responses.v1 import conversations_pb2 as conv
from tests.conftest import access_lines
from tests.telemetry.conftest import (
    CALLER_METADATA,
    FAIL_MODEL,
    TRACE_ID,
    Captured,
    Upstream,
    create_request,
    edge_for,
)


async def test_unary_line_has_every_field(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any], log_output: io.StringIO
) -> None:
    """A unary call's line names peer, caller, method, model, status, timing, tokens,
    response and upstream request ids, and the trace and span of the SERVER span."""
    client = await bridge_at(upstream.url)
    reply = await client.stub.CreateResponse(create_request(), metadata=CALLER_METADATA)
    (line,) = access_lines(log_output)
    server = next(s for s in otel.spans() if s.kind is SpanKind.SERVER)
    assert line["event"] == "rpc" and line["level"] == "info"
    assert line["peer"].startswith("ipv4:127.0.0.1:")
    assert line["caller"] == "svc-a"
    assert line["method"] == "/rbridge.responses.v1.ResponsesService/CreateResponse"
    assert line["model"] == "gpt-test"
    assert line["status"] == "OK"
    assert line["duration_ms"] > 0
    assert line["input_tokens"] > 0 and line["output_tokens"] > 0
    assert line["response_id"] == reply.id
    assert line["upstream_request_id"].startswith("req_")
    assert line["trace_id"] == TRACE_ID
    assert line["span_id"] == format(server.context.span_id, "016x")
    assert "time_to_first_event_ms" not in line


async def test_lines_name_the_conversation(
    upstream: Upstream, bridge_at: Callable[..., Any], log_output: io.StringIO
) -> None:
    """A call on a conversation, or a create request in one, logs its conversation_id; a
    conversation's id is not logged as a response id."""
    client = await bridge_at(upstream.url)
    created = await client.stub.CreateConversation(conv.CreateConversationRequest())
    await client.stub.GetConversation(conv.GetConversationRequest(conversation_id=created.id))
    reply = await client.stub.CreateResponse(create_request(conversation=created.id))
    await client.stub.CreateResponse(create_request())
    lines = access_lines(log_output)
    assert [line.get("conversation_id") for line in lines] == [created.id] * 3 + [None]
    assert [line.get("response_id") for line in lines] == [
        None,
        None,
        reply.id,
        lines[3]["response_id"],
    ]


async def test_stream_line_has_time_to_first_event(
    upstream: Upstream, bridge_at: Callable[..., Any], log_output: io.StringIO
) -> None:
    """A stream's line has its time to first event and event count, tracing off or on."""
    client = await bridge_at(upstream.url)
    events = [e async for e in client.stub.StreamCreateResponse(create_request("Count 4 words"))]
    (line,) = access_lines(log_output)
    assert line["events"] == len(events) == line["messages_sent"]
    assert 0 < line["time_to_first_event_ms"] <= line["duration_ms"]
    assert "trace_id" not in line


async def test_failed_call_line(
    upstream: Upstream, bridge_at: Callable[..., Any], log_output: io.StringIO
) -> None:
    """A failed call's line has the gRPC status, the error type and the upstream request id."""
    client = await bridge_at(upstream.url)
    with pytest.raises(grpc.aio.AioRpcError):
        await client.stub.CreateResponse(create_request(model=FAIL_MODEL))
    (line,) = access_lines(log_output)
    assert line["status"] == "UNAUTHENTICATED"
    assert line["error_type"] == "invalid_api_key"
    assert line["upstream_request_id"] == "req_denied"


@pytest.mark.parametrize(("level", "expected"), [("debug", "debug"), ("warning", "warning")])
async def test_level_is_configurable(
    upstream: Upstream,
    bridge_at: Callable[..., Any],
    log_output: io.StringIO,
    level: str,
    expected: str,
) -> None:
    """The access line is written at the configured level."""
    client = await bridge_at(upstream.url, access_log_level=level)
    await client.stub.CreateResponse(create_request())
    (line,) = access_lines(log_output)
    assert line["level"] == expected


async def test_access_log_can_be_turned_off(
    upstream: Upstream, bridge_at: Callable[..., Any], log_output: io.StringIO
) -> None:
    """With the access log off and no telemetry, no line and no trace context upstream."""
    client = await bridge_at(upstream.url, access_log_level="off")
    await client.stub.CreateResponse(create_request())
    assert access_lines(log_output) == []
    assert "traceparent" not in upstream.requests[-1].headers


class _NamesCaller(grpc.aio.ServerInterceptor):
    """Stands in for a future authentication interceptor."""

    async def intercept_service(self, continuation: Any, details: Any) -> Any:
        set_caller("alice")
        return await continuation(details)


@pytest.mark.parametrize("metadata", [(), (("x-caller", "svc-a"),)], ids=["bare", "with-key"])
async def test_an_authenticating_interceptor_names_the_caller(
    log_output: io.StringIO, metadata: tuple[tuple[str, str], ...]
) -> None:
    """set_caller from an interceptor after the edge wins over the configured metadata key."""
    telemetry = edge_for("t.Echo", caller_key="x-caller")

    async def echo(request: bytes, context: Any) -> bytes:
        return request

    server = grpc.aio.server(interceptors=[telemetry, _NamesCaller()])
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "t.Echo", {"Say": grpc.unary_unary_rpc_method_handler(echo)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            assert await channel.unary_unary("/t.Echo/Say")(b"hi", metadata=metadata) == b"hi"
    finally:
        await server.stop(0)
    (line,) = access_lines(log_output)
    assert line["caller"] == "alice" and line["method"] == "/t.Echo/Say"


def test_set_caller_outside_an_rpc_only_touches_its_own_context() -> None:
    """set_caller with no RPC running names no RPC; the name stays in its context."""
    from bridge.telemetry.scope import current_scope, pending_caller

    context = contextvars.copy_context()
    context.run(set_caller, "someone")
    assert context.run(pending_caller) == "someone"
    assert pending_caller() is None and current_scope() is None


async def test_line_waits_for_a_record_ended_after_the_rpc(log_output: io.StringIO) -> None:
    """When the handler's call record ends only after the RPC (a stream generator left
    to the garbage collector), the access line waits for it and carries its model."""
    telemetry = GenAITelemetry(tracer=None, instruments=None, upstream_url="http://127.0.0.1:9/v1")
    ended = asyncio.Event()

    async def leaves_record_open(request: bytes, context: Any) -> bytes:
        record = telemetry.start_call(rpc="Late", request={"model": "gpt-late"}, stream=False)

        def end() -> None:
            record.end(cancelled=True)
            ended.set()

        asyncio.get_running_loop().call_later(0.1, end)
        return request

    server = grpc.aio.server(interceptors=[edge_for("t.Late")])
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "t.Late", {"Call": grpc.unary_unary_rpc_method_handler(leaves_record_open)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await channel.unary_unary("/t.Late/Call")(b"x")
            assert access_lines(log_output) == []
            await asyncio.wait_for(ended.wait(), 5)
    finally:
        await server.stop(0)
    (line,) = access_lines(log_output)
    assert line["model"] == "gpt-late" and line["error_type"] == "cancelled"
    assert line["status"] == "OK"


async def test_bearer_authenticated_client_is_the_caller(
    upstream: Upstream,
    bridge_at: Callable[..., Any],
    log_output: io.StringIO,
    tmp_path: Any,
) -> None:
    """With bearer tokens on, the access line names the token's client; refusals are logged."""
    tokens = tmp_path / "tokens"
    tokens.write_text("billing-service:tok-1\n")
    client = await bridge_at(upstream.url, auth_tokens_file=str(tokens))
    await client.stub.CreateResponse(
        create_request(), metadata=(("authorization", "Bearer tok-1"), *CALLER_METADATA)
    )
    with pytest.raises(grpc.aio.AioRpcError):
        await client.stub.CreateResponse(create_request())
    accepted, refused = access_lines(log_output)
    assert (accepted["caller"], accepted["status"]) == ("billing-service", "OK")
    assert refused["status"] == "UNAUTHENTICATED" and "caller" not in refused
