"""Pure attribute extraction from request and response JSON, errors and peers."""

from __future__ import annotations

from typing import Any

import grpc
import orjson
import pytest

from bridge.errors import UpstreamError
from bridge.telemetry import attributes as attrs


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"model": "m", "temperature": 1}, {"gen_ai.request.temperature": 1.0}),
        ({"model": "m", "top_p": 0.9}, {"gen_ai.request.top_p": 0.9}),
        ({"model": "m", "max_output_tokens": 50}, {"gen_ai.request.max_tokens": 50}),
        ({"model": "m", "seed": 7}, {"gen_ai.request.seed": 7}),
        (
            {"model": "m", "reasoning": {"effort": "high"}},
            {"gen_ai.request.reasoning.level": "high"},
        ),
        (
            {"model": "m", "previous_response_id": "resp_1"},
            {"gen_ai.request.previous_response.id": "resp_1"},
        ),
        ({"model": "m", "conversation": "conv_1"}, {"gen_ai.conversation.id": "conv_1"}),
        ({"model": "m", "conversation": {"id": "conv_2"}}, {"gen_ai.conversation.id": "conv_2"}),
        (
            {"model": "m", "text": {"format": {"type": "json_schema"}}},
            {"gen_ai.output.type": "json"},
        ),
        ({"model": "m", "frequency_penalty": 0.5}, {"gen_ai.request.frequency_penalty": 0.5}),
        ({"model": "m", "temperature": True}, {}),
        ({"model": "m", "max_output_tokens": 1.5}, {}),
    ],
    ids=[
        "temperature",
        "top_p",
        "max_tokens",
        "seed",
        "reasoning",
        "previous",
        "conversation-id",
        "conversation-object",
        "output-type",
        "penalty",
        "bool-is-not-a-number",
        "float-is-not-a-count",
    ],
)
def test_request_settings(body: dict[str, Any], expected: dict[str, Any]) -> None:
    """Each request setting that is set maps to its attribute; wrong JSON types are skipped."""
    result = attrs.request_attributes(body, provider="openai", stream=False, endpoint=None)
    base = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "openai.api.type": "responses",
        "gen_ai.request.stream": False,
        "gen_ai.request.model": "m",
    }
    assert result == {**base, **expected}


@pytest.mark.parametrize(
    ("response", "reasons"),
    [
        ({"status": "completed"}, ["stop"]),
        (
            {"status": "incomplete", "incomplete_details": {"reason": "content_filter"}},
            ["content_filter"],
        ),
        ({"status": "failed"}, ["error"]),
        ({"status": "in_progress"}, []),
        ({}, []),
    ],
    ids=["completed", "incomplete", "failed", "in-progress", "none"],
)
def test_finish_reasons(response: dict[str, Any], reasons: list[str]) -> None:
    """Finish reasons come from incomplete_details, else from the status."""
    assert attrs.finish_reasons(response) == reasons


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {"id": "conv_1", "object": "conversation", "created_at": 1, "metadata": {}},
            {"gen_ai.conversation.id": "conv_1"},
        ),
        (
            {"id": "conv_2", "object": "conversation.deleted", "deleted": True},
            {"gen_ai.conversation.id": "conv_2"},
        ),
        ({"id": "msg_1", "type": "message", "status": "completed", "role": "user"}, {}),
        (
            {"id": "resp_1", "object": "response", "status": "completed", "conversation": "conv_3"},
            {
                "gen_ai.response.id": "resp_1",
                "gen_ai.response.status": "completed",
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.conversation.id": "conv_3",
            },
        ),
    ],
    ids=["conversation", "deleted-conversation", "item", "response-in-a-conversation"],
)
def test_replies_about_conversations(reply: dict[str, Any], expected: dict[str, Any]) -> None:
    """A conversation reply names only its conversation, an item reply nothing (its id and
    status are not a response's), a Response its own conversation."""
    assert attrs.response_attributes(reply, attrs.usage(reply)) == expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (None, None),
        ({"usage": None}, None),
        ({"usage": {"input_tokens": 3, "output_tokens": 2}}, attrs.Usage(3, 2, None, None)),
        (
            {
                "usage": {
                    "input_tokens": 3,
                    "output_tokens": 2,
                    "input_tokens_details": {"cached_tokens": 1},
                    "output_tokens_details": {"reasoning_tokens": 1},
                }
            },
            attrs.Usage(3, 2, 1, 1),
        ),
    ],
    ids=["no-response", "no-usage", "plain", "details"],
)
def test_usage(response: dict[str, Any] | None, expected: attrs.Usage | None) -> None:
    """Usage counts are read from the Response, details included when present."""
    assert attrs.usage(response) == expected


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            UpstreamError(
                grpc.StatusCode.RESOURCE_EXHAUSTED, "x", error_code="rate_limit_exceeded"
            ),
            "rate_limit_exceeded",
        ),
        (
            UpstreamError(grpc.StatusCode.DEADLINE_EXCEEDED, "upstream read timed out"),
            "DEADLINE_EXCEEDED",
        ),
        (UpstreamError(grpc.StatusCode.UNAVAILABLE, "x", http_status=503), "UNAVAILABLE"),
    ],
    ids=["upstream-code", "timeout", "http-status"],
)
def test_error_type(error: UpstreamError, expected: str) -> None:
    """error.type is the upstream's error code, else the gRPC code name."""
    assert attrs.error_type(error) == expected


@pytest.mark.parametrize(
    ("peer", "expected"),
    [
        (
            "ipv4:10.1.2.3:5000",
            {
                "network.type": "ipv4",
                "network.transport": "tcp",
                "network.peer.address": "10.1.2.3",
                "network.peer.port": 5000,
                "client.address": "10.1.2.3",
                "client.port": 5000,
            },
        ),
        (
            "ipv6:[::1]:6000",
            {
                "network.type": "ipv6",
                "network.transport": "tcp",
                "network.peer.address": "::1",
                "network.peer.port": 6000,
                "client.address": "::1",
                "client.port": 6000,
            },
        ),
        ("unix:/run/b.sock", {"network.transport": "unix", "network.peer.address": "/run/b.sock"}),
        ("strange", {}),
    ],
    ids=["ipv4", "ipv6", "unix", "unknown"],
)
def test_peer_attributes(peer: str, expected: dict[str, Any]) -> None:
    """gRPC peer strings become network.* and client.* attributes."""
    assert attrs.peer_attributes(peer) == expected


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("https://api.openai.com/v1", ("api.openai.com", 443)),
        ("http://127.0.0.1:8080/v1", ("127.0.0.1", 8080)),
        ("http://gateway/v1", ("gateway", 80)),
    ],
    ids=["https", "port", "http"],
)
def test_server_endpoint(url: str, endpoint: tuple[str, int]) -> None:
    """server.address and server.port come from the upstream URL, default ports included."""
    assert attrs.server_endpoint(url) == endpoint


@pytest.mark.parametrize("model", ["gpt-4.1", None], ids=["model", "no-model"])
def test_span_name(model: str | None) -> None:
    """The span is named `chat {model}`, or `chat` without a model."""
    assert attrs.span_name(model) == ("chat gpt-4.1" if model else "chat")


def test_messages_follow_the_conventions_shape() -> None:
    """Input items, tool calls and outputs map onto role/parts messages."""
    body = {
        "instructions": "Be kind.",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Weather?"}]},
            {"type": "function_call", "call_id": "c1", "name": "weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "rain"},
        ],
    }
    assert attrs.system_instructions(body) == [{"type": "text", "content": "Be kind."}]
    assert attrs.input_messages(body) == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather?"}]},
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "c1", "name": "weather", "arguments": "{}"}],
        },
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "result": "rain"}]},
    ]
    response = {
        "status": "completed",
        "output": [
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Rain."}],
            }
        ],
    }
    assert attrs.output_messages(response) == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "Rain."}],
            "finish_reason": "stop",
        }
    ]


@pytest.mark.parametrize("limit", [50, 120, 400, 5000])
def test_capped_json_stays_valid_and_small(limit: int) -> None:
    """Capped content is valid JSON no larger than the cap."""
    value = [{"role": "user", "parts": [{"type": "text", "content": "é" * 300}]}] * 3
    text = attrs.capped_json(value, limit)
    assert len(text.encode()) <= limit
    orjson.loads(text)
    if limit >= 5000:
        assert orjson.loads(text) == value
