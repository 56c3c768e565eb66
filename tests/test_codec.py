"""The codec: JSON <-> messages, lossless over every real payload we have."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.message import Message

from bridge import codec
from bridge.codec.mapping import BRIDGE_FIELDS, UNIONS, inlined_field
from rbridge.responses.v1 import (
    content_pb2,
    items_pb2,
    response_pb2,
    responses_service_pb2,
    stream_events_pb2,
    tool_calls_pb2,
    tools_pb2,
)
from tests.conftest import (
    assert_same_json,
    conversation_fixtures,
    fixture_files,
    load_json,
    normalized,
    sse_payloads,
)

Response = response_pb2.Response
Request = responses_service_pb2.CreateResponseRequest
Event = stream_events_pb2.ResponseStreamEvent


def _is_response(data: Any) -> bool:
    return isinstance(data, dict) and data.get("object") == "response"


def _cases() -> list[Any]:
    cases: list[Any] = []
    for path in fixture_files("json/requests", "*.json"):
        cases.append(pytest.param(load_json(path), Request, id=path.name))
    for folder in ("json/responses", "seeds"):
        for path in fixture_files(folder, "*.json"):
            data = load_json(path)
            if _is_response(data) or "-response" in path.name:
                kind: type[Message] = Response if _is_response(data) else Event
                if not _is_response(data) and "error" in data:
                    continue  # HTTP error bodies: covered by tests/test_errors.py
                cases.append(pytest.param(data, kind, id=path.name))
            elif "-request" in path.name:
                cases.append(pytest.param(data, Request, id=path.name))
    for path, message_type in conversation_fixtures():
        cases.append(pytest.param(load_json(path), message_type, id=path.name))
    for path in fixture_files("events", "*.jsonl"):
        for number, line in enumerate(path.read_text().splitlines()):
            cases.append(pytest.param(load_json_line(line), Event, id=f"{path.name}:{number}"))
    for path in fixture_files("sse", "*.sse") + fixture_files("seeds", "*.sse"):
        for number, payload in enumerate(sse_payloads(path.read_bytes())):
            cases.append(pytest.param(payload, Event, id=f"{path.name}:{number}"))
    return cases


def load_json_line(line: str) -> Any:
    import json

    return json.loads(line)


CASES = _cases()


def test_fixture_count() -> None:
    """Round trips run over hundreds of real payloads, not a handful."""
    assert len(CASES) > 700


def test_every_conversations_example_is_a_case() -> None:
    """Each spec example of a conversations operation round-trips as its RPC's message."""
    cases = {path.name: message_type.__name__ for path, message_type in conversation_fixtures()}
    assert set(cases) == {path.name for path in fixture_files("json/conversations", "*.json")}
    assert cases["spec-getConversationItem.response.json"] == "Item"
    assert cases["spec-deleteConversationItem.response.json"] == "ConversationResource"
    assert cases["spec-createConversationItems.request.json"] == "CreateConversationItemsRequest"
    assert len(cases) == 11
    readme = (Path(__file__).parent / "fixtures" / "README.md").read_text(encoding="utf-8")
    assert all(f"`json/conversations/{name}`" in readme for name in cases)


@pytest.mark.parametrize(("data", "message_type"), CASES)
def test_round_trip_is_lossless(data: Any, message_type: type[Message]) -> None:
    """to_json(from_json(x)) equals x once null and empty values are dropped."""
    message = codec.from_json(data, message_type)
    assert_same_json(normalized(codec.to_json(message)), normalized(data))


@pytest.mark.parametrize(("data", "message_type"), CASES)
def test_wire_round_trip_is_lossless(data: Any, message_type: type[Message]) -> None:
    """The same holds after the message crosses the wire as protobuf bytes."""
    wire = codec.from_json(data, message_type).SerializeToString()
    assert_same_json(normalized(codec.to_json(message_type.FromString(wire))), normalized(data))


def test_unknown_event_type_is_kept_whole() -> None:
    """An event type the contract does not know arrives in the unknown arm, unchanged."""
    data = {"type": "response.future_thing.delta", "sequence_number": 3, "x": {"y": [1, 2.5]}}
    event = codec.from_json(data, Event)
    assert event.WhichOneof("event") == "unknown"
    assert codec.event_type(event) == "response.future_thing.delta"
    assert codec.to_json(event) == data


@pytest.mark.parametrize(
    ("message_type", "data", "arm"),
    [
        (items_pb2.Item, {"type": "teleport_call", "id": "t_1"}, "item"),
        (content_pb2.ContentPart, {"type": "input_video", "url": "v"}, "part"),
        (content_pb2.Annotation, {"type": "page_citation", "page": 4}, "annotation"),
        (tools_pb2.Tool, {"type": "teleport", "range_km": 3}, "tool"),
        (tools_pb2.ToolChoice, {"type": "browser"}, "choice"),
        (response_pb2.TextFormat, {"type": "grammar", "grammar": "x"}, "format"),
    ],
)
def test_unknown_union_members_are_kept_whole(
    message_type: type[Message], data: dict[str, Any], arm: str
) -> None:
    """Every union sends a member of an unknown type to its unknown arm and back unchanged."""
    message = codec.from_json(data, message_type)
    assert message.WhichOneof(arm) == "unknown"
    assert codec.to_json(message) == data


def test_unknown_keys_and_unexpected_types_go_to_extra_fields() -> None:
    """Unknown keys, and known keys with values of another JSON type, stay visible and return."""
    data = {
        "id": "resp_1",
        "object": "response",
        "created": 1741476542,
        "created_at": "2025-03-09T00:00:00Z",
        "output": [],
        "usage": {"input_tokens": 3, "cost": {"usd": 0.25}},
    }
    response = codec.from_json(data, Response)
    assert not response.HasField("created_at")
    assert response.extra_fields["created"].number_value == 1741476542
    assert response.extra_fields["created_at"].string_value == "2025-03-09T00:00:00Z"
    assert response.usage.input_tokens == 3
    assert "cost" in response.usage.extra_fields
    assert_same_json(codec.to_json(response), {**data, "tools": [], "metadata": {}})


def test_booleans_are_not_numbers() -> None:
    """A boolean where an integer belongs is kept as a boolean, not coerced to 1."""
    event = codec.from_json({"type": "response.output_text.delta", "output_index": True}, Event)
    assert not event.output_text_delta.HasField("output_index")
    assert codec.to_json(event)["output_index"] is True


def test_zero_and_empty_string_survive() -> None:
    """Present zeros and empty strings are written back; proto3 optional keeps presence."""
    data = {
        "type": "response.function_call_arguments.delta",
        "item_id": "",
        "output_index": 0,
        "delta": "",
        "sequence_number": 0,
    }
    assert codec.to_json(codec.from_json(data, Event)) == data


def test_integers_stay_numbers() -> None:
    """int64 and int32 fields are JSON numbers, not strings as in protojson."""
    response = codec.from_json({"created_at": 1741476542, "usage": {"total_tokens": 7}}, Response)
    body = codec.to_json(response)
    assert body["created_at"] == 1741476542 and type(body["created_at"]) is int
    assert body["usage"]["total_tokens"] == 7


def test_openai_clients_get_the_lists_they_expect() -> None:
    """Empty output, tools, annotations and logprobs are written as [] and metadata as {}."""
    response = codec.from_json(
        {
            "output": [
                {"type": "message", "role": "assistant", "content": [{"type": "output_text"}]}
            ]
        },
        Response,
    )
    body = codec.to_json(response)
    assert body["tools"] == [] and body["metadata"] == {}
    assert body["output"][0]["content"][0] == {
        "type": "output_text",
        "annotations": [],
        "logprobs": [],
    }
    assert codec.to_json(Response())["output"] == []


@pytest.mark.parametrize(
    ("value", "arm"),
    [("hello", "text"), ([{"role": "user", "content": "hi"}], "items")],
)
def test_input_is_a_string_or_items(value: Any, arm: str) -> None:
    """The create request's input keeps its JSON form: a string or a list of items."""
    request = codec.from_json({"model": "m", "input": value}, Request)
    assert request.input.WhichOneof("input") == arm
    assert codec.to_json(request)["input"] == value


def test_easy_input_message_has_no_type() -> None:
    """An input message without "type" decodes as a message and is written back without one."""
    request = codec.from_json({"input": [{"role": "user", "content": "hi"}]}, Request)
    assert request.input.items.items[0].WhichOneof("item") == "message"
    assert codec.to_json(request)["input"] == [{"role": "user", "content": "hi"}]


def test_hosted_tool_choice_keeps_its_type() -> None:
    """A tool choice serving several type strings keeps the exact string."""
    choice = codec.from_json({"type": "web_search_preview_2025_03_11"}, tools_pb2.ToolChoice)
    assert choice.WhichOneof("choice") == "tool_type"
    assert codec.to_json(choice) == {"type": "web_search_preview_2025_03_11"}


def test_messages_built_in_code_get_their_type() -> None:
    """A member built by a client without a type field gets its type string from the table."""
    item = items_pb2.Item(function_call=items_pb2.FunctionCallItem(call_id="c", name="f"))
    assert codec.to_json(item) == {"type": "function_call", "call_id": "c", "name": "f"}


def test_top_level_type_mismatch_raises() -> None:
    """A JSON value that cannot be the requested message at all is a CodecError."""
    with pytest.raises(codec.CodecError):
        codec.from_json(["not", "an", "object"], Response)


def test_every_union_table_matches_the_proto() -> None:
    """Each table's arms exist in its union, and each union arm has a type or special role."""
    pool = descriptor_pool.Default()
    for name, union in UNIONS.items():
        descriptor = pool.FindMessageTypeByName(name)
        arms = {field.name for field in descriptor.fields} - BRIDGE_FIELDS
        covered = set(union.types.values()) | {
            arm
            for arm in (union.untyped_arm, union.string_arm, union.list_arm, union.unknown_arm)
            if arm
        }
        assert covered == arms, f"{name}: arms without a table entry: {arms - covered}"


def test_every_object_message_has_extra_fields() -> None:
    """Every message that mirrors a JSON object can keep unknown keys (an envelope, through
    the message it inlines)."""
    for module in (
        content_pb2,
        items_pb2,
        response_pb2,
        responses_service_pb2,
        stream_events_pb2,
        tool_calls_pb2,
        tools_pb2,
    ):
        for descriptor in module.DESCRIPTOR.message_types_by_name.values():
            fields = descriptor.fields
            # Pages ("...List"), batches of events and list messages (whose JSON is an
            # array) are the bridge's own wrappers.
            if (
                descriptor.full_name in UNIONS
                or descriptor.name.endswith(("List", "Batch"))
                or (len(fields) == 1 and fields[0].is_repeated)
            ):
                continue
            inlined = inlined_field(descriptor)
            if inlined:
                descriptor = descriptor.fields_by_name[inlined].message_type
                if descriptor.full_name in UNIONS:
                    assert UNIONS[descriptor.full_name].unknown_arm, descriptor.full_name
                    continue
            assert "extra_fields" in descriptor.fields_by_name, descriptor.full_name


def test_fixture_files_exist() -> None:
    """The fixture folders are present with their README of origins."""
    assert (Path(__file__).parent / "fixtures" / "README.md").exists()


# The examples of the spec's ResponsesClientEventResponseCreate and ResponseWsError.
_WS_CREATE = {
    "type": "response.create",
    "stream_id": "agent_1",
    "model": "gpt-5.5",
    "input": "Say hello.",
}
_WS_ERROR = {
    "type": "error",
    "status": 400,
    "stream_id": "agent_1",
    "error": {
        "type": "invalid_request_error",
        "code": "websocket_stream_limit_reached",
        "message": "This WebSocket connection has reached its stream limit.",
        "param": "stream_id",
    },
}


@pytest.mark.parametrize(
    ("data", "message_type"),
    [
        (_WS_CREATE, responses_service_pb2.ResponsesClientEvent),
        ({**_WS_CREATE, "provider_knob": [1]}, responses_service_pb2.ResponsesClientEvent),
        (
            {"type": "response.steer", "stream_id": "a", "input": []},
            responses_service_pb2.ResponsesClientEvent,
        ),
        (_WS_ERROR, responses_service_pb2.ResponsesServerEvent),
        (
            {"type": "response.steer.accepted", "stream_id": "a"},
            responses_service_pb2.ResponsesServerEvent,
        ),
        (
            {"type": "response.queued", "sequence_number": 0},
            responses_service_pb2.ResponsesServerEvent,
        ),
    ],
    ids=[
        "create",
        "create-extra-key",
        "unknown-client-event",
        "ws-error",
        "unknown-server",
        "no-lane",
    ],
)
def test_session_events_are_the_websockets_json(data: dict[str, Any], message_type: Any) -> None:
    """A session event's JSON is the WebSocket's: `stream_id` beside the event's own keys, and
    back unchanged; keys nobody knows stay with the inlined message."""
    message = codec.from_json(data, message_type)
    assert codec.to_json(message) == data


def test_an_inlined_message_holds_the_create_and_the_lane_beside_it() -> None:
    """`response.create` fills the create request; `stream_id` and the status of a WebSocket
    error are typed fields; an unknown key lands in the create's extra_fields."""
    create = codec.from_json({**_WS_CREATE, "knob": 1}, responses_service_pb2.ResponsesClientEvent)
    assert create.response_create.stream_id == "agent_1"
    assert create.response_create.response.model == "gpt-5.5"
    assert create.response_create.response.input.text == "Say hello."
    assert create.response_create.response.extra_fields["knob"].number_value == 1
    error = codec.from_json(_WS_ERROR, responses_service_pb2.ResponsesServerEvent)
    assert (error.stream_id, error.event.error.status) == ("agent_1", 400)
    assert error.event.error.error.code == "websocket_stream_limit_reached"
    wrong = codec.from_json(
        {**_WS_CREATE, "stream_id": 7}, responses_service_pb2.ResponsesClientEvent
    )
    assert not wrong.response_create.HasField("stream_id")
    assert wrong.response_create.response.extra_fields["stream_id"].number_value == 7
