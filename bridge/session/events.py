"""A session's events: client events read, the session's own error events, events tagged.

Pure: no I/O. A `response.create` becomes a `Create` (its lane and the JSON body of the
create request) or, when the spec or the bridge refuses it, an `error` event with the HTTP
`status` it stands for, on the lane it named, as the Responses WebSocket reports errors: the
session goes on. An upstream event becomes a `ResponsesServerEvent` tagged with its lane,
encoded straight from the event's own bytes.

Error events built here (`error_event` and its uses) are JSON objects, as an upstream would
send them: the session passes them through the same translation as the upstream's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import grpc
import orjson

from bridge import codec
from bridge.codec.mapping import STREAM_EVENT
from bridge.errors import UpstreamError
from bridge.session.lanes import DEFAULT_LANE
from bridge.sse import SSEEvent
from bridge.validation import check_create, check_json
from rbridge.responses.v1 import responses_service_pb2, stream_events_pb2

__all__ = [
    "STREAM_ID",
    "Create",
    "as_sse",
    "error_event",
    "failure_event",
    "lane_limit_event",
    "read_create",
    "read_unknown",
    "shutting_down_event",
    "status_of",
    "tagged",
    "unsupported_event",
]

#: What a `stream_id` may be (the spec's pattern and lengths).
STREAM_ID: Final = re.compile(r"[A-Za-z0-9_.-]{1,256}")
#: The spec's code for a create that would open one lane too many.
LANE_LIMIT_CODE: Final = "websocket_stream_limit_reached"

_SERVER = responses_service_pb2.ResponsesServerEvent.DESCRIPTOR
# Wire tags of the envelope's two fields (length-delimited), from the contract.
_LANE_TAG: Final = bytes([_SERVER.fields_by_name["stream_id"].number << 3 | 2])
_EVENT_TAG: Final = bytes([_SERVER.fields_by_name["event"].number << 3 | 2])
_LANE_KEY: Final = "stream_id"

# The HTTP status a failure that had none stands for.
_STATUS: Final[dict[grpc.StatusCode, int]] = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.UNAVAILABLE: 502,
    # The upstream's reply could not be read: a bad gateway, from the client's side.
    grpc.StatusCode.INTERNAL: 502,
}


@dataclass(frozen=True, slots=True)
class Create:
    """A `response.create` the session accepted.

    Attributes:
        lane: the lane it runs on (`DEFAULT_LANE` without a `stream_id`).
        stream_id: the `stream_id` it gave, which its events echo (None: none).
        body: the create request's JSON, without `stream` (a session always streams).
    """

    lane: str
    stream_id: str | None
    body: dict[str, Any]


def error_event(
    status: int,
    message: str,
    *,
    error_type: str | None = None,
    code: str | None = None,
    param: str | None = None,
    stream_id: str | None = None,
) -> dict[str, Any]:
    """The WebSocket mode's `error` event: an HTTP `status` and the API's error object."""
    if error_type is None:
        error_type = "server_error" if status >= 500 else "invalid_request_error"
    error: dict[str, Any] = {"type": error_type, "code": code, "message": message, "param": param}
    event: dict[str, Any] = {"type": "error", "status": status, "error": error}
    if stream_id is not None:
        event[_LANE_KEY] = stream_id
    return event


def as_sse(event: dict[str, Any]) -> SSEEvent:
    """An event the session made, as the upstream's events arrive: one SSE event."""
    return SSEEvent("message", orjson.dumps(event).decode(), None, None)


def read_create(event: responses_service_pb2.ResponseCreateEvent) -> Create | dict[str, Any]:
    """The create a `response.create` asks for, or the error event that refuses it.

    Refused: a `stream_id` that is not 1-256 characters of [A-Za-z0-9_.-] (on the default
    lane: such a value is echoed nowhere), `background: true` (not served over a session,
    as over the WebSocket), and whatever a create request is refused for over HTTP (a
    missing model or input, a value out of range, JSON nested too deep), naming the field.
    """
    stream_id = event.stream_id if event.HasField("stream_id") else None
    if stream_id is not None and not STREAM_ID.fullmatch(stream_id):
        return error_event(
            400,
            "Invalid 'stream_id': expected 1 to 256 characters of A-Z, a-z, 0-9, '_', '.' and '-'.",
            code="invalid_value",
            param="stream_id",
        )
    request = event.response
    if request.background:
        return error_event(
            400,
            "'background' is not supported over a session (the WebSocket mode): create "
            "background responses with CreateResponse.",
            code="invalid_value",
            param="background",
            stream_id=stream_id,
        )
    body: dict[str, Any] = codec.to_json(request)
    body.pop("stream", None)
    problems = check_create(request) + check_json(body)
    if problems:
        field, why = problems[0]
        required = why.startswith("required")
        return error_event(
            400,
            "invalid request: " + "; ".join(f"{name}: {text}" for name, text in problems),
            code="missing_required_parameter" if required else "invalid_value",
            param=field or None,
            stream_id=stream_id,
        )
    return Create(DEFAULT_LANE if stream_id is None else stream_id, stream_id, body)


def read_unknown(
    event: responses_service_pb2.ResponsesClientEvent,
) -> tuple[str, str | None, dict[str, Any]] | dict[str, Any]:
    """A client event of a type the contract does not know (its `unknown` arm), as JSON:
    its type, its lane's `stream_id` (None when it gave no valid one) and the object; or
    the error event for a value that is no event at all (not an object with a string
    "type")."""
    data = codec.to_json(event)
    type_name = data.get("type") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(type_name, str) or not type_name:
        return error_event(
            400,
            "A client event is a JSON object with a 'type' string.",
            code="invalid_value",
            param="type",
        )
    stream_id = data.get(_LANE_KEY)
    lane = stream_id if isinstance(stream_id, str) and STREAM_ID.fullmatch(stream_id) else None
    return type_name, lane, data


def unsupported_event(type_name: str, stream_id: str | None) -> dict[str, Any]:
    """The error event of a client event the upstream cannot be sent."""
    return error_event(
        400,
        f"The client event type {type_name!r} cannot be served: the upstream does not speak "
        "the WebSocket mode, and the bridge serves only 'response.create' over HTTP.",
        code="unsupported_event_type",
        param="type",
        stream_id=stream_id,
    )


def lane_limit_event(stream_id: str | None, limit: int) -> dict[str, Any]:
    """The spec's error event of a create that would open a lane past the session's limit."""
    return error_event(
        400,
        f"This session has reached its stream limit of {limit} lanes with responses in "
        "flight (BRIDGE_SESSION_MAX_LANES); send on a lane that has one, or wait for one "
        "to end.",
        code=LANE_LIMIT_CODE,
        param="stream_id",
        stream_id=stream_id,
    )


def shutting_down_event(stream_id: str | None) -> dict[str, Any]:
    """The error event of a create the bridge will not start because it is shutting down."""
    return error_event(
        503,
        "The bridge is shutting down: responses in flight finish, new ones are not started. "
        "Open a new session to go on.",
        code="server_shutting_down",
        stream_id=stream_id,
    )


def status_of(error: UpstreamError) -> int:
    """The HTTP status an upstream failure stands for: its own, or its code's."""
    if error.http_status is not None:
        return error.http_status
    return _STATUS.get(error.code, 500)


def failure_event(error: UpstreamError, stream_id: str | None) -> dict[str, Any]:
    """The error event of a response that failed before or outside the upstream's events:
    an HTTP error status, a connection failure, a timeout, a broken stream."""
    status = status_of(error)
    return error_event(
        status,
        error.message,
        error_type=error.error_type,
        code=error.error_code,
        param=error.param,
        stream_id=stream_id,
    )


def tagged(event: stream_events_pb2.ResponseStreamEvent, stream_id: str | None) -> bytes:
    """The ResponsesServerEvent of `event` on the lane of `stream_id`, serialized.

    A WebSocket upstream's event names its lane in its JSON: the envelope's `stream_id`
    says it, so it is taken out of the event's unknown keys. The envelope is written around
    the event's own bytes, which are not copied into a new message first.
    """
    arm = event.WhichOneof("event")
    if arm is not None:
        member = getattr(event, arm)
        if arm == STREAM_EVENT.unknown_arm:
            fields = member.struct_value.fields
            if _LANE_KEY in fields:
                del fields[_LANE_KEY]
        elif _LANE_KEY in member.extra_fields:
            del member.extra_fields[_LANE_KEY]
    data = event.SerializeToString()
    head = b""
    if stream_id is not None:
        lane = stream_id.encode()
        head = _LANE_TAG + _varint(len(lane)) + lane
    return head + _EVENT_TAG + _varint(len(data)) + data


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
