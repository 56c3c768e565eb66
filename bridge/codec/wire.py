"""Flat stream events straight to the wire bytes of their ResponseStreamEvent.

Most events of a stream are an object of scalar fields: text and argument
deltas, part and item markers that carry only ids and indexes. Building a
message for each and serializing it is the costliest step of the per-event
path, and the message is dropped at once. For those events this module writes
the bytes themselves, from tables read once from the descriptors and the
codec's plans. It covers only what it can write exactly as protobuf does: an
object whose every key is a string, integer, boolean or double field of the
arm (or an empty list for a repeated one). Anything else (an unknown key, a
null, a value of another JSON type, a non-empty list, an integer out of range,
a float zero) returns None and the caller takes the general path. The bytes
are those `SerializeToString` writes for the general path's message: the same
fields, in the same order (by field number).
"""

from __future__ import annotations

import struct
from typing import Any

from google.protobuf.descriptor import FieldDescriptor

__all__ = ["LENGTH_DELIMITED", "TextTable", "WireEvents", "tag", "tagged", "varint"]

_CPP = FieldDescriptor
#: The wire types of the fields written here.
LENGTH_DELIMITED = 2
_VARINT = 0
_FIXED64 = 1
# How a field's value is written: the kinds of `WireEvents.encode`'s loop.
_STRING, _INTEGER, _BOOLEAN, _DOUBLE, _REPEATED = range(5)
_BOUNDS = {
    _CPP.TYPE_INT32: (-(2**31), 2**31 - 1),
    _CPP.TYPE_INT64: (-(2**63), 2**63 - 1),
    _CPP.TYPE_UINT32: (0, 2**32 - 1),
    _CPP.TYPE_UINT64: (0, 2**64 - 1),
}
_NO_BOUNDS = (0, 0)
# An integer field's width as flat_json.c reads it (its W_* codes), from its bounds.
_WIDTHS = {bounds: width for width, bounds in enumerate(_BOUNDS.values())}
# One-byte varints: the lengths and indexes of nearly every event.
_SMALL = tuple(bytes((n,)) for n in range(128))
_pack_double = struct.Struct("<d").pack
_ABSENT: Any = object()

# A field of a flat member: JSON key, kind, tag, whether it has presence (is
# written even when zero or empty), an integer's bounds, and the tag followed by
# each one-byte varint (a short string's length, a small integer's value).
Field = tuple[str, int, bytes, bool, int, int, tuple[bytes, ...]]
#: `WireEvents.text_table()`: JSON "type" string -> (the arm's tag, its member's fields
#: by number as (JSON key, kind, tag, has presence, integer width)).
TextTable = dict[str, tuple[bytes, tuple[tuple[bytes, int, bytes, bool, int], ...]]]


def varint(value: int) -> bytes:
    """A non-negative integer as a protobuf varint."""
    if value < 128:
        return _SMALL[value]
    if value < 16384:
        return bytes((value & 0x7F | 0x80, value >> 7))
    out = bytearray()
    while value > 127:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    """The key of field `number` with `wire_type`, as it precedes the field's value."""
    return varint(number << 3 | wire_type)


def tagged(key: bytes) -> tuple[bytes, ...]:
    """`key` followed by each one-byte varint (0 to 127): a short value's length, a small
    integer, written with one lookup."""
    return tuple(key + small for small in _SMALL)


def _field(fd: Any) -> Field | None:
    """How one field of a member is written; None if the wire path cannot write it."""
    present = bool(fd.has_presence)
    if fd.is_repeated:
        return (fd.name, _REPEATED, b"", False, 0, 0, ())
    if fd.type == _CPP.TYPE_STRING:
        kind, key, (low, high) = _STRING, tag(fd.number, LENGTH_DELIMITED), _NO_BOUNDS
    elif fd.type in _BOUNDS:
        kind, key, (low, high) = _INTEGER, tag(fd.number, _VARINT), _BOUNDS[fd.type]
    elif fd.type == _CPP.TYPE_BOOL:
        kind, key, (low, high) = _BOOLEAN, tag(fd.number, _VARINT), _NO_BOUNDS
    elif fd.type == _CPP.TYPE_DOUBLE and not present:
        kind, key, (low, high) = _DOUBLE, tag(fd.number, _FIXED64), _NO_BOUNDS
    else:
        return None
    return (fd.name, kind, key, present, low, high, tagged(key))


class WireEvents:
    """Writes the flat arms of a union message (ResponseStreamEvent).

    Args:
        union: the union message's descriptor.
        arms: JSON "type" string -> oneof arm, the union's own table.
        json_fields: arm -> the fields of its member the JSON carries (a field's
            name is its key), for the arms whose member is a plain object.
        raw_field: the union message's field that may carry the event's JSON.
    """

    def __init__(
        self,
        union: Any,
        arms: dict[str, str],
        json_fields: dict[str, tuple[str, ...]],
        raw_field: str,
    ) -> None:
        # type string -> (the arm's tag, its member's fields by number).
        self._arms: dict[str, tuple[bytes, tuple[Field, ...]]] = {}
        raw = union.fields_by_name[raw_field]
        self._raw_tag = tag(raw.number, LENGTH_DELIMITED)
        self._raw_first: set[str] = set()
        for type_name, arm in arms.items():
            fd = union.fields_by_name[arm]
            names = json_fields.get(arm)
            if fd.message_type is None or names is None:
                continue
            by_number = sorted(
                (fd.message_type.fields_by_name[name] for name in names), key=lambda f: f.number
            )
            fields = tuple(_field(member_field) for member_field in by_number)
            if any(found is None for found in fields):
                continue
            self._arms[type_name] = (tag(fd.number, LENGTH_DELIMITED), fields)  # type: ignore[assignment]
            if raw.number < fd.number:
                self._raw_first.add(type_name)

    def covers(self, type_name: str) -> bool:
        """Whether events of this type may take the wire path."""
        return type_name in self._arms

    def text_table(self, excluded: frozenset[str] = frozenset()) -> TextTable:
        """The arms as `bridge.codec.flat_json` reads them, but for the `excluded` types:
        the same fields, kinds and tags as `encode`'s, keys as UTF-8 and an integer's
        bounds as its width (int32, int64, uint32, uint64: 0 to 3)."""
        return {
            type_name: (
                arm_tag,
                tuple(
                    (key.encode(), kind, key_tag, present, _WIDTHS.get((low, high), 0))
                    for key, kind, key_tag, present, low, high, _ in fields
                ),
            )
            for type_name, (arm_tag, fields) in self._arms.items()
            if type_name not in excluded
        }

    def encode(self, payload: dict[str, Any], raw_json: str | None = None) -> bytes | None:
        """The serialized union message of one event's JSON object, with
        `raw_json` in its field if given; None where the general path must write it."""
        type_name = payload.get("type")
        arm = self._arms.get(type_name) if type(type_name) is str else None
        if arm is None:
            return None
        arm_tag, fields = arm
        out: list[bytes] = []
        seen = 1  # "type"
        for key, kind, field_tag, present, low, high, prefixes in fields:
            value = payload.get(key, _ABSENT)
            if value is _ABSENT:
                continue
            seen += 1
            if kind == _STRING:
                if type(value) is not str:
                    return None
                if value or present:
                    try:
                        data = value.encode()
                    except UnicodeEncodeError:
                        return None
                    size = len(data)
                    out.append(prefixes[size] if size < 128 else field_tag + varint(size))
                    out.append(data)
            elif kind == _INTEGER:
                if type(value) is not int or not low <= value <= high:
                    return None
                if 0 <= value < 128:
                    if value or present:
                        out.append(prefixes[value])
                else:
                    # Negative int32 and int64 values are ten-byte varints.
                    out.append(field_tag + varint(value if value > 0 else value + 2**64))
            elif kind == _REPEATED:
                if type(value) is not list or value:
                    return None
            elif kind == _BOOLEAN:
                if type(value) is not bool:
                    return None
                if value or present:
                    out.append(prefixes[value])
            else:
                # A zero's sign decides whether protobuf writes it: the general path's.
                if type(value) is not float or value == 0.0:
                    return None
                out.append(field_tag + _pack_double(value))
        if seen != len(payload):
            return None  # a key the member does not have
        body = b"".join(out)
        event = arm_tag + varint(len(body)) + body
        if raw_json is None:
            return event
        try:
            data = raw_json.encode()
        except UnicodeEncodeError:
            return None
        raw = self._raw_tag + varint(len(data)) + data
        return raw + event if type_name in self._raw_first else event + raw
