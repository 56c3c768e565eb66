"""The contract's JSON mapping, read from the custom options of its descriptors.

The contract declares in `proto/rbridge/responses/v1/options.proto`, next to
each element, what the codec needs beyond field names: the JSON "type"
string(s) of every union arm and the arms that take other JSON forms
(`json_arm`), and the fields whose JSON form is special (`json_behavior`).
This module reads those options once, checks that they hold together (an
error names the element and says what to fix), and offers them as tables.
No type string is written here: a new union member is one annotated arm in
the proto.

Pure: no I/O beyond importing the generated modules.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.struct_pb2 import Struct, Value

from rbridge.responses.v1 import options_pb2, stream_events_pb2

__all__ = [
    "ALWAYS_WRITTEN",
    "BRIDGE_FIELDS",
    "PACKAGE",
    "STREAM_ENDS",
    "STREAM_EVENT",
    "UNIONS",
    "ContractError",
    "JsonObject",
    "Union",
    "contract_messages",
    "inlined_field",
    "read_object",
    "read_union",
]

PACKAGE: str = options_pb2.DESCRIPTOR.package

# Typed Any: the generated stubs type extensions as plain field descriptors.
_ARM: Any = options_pb2.json_arm
_BEHAVIOR: Any = options_pb2.json_behavior
_STREAM_END: Any = options_pb2.stream_end
_EXTRA = options_pb2.JSON_BEHAVIOR_EXTRA_FIELDS
_ALWAYS = options_pb2.JSON_BEHAVIOR_ALWAYS_WRITTEN
_BRIDGE_ONLY = options_pb2.JSON_BEHAVIOR_BRIDGE_ONLY
_INLINED = options_pb2.JSON_BEHAVIOR_INLINED
_VALUE = Value.DESCRIPTOR.full_name
_STRUCT = Struct.DESCRIPTOR.full_name


class ContractError(TypeError):
    """The contract's options are missing, or contradict each other or the fields."""


@dataclass(frozen=True, slots=True)
class Union:
    """How one union message maps to JSON, as its arms' `json_arm` options say.

    Attributes:
        types: "type" string -> oneof arm, for JSON objects.
        untyped_arm: the arm for a JSON object without "type" (None: fallback).
        string_arm: the arm for a plain JSON string, if the union allows one.
        list_arm: the arm (a list message) for a JSON array, if allowed.
        unknown_arm: the arm that keeps any other JSON value whole (None: such
            values do not fit the union).
        canonical: arm -> the "type" string written for a member built in
            code (the first of the arm's strings).
        oneof: the name of the union's oneof.
    """

    types: dict[str, str] = field(default_factory=dict)
    untyped_arm: str | None = None
    string_arm: str | None = None
    list_arm: str | None = None
    unknown_arm: str | None = None
    canonical: dict[str, str] = field(default_factory=dict)
    oneof: str = ""


@dataclass(frozen=True, slots=True)
class JsonObject:
    """How a message that mirrors a JSON object maps to it.

    Attributes:
        extra_fields: the map that keeps the object's unknown keys ("" for a
            list message, whose JSON is an array, and for a message with an
            inlined field, whose unknown keys that field's message keeps).
        always_written: lists and maps written as [] or {} when empty.
        bridge_only: fields outside the JSON, never read nor written.
        inlined: the message field whose keys are this object's own ("" for none).
    """

    extra_fields: str = ""
    always_written: tuple[str, ...] = ()
    bridge_only: frozenset[str] = frozenset()
    inlined: str = ""


def _behavior(fd: Any) -> int:
    options = fd.GetOptions()
    return int(options.Extensions[_BEHAVIOR]) if options.HasExtension(_BEHAVIOR) else 0


def _is_map(fd: Any) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def _bridge_only(descriptor: Descriptor) -> frozenset[str]:
    return frozenset(fd.name for fd in descriptor.fields if _behavior(fd) == _BRIDGE_ONLY)


def _is_list_message(message: Any) -> bool:
    fields = message.fields
    return len(fields) == 1 and fields[0].is_repeated and not _is_map(fields[0])


def read_union(descriptor: Descriptor) -> Union | None:
    """The union a message declares, or None when it has no oneof (an object or a list).

    Raises:
        ContractError: an arm lacks its `json_arm` option or holds no form, two
            arms claim one type string or one form, an arm's form does not fit
            its field, or a field outside the oneof belongs to the JSON.
    """
    name = descriptor.full_name
    optional = _proto3_optional(descriptor)
    # A proto3 `optional` field brings a oneof of its own: not a union.
    oneofs = [
        oneof
        for oneof in descriptor.oneofs
        if not (len(oneof.fields) == 1 and oneof.fields[0].name in optional)
    ]
    if not oneofs:
        stray = [fd.name for fd in descriptor.fields if fd.GetOptions().HasExtension(_ARM)]
        if stray:
            raise ContractError(f"{name}: json_arm on {stray}, which are not arms of a oneof")
        return None
    if len(oneofs) > 1:
        raise ContractError(f"{name}: a union message holds exactly one oneof")
    oneof = oneofs[0]
    arms = {fd.name for fd in oneof.fields}
    outside = [
        fd.name for fd in descriptor.fields if fd.name not in arms and _behavior(fd) != _BRIDGE_ONLY
    ]
    if outside:
        raise ContractError(
            f"{name}: fields {outside} are outside the union's oneof; only fields marked "
            "json_behavior = JSON_BEHAVIOR_BRIDGE_ONLY may be"
        )
    types: dict[str, str] = {}
    canonical: dict[str, str] = {}
    forms: dict[str, str] = {}
    fd: Any
    for fd in oneof.fields:
        options = fd.GetOptions()
        if not options.HasExtension(_ARM):
            raise ContractError(
                f"{fd.full_name}: a union arm needs its json_arm option, e.g. "
                f'[(json_arm).types = "{fd.name}"]'
            )
        arm = options.Extensions[_ARM]
        form = _arm_form(fd, arm)
        for type_name in arm.types:
            if not type_name:
                raise ContractError(f"{fd.full_name}: an empty type string")
            if type_name in types:
                raise ContractError(
                    f"{name}: arms {types[type_name]!r} and {fd.name!r} both claim "
                    f"the type string {type_name!r}"
                )
            types[type_name] = fd.name
        if arm.types:
            canonical[fd.name] = arm.types[0]
            member = fd.message_type
            if len(arm.types) > 1 and "type" not in member.fields_by_name:
                raise ContractError(
                    f"{fd.full_name} serves {list(arm.types)}: {member.full_name} needs an "
                    "`optional string type` field to keep the exact string"
                )
        for kind in form:
            if kind in forms:
                raise ContractError(
                    f"{name}: arms {forms[kind]!r} and {fd.name!r} both take {kind}"
                )
            forms[kind] = fd.name
    return Union(
        types=types,
        untyped_arm=forms.get("an untyped object"),
        string_arm=forms.get("a JSON string"),
        list_arm=forms.get("a JSON array"),
        unknown_arm=forms.get("the fallback"),
        canonical=canonical,
        oneof=oneof.name,
    )


def _proto3_optional(descriptor: Descriptor) -> frozenset[str]:
    proto = descriptor_pb2.DescriptorProto()
    descriptor.CopyToProto(proto)
    return frozenset(fd.name for fd in proto.field if fd.proto3_optional)


def _arm_form(fd: Any, arm: Any) -> tuple[str, ...]:
    """The forms an arm takes besides its type strings, checked against its field."""
    where = fd.full_name
    objects = bool(arm.types) or arm.untyped
    chosen = [objects, arm.json_string, arm.json_array, arm.fallback]
    if sum(chosen) != 1:
        raise ContractError(
            f"{where}: json_arm must give type strings (and/or untyped), or exactly one of "
            "json_string, json_array, fallback"
        )
    message = fd.message_type
    if objects:
        if message is None or message.full_name == _VALUE or _is_list_message(message):
            raise ContractError(f"{where}: an arm for JSON objects holds an object message")
        return ("an untyped object",) if arm.untyped else ()
    if arm.json_string:
        if fd.type != FieldDescriptor.TYPE_STRING:
            raise ContractError(f"{where}: a json_string arm is a string field")
        return ("a JSON string",)
    if arm.json_array:
        if message is None or not _is_list_message(message):
            raise ContractError(
                f"{where}: a json_array arm holds a list message (one repeated field)"
            )
        return ("a JSON array",)
    if message is None or message.full_name != _VALUE:
        raise ContractError(f"{where}: a fallback arm is a google.protobuf.Value")
    return ("the fallback",)


def read_object(descriptor: Descriptor) -> JsonObject:
    """How a message that is not a union maps to JSON, from its fields' `json_behavior`.

    Raises:
        ContractError: an object message lacks its one extra-fields map, or a
            behavior does not fit its field.
    """
    name = descriptor.full_name
    extra: list[str] = []
    always: list[str] = []
    inlined: list[Any] = []
    fd: Any
    for fd in descriptor.fields:
        behavior = _behavior(fd)
        if behavior == _INLINED:
            inlined.append(fd)
        elif behavior == _EXTRA:
            value = fd.message_type.fields_by_name["value"] if _is_map(fd) else None
            if value is None or getattr(value.message_type, "full_name", None) != _VALUE:
                raise ContractError(
                    f"{fd.full_name}: extra fields are a map<string, google.protobuf.Value>"
                )
            extra.append(fd.name)
        elif behavior == _ALWAYS:
            if not fd.is_repeated:
                raise ContractError(f"{fd.full_name}: only a list or a map is always written")
            always.append(fd.name)
    if inlined:
        if len(inlined) > 1 or extra:
            raise ContractError(
                f"{name}: a message with an inlined field has exactly one, and no extra-fields "
                "map of its own (the inlined message keeps the unknown keys)"
            )
        _check_inlined(descriptor, inlined[0])
        return JsonObject("", tuple(always), _bridge_only(descriptor), inlined[0].name)
    if _is_list_message(descriptor):
        if extra or always:
            raise ContractError(f"{name}: a list message has no other field")
        return JsonObject()
    if len(extra) != 1:
        raise ContractError(
            f"{name}: an object message needs exactly one map<string, google.protobuf.Value> "
            "marked json_behavior = JSON_BEHAVIOR_EXTRA_FIELDS"
        )
    return JsonObject(extra[0], tuple(always), _bridge_only(descriptor))


def _check_inlined(descriptor: Descriptor, fd: Any) -> None:
    """An inlined field is one message that mirrors a JSON object, whose keys
    cannot be confused with the enclosing message's own."""
    message = fd.message_type
    if (
        message is None
        or fd.is_repeated
        or message.full_name in (_VALUE, _STRUCT)
        or _is_list_message(message)
    ):
        raise ContractError(f"{fd.full_name}: only a singular object or union message is inlined")
    own = {other.name for other in descriptor.fields if other is not fd}
    # A union's members are discriminated by "type"; an object's keys are its fields.
    keys = {"type"} if read_union(message) is not None else set(message.fields_by_name)
    clash = own & keys
    if clash:
        raise ContractError(
            f"{fd.full_name}: the keys {sorted(clash)} would belong to both "
            f"{descriptor.full_name} and {message.full_name}"
        )


def inlined_field(descriptor: Descriptor) -> str:
    """The field of `descriptor` marked JSON_BEHAVIOR_INLINED ("" for none)."""
    for fd in descriptor.fields:
        if _behavior(fd) == _INLINED:
            return str(fd.name)
    return ""


def contract_messages() -> list[Descriptor]:
    """Every message of the contract's files (map entries excluded), in file order.

    The options file's own messages describe the mapping and are not part of it.
    """
    package = importlib.import_module(PACKAGE)
    found: list[Descriptor] = []
    for module in sorted(
        info.name for info in pkgutil.iter_modules(package.__path__) if info.name.endswith("_pb2")
    ):
        file = importlib.import_module(f"{PACKAGE}.{module}").DESCRIPTOR
        if file.name == options_pb2.DESCRIPTOR.name:
            continue
        stack = list(file.message_types_by_name.values())
        while stack:
            message = stack.pop(0)
            if message.GetOptions().map_entry:
                continue
            found.append(message)
            stack.extend(message.nested_types)
    return found


def _tables() -> tuple[dict[str, Union], dict[str, tuple[str, ...]], frozenset[str]]:
    unions: dict[str, Union] = {}
    always: dict[str, tuple[str, ...]] = {}
    bridge: set[str] = set()
    for message in contract_messages():
        union = read_union(message)
        if union is not None:
            unions[message.full_name] = union
            bridge |= _bridge_only(message)
            continue
        shape = read_object(message)
        if shape.always_written:
            always[message.full_name] = shape.always_written
        bridge |= shape.bridge_only
    return unions, always, frozenset(bridge)


#: Union message full name -> its Union, for every union of the contract.
UNIONS: dict[str, Union]
#: Object message full name -> its lists and maps written even when empty.
ALWAYS_WRITTEN: dict[str, tuple[str, ...]]
#: The names of the fields of the bridge's own (outside the API's JSON).
BRIDGE_FIELDS: frozenset[str]
UNIONS, ALWAYS_WRITTEN, BRIDGE_FIELDS = _tables()
#: The union of the stream events.
STREAM_EVENT: Union = UNIONS[f"{PACKAGE}.ResponseStreamEvent"]


def _stream_ends(union: Union) -> dict[str, int]:
    ends: dict[str, int] = {}
    descriptor = stream_events_pb2.ResponseStreamEvent.DESCRIPTOR
    for fd in descriptor.fields:
        end = fd.GetOptions().Extensions[_STREAM_END]
        if end:
            for type_name, arm in union.types.items():
                if arm == fd.name:
                    ends[type_name] = end
    return ends


#: Stream event "type" string -> how it ends a stream (an options_pb2.StreamEnd
#: value), for the events the contract marks with `stream_end`.
STREAM_ENDS: dict[str, int] = _stream_ends(STREAM_EVENT)
