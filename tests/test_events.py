"""One upstream event to one message's bytes: the same bytes and state on every path."""

from __future__ import annotations

from typing import Any

import pytest

from bridge import events
from bridge.sse import SSEDecoder, SSEEvent
from bridge.stream_state import StreamState
from tests.conftest import fixture_files


def _streams() -> list[Any]:
    streams = []
    for path in fixture_files("sse", "*.sse") + fixture_files("seeds", "*.sse"):
        decoder = SSEDecoder()
        streams.append(
            pytest.param(decoder.feed(path.read_bytes()) + decoder.flush(), id=path.name)
        )
    return streams


def _keep(payload: dict[str, Any]) -> dict[str, Any]:
    """A normalizer that changes nothing: the event goes the dict path's whole way."""
    return payload


def _translated(
    stream: list[SSEEvent], normalize: events.Normalize | None, raw: bool
) -> tuple[list[bytes | None], StreamState]:
    state = StreamState()
    sent = []
    for sse in stream:
        try:
            sent.append(events.translate_to_bytes(sse, state, normalize, raw))
        except events.BrokenStream:
            sent.append(None)
    return sent, state


@pytest.mark.parametrize("raw", [False, True], ids=["plain", "raw_json"])
@pytest.mark.parametrize("stream", _streams())
def test_a_recorded_stream_is_the_same_bytes_and_state_on_the_text_path(
    stream: list[SSEEvent], raw: bool
) -> None:
    """With or without the native reader of flat events, each message and the stream's
    end are the same: the message `translate` builds, serialized."""
    fast, fast_state = _translated(stream, None, raw)
    whole, whole_state = _translated(stream, _keep, raw)
    assert fast == whole
    expected = []
    state = StreamState()
    for sse in stream:
        message = events.translate(sse, state, None, raw)
        expected.append(None if message is None else message.SerializeToString())
    assert fast == expected
    for one in (fast_state, whole_state):
        assert (one.events, one.response_id, one.ended, one.failed) == (
            state.events,
            state.response_id,
            state.ended,
            state.failed,
        )
        assert one.finish() == state.finish()
        assert one.last_response == state.last_response


def test_an_error_event_is_scrubbed_however_flat() -> None:
    """A flat error event still goes the dict path, where registered secrets are redacted."""
    from bridge.redact import SECRETS

    secret = "operator-secret-flat-event-1234"
    SECRETS.add(secret)
    data = '{"type":"error","code":"bad","message":"key ' + secret + '","sequence_number":3}'
    sent = events.translate_to_bytes(
        SSEEvent("error", data, None, None), StreamState(), None, False
    )
    assert sent is not None and b"key " in sent and secret.encode() not in sent
