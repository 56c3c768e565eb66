"""Tests for the incremental Server-Sent Events decoder in `bridge.sse`."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.sse import SSEDecoder, SSEEvent

_ROOT = Path(__file__).resolve().parent.parent
_LOCAL_FIXTURES = _ROOT / "tests" / "fixtures" / "sse"
_SHARED_FIXTURES = _ROOT.parent / "shared" / "reference" / "recorded"
_RANDOM_SPLITS = 50


def _fixture_paths() -> list[Path]:
    """Recorded OpenAI streams: the project's copy once it exists, else the shared originals."""
    if _LOCAL_FIXTURES.is_dir():
        local = sorted({*_LOCAL_FIXTURES.glob("*.sse"), *_LOCAL_FIXTURES.glob("*.sse.txt")})
        if local:
            return local
    shared = sorted(_SHARED_FIXTURES.glob("*.sse"))
    spec = _SHARED_FIXTURES / "spec-createResponse-streaming.response.sse.txt"
    return [*shared, spec] if spec.is_file() else shared


_FIXTURES = _fixture_paths()


def _ev(
    data: str, event: str = "message", id: str | None = None, retry: int | None = None
) -> SSEEvent:
    return SSEEvent(event=event, data=data, id=id, retry=retry)


def _decode(chunks: Iterable[bytes]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    events += decoder.flush()
    return events


def _random_chunks(payload: bytes, rng: random.Random, cuts: int) -> list[bytes]:
    points = sorted(rng.randrange(len(payload) + 1) for _ in range(cuts))
    bounds = [0, *points, len(payload)]
    return [payload[a:b] for a, b in pairwise(bounds)]


def _decode_every_way(payload: bytes, seed: str) -> list[SSEEvent]:
    """Decode whole, byte by byte and at random cuts; fail unless all three agree."""
    whole = _decode([payload])
    assert _decode(payload[i : i + 1] for i in range(len(payload))) == whole
    rng = random.Random(seed)
    assert _decode(_random_chunks(payload, rng, _RANDOM_SPLITS)) == whole
    return whole


def _data_line_groups(text: str) -> int:
    groups = 0
    in_data = False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        is_data = line.startswith("data:")
        groups += is_data and not in_data
        in_data = is_data
    return groups


_RULES = [
    ("named", b"event: response.created\ndata: {}\n\n", [_ev("{}", "response.created")]),
    ("unnamed", b"data: hi\n\n", [_ev("hi")]),
    ("empty-name", b"event:\ndata: x\n\n", [_ev("x")]),
    ("last-name-wins", b"event: a\nevent: b\ndata: x\n\n", [_ev("x", "b")]),
    ("lf", b"event: a\ndata: 1\n\ndata: 2\n\n", [_ev("1", "a"), _ev("2")]),
    ("crlf", b"event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n", [_ev("1", "a"), _ev("2")]),
    ("cr", b"event: a\rdata: 1\r\rdata: 2\r\r", [_ev("1", "a"), _ev("2")]),
    ("mixed-endings", b"data: 1\r\ndata: 2\rdata: 3\n\r\n", [_ev("1\n2\n3")]),
    ("cr-cr-is-two-endings", b"data: a\r\rdata: b\n\n", [_ev("a"), _ev("b")]),
    ("lf-after-cr-and-text", b"data: a\rb\n\ndata: c\n\n", [_ev("a"), _ev("c")]),
    ("comments", b": keep-alive\n\ndata: x\n:mid\n\n", [_ev("x")]),
    ("multi-line-data", b"data: a\ndata: b\ndata:\ndata: c\n\n", [_ev("a\nb\n\nc")]),
    ("empty-data-dispatches", b"data:\n\n", [_ev("")]),
    ("done-is-plain-data", b"data: [DONE]\n\n", [_ev("[DONE]")]),
    ("id-retry", b"id: 42\nretry: 1500\ndata: x\n\n", [_ev("x", id="42", retry=1500)]),
    ("id-per-event", b"id: 1\ndata: a\n\ndata: b\n\n", [_ev("a", id="1"), _ev("b")]),
    ("id-with-nul-ignored", b"id: 7\nid: a\x00b\ndata: x\n\n", [_ev("x", id="7")]),
    ("retry-not-digits", b"retry: 15s\ndata: x\n\n", [_ev("x")]),
    ("retry-non-ascii-digit", "retry: ³\ndata: x\n\n".encode(), [_ev("x")]),
    ("no-final-blank-line", b"event: a\ndata: 1\n", [_ev("1", "a")]),
    ("no-final-line-ending", b"data: 1\n\nevent: b\ndata: 2", [_ev("1"), _ev("2", "b")]),
    ("trailing-cr", b"data: 1\r", [_ev("1")]),
    ("bom", b"\xef\xbb\xbfdata: x\n\n", [_ev("x")]),
    ("bom-only-at-start", b"data: a\n\n\xef\xbb\xbfdata: b\n\n", [_ev("a")]),
    ("field-without-colon", b"data\n\nevent\ndata: x\n\n", [_ev(""), _ev("x")]),
    ("no-space", b"data:x\nevent:e\n\n", [_ev("x", "e")]),
    ("only-one-space-stripped", b"data:  x \n\n", [_ev(" x ")]),
    ("colons-in-value", b"data: a:b: c\n\n", [_ev("a:b: c")]),
    ("event-alone", b"event: ping\n\ndata: x\n\n", [_ev("x")]),
    ("retry-alone", b"retry: 10\nid: 3\n\ndata: x\n\n", [_ev("x")]),
    ("unknown-field", b"foo: bar\nDATA: no\ndata: x\n\n", [_ev("x")]),
    ("leading-blank-lines", b"\n\r\n\rdata: x\n\n", [_ev("x")]),
    ("unicode", "event: ünï\ndata: héllo €𝄞\n\n".encode(), [_ev("héllo €𝄞", "ünï")]),
    ("invalid-utf8", b"data: \xff\xfe ok\ndata: \xc3\n\n", [_ev("\ufffd\ufffd ok\n\ufffd")]),
    ("empty-stream", b"", []),
]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [pytest.param(payload, expected, id=name) for name, payload, expected in _RULES],
)
def test_parsing_rules(payload: bytes, expected: list[SSEEvent]) -> None:
    """Each event-stream rule yields the expected events however the bytes are chunked."""
    assert _decode_every_way(payload, seed=payload.hex()) == expected


_BOUNDARIES = [
    ("crlf-split", [b"data: a\r", b"\ndata: b\r\n\r\n"], [_ev("a\nb")]),
    ("crlf-split-by-empty-chunk", [b"data: a\r", b"", b"\ndata: b\n\n"], [_ev("a\nb")]),
    ("cr-then-cr", [b"data: a\r", b"\r"], [_ev("a")]),
    ("cr-then-lone-lf-chunk", [b"data: a\r", b"\n", b"\n"], [_ev("a")]),
    ("bom-split", [b"\xef", b"\xbb", b"\xbfdata: x\n\n"], [_ev("x")]),
    ("char-split", [b"data: \xc3", b"\xa9\xe2\x82", b"\xac\n\n"], [_ev("é€")]),
]


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [pytest.param(chunks, expected, id=name) for name, chunks, expected in _BOUNDARIES],
)
def test_chunk_boundaries(chunks: list[bytes], expected: list[SSEEvent]) -> None:
    """A line ending, BOM or character split across chunks decodes as if it were whole."""
    assert _decode(chunks) == expected


def test_feed_returns_events_as_soon_as_complete() -> None:
    """An event comes out of the feed call that delivers its blank line, not later."""
    decoder = SSEDecoder()
    assert decoder.feed(b"event: a\ndata: 1\n") == []
    assert decoder.feed(b"\ndata: 2\n\ndata: 3") == [_ev("1", "a"), _ev("2")]
    assert decoder.flush() == [_ev("3")]
    assert decoder.flush() == []


def test_flush_resets_for_a_new_stream() -> None:
    """After flush the decoder forgets pending state and skips a new stream's BOM."""
    decoder = SSEDecoder()
    assert decoder.feed(b"event: a\ndata: 1\r") == []
    assert decoder.flush() == [_ev("1", "a")]
    assert decoder.feed(b"\xef\xbb\xbf\ndata: 2\n\n") == [_ev("2")]


def test_fixtures_are_found() -> None:
    """The recorded streams are reachable, so the fixture tests below do not silently vanish."""
    assert len(_FIXTURES) >= 2
    assert all(path.is_file() for path in _FIXTURES)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("path", _FIXTURES, ids=[path.name for path in _FIXTURES])
def test_fixture_chunking_and_line_endings(path: Path, ending: str) -> None:
    """A recorded stream decodes alike whole, bytewise or randomly split, with any line ending."""
    payload = path.read_bytes()
    reference = _decode([payload])
    assert reference
    variant = payload.replace(b"\n", ending.encode())
    assert _decode_every_way(variant, seed=f"{path.name}{ending!r}") == reference


@pytest.mark.parametrize("path", _FIXTURES, ids=[path.name for path in _FIXTURES])
def test_fixture_events_are_sane(path: Path) -> None:
    """Each group of data lines is one event whose JSON data names its own event type."""
    text = path.read_text(encoding="utf-8")
    events = _decode([path.read_bytes()])
    assert len(events) == _data_line_groups(text)
    for event in events:
        if event.data == "[DONE]":
            continue
        assert json.loads(event.data)["type"] == event.event
        assert event.id is None
        assert event.retry is None


def _text(exclude: str) -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_characters=exclude))


_EVENTS = st.lists(
    st.builds(
        _ev,
        # A CR can never be data: it would end the line.
        data=_text("\r"),
        event=_text("\r\n").map(lambda name: name or "message"),
        id=st.none() | _text("\r\n\0"),
        retry=st.none() | st.integers(min_value=0, max_value=2**40),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(events=_EVENTS, data=st.data())
def test_roundtrip_property(events: list[SSEEvent], data: st.DataObject) -> None:
    """Events serialized with random line endings, spacing and chunking decode back unchanged."""
    lines: list[str] = []
    if data.draw(st.booleans(), label="comment first"):
        lines.append(": hello")
    for event in events:
        if event.event != "message" or data.draw(st.booleans(), label="explicit message"):
            lines.append(f"event: {event.event}")
        if event.id is not None:
            lines.append(f"id: {event.id}")
        if event.retry is not None:
            lines.append(f"retry: {event.retry}")
        for part in event.data.split("\n"):
            tight = not part.startswith(" ") and data.draw(st.booleans(), label="no space")
            lines.append(f"data:{part}" if tight else f"data: {part}")
        lines.append("")
    if data.draw(st.booleans(), label="drop final blank line") and lines:
        lines.pop()
    text = ""
    previous = ""
    for line in lines:
        ending = data.draw(st.sampled_from(["\n", "\r\n", "\r"]), label="ending")
        if previous == "\r" and ending == "\n":
            # CR then LF would be one CRLF ending, merging two lines on the wire.
            ending = "\r\n"
        text += line + ending
        previous = ending
    payload = text.encode()
    if data.draw(st.booleans(), label="bom"):
        payload = b"\xef\xbb\xbf" + payload
    cuts = data.draw(st.lists(st.integers(0, len(payload)), max_size=20), label="cuts")
    bounds = [0, *sorted(cuts), len(payload)]
    chunks = [payload[a:b] for a, b in pairwise(bounds)]
    assert _decode(chunks) == events


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_huge_event_in_small_chunks(ending: bytes) -> None:
    """A 200 KB event fed 7 bytes at a time decodes intact (the decoder must stay linear)."""
    line = "0123456789abcdef€" * 10_000
    payload = b"event: big" + ending + b"data: " + line.encode() + ending
    payload += b"data: " + line[::-1].encode() + ending + ending
    assert len(payload) > 200_000
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for i in range(0, len(payload), 7):
        events += decoder.feed(payload[i : i + 7])
    assert events == [_ev(f"{line}\n{line[::-1]}", "big")]
    assert decoder.flush() == []
