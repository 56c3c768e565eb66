"""The wire path: flat stream events written as bytes, the same bytes the message path writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import codec
from bridge.codec.mapping import STREAM_EVENT
from rbridge.responses.v1 import stream_events_pb2
from tests.conftest import fixture_files, sse_payloads

Event = stream_events_pb2.ResponseStreamEvent


def _recorded() -> list[Any]:
    payloads: list[Any] = []
    for path in fixture_files("sse", "*.sse") + fixture_files("seeds", "*.sse"):
        payloads += [
            pytest.param(data, id=f"{path.name}:{n}")
            for n, data in enumerate(sse_payloads(path.read_bytes()))
        ]
    for path in fixture_files("events", "*.jsonl"):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        payloads += [
            pytest.param(json.loads(line), id=f"{path.name}:{n}") for n, line in enumerate(lines)
        ]
    return payloads


RECORDED = _recorded()


def _message_path(data: Any, raw_json: str | None) -> bytes:
    event = codec.event_from_json(data)
    if raw_json is not None:
        event.raw_json = raw_json
    return event.SerializeToString()


@pytest.mark.parametrize("raw", [False, True], ids=["plain", "raw_json"])
@pytest.mark.parametrize("data", RECORDED)
def test_recorded_events_are_the_bytes_the_message_path_writes(data: Any, raw: bool) -> None:
    raw_json = json.dumps(data) if raw else None
    assert codec.event_bytes_from_json(data, raw_json) == _message_path(data, raw_json)


# Most of a stream's events: the text a model writes, a piece per event.
_TEXT_DELTAS = {
    "response.output_text.delta",
    "response.function_call_arguments.delta",
    "response.reasoning_summary_text.delta",
    "response.reasoning_text.delta",
    "response.refusal.delta",
}


def test_recorded_flat_events_are_written_without_building_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(data: Any) -> Event:
        raise AssertionError(f"built a message for {data.get('type')}")

    flat = [param.values[0] for param in RECORDED if param.values[0].get("type") in _TEXT_DELTAS]
    expected = [_message_path(data, None) for data in flat]
    monkeypatch.setattr(codec, "event_from_json", refused)
    assert [codec.event_bytes_from_json(data) for data in flat] == expected
    assert {data["type"] for data in flat} >= _TEXT_DELTAS - {"response.refusal.delta"}


def test_the_wire_path_covers_the_deltas_and_markers_only() -> None:
    assert "response.output_text.delta" in codec.WIRE_EVENT_TYPES
    assert "response.output_text.done" in codec.WIRE_EVENT_TYPES
    # These carry objects (a whole Response, an item, a part): the message path's.
    assert not codec.WIRE_EVENT_TYPES & {
        "response.created",
        "response.completed",
        "response.output_item.added",
        "response.content_part.added",
    }
    assert set(STREAM_EVENT.types) >= codec.WIRE_EVENT_TYPES


# Any JSON value a field may get, shaped to hit every way the wire path can refuse
# one: zeros and empties, each integer width's edges, negative numbers, non-ASCII
# and long text, floats (signed zeros included), null, lists and objects.
_EDGES = [0, 1, 127, 128, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64]
_INTEGERS = st.sampled_from(_EDGES + [-x for x in _EDGES]) | st.integers(-(2**70), 2**70)
_TEXTS = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
_FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.0, -0.0, 1.0])
_SCALARS = st.none() | st.booleans() | _INTEGERS | _FLOATS | _TEXTS
_VALUES = _SCALARS | st.lists(_SCALARS, max_size=2) | st.dictionaries(_TEXTS, _SCALARS, max_size=2)


_F = FieldDescriptor
_RANGES = {
    _F.TYPE_INT32: (-(2**31), 2**31 - 1),
    _F.TYPE_INT64: (-(2**63), 2**63 - 1),
    _F.TYPE_UINT32: (0, 2**32 - 1),
    _F.TYPE_UINT64: (0, 2**64 - 1),
}


def _own_kind(field: FieldDescriptor, clean: bool) -> st.SearchStrategy[Any]:
    """A value of the field's own JSON kind; `clean`: one the wire path writes."""
    if field.is_repeated:
        return st.just([]) if clean else st.lists(_SCALARS, max_size=2)
    if field.type == _F.TYPE_STRING:
        return _TEXTS
    if field.type == _F.TYPE_BOOL:
        return st.booleans()
    if field.type in (_F.TYPE_DOUBLE, _F.TYPE_FLOAT):
        return st.floats(min_value=1e-300, allow_infinity=False) if clean else _FLOATS
    if field.type in _RANGES:
        low, high = _RANGES[field.type]
        return st.integers(low, high) | st.sampled_from([0, 1, low, high]) if clean else _INTEGERS
    return _VALUES


def _fields(type_name: str) -> list[FieldDescriptor]:
    member = Event.DESCRIPTOR.fields_by_name[STREAM_EVENT.types[type_name]].message_type
    return list(member.fields)


@st.composite
def flat_events(draw: st.DrawFn) -> dict[str, Any]:
    type_name = draw(st.sampled_from(sorted(codec.WIRE_EVENT_TYPES)))
    # Half the events are ones the wire path writes; the others may hold any value
    # anywhere, or a key the member does not have.
    clean = draw(st.booleans())
    event: dict[str, Any] = {"type": type_name}
    for field in draw(st.permutations(_fields(type_name))):
        if field.name == "extra_fields" or not draw(st.integers(0, 3)):
            continue
        anything = not clean and draw(st.integers(0, 4)) == 0
        event[field.name] = draw(_VALUES if anything else _own_kind(field, clean))
    if not clean and draw(st.integers(0, 4)) == 0:
        event[draw(_TEXTS)] = draw(_VALUES)
    return event


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=flat_events(), raw_json=st.none() | _TEXTS)
def test_any_event_of_a_flat_type_is_the_bytes_the_message_path_writes(
    data: dict[str, Any], raw_json: str | None
) -> None:
    assert codec.event_bytes_from_json(data, raw_json) == _message_path(data, raw_json)
