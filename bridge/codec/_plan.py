"""Per-message translation plans, built once from the proto descriptors.

A plan turns a JSON value into a message and back without reflection on the
hot path: each field gets a converter chosen when the plan is built, unions
dispatch through the tables `mapping` reads from the contract's options, and
whatever does not fit (an unknown key, a value of an unexpected JSON type)
goes to the object's extra-fields map instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from google.protobuf.struct_pb2 import Struct, Value

from bridge.codec._value import json_to_struct, json_to_value, struct_to_json, value_to_json
from bridge.codec.mapping import Union, inlined_field, read_object, read_union

__all__ = ["MISMATCH", "CodecError", "Plan", "plan_for"]


class CodecError(ValueError):
    """JSON that cannot become the requested message at all (e.g. not an object)."""


class _Mismatch:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISMATCH"


# Returned by a converter whose JSON value has an unexpected type; the caller
# keeps the raw value in extra_fields.
MISMATCH: Any = _Mismatch()
# In a member's field table, marks the "type" key the union arm already implies;
# among encoders, a field of the bridge's own, outside the JSON.
_SKIP: Any = object()
# Among encoders, marks the map of unknown keys, written back into the object.
_EXTRA: Any = object()

Decoder = Callable[[Any, bool], Any]
Encoder = Callable[[Any], Any]

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_UINT32 = (0, 2**32 - 1)
_UINT64 = (0, 2**64 - 1)


def _check_str(value: Any, build: bool = False) -> Any:
    return value if type(value) is str else MISMATCH


def _check_bool(value: Any, build: bool = False) -> Any:
    return value if type(value) is bool else MISMATCH


def _check_float(value: Any, build: bool = False) -> Any:
    kind = type(value)
    return value if kind is float or kind is int else MISMATCH


def _check_int(bounds: tuple[int, int]) -> Decoder:
    low, high = bounds

    def check(value: Any, build: bool = False) -> Any:
        return value if type(value) is int and low <= value <= high else MISMATCH

    return check


_CPP = FieldDescriptor
_SCALAR_CHECKS: dict[int, Decoder] = {
    _CPP.CPPTYPE_STRING: _check_str,
    _CPP.CPPTYPE_BOOL: _check_bool,
    _CPP.CPPTYPE_DOUBLE: _check_float,
    _CPP.CPPTYPE_FLOAT: _check_float,
    _CPP.CPPTYPE_INT32: _check_int(_INT32),
    _CPP.CPPTYPE_INT64: _check_int(_INT64),
    _CPP.CPPTYPE_UINT32: _check_int(_UINT32),
    _CPP.CPPTYPE_UINT64: _check_int(_UINT64),
}


def _decode_value(value: Any, build: bool = False) -> Any:
    return json_to_value(value)


def _decode_struct(value: Any, build: bool = False) -> Any:
    return json_to_struct(value) if type(value) is dict else MISMATCH


def _repeated(element: Decoder) -> Decoder:
    def decode(value: Any, build: bool) -> Any:
        if type(value) is not list:
            return MISMATCH
        out = [element(x, build) for x in value]
        for x in out:
            if x is MISMATCH:
                return MISMATCH
        return out

    return decode


def _map(element: Decoder) -> Decoder:
    def decode(value: Any, build: bool) -> Any:
        if type(value) is not dict:
            return MISMATCH
        out = {}
        for key, item in value.items():
            converted = element(item, build)
            if converted is MISMATCH:
                return MISMATCH
            out[key] = converted
        return out

    return decode


def _encode_repeated(element: Encoder | None) -> Encoder:
    if element is None:
        return list
    return lambda values: [element(x) for x in values]


def _encode_map(element: Encoder | None) -> Encoder:
    if element is None:
        return dict
    return lambda values: {key: element(x) for key, x in values.items()}


@dataclass(slots=True)
class Plan:
    """How one message type maps to JSON; built lazily by `plan_for`."""

    descriptor: Descriptor
    cls: type[Message]
    union: Union | None = None
    # Object messages: JSON key -> decoder (or _SKIP for an implied "type").
    decoders: dict[str, Any] = field(default_factory=dict)
    # Object messages: proto field name -> encoder (None: the value as is;
    # _SKIP: outside the JSON; _EXTRA: the map of unknown keys).
    encoders: dict[str, Encoder | None] = field(default_factory=dict)
    # Object messages: the field that keeps unknown keys.
    extra: str = ""
    always: tuple[tuple[str, Any], ...] = ()
    has_type_field: bool = False
    # Unions: oneof name, arm -> member plan, arm -> type string, arm -> the
    # member's object converter (an envelope's for a member with an inlined field).
    oneof: str = ""
    arms: dict[str, Plan] = field(default_factory=dict)
    arm_types: dict[str, str] = field(default_factory=dict)
    arm_decoders: dict[str, Callable[[Any, bool, bool], Any]] = field(default_factory=dict)
    # Lists (a message with one repeated field): that field's name.
    list_field: str = ""
    # Envelopes (an object with an inlined field): that field, and its
    # message's converters, which take every key the envelope does not know.
    inline: str = ""
    inline_decoder: Decoder | None = None
    inline_encoder: Encoder | None = None

    def json_fields(self) -> tuple[str, ...] | None:
        """The fields a plain object's JSON carries (its keys); None for a union, a
        list or an envelope."""
        if self.union is not None or self.list_field or self.inline:
            return None
        return tuple(name for name, decoder in self.decoders.items() if decoder is not _SKIP)

    # -- JSON -> message ------------------------------------------------------
    #
    # The fast path builds nested keyword dicts and constructs the message once
    # at the top, which costs half of constructing every level. If protobuf
    # still refuses a value the checks let through, the slow path constructs
    # level by level and moves the refused values to extra_fields.

    def decode(self, data: Any) -> Any:
        """Build the message for `data`, or return MISMATCH."""
        kwargs = self.convert(data, False)
        if kwargs is MISMATCH:
            return MISMATCH
        try:
            return self.cls(**kwargs)
        except (TypeError, ValueError):
            return self.convert(data, True)

    def convert(self, data: Any, build: bool) -> Any:
        """Keyword arguments for `data` (a message when `build`), or MISMATCH."""
        if self.union is not None:
            return self.convert_union(data, build)
        if self.list_field:
            return self._convert_list(data, build)
        if self.inline:
            return self._convert_envelope(data, build)
        return self._convert_object(data, build)

    def decoder(self) -> Decoder:
        """`convert` without the dispatch on the plan's kind, for nested fields."""
        if self.union is not None:
            return self.convert_union
        if self.list_field:
            return self._convert_list
        if _envelope(self.descriptor):
            return self._convert_envelope
        return self._convert_object

    def encoder(self) -> Encoder:
        """`encode` without the dispatch on the plan's kind, for nested fields."""
        if self.union is not None:
            return self._encode_union
        if self.list_field:
            return self.encode
        if _envelope(self.descriptor):
            return self._encode_envelope
        return self._encode_object

    def _convert_object(self, data: Any, build: bool, member: bool = False) -> Any:
        if type(data) is not dict:
            return MISMATCH
        decoders = self.decoders
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] | None = None
        for key, value in data.items():
            decoder = decoders.get(key)
            if decoder is _SKIP and member:
                continue
            if value is None and decoder is not None:
                # proto3 cannot tell null from absent; the API treats them alike.
                continue
            converted = MISMATCH if decoder is None or decoder is _SKIP else decoder(value, build)
            if converted is MISMATCH:
                if extra is None:
                    extra = {}
                extra[key] = value
            else:
                kwargs[key] = converted
        if extra is not None:
            kwargs[self.extra] = {key: json_to_value(value) for key, value in extra.items()}
        return self._build(kwargs) if build else kwargs

    def _convert_envelope(self, data: Any, build: bool, member: bool = False) -> Any:
        """`_convert_object` for an envelope: its own keys, and every other key for
        the inlined message (which keeps those it does not know either). A value that
        is not an object is the inlined message's alone (an inlined union's fallback arm
        holds any JSON), as `_encode_envelope` writes it."""
        assert self.inline_decoder is not None
        if type(data) is not dict:
            if member:
                return MISMATCH
            alone = self.inline_decoder(data, build)
            if alone is MISMATCH:
                return MISMATCH
            return self.cls(**{self.inline: alone}) if build else {self.inline: alone}
        decoders = self.decoders
        kwargs: dict[str, Any] = {}
        rest: dict[str, Any] = {}
        for key, value in data.items():
            decoder = decoders.get(key)
            if decoder is _SKIP:
                if not member:
                    rest[key] = value
                continue
            if decoder is None:
                rest[key] = value
                continue
            if value is None:
                continue
            converted = decoder(value, build)
            if converted is MISMATCH:
                rest[key] = value
            else:
                kwargs[key] = converted
        inner = self.inline_decoder(rest, build)
        if inner is MISMATCH:
            return MISMATCH
        kwargs[self.inline] = inner
        return self.cls(**kwargs) if build else kwargs

    def _build(self, kwargs: dict[str, Any]) -> Message:
        try:
            return self.cls(**kwargs)
        except (TypeError, ValueError):
            pass
        # A value the checks let through but protobuf refused (for instance a
        # string with a lone surrogate): keep it, as raw JSON, in extra_fields.
        extra = dict(kwargs.pop(self.extra, {}))
        message = self.cls()
        for key, value in kwargs.items():
            try:
                message.MergeFrom(self.cls(**{key: value}))
            except (TypeError, ValueError):
                extra[key] = json_to_value(_to_plain(value))
        unknown_keys = getattr(message, self.extra)
        for key, value in extra.items():
            unknown_keys[key].CopyFrom(value)
        return message

    def _convert_list(self, data: Any, build: bool) -> Any:
        if type(data) is not list:
            return MISMATCH
        items = self.decoders[self.list_field](data, build)
        if items is MISMATCH:
            return MISMATCH
        kwargs = {self.list_field: items}
        return self.cls(**kwargs) if build else kwargs

    def convert_union(self, data: Any, build: bool) -> Any:
        """`convert` for a union plan, without the dispatch on the plan's kind."""
        union = self.union
        assert union is not None
        arm: str | None = None
        kind = type(data)
        member: Any = MISMATCH
        if kind is dict:
            type_name = data.get("type")
            if type_name is None:
                arm = union.untyped_arm
            elif type(type_name) is str:
                arm = union.types.get(type_name)
            if arm is not None:
                member = self.arm_decoders[arm](data, build, True)
        elif kind is str and union.string_arm:
            arm = union.string_arm
            member = data
        elif kind is list and union.list_arm:
            arm = union.list_arm
            member = self.arms[arm]._convert_list(data, build)
        if member is MISMATCH:
            if union.unknown_arm is None:
                return MISMATCH
            arm, member = union.unknown_arm, json_to_value(data)
        assert arm is not None
        kwargs = {arm: member}
        return self.cls(**kwargs) if build else kwargs

    # -- message -> JSON ------------------------------------------------------

    def encode(self, message: Any) -> Any:
        """Write the message as JSON data (None for an empty union)."""
        if self.union is not None:
            return self._encode_union(message)
        if self.list_field:
            encoder = self.encoders[self.list_field]
            assert encoder is not None
            return encoder(getattr(message, self.list_field))
        if self.inline:
            return self._encode_envelope(message)
        return self._encode_object(message)

    def _encode_object(self, message: Any, type_name: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {} if type_name is None else {"type": type_name}
        encoders = self.encoders
        extra = None
        for descriptor, value in message.ListFields():
            name = descriptor.name
            encoder = encoders[name]
            if encoder is None:
                out[name] = value
            elif encoder is _EXTRA:
                extra = value
            elif encoder is not _SKIP:
                out[name] = encoder(value)
        for name, empty in self.always:
            if name not in out:
                out[name] = empty.copy()
        if extra is not None:
            for key, value in extra.items():
                out[key] = value_to_json(value)
        return out

    def _encode_union(self, message: Any) -> Any:
        arm = message.WhichOneof(self.oneof)
        if arm is None:
            return None
        value = getattr(message, arm)
        union = self.union
        assert union is not None
        if arm == union.string_arm:
            return value
        if arm == union.unknown_arm:
            return value_to_json(value)
        plan = self.arms[arm]
        if plan.list_field:
            return plan.encode(value)
        type_name = None if plan.has_type_field else self.arm_types.get(arm)
        if plan.inline:
            return plan._encode_envelope(value, type_name)
        return plan._encode_object(value, type_name)

    def _encode_envelope(self, message: Any, type_name: str | None = None) -> Any:
        """`_encode_object` for an envelope: the inlined message's keys, then its own.

        An inlined union holding a value that is not an object (its fallback arm
        can hold any JSON) is written alone: it has no keys to stand beside.
        """
        inline = self.inline
        inner = (
            self.inline_encoder(getattr(message, inline))
            if message.HasField(inline) and self.inline_encoder is not None
            else {}
        )
        if type(inner) is not dict:
            return inner
        out: dict[str, Any] = {} if type_name is None else {"type": type_name}
        out.update(inner)
        encoders = self.encoders
        for descriptor, value in message.ListFields():
            name = descriptor.name
            if name == inline:
                continue
            encoder = encoders[name]
            if encoder is None:
                out[name] = value
            elif encoder is not _SKIP:
                out[name] = encoder(value)
        for name, empty in self.always:
            if name not in out:
                out[name] = empty.copy()
        return out


def _to_plain(value: Any) -> Any:
    if isinstance(value, Message):
        return plan_for(value.DESCRIPTOR).encode(value)
    if isinstance(value, list):
        return [_to_plain(x) for x in value]
    if isinstance(value, dict):
        return {key: _to_plain(x) for key, x in value.items()}
    return value


_PLANS: dict[str, Plan] = {}


def plan_for(descriptor: Any) -> Plan:
    """Return the plan of a message type, building it (and its fields') once."""
    plan = _PLANS.get(descriptor.full_name)
    if plan is None:
        plan = Plan(descriptor=descriptor, cls=GetMessageClass(descriptor))
        _PLANS[descriptor.full_name] = plan
        _build(plan)
    return plan


def _build(plan: Plan) -> None:
    descriptor = plan.descriptor
    union = read_union(descriptor)
    if union is not None:
        _build_union(plan, union)
        return
    shape = read_object(descriptor)
    if not shape.extra_fields and not shape.inlined:
        plan.list_field = descriptor.fields[0].name
    plan.extra = shape.extra_fields
    plan.inline = shape.inlined
    for fd in descriptor.fields:
        if fd.name == shape.extra_fields:
            plan.encoders[fd.name] = _EXTRA
        elif fd.name in shape.bridge_only:
            plan.encoders[fd.name] = _SKIP
        elif fd.name == shape.inlined:
            plan.inline_decoder, plan.inline_encoder = _single_codec(fd)
        else:
            plan.decoders[fd.name], plan.encoders[fd.name] = _field_codec(fd)
    plan.has_type_field = "type" in descriptor.fields_by_name
    inlined: Any = descriptor.fields_by_name[shape.inlined].message_type if shape.inlined else None
    # An inlined union owns the "type" key; anything else implies it by its arm.
    if not plan.has_type_field and (inlined is None or read_union(inlined) is None):
        plan.decoders["type"] = _SKIP
    plan.always = tuple(
        (field_name, {} if _is_map(descriptor.fields_by_name[field_name]) else [])
        for field_name in shape.always_written
    )


def _build_union(plan: Plan, union: Union) -> None:
    plan.union = union
    plan.oneof = union.oneof
    plan.arm_types = union.canonical
    for fd in plan.descriptor.oneofs_by_name[union.oneof].fields:
        if fd.name not in (union.string_arm, union.unknown_arm):
            member = plan.arms[fd.name] = plan_for(fd.message_type)
            # Chosen from the descriptor: a member plan may still be being built.
            plan.arm_decoders[fd.name] = (
                member._convert_envelope if _envelope(fd.message_type) else member._convert_object
            )


def _envelope(descriptor: Any) -> bool:
    """Whether a message has an inlined field (its kind, known before its plan is built)."""
    return bool(inlined_field(descriptor))


def _is_map(fd: Any) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def _field_codec(fd: Any) -> tuple[Decoder, Encoder | None]:
    if _is_map(fd):
        value_fd = fd.message_type.fields_by_name["value"]
        element, element_encoder = _single_codec(value_fd)
        return _map(element), _encode_map(element_encoder)
    element, element_encoder = _single_codec(fd)
    if fd.is_repeated:
        return _repeated(element), _encode_repeated(element_encoder)
    return element, element_encoder


def _single_codec(fd: Any) -> tuple[Decoder, Encoder | None]:
    if fd.cpp_type != FieldDescriptor.CPPTYPE_MESSAGE:
        check = _SCALAR_CHECKS.get(fd.cpp_type)
        if check is None:
            raise TypeError(f"{fd.full_name}: unsupported field type")
        return check, None
    full_name = fd.message_type.full_name
    if full_name == Value.DESCRIPTOR.full_name:
        return _decode_value, value_to_json
    if full_name == Struct.DESCRIPTOR.full_name:
        return _decode_struct, struct_to_json
    # A plan is registered before it is built, and knows its kind before it
    # builds its fields, so recursive messages get each other's converters.
    target = plan_for(fd.message_type)
    return target.decoder(), target.encoder()
