"""One Server-Sent Event of an upstream stream -> one ResponseStreamEvent message.

Pure: the servicer's per-event step, and the reading of a unary reply's JSON,
with the bridge's bounds. `translate` parses the event's JSON, refuses what
the client could not take (invalid JSON, not an object, nested deeper than
`MAX_JSON_DEPTH`), names an event by its SSE `event:` line when its JSON has
no type, redacts registered secrets from error events (and only those: model
output stays lossless), lets the profile normalize it, feeds the stream state,
and decodes the message; `translate_to_bytes` does the same and returns the
message serialized, as a stream sends it (most events never become a message
object: `codec.event_bytes_from_json`; where the native reader is built, a
flat event of a type the state needs no more of never becomes a dict either:
`codec.flat_event_encoder`, the same bytes). Every step here runs for every
event of every stream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from bridge import codec
from bridge.limits import MAX_JSON_DEPTH, json_too_deep
from bridge.redact import SECRETS, redact_json
from bridge.sse import SSEEvent
from bridge.stream_state import StreamState
from rbridge.responses.v1 import stream_events_pb2

__all__ = [
    "DONE",
    "BrokenStream",
    "Normalize",
    "loads",
    "too_deep",
    "translate",
    "translate_to_bytes",
]

DONE = "[DONE]"
# Events whose error may quote what the bridge sent: scanned for secrets.
_ERROR_EVENTS = frozenset({"error", "response.failed"})

Normalize = Callable[[dict[str, Any]], dict[str, Any]]
# An error event may quote a secret, scrubbed from its dict: never read as text alone.
_FLAT = codec.flat_event_encoder(_ERROR_EVENTS)


class BrokenStream(Exception):
    """The upstream sent bytes that are not a valid event stream."""


def translate(
    sse: SSEEvent, state: StreamState, normalize: Normalize | None, raw: bool
) -> stream_events_pb2.ResponseStreamEvent | None:
    """The message of one event (None for `[DONE]`); `raw` keeps its JSON in raw_json.

    Raises:
        BrokenStream: the event is not a JSON object the client could receive.
    """
    read = _read(sse, state, normalize)
    if read is None:
        return None
    event = codec.event_from_json(read[0])
    if raw:
        event.raw_json = read[1]
    return event


def translate_to_bytes(
    sse: SSEEvent, state: StreamState, normalize: Normalize | None, raw: bool
) -> bytes | None:
    """`translate`'s message serialized, as a stream sends it (most events are
    written without building the message, and where the native reader is built,
    without building their dict either).

    Raises:
        BrokenStream: the event is not a JSON object the client could receive.
    """
    if _FLAT is not None and normalize is None and not raw:
        flat = _FLAT(sse.data)
        if flat is not None and state.observe_type(flat[0]):
            return flat[1]
    read = _read(sse, state, normalize)
    if read is None:
        return None
    return codec.event_bytes_from_json(read[0], read[1] if raw else None)


def _read(
    sse: SSEEvent, state: StreamState, normalize: Normalize | None
) -> tuple[dict[str, Any], str] | None:
    """One event's JSON object, checked, named, scrubbed, normalized and observed,
    with the JSON text a client asking for raw JSON gets; None for `[DONE]`."""
    data = sse.data
    if data == DONE:
        return None
    try:
        payload = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if _depth_error(exc):
            raise BrokenStream(f"upstream event {state.events + 1}: {too_deep()}") from None
        raise BrokenStream(
            f"upstream sent invalid JSON in event {state.events + 1} ({sse.event}): {exc}"
        ) from None
    if type(payload) is not dict:
        raise BrokenStream(f"upstream event {state.events + 1} is not a JSON object")
    if json_too_deep(data, payload):
        raise BrokenStream(f"upstream event {state.events + 1}: {too_deep()}")
    if "type" not in payload and sse.event != "message":
        # Some gateways name the event only in the SSE "event:" line.
        payload["type"] = sse.event
    if payload["type"] in _ERROR_EVENTS and _scrub(payload):
        data = orjson.dumps(payload).decode()
    if normalize is not None:
        normalize(payload)
    state.observe(payload)
    return payload, data


def _scrub(payload: dict[str, Any]) -> bool:
    """Redact registered secrets (exact values only) from an error event's error;
    whether anything changed."""
    redactor = SECRETS.exact()
    if redactor.empty:
        return False
    if payload.get("type") == "error":
        return redact_json(payload, redactor)
    response = payload.get("response")
    error = response.get("error") if isinstance(response, dict) else None
    return isinstance(error, dict | list | str) and redact_json(response, redactor, ("error",))


def loads(body: bytes | str) -> Any:
    """A unary reply's JSON, within the bridge's depth limit.

    Raises:
        orjson.JSONDecodeError: the body is not JSON.
        codec.CodecError: it nests deeper than `MAX_JSON_DEPTH`.
    """
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if _depth_error(exc):
            raise codec.CodecError(too_deep()) from None
        raise
    if json_too_deep(body, payload):
        raise codec.CodecError(too_deep())
    return payload


def _depth_error(exc: orjson.JSONDecodeError) -> bool:
    """Whether orjson gave up for depth (past 1,024 levels), not for invalid JSON."""
    text = str(exc).lower()
    return "depth" in text or "recursion" in text


def too_deep() -> str:
    """The message of a JSON value past the depth limit."""
    return f"JSON nested deeper than {MAX_JSON_DEPTH} levels, the bridge's limit"
