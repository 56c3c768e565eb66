"""Span and metric attributes from the JSON the bridge already has.

Pure: no I/O and no OpenTelemetry SDK, only the semantic-convention names
(`opentelemetry.semconv`, which is constants). Fed a Responses API request
body, a Response object (unary reply or the last one a stream carried), an
`UpstreamError` or a gRPC peer string, each function returns plain values.

Attribute names come from `opentelemetry-semantic-conventions` where it has
them; the few it lacks are spelled here, taken from the GenAI conventions'
own registry (github.com/open-telemetry/semantic-conventions-genai).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

import orjson
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as genai
from opentelemetry.semconv._incubating.attributes import openai_attributes as openai
from opentelemetry.semconv.attributes import (
    client_attributes,
    network_attributes,
    server_attributes,
)

from bridge.errors import UpstreamError

__all__ = [
    "CONVERSATION_ID",
    "OPERATION_NAME",
    "PREVIOUS_RESPONSE_ID",
    "REASONING_LEVEL",
    "RESPONSE_STATUS",
    "UPSTREAM",
    "UPSTREAM_ATTEMPT",
    "Usage",
    "capped_json",
    "conversation_of",
    "error_type",
    "finish_reasons",
    "input_messages",
    "output_messages",
    "peer_attributes",
    "request_attributes",
    "response_attributes",
    "server_endpoint",
    "span_name",
    "system_instructions",
    "usage",
]

Attributes = dict[str, Any]

# The conventions define no operation name for the Responses API. Their OpenAI
# page maps a conversational Responses call onto "chat" and tells the two APIs
# apart with openai.api.type = "responses"; create is that call, so: "chat".
OPERATION_NAME: Final = "chat"
API_TYPE: Final = "responses"

# In the GenAI registry but not (yet) in the opentelemetry-semantic-conventions
# package this bridge depends on.
PREVIOUS_RESPONSE_ID: Final = "gen_ai.request.previous_response.id"
REASONING_LEVEL: Final = "gen_ai.request.reasoning.level"
RESPONSE_STATUS: Final = "gen_ai.response.status"
CONVERSATION_ID: Final = genai.GEN_AI_CONVERSATION_ID
# Bridge-specific: the routes file's name of the upstream a call went to, and
# the number of an attempt among the upstreams a call tried.
UPSTREAM: Final = "bridge.upstream"
UPSTREAM_ATTEMPT: Final = "bridge.upstream.attempt"

# The `object` of the replies that are a conversation rather than a response.
_CONVERSATION_OBJECTS: Final = frozenset({"conversation", "conversation.deleted"})
# Request keys copied as they are, when set and of the right JSON type.
_NUMBER_SETTINGS: Final = (
    ("temperature", genai.GEN_AI_REQUEST_TEMPERATURE),
    ("top_p", genai.GEN_AI_REQUEST_TOP_P),
    ("frequency_penalty", genai.GEN_AI_REQUEST_FREQUENCY_PENALTY),
    ("presence_penalty", genai.GEN_AI_REQUEST_PRESENCE_PENALTY),
)
_INT_SETTINGS: Final = (
    ("max_output_tokens", genai.GEN_AI_REQUEST_MAX_TOKENS),
    ("seed", genai.GEN_AI_REQUEST_SEED),
)
# text.format.type -> gen_ai.output.type
_OUTPUT_TYPES: Final = {"text": "text", "json_schema": "json", "json_object": "json"}
# Response status -> finish reason, when incomplete_details gives no reason.
_FINISH_REASONS: Final = {
    "completed": "stop",
    "failed": "error",
    "cancelled": "cancelled",
    "incomplete": "incomplete",
}


class Usage(NamedTuple):
    """Token counts of one response; None where the upstream did not say."""

    input_tokens: int | None
    output_tokens: int | None
    cache_read_input_tokens: int | None
    reasoning_output_tokens: int | None


def span_name(model: str | None) -> str:
    """`{gen_ai.operation.name} {gen_ai.request.model}`, or the operation alone."""
    return f"{OPERATION_NAME} {model}" if model else OPERATION_NAME


def server_endpoint(url: str) -> tuple[str, int] | None:
    """server.address and server.port of an upstream base URL."""
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def request_attributes(
    body: Mapping[str, Any] | None,
    *,
    provider: str,
    stream: bool,
    endpoint: tuple[str, int] | None,
) -> Attributes:
    """The GenAI CLIENT span's attributes known before the upstream answers.

    Only settings the request actually set are recorded.
    """
    attributes: Attributes = {
        genai.GEN_AI_OPERATION_NAME: OPERATION_NAME,
        genai.GEN_AI_PROVIDER_NAME: provider,
        openai.OPENAI_API_TYPE: API_TYPE,
        genai.GEN_AI_REQUEST_STREAM: stream,
    }
    if endpoint is not None:
        attributes[server_attributes.SERVER_ADDRESS] = endpoint[0]
        attributes[server_attributes.SERVER_PORT] = endpoint[1]
    if not body:
        return attributes
    model = body.get("model")
    if isinstance(model, str) and model:
        attributes[genai.GEN_AI_REQUEST_MODEL] = model
    for key, name in _NUMBER_SETTINGS:
        value = body.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            attributes[name] = float(value)
    for key, name in _INT_SETTINGS:
        value = body.get(key)
        if _is_int(value):
            attributes[name] = value
    reasoning = body.get("reasoning")
    if isinstance(reasoning, dict) and isinstance(reasoning.get("effort"), str):
        attributes[REASONING_LEVEL] = reasoning["effort"]
    previous = body.get("previous_response_id")
    if isinstance(previous, str) and previous:
        attributes[PREVIOUS_RESPONSE_ID] = previous
    conversation = _conversation_id(body.get("conversation"))
    if conversation:
        attributes[CONVERSATION_ID] = conversation
    tier = body.get("service_tier")
    if isinstance(tier, str) and tier:
        attributes[openai.OPENAI_REQUEST_SERVICE_TIER] = tier
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    output_type = _OUTPUT_TYPES.get(kind) if isinstance(kind, str) else None
    if output_type:
        attributes[genai.GEN_AI_OUTPUT_TYPE] = output_type
    return attributes


def response_attributes(response: Mapping[str, Any] | None, counts: Usage | None) -> Attributes:
    """What a Response says about itself: id, model, finish reasons, and its usage
    `counts` (`usage(response)`, which the caller reads for its own use too).

    A reply that is a conversation (or its deletion) says only which
    conversation it is; a conversation's item (a JSON object with a "type")
    says nothing: its id and status are not a response's.
    """
    attributes: Attributes = {}
    if not response:
        return attributes
    kind = response.get("object")
    if kind in _CONVERSATION_OBJECTS:
        conversation = _conversation_id(response.get("id"))
        return {CONVERSATION_ID: conversation} if conversation else attributes
    if kind is None and "type" in response:
        return attributes
    for key, name in (
        ("id", genai.GEN_AI_RESPONSE_ID),
        ("model", genai.GEN_AI_RESPONSE_MODEL),
        ("status", RESPONSE_STATUS),
        ("service_tier", openai.OPENAI_RESPONSE_SERVICE_TIER),
    ):
        value = response.get(key)
        if isinstance(value, str) and value:
            attributes[name] = value
    reasons = finish_reasons(response)
    if reasons:
        attributes[genai.GEN_AI_RESPONSE_FINISH_REASONS] = reasons
    conversation = _conversation_id(response.get("conversation"))
    if conversation:
        attributes[CONVERSATION_ID] = conversation
    if counts is not None:
        for value, name in zip(
            counts,
            (
                genai.GEN_AI_USAGE_INPUT_TOKENS,
                genai.GEN_AI_USAGE_OUTPUT_TOKENS,
                genai.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                genai.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
            ),
            strict=True,
        ):
            if value is not None:
                attributes[name] = value
    return attributes


def finish_reasons(response: Mapping[str, Any]) -> list[str]:
    """Why the response stopped: incomplete_details.reason, else from its status.

    The Responses API has one status per response, not one reason per choice,
    so the list has at most one entry.
    """
    details = response.get("incomplete_details")
    if isinstance(details, dict) and isinstance(details.get("reason"), str):
        return [details["reason"]]
    status = response.get("status")
    reason = _FINISH_REASONS.get(status) if isinstance(status, str) else None
    return [reason] if reason else []


def usage(response: Mapping[str, Any] | None) -> Usage | None:
    """The token counts of a Response, completed, incomplete or failed alike."""
    if not response:
        return None
    counts = response.get("usage")
    if not isinstance(counts, dict):
        return None
    input_details = counts.get("input_tokens_details")
    output_details = counts.get("output_tokens_details")
    return Usage(
        input_tokens=_int_or_none(counts.get("input_tokens")),
        output_tokens=_int_or_none(counts.get("output_tokens")),
        cache_read_input_tokens=_int_or_none(
            input_details.get("cached_tokens") if isinstance(input_details, dict) else None
        ),
        reasoning_output_tokens=_int_or_none(
            output_details.get("reasoning_tokens") if isinstance(output_details, dict) else None
        ),
    )


def error_type(error: UpstreamError) -> str:
    """error.type of a failed call: the upstream's error code, else the gRPC code name.

    Low cardinality by construction: codes come from a closed set upstream
    (`invalid_api_key`, `rate_limit_exceeded`, ...), gRPC names from an enum.
    """
    return error.error_code or error.code.name


def peer_attributes(peer: str) -> Attributes:
    """client.* and network.* attributes of a gRPC peer string.

    gRPC spells peers "ipv4:127.0.0.1:5000", "ipv6:[::1]:5000" or "unix:/path".
    """
    kind, _, rest = peer.partition(":")
    attributes: Attributes = {}
    if kind in ("ipv4", "ipv6"):
        host, _, port = rest.rpartition(":")
        host = host.strip("[]")
        attributes[network_attributes.NETWORK_TYPE] = kind
        attributes[network_attributes.NETWORK_TRANSPORT] = "tcp"
        attributes[network_attributes.NETWORK_PEER_ADDRESS] = host
        attributes[client_attributes.CLIENT_ADDRESS] = host
        if port.isdigit():
            attributes[network_attributes.NETWORK_PEER_PORT] = int(port)
            attributes[client_attributes.CLIENT_PORT] = int(port)
    elif kind == "unix":
        attributes[network_attributes.NETWORK_TRANSPORT] = "unix"
        attributes[network_attributes.NETWORK_PEER_ADDRESS] = rest
    return attributes


# -- content (opt-in) ---------------------------------------------------------


def system_instructions(body: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """gen_ai.system_instructions: the request's `instructions`, as text parts."""
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        return [{"type": "text", "content": instructions}]
    return None


def input_messages(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """gen_ai.input.messages: the request's `input` in the conventions' shape."""
    value = body.get("input")
    if isinstance(value, str):
        return [{"role": "user", "parts": [{"type": "text", "content": value}]}]
    if not isinstance(value, list):
        return []
    return [message for item in value if (message := _item_message(item)) is not None]


def output_messages(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """gen_ai.output.messages: the Response's output items, as one assistant message."""
    output = response.get("output")
    parts: list[dict[str, Any]] = []
    if isinstance(output, list):
        for item in output:
            message = _item_message(item)
            if message is not None:
                parts.extend(message["parts"])
    if not parts:
        return []
    reasons = finish_reasons(response)
    return [{"role": "assistant", "parts": parts, "finish_reason": reasons[0] if reasons else ""}]


def capped_json(value: Any, max_bytes: int) -> str:
    """`value` as JSON of at most about `max_bytes`: long strings are cut first,
    then trailing list entries dropped, so the result stays valid JSON."""
    text = orjson.dumps(value).decode()
    if len(text.encode()) <= max_bytes:
        return text
    budget = [max(max_bytes // 2, 0)]
    shrunk = _cap_strings(value, budget)
    text = orjson.dumps(shrunk).decode()
    while len(text.encode()) > max_bytes and isinstance(shrunk, list) and shrunk:
        shrunk = shrunk[:-1]
        text = orjson.dumps([*shrunk, "[truncated]"]).decode()
    if len(text.encode()) > max_bytes:
        return orjson.dumps("[truncated]").decode()
    return text


def _cap_strings(value: Any, budget: list[int]) -> Any:
    if isinstance(value, str):
        size = len(value.encode())
        if size <= budget[0]:
            budget[0] -= size
            return value
        keep = value.encode()[: budget[0]].decode("utf-8", "ignore")
        budget[0] = 0
        return f"{keep}...[{size - len(keep.encode())} bytes truncated]"
    if isinstance(value, dict):
        return {key: _cap_strings(item, budget) for key, item in value.items()}
    if isinstance(value, list):
        return [_cap_strings(item, budget) for item in value]
    return value


def _item_message(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    kind = item.get("type", "message")
    if kind == "message":
        role = item.get("role") if isinstance(item.get("role"), str) else "user"
        return {"role": role, "parts": _content_parts(item.get("content"))}
    if kind == "function_call":
        return {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": item.get("call_id"),
                    "name": item.get("name"),
                    "arguments": item.get("arguments"),
                }
            ],
        }
    if kind == "function_call_output":
        return {
            "role": "tool",
            "parts": [
                {
                    "type": "tool_call_response",
                    "id": item.get("call_id"),
                    "result": item.get("output"),
                }
            ],
        }
    if kind == "reasoning":
        texts = [
            str(part["text"])
            for part in item.get("summary") or ()
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return {"role": "assistant", "parts": [{"type": "reasoning", "content": "\n".join(texts)}]}
    return None


def _content_parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    parts: list[dict[str, Any]] = []
    if isinstance(content, Sequence):
        for part in content:
            if not isinstance(part, dict):
                continue
            kind = part.get("type")
            if kind in ("input_text", "output_text", "text", "summary_text", "reasoning_text"):
                parts.append({"type": "text", "content": part.get("text")})
            elif kind == "refusal":
                parts.append({"type": "text", "content": part.get("refusal")})
            elif kind == "input_image":
                parts.append({"type": "uri", "modality": "image", "uri": part.get("image_url")})
            elif kind == "input_file":
                parts.append({"type": "file", "file_id": part.get("file_id")})
            else:
                parts.append({"type": str(kind)})
    return parts


def conversation_of(data: Mapping[str, Any] | None) -> str | None:
    """The conversation a request body or a Response names in `conversation`, if any."""
    return _conversation_id(data.get("conversation")) if data else None


def _conversation_id(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or_none(value: Any) -> int | None:
    return value if _is_int(value) else None
