"""codec: what each step of translating one event costs, in this process.

`codec.from_json` of a text delta and of a completed event, `orjson.loads` of a delta,
the SSE decoder over 10,000 deltas (one chunk, then 64 KiB chunks), the whole per-event
step of a stream (`bridge.events.translate_to_bytes`: JSON, bounds, stream state, the
serialized message, for a delta without building it) and the same step with a message
object (`translate` then `SerializeToString`), and for scale the protobuf work every
server does (`SerializeToString`) and `codec.to_json`. Each is
the minimum over repeats of `timeit`, in this thread's CPU time, so that other
processes on a busy machine do not inflate it.
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable
from dataclasses import asdict, dataclass

import orjson

from bridge import codec
from bridge.sse import SSEDecoder
from rbridge.responses.v1 import stream_events_pb2
from tools.bench.context import Context
from tools.bench.report import Report, table
from tools.harness.events import DELTA_TYPE, sse_frame, stream_events
from tools.harness.sse_upstream import WRITE_BYTES

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "run"]

NAME = "codec"
# The shared servers it uses (`Context.servers`).
SERVERS = ()
SSE_EVENTS = 10_000


@dataclass(frozen=True)
class Size:
    """How much the workload does."""

    number: int
    repeat: int
    budget: float


SIZES = {
    "full": Size(number=20_000, repeat=5, budget=60),
    "quick": Size(number=2_000, repeat=3, budget=20),
    "smoke": Size(number=20, repeat=1, budget=10),
}


def _cases(number: int) -> tuple[list[tuple[str, Callable[[], object], int, int]], list[str]]:
    """(name, callable, events per call, calls per timing) of each step; notes."""
    kind = stream_events_pb2.ResponseStreamEvent
    short = list(stream_events(20))
    delta, completed = short[4], short[-1]
    delta_bytes = orjson.dumps(delta)
    delta_message = codec.from_json(delta, kind)
    completed_message = codec.from_json(completed, kind)
    blob = b"".join(
        sse_frame(event) for event in stream_events(SSE_EVENTS) if event["type"] == DELTA_TYPE
    )
    pieces = [blob[i : i + WRITE_BYTES] for i in range(0, len(blob), WRITE_BYTES)]

    def feed_whole() -> None:
        SSEDecoder().feed(blob)

    def feed_pieces() -> None:
        decoder = SSEDecoder()
        for piece in pieces:
            decoder.feed(piece)

    cases: list[tuple[str, Callable[[], object], int, int]] = [
        ("codec.from_json(delta)", lambda: codec.from_json(delta, kind), 1, number),
        (
            "codec.from_json(completed)",
            lambda: codec.from_json(completed, kind),
            1,
            max(1, number // 10),
        ),
        ("orjson.loads(delta bytes)", lambda: orjson.loads(delta_bytes), 1, number),
        ("SSEDecoder.feed, one big chunk", feed_whole, SSE_EVENTS, 1),
        ("SSEDecoder.feed, 64 KiB chunks", feed_pieces, SSE_EVENTS, 1),
        ("SerializeToString(delta)", delta_message.SerializeToString, 1, number),
        ("SerializeToString(completed)", completed_message.SerializeToString, 1, number),
        ("codec.to_json(delta message)", lambda: codec.to_json(delta_message), 1, number),
    ]
    notes: list[str] = []
    # The servicer's whole per-event step; its signature may change as the bridge does.
    try:
        from bridge.events import translate, translate_to_bytes
        from bridge.sse import SSEEvent
        from bridge.stream_state import StreamState

        sse = SSEEvent(DELTA_TYPE, delta_bytes.decode(), None, None)
        state = StreamState()
        translate_to_bytes(sse, state, None, False)
    except Exception as exc:
        notes.append(f"events.translate_to_bytes skipped: {type(exc).__name__}: {exc}")
    else:

        def with_message() -> object:
            event = translate(sse, state, None, False)
            return None if event is None else event.SerializeToString()

        cases += [
            (
                "events.translate_to_bytes(delta), the whole step",
                lambda: translate_to_bytes(sse, state, None, False),
                1,
                number,
            ),
            ("events.translate(delta) + SerializeToString", with_message, 1, number),
        ]
    return cases, notes


async def run(ctx: Context, size: Size) -> Report:
    """Time each step; its report."""
    report = Report(NAME, "cost per event of each translation step (µs of CPU)")
    cases, notes = _cases(size.number)
    results: dict[str, float] = {}
    for name, step, events, calls in cases:
        best = min(timeit.repeat(step, timer=time.thread_time, number=calls, repeat=size.repeat))
        results[name] = best / calls / events * 1e6
    report.figures = {"size": asdict(size), "us_per_event": results}
    report.add(
        f"(min of {size.repeat} timeit repeats, this thread's CPU time)",
        *table(["us/event"], [(name, [f"{micros:.2f}"]) for name, micros in results.items()]),
        *notes,
    )
    return report
