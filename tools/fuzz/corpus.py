"""The seed corpus: recorded streams and JSON payloads from tests/fixtures, matched to RPCs.

Read as data (tools never import tests). A JSON payload is a base for a message type when
the bridge's own codec decodes it into that type with most of its keys known: so each
RPC gets its bases from the descriptors and the codec, and a new RPC whose request or
reply looks like a recorded payload is covered without new code. Streams are the
recorded ``.sse`` files, plus one synthetic stream carrying every example event of the
spec between a ``response.created`` and a ``response.completed``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf.descriptor import Descriptor, MethodDescriptor
from google.protobuf.message import Message

from bridge import codec
from bridge.upstream.profiles import OPENAI
from rbridge.responses.v1 import responses_service_pb2
from tools.fuzz.messages import Generator, message_class

__all__ = ["FIXTURES", "Corpus", "methods"]

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def methods() -> list[MethodDescriptor]:
    """Every method of every service of the contract's service file."""
    return [
        method
        for service in responses_service_pb2.DESCRIPTOR.services_by_name.values()
        for method in service.methods
    ]


@dataclass(frozen=True)
class Stream:
    """A recorded event stream: its name and bytes."""

    name: str
    data: bytes


def _known_keys(data: Any, descriptor: Descriptor) -> tuple[int, int]:
    """(top-level keys the message type knows, keys it does not) for a JSON object."""
    if not isinstance(data, dict):
        return 0, 1
    known = descriptor.fields_by_name
    hits = sum(1 for key in data if key in known and key != "extra_fields")
    return hits, len(data) - hits


def _json_files() -> list[tuple[str, Any]]:
    found = []
    for folder in ("json/requests", "json/responses", "json/objects", "seeds"):
        for path in sorted((FIXTURES / folder).glob("*.json")):
            try:
                found.append((path.name, json.loads(path.read_bytes())))
            except ValueError:
                continue
    return found


class Corpus:
    """Seed payloads per message type and the recorded streams."""

    def __init__(self) -> None:
        self.json = _json_files()
        self.streams = [
            Stream(path.name, path.read_bytes())
            for path in sorted(
                [*(FIXTURES / "sse").glob("*.sse"), *(FIXTURES / "seeds").glob("*.sse")]
            )
        ]
        events = FIXTURES / "events" / "spec-stream-event-examples.jsonl"
        if events.exists():
            self.streams.append(Stream("every-spec-event", _every_event_stream(events)))

    @functools.cache  # noqa: B019 - one corpus per process, kept for its life
    def payloads(self, descriptor: Descriptor) -> list[tuple[str, dict[str, Any]]]:
        """JSON objects that decode into `descriptor`'s type with more known keys than
        unknown ones (at least two known), best first."""
        scored = []
        for name, data in self.json:
            hits, misses = _known_keys(data, descriptor)
            if hits >= 2 and hits > misses:
                try:
                    codec.from_json(data, message_class(descriptor))
                except codec.CodecError:
                    continue
                scored.append((misses - hits, name, data))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [(name, data) for _, name, data in scored]

    def bases(self, descriptor: Descriptor) -> list[tuple[str, Message]]:
        """Seed messages of `descriptor`'s type: the matching payloads, decoded, and a
        minimal one built from the descriptor (so every type has at least one)."""
        cls = message_class(descriptor)
        found = [(name, codec.from_json(data, cls)) for name, data in self.payloads(descriptor)]
        return [*found, ("minimal", minimal(descriptor))]


def minimal(descriptor: Descriptor) -> Message:
    """The smallest message the bridge accepts, guessed from field names and types: a
    `model`, a text `input`, ids; everything else unset."""
    message = message_class(descriptor)()
    fields = descriptor.fields_by_name
    for name, value in (("model", "fuzz-model"), ("response_id", "resp_fuzz")):
        field = fields.get(name)
        if field is not None and field.message_type is None and not field.is_repeated:
            setattr(message, name, value)
    if "input" in fields and fields["input"].message_type is not None:
        holder = message.input  # type: ignore[attr-defined]
        text = holder.DESCRIPTOR.fields_by_name.get("text")
        if text is not None and text.message_type is None:
            holder.text = "hi"
    return message


def random_payload(descriptor: Descriptor, generator: Generator) -> dict[str, Any]:
    """A random reply of `descriptor`'s type, as JSON (when the corpus has none)."""
    data = codec.to_json(generator.message(descriptor))
    return data if isinstance(data, dict) else {}


def _every_event_stream(path: Path) -> bytes:
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    response = {
        "id": "resp_fuzz",
        "object": "response",
        "created_at": 1_700_000_000,
        "status": "in_progress",
        "model": "fuzz-model",
        "output": [],
    }
    terminal = OPENAI.success_events | OPENAI.failure_events
    body = [{"type": "response.created", "sequence_number": 0, "response": response}]
    body += [event for event in events if event.get("type") not in terminal]
    body.append(
        {
            "type": "response.completed",
            "sequence_number": len(body),
            "response": {**response, "status": "completed"},
        }
    )
    return b"".join(
        f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode() for event in body
    )
