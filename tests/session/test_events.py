"""A session's client events read, its own error events, and events tagged with their lane."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from bridge import codec
from bridge.errors import UpstreamError, from_http
from bridge.limits import MAX_JSON_DEPTH
from bridge.session.events import (
    Create,
    error_event,
    failure_event,
    lane_limit_event,
    read_create,
    read_unknown,
    shutting_down_event,
    status_of,
    tagged,
    unsupported_event,
)
from bridge.session.lanes import DEFAULT_LANE
from rbridge.responses.v1 import responses_service_pb2 as service
from tests.nesting import nested


def create_event(**fields: Any) -> service.ResponseCreateEvent:
    event: service.ResponsesClientEvent = codec.from_json(
        {"type": "response.create", **fields}, service.ResponsesClientEvent
    )
    return event.response_create


def test_a_create_is_its_lane_and_its_body() -> None:
    """The create's body is its request's JSON without `stream`; its lane is its stream_id."""
    read = read_create(create_event(stream_id="agent_1", model="m", input="hi", stream=True))
    assert read == Create("agent_1", "agent_1", {"model": "m", "input": "hi"})
    default = read_create(create_event(model="m", input="hi"))
    assert isinstance(default, Create)
    assert (default.lane, default.stream_id) == (DEFAULT_LANE, None)


@pytest.mark.parametrize(
    ("fields", "param", "code", "lane"),
    [
        ({"stream_id": "a b", "model": "m", "input": "x"}, "stream_id", "invalid_value", None),
        ({"stream_id": "x" * 257, "model": "m", "input": "x"}, "stream_id", "invalid_value", None),
        ({"stream_id": "", "model": "m", "input": "x"}, "stream_id", "invalid_value", None),
        (
            {"stream_id": "a", "model": "m", "input": "x", "background": True},
            "background",
            "invalid_value",
            "a",
        ),
        ({"stream_id": "a", "input": "x"}, "model", "missing_required_parameter", "a"),
        ({"model": "m"}, "input", "missing_required_parameter", None),
        ({"model": "m", "input": "x", "temperature": 3}, "temperature", "invalid_value", None),
        (
            {"model": "m", "input": "x", "metadata_x": nested(MAX_JSON_DEPTH + 1)},
            "metadata_x",
            "invalid_value",
            None,
        ),
    ],
    ids=["space", "too-long", "empty", "background", "no-model", "no-input", "range", "deep"],
)
def test_a_refused_create_is_an_error_event_on_its_lane(
    fields: dict[str, Any], param: str, code: str, lane: str | None
) -> None:
    """What the spec or the bridge refuses is an error event with status 400 naming the
    field, on the create's lane (the default lane for a stream_id that cannot be echoed)."""
    read = read_create(create_event(**fields))
    assert isinstance(read, dict)
    assert read["status"] == 400
    assert read["error"]["param"].startswith(param)
    assert read["error"]["code"] == code
    assert read["error"]["type"] == "invalid_request_error"
    assert read.get("stream_id") == lane


def test_an_unknown_client_event_is_read_whole() -> None:
    """Its type, its lane when it names a valid one, and the JSON as sent."""
    data = {"type": "response.steer", "previous_response_id": "r1", "input": "faster"}
    event = codec.from_json(data, service.ResponsesClientEvent)
    assert read_unknown(event) == ("response.steer", None, data)
    lane = codec.from_json({**data, "stream_id": "a"}, service.ResponsesClientEvent)
    assert read_unknown(lane)[1] == "a"  # type: ignore[index]


@pytest.mark.parametrize("value", [[1, 2], "text", {"no_type": 1}, {"type": 3}])
def test_a_client_event_without_a_type_is_refused(value: Any) -> None:
    """A value that is not an object with a string type is an error naming `type`."""
    read = read_unknown(codec.from_json(value, service.ResponsesClientEvent))
    assert isinstance(read, dict) and read["error"]["param"] == "type"


def test_the_sessions_own_errors() -> None:
    """The lane limit is the spec's error; the others say what happened, with a status."""
    limit = lane_limit_event("agent_1", 16)
    assert limit["status"] == 400 and limit["stream_id"] == "agent_1"
    assert (limit["error"]["code"], limit["error"]["param"]) == (
        "websocket_stream_limit_reached",
        "stream_id",
    )
    assert "16" in limit["error"]["message"]
    closing = shutting_down_event(None)
    assert closing["status"] == 503 and "stream_id" not in closing
    assert closing["error"]["type"] == "server_error"
    unsupported = unsupported_event("response.steer", "a")
    assert "'response.steer'" in unsupported["error"]["message"]
    assert unsupported["error"]["param"] == "type"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (
            from_http(429, b'{"error": {"message": "slow down", "code": "rate_limit_exceeded"}}'),
            429,
        ),
        (UpstreamError(code=grpc.StatusCode.UNAVAILABLE, message="refused"), 502),
        (UpstreamError(code=grpc.StatusCode.DEADLINE_EXCEEDED, message="late"), 504),
        (UpstreamError(code=grpc.StatusCode.INTERNAL, message="bad json"), 502),
        (UpstreamError(code=grpc.StatusCode.UNKNOWN, message="?"), 500),
    ],
    ids=["http", "connection", "timeout", "unreadable", "other"],
)
def test_a_failure_is_an_error_event_with_its_status(error: UpstreamError, status: int) -> None:
    """An upstream failure keeps its HTTP status, or gets the one its code stands for."""
    event = failure_event(error, "a")
    assert status_of(error) == status
    assert event["status"] == status and event["stream_id"] == "a"
    assert event["error"]["message"] == error.message
    assert event["error"]["code"] == error.error_code


def test_an_event_is_tagged_with_its_lane_around_its_own_bytes() -> None:
    """The envelope parses as the ResponsesServerEvent it stands for, and the lane a
    WebSocket upstream wrote into the event is the envelope's only."""
    upstream = {
        "type": "response.output_text.delta",
        "delta": "hi",
        "stream_id": "a",
        "sequence_number": 4,
    }
    event = codec.event_from_json(upstream)
    parsed = service.ResponsesServerEvent.FromString(tagged(event, "a"))
    assert parsed.stream_id == "a"
    assert parsed.event.output_text_delta.delta == "hi"
    assert "stream_id" not in parsed.event.output_text_delta.extra_fields
    assert codec.to_json(parsed) == {**upstream, "logprobs": []}
    unknown = codec.event_from_json({"type": "response.steer.accepted", "stream_id": "a" * 300})
    again = service.ResponsesServerEvent.FromString(tagged(unknown, "a" * 300))
    assert (
        again.stream_id == "a" * 300 and "stream_id" not in again.event.unknown.struct_value.fields
    )
    default = service.ResponsesServerEvent.FromString(
        tagged(codec.event_from_json({"type": "x"}), None)
    )
    assert not default.HasField("stream_id")


def test_error_events_decode_into_the_typed_arm() -> None:
    """The session's error events are the WebSocket's: status and error object typed."""
    event = codec.event_from_json(error_event(409, "busy", code="c", param="p", stream_id="s"))
    assert event.error.status == 409
    assert (event.error.error.code, event.error.error.param) == ("c", "p")
