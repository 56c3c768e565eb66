"""Property: every message of the contract survives JSON and back, `from_json(to_json(m)) == m`.

The strategies are built from the descriptors, so a new message, field or union arm is covered
without touching this file. For each root message of the contract (the request and reply of every
RPC), hypothesis generates random messages, depth-limited: optional scalars set or not, one arm
of every union, repeated elements, maps, `Struct`/`Value` content and `extra_fields`. Random
messages from the roots rarely reach the deepest types (a skill of a container of a shell tool),
so every message type reachable from the roots is also a root of its own, with fewer, shallower
examples.

What a generated message respects, because the JSON mapping cannot express anything else:

- A union always has an arm set (an empty union has no JSON form). Its `unknown` arm holds an
  object whose "type" the union's table does not know (any other JSON would pick a typed arm).
- A member message that keeps its "type" string in a `type` field holds one of its arm's
  strings (absent allowed only for the arm that also takes untyped objects).
- `extra_fields` keys are neither field names nor "type"; a singular `Value` field is not JSON
  null (null and absent are the same in the mapping).
- An inlined field (an envelope's, such as a session event's) is always set, and its JSON has
  none of the envelope's own keys.
- Strings are valid Unicode without lone surrogates; numbers are finite.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from google.protobuf.struct_pb2 import Struct, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import codec
from bridge.codec._value import json_to_struct, json_to_value
from bridge.codec.mapping import BRIDGE_FIELDS, UNIONS, inlined_field
from rbridge.responses.v1 import (
    response_pb2,
    responses_service_pb2,
    stream_events_pb2,
)

MAX_LIST = 2
# The contract's roots: many examples, nested deep.
ROOT_DEPTH = 4
ROOT_EXAMPLES = 200
# Every message type reachable from them, each as its own root: fewer, shallower examples, so
# that types random generation rarely reaches from the roots are exercised too.
TYPE_DEPTH = 2
TYPE_EXAMPLES = 10

ROOTS: list[type[Message]] = [
    responses_service_pb2.CreateResponseRequest,
    response_pb2.Response,
    stream_events_pb2.ResponseStreamEvent,
    responses_service_pb2.GetResponseRequest,
    responses_service_pb2.DeleteResponseRequest,
    responses_service_pb2.DeleteResponseResponse,
    responses_service_pb2.CancelResponseRequest,
    responses_service_pb2.ListInputItemsRequest,
    responses_service_pb2.ListInputItemsResponse,
    responses_service_pb2.CountInputTokensRequest,
    responses_service_pb2.InputTokenCount,
    responses_service_pb2.CompactResponseRequest,
    responses_service_pb2.CompactedResponse,
    responses_service_pb2.ResponsesClientEvent,
    responses_service_pb2.ResponsesServerEvent,
]

_F = FieldDescriptor
_STRUCT = Struct.DESCRIPTOR.full_name
_VALUE = Value.DESCRIPTOR.full_name

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_numbers = finite | st.integers(-(2**60), 2**60)
json_scalars = st.none() | st.booleans() | json_numbers | texts
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=MAX_LIST) | st.dictionaries(texts, children, max_size=MAX_LIST)
    ),
    max_leaves=4,
)
json_objects = st.dictionaries(texts, json_values, max_size=MAX_LIST)
values = json_values.map(json_to_value)
non_null_values = json_values.filter(lambda x: x is not None).map(json_to_value)
structs = json_objects.map(json_to_struct)

_SCALARS: dict[int, st.SearchStrategy[Any]] = {
    _F.CPPTYPE_STRING: texts,
    _F.CPPTYPE_BOOL: st.booleans(),
    _F.CPPTYPE_INT32: st.integers(-(2**31), 2**31 - 1),
    _F.CPPTYPE_INT64: st.integers(-(2**63), 2**63 - 1),
    _F.CPPTYPE_UINT32: st.integers(0, 2**32 - 1),
    _F.CPPTYPE_UINT64: st.integers(0, 2**64 - 1),
    _F.CPPTYPE_DOUBLE: finite,
    _F.CPPTYPE_FLOAT: st.floats(width=32, allow_nan=False, allow_infinity=False),
}

_CACHE: dict[tuple[str, int, int, tuple[str, ...], bool], st.SearchStrategy[Any]] = {}


def _is_map(fd: FieldDescriptor) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def _is_list_message(descriptor: Descriptor) -> bool:
    fields = descriptor.fields
    return (
        descriptor.full_name not in UNIONS
        and len(fields) == 1
        and fields[0].is_repeated
        and not _is_map(fields[0])
    )


def _single(
    fd: FieldDescriptor, depth: int, limit: int, nullable: bool
) -> st.SearchStrategy[Any] | None:
    """A strategy for one value of the field (an element, for repeated ones); None: omit."""
    if fd.cpp_type != _F.CPPTYPE_MESSAGE:
        return _SCALARS[fd.cpp_type]
    name = fd.message_type.full_name
    if name == _VALUE:
        return values if nullable else non_null_values
    if name == _STRUCT:
        return structs
    if depth >= limit:
        return None
    return message(fd.message_type, limit, depth + 1)


def _field(fd: FieldDescriptor, depth: int, limit: int) -> st.SearchStrategy[Any] | None:
    if _is_map(fd):
        value_fd = fd.message_type.fields_by_name["value"]
        element = _single(value_fd, depth, limit, nullable=True)
        if element is None:
            return None
        return st.dictionaries(texts, element, max_size=MAX_LIST)
    if fd.is_repeated:
        element = _single(fd, depth, limit, nullable=True)
        if element is None:
            return None
        return st.lists(element, max_size=MAX_LIST)
    return _single(fd, depth, limit, nullable=False)


def message(
    descriptor: Descriptor,
    limit: int,
    depth: int = 0,
    type_strings: tuple[str, ...] = (),
    type_optional: bool = True,
) -> st.SearchStrategy[Any]:
    """Random messages of `descriptor`, nested at most `limit` levels below the root.

    `type_strings` constrains the `type` field of a union member that keeps its type string.
    """
    key = (descriptor.full_name, limit, depth, type_strings, type_optional)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    # Recursive messages refer to themselves through deeper levels only, so a
    # placeholder is never drawn from; deferred keeps the construction lazy.
    strategy = st.deferred(lambda: _build(descriptor, limit, depth, type_strings, type_optional))
    _CACHE[key] = strategy
    return strategy


def _build(
    descriptor: Descriptor,
    limit: int,
    depth: int,
    type_strings: tuple[str, ...],
    type_optional: bool,
) -> st.SearchStrategy[Any]:
    cls = GetMessageClass(descriptor)
    if descriptor.full_name in UNIONS:
        return _union(descriptor, limit, depth, cls)
    if _is_list_message(descriptor):
        element = _single(descriptor.fields[0], depth, limit, nullable=True)
        items = st.lists(element, max_size=MAX_LIST) if element is not None else st.just([])
        name = descriptor.fields[0].name
        return items.map(lambda xs: cls(**{name: xs}))
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    names = set(descriptor.fields_by_name)
    for fd in descriptor.fields:
        if fd.name in BRIDGE_FIELDS:
            continue  # the bridge's own fields are not part of the JSON
        if fd.name == "extra_fields":
            keys = texts.filter(lambda k: k not in names and k != "type")
            optional[fd.name] = st.dictionaries(keys, values, max_size=MAX_LIST)
            continue
        if fd.name == "type" and type_strings:
            target = optional if type_optional else required
            target[fd.name] = st.sampled_from(type_strings)
            continue
        if fd.name == inlined_field(descriptor):
            own = names - {fd.name}
            required[fd.name] = message(fd.message_type, limit, depth + 1).filter(
                lambda inner, own=own: not own & set(codec.to_json(inner))
            )
            continue
        strategy = _field(fd, depth, limit)
        if strategy is not None:
            optional[fd.name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(lambda kw: cls(**kw))


def _union(descriptor: Descriptor, limit: int, depth: int, cls: Any) -> st.SearchStrategy[Any]:
    union = UNIONS[descriptor.full_name]
    strings_of: dict[str, list[str]] = {}
    for type_name, arm in union.types.items():
        strings_of.setdefault(arm, []).append(type_name)
    arms: list[st.SearchStrategy[Any]] = []
    for fd in descriptor.fields:
        if fd.name in BRIDGE_FIELDS:
            continue
        arm = fd.name
        if arm == union.unknown_arm:
            unknown_type = texts.filter(lambda t, known=frozenset(union.types): t not in known)
            body = st.fixed_dictionaries({"type": unknown_type}, optional={"x": json_values})
            member: st.SearchStrategy[Any] = body.map(json_to_value)
        elif arm == union.string_arm:
            member = texts
        else:
            member_descriptor = fd.message_type
            strings = tuple(strings_of.get(arm, ()))
            has_type = "type" in member_descriptor.fields_by_name
            member = message(
                member_descriptor,
                limit,
                depth + 1,
                strings if has_type else (),
                type_optional=arm == union.untyped_arm or not strings,
            )
        arms.append(member.map(lambda value, arm=arm: cls(**{arm: value})))
    return st.one_of(arms)


def _round_trip(original: Message) -> Message:
    wire_json = json.loads(json.dumps(codec.to_json(original), ensure_ascii=False))
    return codec.from_json(wire_json, type(original))


def _reachable() -> list[Descriptor]:
    """Every message type of the contract reachable from the roots, in a stable order."""
    found: dict[str, Descriptor] = {}

    def visit(descriptor: Descriptor) -> None:
        if descriptor.full_name in found or descriptor.full_name in (_STRUCT, _VALUE):
            return
        if descriptor.GetOptions().map_entry:
            value = descriptor.fields_by_name["value"].message_type
            if value is not None:
                visit(value)
            return
        found[descriptor.full_name] = descriptor
        for fd in descriptor.fields:
            if fd.message_type is not None:
                visit(fd.message_type)

    for root in ROOTS:
        visit(root.DESCRIPTOR)
    return list(found.values())


REACHABLE = _reachable()
_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def _check(original: Message) -> None:
    again = _round_trip(original)
    assert again == original, f"{original}\n!=\n{again}"


@pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.DESCRIPTOR.name)
@settings(max_examples=ROOT_EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_contract_messages_round_trip(root: type[Message], data: st.DataObject) -> None:
    """A random request or reply of an RPC comes back equal after to_json and from_json."""
    _check(data.draw(message(root.DESCRIPTOR, ROOT_DEPTH), label=root.DESCRIPTOR.name))


@pytest.mark.parametrize("descriptor", REACHABLE, ids=lambda descriptor: descriptor.name)
@settings(max_examples=TYPE_EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_every_message_type_round_trips(descriptor: Descriptor, data: st.DataObject) -> None:
    """Each message type reachable from the roots, generated on its own, comes back equal."""
    _check(data.draw(message(descriptor, TYPE_DEPTH), label=descriptor.name))


def test_every_union_is_reached() -> None:
    """The roots reach every union of the tables, so every arm is generated."""
    names = {descriptor.full_name for descriptor in REACHABLE}
    assert set(UNIONS) <= names, set(UNIONS) - names
    assert len(REACHABLE) > 200
