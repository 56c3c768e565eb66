"""Serialized stream events -> the wire bytes of ResponseStreamEventBatch messages.

Pure. The batched streaming RPCs send, in one message, every event decoded
from one piece of the upstream's body. A batch's wire form is its events'
wire forms, each behind the tag of the `events` field and a length, so the
bytes are joined here rather than copied into a message and serialized again.
A batch ends before it would pass the send limit; an event over the limit
alone goes alone, for the edge to refuse as it refuses any oversized message.
"""

from __future__ import annotations

from collections.abc import Iterator

from bridge.codec.wire import LENGTH_DELIMITED, tag, tagged, varint
from rbridge.responses.v1 import stream_events_pb2

__all__ = ["batches"]

_EVENTS = stream_events_pb2.ResponseStreamEventBatch.DESCRIPTOR.fields_by_name["events"]
_TAG = tag(_EVENTS.number, LENGTH_DELIMITED)
# A one-byte length covers most events: their prefixes, cached.
_PREFIXES = tagged(_TAG)


def batches(events: list[bytes], limit: int) -> Iterator[bytes]:
    """The batch messages that carry `events` (serialized), in order, each at
    most `limit` bytes unless one event alone is larger."""
    parts: list[bytes] = []
    size = 0
    for data in events:
        n = len(data)
        prefix = _PREFIXES[n] if n < 128 else _TAG + varint(n)
        cost = len(prefix) + n
        if parts and size + cost > limit:
            yield b"".join(parts)
            parts = []
            size = 0
        parts.append(prefix)
        parts.append(data)
        size += cost
    if parts:
        yield b"".join(parts)
