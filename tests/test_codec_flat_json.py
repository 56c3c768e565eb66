"""The native reader: a flat event's JSON text to the bytes the dict path writes, or None."""

from __future__ import annotations

import json
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import codec, compiled
from bridge.sse import SSEDecoder
from tests.conftest import fixture_files
from tests.test_codec_wire import flat_events

Reader = Callable[[str], "tuple[str, bytes] | None"]
DELTA = (
    '{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1",'
    '"output_index":0,"content_index":0,"delta":"Sure","logprobs":[],"obfuscation":"46HQ"}'
)


@pytest.fixture(scope="module")
def reader() -> Reader:
    """The reader, where the build is in use (the pure-Python rerun has none)."""
    found = codec.flat_event_encoder()
    if found is None:
        pytest.skip(f"the native reader is not built here: {compiled.status().reason}")
    return found


def general(text: str) -> tuple[str, bytes] | None:
    """What the dict path makes of `text`: the oracle. None where it is not a JSON object."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    return data.get("type"), codec.event_bytes_from_json(data)


def agrees(reader: Reader, text: str) -> tuple[str, bytes] | None:
    """The reader's answer, checked: None, or exactly the dict path's."""
    found = reader(text)
    if found is not None:
        assert found == general(text), text
    return found


def recorded_texts() -> list[Any]:
    """Every event's JSON text in the recorded streams and event files, as recorded."""
    texts: list[Any] = []
    for path in fixture_files("sse", "*.sse") + fixture_files("seeds", "*.sse"):
        decoder = SSEDecoder()
        events = decoder.feed(path.read_bytes()) + decoder.flush()
        texts += [pytest.param(event.data, id=f"{path.name}:{n}") for n, event in enumerate(events)]
    for path in fixture_files("events", "*.jsonl"):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += [pytest.param(line, id=f"{path.name}:{n}") for n, line in enumerate(lines)]
    return texts


RECORDED = recorded_texts()


@pytest.mark.parametrize("text", RECORDED)
def test_a_recorded_event_is_read_as_the_dict_path_writes_it_or_left_to_it(
    reader: Reader, text: str
) -> None:
    agrees(reader, text)


def test_every_recorded_event_the_wire_path_writes_is_read(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real streams' deltas and markers (those the dict path writes without building a
    message, but for doubles) all take the native reader: none falls back."""

    def built(data: Any) -> Any:
        raise LookupError

    monkeypatch.setattr(codec, "event_from_json", built)
    wire: list[str] = []
    for param in RECORDED:
        text = param.values[0]
        data = json.loads(text) if text != "[DONE]" else None
        if not isinstance(data, dict) or any(type(value) is float for value in data.values()):
            continue
        try:
            codec.event_bytes_from_json(data)
        except LookupError:
            continue
        wire.append(text)
    assert len(wire) > 100
    assert [text for text in wire if agrees(reader, text) is None] == []


# Every way of writing the same object: compact, spaced, indented, non-ASCII escaped.
WRITERS: list[Callable[[Any], str]] = [
    lambda data: json.dumps(data, separators=(",", ":")),
    lambda data: json.dumps(data),
    lambda data: json.dumps(data, ensure_ascii=False, separators=(" ,", " : ")),
    lambda data: json.dumps(data, indent=2),
    lambda data: "\r\n\t " + json.dumps(data) + " \n",
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=flat_events(), writer=st.sampled_from(WRITERS))
def test_any_event_of_a_flat_type_however_written_is_the_dict_paths_bytes_or_none(
    reader: Reader, data: dict[str, Any], writer: Callable[[Any], str]
) -> None:
    agrees(reader, writer(data))


_NOISE = st.sampled_from([*'{}[]":,\\-.0123456789eEtfnu ', "\x00", "\x1f", "é", "\ud800"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=flat_events(), at=st.integers(0, 10_000), cut=st.integers(0, 3), noise=_NOISE)
def test_a_damaged_text_is_never_read_as_anything_but_what_it_says(
    reader: Reader, data: dict[str, Any], at: int, cut: int, noise: str
) -> None:
    """A character cut out or put in anywhere: the reader says None or what JSON says."""
    text = json.dumps(data, separators=(",", ":"))
    at %= len(text) + 1
    damaged = text[:at] + noise + text[at + cut :]
    if reader(damaged) is not None:
        assert general(damaged) is not None
    agrees(reader, damaged)


def _delta(**members: Any) -> dict[str, Any]:
    return {**json.loads(DELTA), **members}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(DELTA, id="compact"),
        pytest.param(json.dumps(_delta(delta='line\nbreak "quoted" \\ /')), id="escapes"),
        pytest.param(json.dumps(_delta(delta="café ☕ 😀")), id="ascii-escaped-pair"),
        pytest.param(json.dumps(_delta(delta="café ☕ 😀"), ensure_ascii=False), id="utf8"),
        pytest.param(DELTA.replace('"Sure"', '"\\u0000\\/"'), id="nul-and-solidus"),
        pytest.param(json.dumps(_delta(delta="x" * 300)), id="two-byte-length"),
        pytest.param(json.dumps(_delta(delta="é" * 30)), id="escaped-length-shrinks"),
        pytest.param(json.dumps(_delta(delta="")), id="empty-string"),
        pytest.param(json.dumps(_delta(sequence_number=2**31 - 1)), id="int32-max"),
        pytest.param(json.dumps(_delta(sequence_number=-(2**31))), id="int32-min"),
        pytest.param(json.dumps(_delta(sequence_number=-1)), id="negative"),
        pytest.param(DELTA.replace(":4,", ":-0,"), id="negative-zero"),
        pytest.param(json.dumps(_delta(output_index=0, content_index=300)), id="varint"),
        pytest.param('{"type":"response.audio.done","sequence_number":9}', id="short"),
    ],
)
def test_what_the_reader_reads_is_the_dict_paths_bytes(reader: Reader, text: str) -> None:
    assert agrees(reader, text) is not None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(DELTA.replace('"Sure"', '"\\ud800"'), id="lone-high-surrogate"),
        pytest.param(DELTA.replace('"Sure"', '"\\udc00x"'), id="lone-low-surrogate"),
        pytest.param(DELTA.replace('"Sure"', '"\\x41"'), id="bad-escape"),
        pytest.param(DELTA.replace('"Sure"', '"\\u12G4"'), id="bad-hex"),
        pytest.param(DELTA.replace('"Sure"', '"a\tb"'), id="raw-control-character"),
        pytest.param(DELTA.replace('"Sure"', "1.5"), id="float"),
        pytest.param(DELTA.replace(":4,", ":4e0,"), id="exponent"),
        pytest.param(DELTA.replace(":4,", ":04,"), id="leading-zero"),
        pytest.param(DELTA.replace(":4,", ":2147483648,"), id="over-int32"),
        pytest.param(DELTA.replace(":4,", ":99999999999999999999999,"), id="over-uint64"),
        pytest.param(DELTA.replace('"Sure"', "null"), id="null"),
        pytest.param(DELTA.replace('"Sure"', '{"a":1}'), id="object"),
        pytest.param(DELTA.replace("[]", "[1]"), id="non-empty-list"),
        pytest.param(DELTA.replace('"Sure"', "true"), id="boolean-for-string"),
        pytest.param(DELTA.replace('"Sure"', "tru"), id="truncated-literal"),
        pytest.param(DELTA[:-1] + ',"delta":"again"}', id="duplicate-key"),
        pytest.param(DELTA[:-1] + ',"type":"response.output_text.delta"}', id="duplicate-type"),
        pytest.param(DELTA[:-1] + ',"novel":1}', id="unknown-key"),
        pytest.param(DELTA.replace('"item_id"', '"item\\u005fid"'), id="escaped-key"),
        pytest.param(
            DELTA.replace('"response.output', '"response\\u002eoutput'), id="escaped-type"
        ),
        pytest.param(DELTA.replace('{"type":"response.output_text.delta",', "{"), id="no-type"),
        pytest.param(DELTA.replace('"response.output_text.delta"', "7"), id="type-not-string"),
        pytest.param('{"type":"response.created","response":{}}', id="not-a-flat-type"),
        pytest.param('{"type":"never.heard.of"}', id="unknown-type"),
        pytest.param(DELTA[:-1] + ",}", id="trailing-comma"),
        pytest.param(DELTA + "x", id="trailing-garbage"),
        pytest.param(DELTA + DELTA, id="two-objects"),
        pytest.param(DELTA[:-1], id="unterminated"),
        pytest.param("[DONE]", id="done"),
        pytest.param("", id="empty"),
        pytest.param("{}", id="empty-object"),
        pytest.param("\ufeff" + DELTA, id="byte-order-mark"),
        pytest.param(
            '{"type":"response.audio.done",'
            + ",".join(f'"k{n}":1' for n in range(40))
            + ',"sequence_number":1}',
            id="many-members",
        ),
    ],
)
def test_what_the_reader_is_not_sure_of_is_left_to_the_dict_path(reader: Reader, text: str) -> None:
    assert reader(text) is None


def test_a_text_with_a_lone_surrogate_character_is_left_to_the_dict_path(reader: Reader) -> None:
    assert reader(DELTA.replace("Sure", "\ud800")) is None


def test_excluded_types_are_left_to_the_dict_path() -> None:
    """The events a caller reads whole (an error, to scrub it) are never read as text."""
    excluded = codec.flat_event_encoder(frozenset({"response.output_text.delta"}))
    if excluded is None:
        pytest.skip("the native reader is not built here")
    assert excluded(DELTA) is None
    assert excluded('{"type":"response.audio.done","sequence_number":9}') is not None


@pytest.mark.parametrize("argument", [b"{}", None, 7])
def test_the_reader_takes_only_text(reader: Reader, argument: Any) -> None:
    with pytest.raises(TypeError, match="one str"):
        reader(argument)


def test_a_malformed_table_is_a_type_error_not_a_crash(reader: Reader) -> None:
    native = sys.modules["bridge.codec.flat_json"]
    broken = native.Reader({"response.audio.done": (b"\xd2\x01", (("sequence_number", 1),))})
    with pytest.raises(TypeError, match="malformed table"):
        broken('{"type":"response.audio.done","sequence_number":9}')
    with pytest.raises(TypeError):
        native.Reader([])


def test_reading_many_events_holds_no_memory(reader: Reader) -> None:
    """Results, names and scratch space are all released: a leak per event would show."""
    texts = [DELTA, json.dumps(_delta(delta="é" * 2000)), DELTA.replace("[]", "[1]")]
    for text in texts:
        reader(text)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(20_000):
            for text in texts:
                reader(text)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 64 * 1024
