"""Lossless translation between the contract's messages and the API's JSON.

Pure: no I/O, no gRPC, no HTTP. Usage::

    from bridge import codec
    from rbridge.responses.v1 import response_pb2

    response = codec.from_json(body, response_pb2.Response)
    body_again = codec.to_json(response)

Rules (see the README's "JSON mapping" section):

- Field names are the JSON keys. A JSON union is a oneof; the "type" string
  picks the arm through one table per union (`bridge.codec._types`).
- A member of an unknown type is kept whole, as a `google.protobuf.Value`, in
  the union's `unknown` arm. A key the contract does not know, or a known key
  whose value has an unexpected JSON type, is kept in the object's
  `extra_fields` map and written back on the way out.
- JSON null and absent are the same (proto3 cannot tell them apart).
- Integers stay JSON numbers (int64 included); doubles stay floats.
"""

from __future__ import annotations

from typing import Any, TypeVar

from google.protobuf.message import Message

from bridge.codec._plan import MISMATCH, CodecError, plan_for
from bridge.codec._types import STREAM_EVENT, UNIONS

__all__ = ["CodecError", "event_type", "from_json", "to_json"]

M = TypeVar("M", bound=Message)

_EVENT_ARM_TYPES = {arm: type_name for type_name, arm in STREAM_EVENT.types.items()}


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


def to_json(message: Message) -> Any:
    """Write a message as JSON data: a dict for objects and typed unions."""
    return plan_for(message.DESCRIPTOR).encode(message)


def event_type(event: Message) -> str:
    """The JSON "type" string of a ResponseStreamEvent ("" when it has none)."""
    arm = event.WhichOneof("event")
    if arm is None:
        return ""
    if arm == "unknown":
        value = event.unknown  # type: ignore[attr-defined]
        if value.WhichOneof("kind") == "struct_value":
            type_value = value.struct_value.fields.get("type")
            if type_value is not None:
                return str(type_value.string_value)
        return ""
    return _EVENT_ARM_TYPES[arm]


# Plans are built lazily; building the unions now surfaces table errors at import.
for _name in UNIONS:
    from google.protobuf import descriptor_pool as _pool

    from rbridge.responses.v1 import responses_service_pb2 as _service  # noqa: F401

    plan_for(_pool.Default().FindMessageTypeByName(_name))
