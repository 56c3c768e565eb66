"""Realistic Responses API streams, and the shape of a stream a benchmark asks for.

`stream_events(deltas)` is one message answer as api.openai.com streams it (shapes as
recorded: ids, the obfuscation padding, the full Response in created/completed), with
`deltas` one-word text deltas: ``deltas + 8`` events. Every server of the benchmark
(the upstream, the bare and relay gRPC servers) sends exactly these events.

`Shape` is what a benchmark request asks of those servers: how many deltas, the pace
between them and whether the upstream closes its connection after the reply. It travels
in the request's ``metadata`` (the bridge forwards it upstream in the JSON body), so the
bridge under test needs no hook: `Shape.metadata` writes it, `Shape.parse` reads it.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = [
    "DELTA_TYPE",
    "MODEL",
    "PREPARE",
    "Shape",
    "final_response",
    "paced_delays",
    "render_sse",
    "sse_frame",
    "stream_events",
]

MODEL = "gpt-4.1-2025-04-14"
DELTA_TYPE = "response.output_text.delta"
# Events of a stream that are not text deltas: four before the first delta, four after.
FRAMING_EVENTS = 8

Event = dict[str, Any]
# A request whose metadata has this key (any value) only asks a server to build what
# it sends for that shape, so that the first measured call does not pay for it; the
# reply carries no event.
PREPARE = "bench_prepare"

_RESPONSE_ID = "resp_68c42d25f1c8819d9a3a0a8b2f4e5c6d0e1f2a3b4c5d6e7f"
_ITEM_ID = "msg_68c42d26866c819da8d5c606621c911608fbf9b1584184"  # 50 chars, as recorded
_WORDS = (
    " The",
    " bridge",
    " streams",
    " every",
    " token",
    " as",
    " soon",
    " as",
    " it",
    " arrives",
    ",",
    " so",
    " clients",
    " see",
    " text",
    " early",
    ".",
)


@dataclass(frozen=True)
class Shape:
    """A stream as a benchmark request asks for it.

    `deltas` text deltas; `pace` seconds between deltas (0: as fast as the socket
    takes them, the upstream in 64 KiB writes); `close`: the upstream ends its
    connection after the reply (every call then opens a new one).
    """

    deltas: int
    pace: float = 0.0
    close: bool = False

    @property
    def events(self) -> int:
        """How many events the stream has."""
        return self.deltas + FRAMING_EVENTS

    def metadata(self) -> dict[str, str]:
        """The request metadata that asks for this shape."""
        return {
            "bench_deltas": str(self.deltas),
            "bench_pace_ms": f"{self.pace * 1e3:g}",
            "bench_close": "1" if self.close else "0",
        }

    @classmethod
    def parse(cls, metadata: Mapping[str, Any] | None, default_deltas: int = 20) -> Shape:
        """The shape a request's metadata asks for; defaults where a key is missing."""
        metadata = metadata or {}
        try:
            deltas = int(metadata.get("bench_deltas", default_deltas))
            pace = float(metadata.get("bench_pace_ms", 0)) / 1e3
        except (TypeError, ValueError):
            return cls(default_deltas)
        return cls(max(1, deltas), max(0.0, pace), metadata.get("bench_close") == "1")


def _obfuscations(count: int) -> list[str]:
    rng = random.Random(20250914)
    alphabet = string.ascii_letters + string.digits
    return ["".join(rng.choices(alphabet, k=rng.randint(2, 15))) for _ in range(count)]


def _deltas(count: int) -> Iterator[str]:
    yield "Sure"
    for i in range(1, count):
        yield _WORDS[i % len(_WORDS)]


def _response(*, done: bool, text: str, output_tokens: int) -> Event:
    output = []
    if done:
        output = [
            {
                "id": _ITEM_ID,
                "type": "message",
                "status": "completed",
                "content": [
                    {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
                ],
                "role": "assistant",
            }
        ]
    return {
        "id": _RESPONSE_ID,
        "object": "response",
        "created_at": 1757686053,
        "status": "completed" if done else "in_progress",
        "background": False,
        "completed_at": 1757686061 if done else None,
        "error": None,
        "incomplete_details": None,
        "instructions": "Follow the user instructions exactly.",
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": MODEL,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default" if done else "auto",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": {
            "input_tokens": 21,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 21 + output_tokens,
        }
        if done
        else None,
        "user": None,
        "metadata": {},
    }


def final_response(deltas: int = 20) -> Event:
    """The completed Response of `stream_events(deltas)`: what a unary call returns."""
    text = "".join(_deltas(deltas))
    return _response(done=True, text=text, output_tokens=deltas)


def stream_events(deltas: int) -> Iterator[Event]:
    """One message answer of `deltas` one-word text deltas: deltas + 8 events."""
    seq = iter(range(deltas + FRAMING_EVENTS))
    for kind in ("response.created", "response.in_progress"):
        yield {
            "type": kind,
            "sequence_number": next(seq),
            "response": _response(done=False, text="", output_tokens=0),
        }
    yield {
        "type": "response.output_item.added",
        "sequence_number": next(seq),
        "output_index": 0,
        "item": {
            "id": _ITEM_ID,
            "type": "message",
            "status": "in_progress",
            "content": [],
            "role": "assistant",
        },
    }
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
    yield {
        "type": "response.content_part.added",
        "sequence_number": next(seq),
        "item_id": _ITEM_ID,
        "output_index": 0,
        "content_index": 0,
        "part": part,
    }
    pads = _obfuscations(97)
    words: list[str] = []
    for i, delta in enumerate(_deltas(deltas)):
        words.append(delta)
        yield {
            "type": DELTA_TYPE,
            "sequence_number": next(seq),
            "item_id": _ITEM_ID,
            "output_index": 0,
            "content_index": 0,
            "delta": delta,
            "logprobs": [],
            "obfuscation": pads[i % len(pads)],
        }
    text = "".join(words)
    yield {
        "type": "response.output_text.done",
        "sequence_number": next(seq),
        "item_id": _ITEM_ID,
        "output_index": 0,
        "content_index": 0,
        "text": text,
        "logprobs": [],
    }
    yield {
        "type": "response.content_part.done",
        "sequence_number": next(seq),
        "item_id": _ITEM_ID,
        "output_index": 0,
        "content_index": 0,
        "part": {**part, "text": text},
    }
    completed = final_response(deltas)
    yield {
        "type": "response.output_item.done",
        "sequence_number": next(seq),
        "output_index": 0,
        "item": completed["output"][0],
    }
    yield {"type": "response.completed", "sequence_number": next(seq), "response": completed}


def paced_delays(shape: Shape) -> list[float]:
    """Seconds after the start of a stream at which each of its events is due.

    The four opening events at once, then one delta every `shape.pace` seconds, the
    closing events with the last delta: the pace of a model generating text. Every
    server of a benchmark sends on this one schedule.
    """
    opening = FRAMING_EVENTS // 2
    due = [0.0] * opening
    due += [index * shape.pace for index in range(shape.deltas)]
    due += [due[-1]] * (FRAMING_EVENTS - opening)
    return due


def sse_frame(event: Event) -> bytes:
    """One event as OpenAI sends it: an ``event:`` line, a ``data:`` line, a blank line."""
    return b"event: %s\ndata: %s\n\n" % (event["type"].encode(), orjson.dumps(event))


def render_sse(deltas: int) -> bytes:
    """The whole SSE body of `stream_events(deltas)`."""
    return b"".join(sse_frame(event) for event in stream_events(deltas))
