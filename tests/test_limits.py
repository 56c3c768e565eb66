"""Bounds on what the bridge accepts from an upstream: JSON depth and forwarded metadata.

The last tests prove the depth limit itself: any reply or stream event the bridge lets
through (nested at most MAX_JSON_DEPTH levels) still parses in a protobuf runtime that
refuses messages nested over 100 levels, wherever the free-form JSON sits.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.struct_pb2 import ListValue, Struct, Value
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge import codec
from bridge.limits import (
    MAX_FORWARDED_METADATA_BYTES,
    MAX_JSON_DEPTH,
    MAX_METADATA_VALUE_BYTES,
    deeper_than,
    json_too_deep,
    safe_metadata,
)
from rbridge.responses.v1 import responses_service_pb2
from tests.nesting import depth, nested, nested_text

LIMIT = MAX_JSON_DEPTH
SHAPES = ("object", "array", "mixed")


# -- deeper_than and json_too_deep -----------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("levels", [LIMIT, LIMIT + 1])
def test_deeper_than_counts_every_level(shape: str, levels: int) -> None:
    """A value is deeper than the limit exactly when it nests one level more."""
    value = nested(levels, shape)
    assert deeper_than(value, LIMIT) is (levels > LIMIT)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("levels", [LIMIT, LIMIT + 1])
@pytest.mark.parametrize("encoded", [False, True], ids=["str", "bytes"])
def test_json_too_deep_at_and_past_the_limit(shape: str, levels: int, encoded: bool) -> None:
    """json_too_deep accepts a text nested exactly at the limit and refuses one level more,
    as text or bytes."""
    text = nested_text(levels, shape)
    value = json.loads(text)
    assert json_too_deep(text.encode() if encoded else text, value) is (levels > LIMIT)


@pytest.mark.parametrize(
    ("value", "limit", "deeper"),
    [
        ("text", 0, False),
        (1, 0, False),
        ({}, 0, True),
        ([], 0, True),
        ({}, 1, False),
        ([[]], 1, True),
        ({"a": 1, "b": [2]}, 1, True),
        ({"a": 1, "b": [2]}, 2, False),
    ],
)
def test_deeper_than_on_small_values(value: Any, limit: int, deeper: bool) -> None:
    """Scalars have no level; an empty object or array is one level."""
    assert deeper_than(value, limit) is deeper


def test_deep_sibling_after_shallow_ones_is_found() -> None:
    """A deep branch is found wherever it sits among shallow siblings."""
    value = {"a": 1, "b": [1, 2, {"c": "d"}], "z": [{"x": nested(LIMIT - 2)}]}
    assert depth(value) == LIMIT + 1
    assert deeper_than(value, LIMIT)
    assert json_too_deep(json.dumps(value), value)


def test_brackets_inside_strings_do_not_make_a_shallow_value_deep() -> None:
    """Brackets inside strings only over-count: a shallow value stays accepted."""
    value = {"code": "{" * 1000 + "[" * 1000, "list": ["{[" * 50]}
    assert json_too_deep(json.dumps(value), value) is False


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(alphabet='{}[]":,ab \\', max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet="{[ab", max_size=3), children, max_size=3)
    ),
    max_leaves=60,
)


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUES, limit=st.integers(0, 8))
def test_json_too_deep_agrees_with_the_real_depth(value: Any, limit: int) -> None:
    """For any JSON value, brackets in strings included, json_too_deep answers exactly
    whether the value nests more than the limit: the bracket count never under-counts."""
    assert json_too_deep(json.dumps(value), value, limit) is (depth(value) > limit)
    assert deeper_than(value, limit) is (depth(value) > limit)


@pytest.mark.parametrize("shape", SHAPES)
def test_a_value_2000_levels_deep_is_refused_without_recursion_errors(shape: str) -> None:
    """A value far deeper than Python's recursion limit is refused: the walk stops at the
    limit instead of descending all the way."""
    value = nested(2000, shape)
    assert deeper_than(value, LIMIT)
    assert json_too_deep(nested_text(2000, shape), value)


# -- safe_metadata ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "req_123",
        "",
        "a b=c; d",
        "~!@#$%^&*()_+`-={}|[]\\:\";'<>?,./",
        "x" * MAX_METADATA_VALUE_BYTES,
    ],
    ids=["id", "empty", "spaces", "punctuation", "at-limit"],
)
def test_safe_metadata_keeps_printable_ascii(value: str) -> None:
    """Printable ASCII values up to the value limit pass unchanged."""
    assert safe_metadata([("x-request-id", value)]) == (("x-request-id", value),)


@pytest.mark.parametrize(
    "value",
    [
        "req-\u00e9",
        "\u2603",
        "a\rb",
        "a\nb",
        "a\x00b",
        "a\tb",
        "a\x7fb",
        "x" * (MAX_METADATA_VALUE_BYTES + 1),
    ],
    ids=["latin1", "non-bmp-ish", "cr", "lf", "nul", "tab", "del", "oversized"],
)
def test_safe_metadata_drops_unfit_values(value: str) -> None:
    """Non-ASCII, control characters and oversized values are dropped; the others stay."""
    pairs = [("x-ratelimit-a", "1"), ("x-request-id", value), ("x-ratelimit-b", "2")]
    assert safe_metadata(pairs) == (("x-ratelimit-a", "1"), ("x-ratelimit-b", "2"))


def test_safe_metadata_caps_the_total() -> None:
    """Pairs are kept in order while their names and values fit the total; the rest go."""
    value = "v" * 100
    pairs = [(f"x-ratelimit-{index:03d}", value) for index in range(200)]
    per_pair = len(pairs[0][0]) + len(value)
    kept = safe_metadata(pairs)
    assert kept == tuple(pairs[: MAX_FORWARDED_METADATA_BYTES // per_pair])
    assert sum(len(name) + len(value) for name, value in kept) <= MAX_FORWARDED_METADATA_BYTES


def test_safe_metadata_total_is_inclusive() -> None:
    """A set of pairs that fills the total exactly is kept whole; one byte more is not."""
    exact = [("a", "x" * 99), ("b", "y" * 99)]
    assert safe_metadata(exact, total_limit=200) == tuple(exact)
    assert safe_metadata([*exact[:1], ("b", "y" * 100)], total_limit=200) == tuple(exact[:1])


# -- the depth limit holds in protobuf -------------------------------------------------------

_FREE_FORM = {d.full_name for d in (Value.DESCRIPTOR, Struct.DESCRIPTOR, ListValue.DESCRIPTOR)}
_MARK = "\x00free-form"
_SERVICE = responses_service_pb2.DESCRIPTOR.services_by_name["ResponsesService"]
# Every message a call of the service can send: each RPC's reply, and the stream events.
OUTPUTS = sorted({m.output_type.full_name: m.output_type for m in _SERVICE.methods}.items())


def _is_map(fd: FieldDescriptor) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def _held(fd: FieldDescriptor) -> Descriptor | None:
    """The message type a field holds (a map's value type for maps)."""
    if fd.message_type is None:
        return None
    if _is_map(fd):
        held: Descriptor | None = fd.message_type.fields_by_name["value"].message_type
        return held
    return fd.message_type


def free_form_paths(root: Descriptor) -> dict[str, tuple[FieldDescriptor, ...]]:
    """Each free-form field reachable from `root`, with the shortest field path to it.

    Breadth-first over message types: a type is entered at its shallowest occurrence,
    which leaves the most JSON levels of the limit to the free-form value below it.
    """
    found: dict[str, tuple[FieldDescriptor, ...]] = {}
    seen = {root.full_name}
    queue: deque[tuple[Descriptor, tuple[FieldDescriptor, ...]]] = deque([(root, ())])
    while queue:
        message, path = queue.popleft()
        for fd in message.fields:
            held = _held(fd)
            if held is None:
                continue
            if held.full_name in _FREE_FORM:
                found.setdefault(fd.full_name, (*path, fd))
            elif held.full_name not in seen:
                seen.add(held.full_name)
                queue.append((held, (*path, fd)))
    return found


def _child(message: Message, fd: FieldDescriptor) -> Message:
    container = getattr(message, fd.name)
    if _is_map(fd):
        child: Message = container["k"]
    elif fd.is_repeated:
        child = container.add()
    else:
        child = container
    return child


def marked(root: Descriptor, path: tuple[FieldDescriptor, ...]) -> Message:
    """A `root` message whose free-form field at `path` holds the marker string."""
    message: Message = message_factory.GetMessageClass(root)()
    current = message
    for fd in path:
        current = _child(current, fd)
    if isinstance(current, Value):
        current.string_value = _MARK
    elif isinstance(current, Struct):
        current["k"] = _MARK
    else:
        assert isinstance(current, ListValue)
        current.append(_MARK)
    return message


def _find(doc: Any, keys: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The keys leading to the marker in JSON `doc`."""
    if doc == _MARK:
        return keys
    children = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    )
    for key, child in children:
        found = _find(child, (*keys, key))
        if found is not None:
            return found
    return None


def _replace(doc: Any, keys: tuple[Any, ...], value: Any) -> Any:
    if not keys:
        return value
    doc[keys[0]] = _replace(doc[keys[0]], keys[1:], value)
    return doc


def _at(doc: Any, keys: tuple[Any, ...]) -> Any:
    for key in keys:
        doc = doc[key]
    return doc


def at_the_limit(root: Descriptor, shape: str) -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """For each free-form field of `root`'s tree: its name, a JSON document of `root`
    nested exactly MAX_JSON_DEPTH levels whose deepest part fills that field, and the
    keys of the field's value in the document."""
    for name, path in sorted(free_form_paths(root).items()):
        keys = _find(codec.to_json(marked(root, path)))
        assert keys is not None, f"{name}: the codec does not write this field"
        # Every key on the way is one enclosing object or array.
        document = _replace(
            codec.to_json(marked(root, path)), keys, nested(LIMIT - len(keys), shape)
        )
        yield name, document, keys


@pytest.mark.parametrize("shape", ["object", "array"])
@pytest.mark.parametrize(
    "root", [d for _, d in OUTPUTS], ids=[n.rsplit(".", 1)[1] for n, _ in OUTPUTS]
)
def test_every_reply_at_the_depth_limit_parses_in_protobuf(root: Descriptor, shape: str) -> None:
    """Every reply or event at the depth limit, its free-form JSON placed in each free-form
    field at that field's shallowest position, decodes, serializes, and parses again in
    Python's protobuf with the value intact.

    Python's protobuf (upb) refuses messages nested over 100 levels, as the Java, C++ and
    C# runtimes do by default. So this proves that MAX_JSON_DEPTH is small enough: no
    reply or event the bridge lets through (it refuses deeper ones) reaches a client as
    bytes the client cannot parse, whichever free-form field carries the depth.
    """
    cls = message_factory.GetMessageClass(root)
    failures = []
    checked = 0
    for name, document, keys in at_the_limit(root, shape):
        assert depth(document) == LIMIT, name
        assert not json_too_deep(json.dumps(document), document)
        try:
            parsed = cls.FromString(codec.from_json(document, cls).SerializeToString())
        except DecodeError as exc:
            failures.append(f"{name}: {exc}")
            continue
        assert _at(codec.to_json(parsed), keys) == _at(document, keys), name
        checked += 1
    assert not failures, failures
    assert checked == len(free_form_paths(root)) >= 1


@pytest.mark.parametrize("shape", ["object", "array"])
def test_an_unknown_stream_event_at_the_depth_limit_parses_in_protobuf(shape: str) -> None:
    """An event of a type the contract does not know, nested exactly MAX_JSON_DEPTH
    levels, is kept whole and parses again in Python's protobuf."""
    event = {
        "type": "response.future_thing",
        "sequence_number": 3,
        "data": nested(LIMIT - 1, shape),
    }
    assert depth(event) == LIMIT
    cls = message_factory.GetMessageClass(dict(OUTPUTS)["rbridge.responses.v1.ResponseStreamEvent"])
    decoded = codec.from_json(event, cls)
    assert decoded.WhichOneof("event") == "unknown"
    parsed = cls.FromString(decoded.SerializeToString())
    assert codec.to_json(parsed) == event


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _length_delimited(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def struct_value_bytes(levels: int) -> bytes:
    """The wire bytes of a Value nesting `levels` JSON objects, written by hand (the
    Python runtime refuses to build one that deep)."""
    data = _length_delimited(3, b"leaf")  # Value.string_value
    for _ in range(levels):
        entry = _length_delimited(1, b"k") + _length_delimited(2, data)  # map entry
        data = _length_delimited(5, _length_delimited(1, entry))  # Value.struct_value
    return data


def test_protobuf_refuses_what_the_depth_limit_keeps_out() -> None:
    """The runtime the proof relies on enforces its limit: a free-form value one JSON
    level deeper than fits in 100 protobuf levels does not parse, one that fits does."""
    fits = 33  # 33 objects cost 99 protobuf levels, the leaf Value the 100th
    assert (
        Value.FromString(struct_value_bytes(fits)).struct_value.fields["k"].HasField("struct_value")
    )
    with pytest.raises(DecodeError):
        Value.FromString(struct_value_bytes(fits + 1))
