"""Lossless translation between the contract's messages and the API's JSON.

Pure: no I/O, no gRPC, no HTTP. Usage::

    from bridge import codec
    from rbridge.responses.v1 import response_pb2

    response = codec.from_json(body, response_pb2.Response)
    body_again = codec.to_json(response)

Rules (see the README's "JSON mapping" section):

- Field names are the JSON keys. A JSON union is a oneof; the "type" string
  picks the arm through one table per union, built from the `json_arm`
  options of the contract (`bridge.codec.mapping`).
- A member of an unknown type is kept whole, as a `google.protobuf.Value`, in
  the union's fallback arm. A key the contract does not know, or a known key
  whose value has an unexpected JSON type, is kept in the object's
  `extra_fields` map and written back on the way out.
- JSON null and absent are the same (proto3 cannot tell them apart).
- Integers stay JSON numbers (int64 included); doubles stay floats.

Every plan is built, and every option of the contract checked, at import: a
contract the codec cannot serve fails here, not on the first call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from google.protobuf.message import Message

from bridge.codec._plan import MISMATCH, CodecError, plan_for
from bridge.codec.mapping import STREAM_EVENT, contract_messages
from bridge.codec.wire import WireEvents
from rbridge.responses.v1.stream_events_pb2 import ResponseStreamEvent

try:
    from bridge.codec import flat_json
except ImportError:  # not built (bridge/compiled.py): the dict path does it all
    flat_json = None  # type: ignore[assignment]

__all__ = [
    "WIRE_EVENT_TYPES",
    "CodecError",
    "event_bytes_from_json",
    "event_from_json",
    "event_type",
    "flat_event_encoder",
    "from_json",
    "to_json",
]

M = TypeVar("M", bound=Message)


def _build_plans() -> None:
    for descriptor in contract_messages():
        plan_for(descriptor)


_build_plans()
_EVENT_PLAN = plan_for(ResponseStreamEvent.DESCRIPTOR)
_event_kwargs = _EVENT_PLAN.convert_union
_EVENT_ARM_TYPES = STREAM_EVENT.canonical
_UNKNOWN_EVENT = STREAM_EVENT.unknown_arm
_WIRE = WireEvents(
    ResponseStreamEvent.DESCRIPTOR,
    STREAM_EVENT.types,
    {
        arm: fields
        for arm, member in _EVENT_PLAN.arms.items()
        if (fields := member.json_fields()) is not None
    },
    raw_field="raw_json",
)
_wire_event = _WIRE.encode
#: The event types `event_bytes_from_json` may write without building a message.
WIRE_EVENT_TYPES = frozenset(name for name in STREAM_EVENT.types if _WIRE.covers(name))


def from_json(data: Any, message_type: type[M]) -> M:
    """Build a `message_type` message from JSON data (as parsed by json/orjson).

    Raises:
        CodecError: `data` has a JSON type the message cannot hold at all, for
            instance an array where an object is expected.
    """
    message = plan_for(message_type.DESCRIPTOR).decode(data)
    if message is MISMATCH:
        raise CodecError(
            f"{message_type.DESCRIPTOR.name} cannot be built from a JSON {type(data).__name__}"
        )
    return message  # type: ignore[no-any-return]


def event_from_json(data: Any) -> ResponseStreamEvent:
    """Build a ResponseStreamEvent from one event's JSON data; never fails.

    The same as `from_json(data, ResponseStreamEvent)`, on the per-event path:
    any JSON value fits (an event of an unknown type, or no object at all,
    goes whole to the `unknown` arm), and the dispatch is done once, here.
    """
    kwargs = _event_kwargs(data, False)
    try:
        return ResponseStreamEvent(**kwargs)
    except (TypeError, ValueError):
        return _event_kwargs(data, True)  # type: ignore[no-any-return]


def event_bytes_from_json(data: dict[str, Any], raw_json: str | None = None) -> bytes:
    """`event_from_json(data)` serialized, with `raw_json` in its field if given.

    The same bytes; for the flat events most of a stream is made of (deltas,
    markers with ids and indexes), written without building the message.
    """
    wire = _wire_event(data, raw_json)
    if wire is not None:
        return wire
    event = event_from_json(data)
    if raw_json is not None:
        event.raw_json = raw_json
    return event.SerializeToString()


def flat_event_encoder(
    excluded: frozenset[str] = frozenset(),
) -> Callable[[str], tuple[str, bytes] | None] | None:
    """One event's JSON text -> (its type, `event_bytes_from_json(loads(text))`) when it is
    a flat object of a wire path type other than `excluded`, else None: the native reader
    of `bridge.codec.flat_json`, or None itself where that is not built.

    Without building the event's dict, the bytes cost about a quarter of the CPU; a text
    it returns None for is the general path's to read, and to refuse.
    """
    if flat_json is None:
        return None
    return flat_json.Reader(_WIRE.text_table(excluded))


def to_json(message: Message) -> Any:
    """Write a message as JSON data: a dict for objects and typed unions."""
    return plan_for(message.DESCRIPTOR).encode(message)


def event_type(event: Message) -> str:
    """The JSON "type" string of a ResponseStreamEvent ("" when it has none)."""
    arm = event.WhichOneof("event")
    if arm is None:
        return ""
    if arm == _UNKNOWN_EVENT:
        value = getattr(event, arm)
        if value.WhichOneof("kind") == "struct_value":
            type_value = value.struct_value.fields.get("type")
            if type_value is not None:
                return str(type_value.string_value)
        return ""
    return _EVENT_ARM_TYPES[arm]
